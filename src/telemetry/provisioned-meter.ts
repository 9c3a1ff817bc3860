/**
 * The provisioned-concurrency ledger: samples every pool's allocated and busy provisioned
 * environments every few seconds and writes one durable record per function version and interval
 * (default one minute): environment-milliseconds allocated and busy, the most allocated. Billing
 * prices allocated GB-seconds from it; the time series shows utilisation. The partial interval is
 * written on stop.
 */
import type { FunctionVersion } from '../control/model.ts';
import type { ProvisionedInterval, TelemetryStore } from './telemetry-store.ts';

export interface ProvisionedSample {
  fn: FunctionVersion;
  allocated: number;
  busy: number;
}

interface Acc {
  functionName: string;
  version: string;
  architecture: string;
  memoryMb: number;
  allocatedMax: number;
  allocatedMs: number;
  busyMs: number;
}

export interface ProvisionedMeterOptions {
  usage: () => ProvisionedSample[];
  store: Pick<TelemetryStore, 'recordProvisioned'>;
  intervalMs: number;
  sampleMs?: number;
  now?: () => number;
}

const keyOf = (s: ProvisionedSample): string =>
  `${s.fn.functionName}\0${s.fn.version}\0${s.fn.architectures[0] ?? 'x86_64'}\0${s.fn.memorySize}`;

export class ProvisionedMeter {
  private acc = new Map<string, Acc>();
  /** State seen at the last sample: it is taken to hold until the next one. */
  private last: ProvisionedSample[] = [];
  private lastAt = 0;
  private intervalStart = 0;
  private sampler?: NodeJS.Timeout;
  private flusher?: NodeJS.Timeout;
  private now: () => number;

  constructor(private o: ProvisionedMeterOptions) {
    this.now = o.now ?? Date.now;
  }

  start(): void {
    const now = this.now();
    this.lastAt = now;
    this.intervalStart = now;
    this.last = this.o.usage();
    const sampleMs = this.o.sampleMs ?? Math.max(50, Math.min(5000, Math.floor(this.o.intervalMs / 6)));
    this.sampler = setInterval(() => this.sample(), sampleMs);
    this.sampler.unref();
    this.flusher = setInterval(() => this.flush(), this.o.intervalMs);
    this.flusher.unref();
  }

  stop(): void {
    if (this.sampler) clearInterval(this.sampler);
    if (this.flusher) clearInterval(this.flusher);
    this.sampler = this.flusher = undefined;
    this.flush();
  }

  /** Account the time since the last sample to the state seen then; remember the state now. */
  sample(now = this.now()): void {
    const dt = Math.max(0, now - this.lastAt);
    for (const s of this.last) {
      if (s.allocated <= 0 && s.busy <= 0) continue;
      const key = keyOf(s);
      const a = this.acc.get(key) ?? {
        functionName: s.fn.functionName,
        version: s.fn.version,
        architecture: s.fn.architectures[0] ?? 'x86_64',
        memoryMb: s.fn.memorySize,
        allocatedMax: 0,
        allocatedMs: 0,
        busyMs: 0,
      };
      a.allocatedMax = Math.max(a.allocatedMax, s.allocated);
      a.allocatedMs += s.allocated * dt;
      a.busyMs += Math.min(s.busy, s.allocated) * dt;
      this.acc.set(key, a);
    }
    this.lastAt = now;
    this.last = this.o.usage();
  }

  /** Write the interval's records (one per function version that had provisioned concurrency). */
  flush(now = this.now()): ProvisionedInterval[] {
    this.sample(now);
    const rows: ProvisionedInterval[] = [...this.acc.values()]
      .filter((a) => a.allocatedMs > 0)
      .map((a) => ({ ...a, startTime: this.intervalStart, endTime: now }));
    this.acc.clear();
    this.intervalStart = now;
    if (rows.length) this.o.store.recordProvisioned(rows);
    return rows;
  }
}
