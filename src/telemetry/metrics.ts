/**
 * Prometheus metrics (prom-client), served at GET /metrics. Per-invocation counters and
 * histograms are updated from the invoker's commit hook (`observe`: in memory, a few map lookups);
 * gauges (concurrency, provisioned utilisation, async queue depth and age, environments) are read
 * from their sources when scraped. Each server has its own registry.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MeteringRecord } from '../control/model.ts';
import type { AsyncEventMetric } from '../invoke/async-queue.ts';

export interface MetricsSources {
  functionNames(): string[];
  functionConcurrency(name: string): number;
  accountConcurrency(): number;
  accountLimit(): number;
  provisioned(): { functionName: string; version: string; allocated: number; busy: number }[];
  asyncQueue(): { functionName: string; depth: number; oldestEnqueuedAt: number }[];
  environments(): { total: number; idle: number };
}

const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];
const INIT_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Error types are chosen by function code: keep label values bounded. */
const MAX_ERROR_TYPE = 64;

interface Children {
  invocations: Counter.Internal;
  throttles: Counter.Internal;
  coldStarts: Counter.Internal;
  gbSeconds: Counter.Internal;
  duration: Histogram.Internal<'function' | 'version'>;
  init: Histogram.Internal<'function' | 'version'>;
}

export class Metrics {
  readonly registry = new Registry();
  private invocations;
  private errors;
  private throttles;
  private coldStarts;
  private gbSeconds;
  private duration;
  private init;
  private asyncEvents;
  private children = new Map<string, Children>();

  constructor(src: MetricsSources) {
    const registers = [this.registry];
    const fv = ['function', 'version'] as const;
    this.invocations = new Counter({
      name: 'gust_invocations_total',
      help: 'Invocations that ran (errors included, throttles excluded)',
      labelNames: fv,
      registers,
    });
    this.errors = new Counter({
      name: 'gust_errors_total',
      help: 'Invocations that ended in an error, by error type (function errors, timeouts, crashes, init errors)',
      labelNames: [...fv, 'error_type'],
      registers,
    });
    this.throttles = new Counter({
      name: 'gust_throttles_total',
      help: 'Invocation requests rejected by a concurrency limit',
      labelNames: fv,
      registers,
    });
    this.coldStarts = new Counter({
      name: 'gust_cold_starts_total',
      help: 'Invocations that started a new execution environment',
      labelNames: fv,
      registers,
    });
    this.gbSeconds = new Counter({
      name: 'gust_billed_gb_seconds_total',
      help: 'Billed duration × memory size, in GB-seconds',
      labelNames: fv,
      registers,
    });
    this.duration = new Histogram({
      name: 'gust_invocation_duration_seconds',
      help: 'Invocation duration (init excluded)',
      labelNames: fv,
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.init = new Histogram({
      name: 'gust_init_duration_seconds',
      help: 'Init duration of cold starts',
      labelNames: fv,
      buckets: INIT_BUCKETS,
      registers,
    });

    this.asyncEvents = new Counter({
      name: 'gust_async_events_total',
      help:
        'Asynchronous events by what happened: received (accepted), dropped (failed for good: retries ' +
        'exhausted or too old; sent on to a dead-letter queue or OnFailure destination if configured), ' +
        'dead_letter_error (the dead-letter queue could not take it), destination_delivery_failure',
      labelNames: ['function', 'event'],
      registers,
    });
    new Gauge({
      name: 'gust_concurrent_executions',
      help: 'Busy execution environments of the function',
      labelNames: ['function'],
      registers,
      collect() {
        this.reset();
        for (const name of src.functionNames()) this.set({ function: name }, src.functionConcurrency(name));
      },
    });
    new Gauge({
      name: 'gust_account_concurrent_executions',
      help: 'Busy execution environments across all functions',
      registers,
      collect() {
        this.set(src.accountConcurrency());
      },
    });
    new Gauge({
      name: 'gust_account_concurrency_limit',
      help: 'Account concurrency limit',
      registers,
      collect() {
        this.set(src.accountLimit());
      },
    });
    const provisioned = (): Map<string, { functionName: string; version: string; allocated: number; busy: number }> => {
      const m = new Map<string, { functionName: string; version: string; allocated: number; busy: number }>();
      for (const p of src.provisioned()) {
        const key = `${p.functionName}\0${p.version}`;
        const cur = m.get(key) ?? { functionName: p.functionName, version: p.version, allocated: 0, busy: 0 };
        cur.allocated += p.allocated;
        cur.busy += p.busy;
        m.set(key, cur);
      }
      return m;
    };
    new Gauge({
      name: 'gust_provisioned_concurrency_allocated',
      help: 'Provisioned-concurrency environments initialised',
      labelNames: fv,
      registers,
      collect() {
        this.reset();
        for (const p of provisioned().values()) this.set({ function: p.functionName, version: p.version }, p.allocated);
      },
    });
    new Gauge({
      name: 'gust_provisioned_concurrency_busy',
      help: 'Provisioned-concurrency environments serving an invocation',
      labelNames: fv,
      registers,
      collect() {
        this.reset();
        for (const p of provisioned().values()) this.set({ function: p.functionName, version: p.version }, p.busy);
      },
    });
    new Gauge({
      name: 'gust_provisioned_concurrency_utilization',
      help: 'Busy / allocated provisioned-concurrency environments (0..1)',
      labelNames: fv,
      registers,
      collect() {
        this.reset();
        for (const p of provisioned().values()) {
          this.set({ function: p.functionName, version: p.version }, p.allocated ? p.busy / p.allocated : 0);
        }
      },
    });
    new Gauge({
      name: 'gust_async_queue_depth',
      help: 'Asynchronous events accepted and not yet finished',
      labelNames: ['function'],
      registers,
      collect() {
        this.reset();
        for (const q of src.asyncQueue()) this.set({ function: q.functionName }, q.depth);
      },
    });
    new Gauge({
      name: 'gust_async_oldest_event_age_seconds',
      help: 'Age of the oldest asynchronous event in the queue',
      labelNames: ['function'],
      registers,
      collect() {
        this.reset();
        const now = Date.now();
        for (const q of src.asyncQueue()) {
          this.set({ function: q.functionName }, Math.max(0, now - q.oldestEnqueuedAt) / 1000);
        }
      },
    });
    new Gauge({
      name: 'gust_environments',
      help: 'Execution environments by state',
      labelNames: ['state'],
      registers,
      collect() {
        const e = src.environments();
        this.set({ state: 'idle' }, e.idle);
        this.set({ state: 'busy' }, Math.max(0, e.total - e.idle));
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: 'gust_' });
  }

  private of(functionName: string, version: string): Children {
    const key = `${functionName}\0${version}`;
    let c = this.children.get(key);
    if (!c) {
      const l = { function: functionName, version };
      c = {
        invocations: this.invocations.labels(l),
        throttles: this.throttles.labels(l),
        coldStarts: this.coldStarts.labels(l),
        gbSeconds: this.gbSeconds.labels(l),
        duration: this.duration.labels(l),
        init: this.init.labels(l),
      };
      this.children.set(key, c);
    }
    return c;
  }

  /** One committed invocation (the invoker's hook): memory only. */
  observe(m: MeteringRecord): void {
    const c = this.of(m.functionName, m.version);
    if (m.outcome === 'throttle') {
      c.throttles.inc();
      return;
    }
    c.invocations.inc();
    c.duration.observe(m.durationMs / 1000);
    c.gbSeconds.inc((m.billedDurationMs / 1000) * (m.memorySizeMb / 1024));
    if (m.cold) c.coldStarts.inc();
    if (m.initDurationMs !== null) c.init.observe(m.initDurationMs / 1000);
    if (m.outcome !== 'success') {
      const type = (m.errorType ?? m.outcome).slice(0, MAX_ERROR_TYPE);
      this.errors.inc({ function: m.functionName, version: m.version, error_type: type });
    }
  }

  /** An asynchronous event's fate (the async queue's hook). */
  asyncEvent(functionName: string, event: AsyncEventMetric): void {
    this.asyncEvents.inc({ function: functionName, event });
  }

  contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
