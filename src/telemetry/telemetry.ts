/**
 * Telemetry composition: Prometheus metrics, the telemetry queries over the ledger, the
 * provisioned-concurrency ledger timer, the price table, and metering retention. Built by
 * server.ts from callbacks (no imports of placement/control: telemetry stays a leaf module).
 */
import type Database from 'better-sqlite3';
import { loadPrices, type PriceTable } from './billing.ts';
import { Metrics, type MetricsSources } from './metrics.ts';
import { ProvisionedMeter, type ProvisionedSample } from './provisioned-meter.ts';
import { SqliteTelemetryStore, type TelemetryStore } from './telemetry-store.ts';

export interface TelemetryOptions {
  db: Database.Database;
  sources: MetricsSources;
  /** Provisioned environments per pool, for the provisioned ledger. */
  provisioned: () => ProvisionedSample[];
  intervalMs: number;
  meteringRetentionDays: number;
  pricesFile?: string;
}

export class Telemetry {
  readonly metrics: Metrics;
  readonly store: TelemetryStore;
  readonly prices: PriceTable;
  readonly meter: ProvisionedMeter;

  constructor(private o: TelemetryOptions) {
    this.prices = loadPrices(o.pricesFile);
    this.store = new SqliteTelemetryStore(o.db);
    this.metrics = new Metrics(o.sources);
    this.meter = new ProvisionedMeter({ usage: o.provisioned, store: this.store, intervalMs: o.intervalMs });
  }

  start(): void {
    this.meter.start();
  }

  /** Write the partial provisioned interval (call before the store closes). */
  stop(): void {
    this.meter.stop();
  }

  /** Metering retention: drop ledger rows older than the configured days (0 = keep forever). */
  prune(now = Date.now()): number {
    if (this.o.meteringRetentionDays <= 0) return 0;
    return this.store.deleteOlderThan(now - this.o.meteringRetentionDays * 86_400_000);
  }
}
