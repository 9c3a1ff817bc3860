/** Aggregations over metering records (the console's fallback when /gust/v1/metrics is absent). */
import type { MeteringRecord } from './api.ts';

export const isThrottle = (r: MeteringRecord): boolean => r.outcome === 'throttle';
export const isError = (r: MeteringRecord): boolean => r.outcome !== 'success' && r.outcome !== 'throttle';

export interface Health {
  invocations: number;
  errors: number;
  throttles: number;
  cold: number;
  lastInvoked?: number;
  p50?: number;
  p95?: number;
}

function quantile(sorted: number[], q: number): number | undefined {
  if (!sorted.length) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

export function health(records: MeteringRecord[]): Health {
  const runs = records.filter((r) => !isThrottle(r));
  const d = runs.map((r) => r.durationMs).sort((a, b) => a - b);
  return {
    invocations: runs.length,
    errors: runs.filter(isError).length,
    throttles: records.length - runs.length,
    cold: runs.filter((r) => r.cold).length,
    lastInvoked: records.reduce<number | undefined>(
      (m, r) => (m === undefined || r.startTime > m ? r.startTime : m),
      undefined,
    ),
    p50: quantile(d, 0.5),
    p95: quantile(d, 0.95),
  };
}

export function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}

export interface Buckets {
  times: number[];
  step: number;
  invocations: number[];
  successes: number[];
  errors: number[];
  throttles: number[];
  cold: number[];
  p50: (number | null)[];
  p95: (number | null)[];
  max: (number | null)[];
}

/** Buckets of `step` ms from `from` to `to`. */
export function bucketize(records: MeteringRecord[], from: number, to: number, step: number): Buckets {
  const n = Math.max(1, Math.ceil((to - from) / step));
  const times = Array.from({ length: n }, (_, i) => from + i * step);
  const per: MeteringRecord[][] = times.map(() => []);
  for (const r of records) {
    const i = Math.floor((r.startTime - from) / step);
    if (i >= 0 && i < n) per[i]!.push(r);
  }
  const b: Buckets = {
    times,
    step,
    invocations: [],
    successes: [],
    errors: [],
    throttles: [],
    cold: [],
    p50: [],
    p95: [],
    max: [],
  };
  for (const list of per) {
    const h = health(list);
    const d = list.filter((r) => !isThrottle(r)).map((r) => r.durationMs);
    b.invocations.push(h.invocations);
    b.errors.push(h.errors);
    b.successes.push(h.invocations - h.errors);
    b.throttles.push(h.throttles);
    b.cold.push(h.cold);
    b.p50.push(h.p50 ?? null);
    b.p95.push(h.p95 ?? null);
    b.max.push(d.length ? Math.max(...d) : null);
  }
  return b;
}

export const RANGES: Record<string, { ms: number; step: number; label: string }> = {
  '15m': { ms: 15 * 60_000, step: 30_000, label: 'last 15 minutes' },
  '1h': { ms: 3_600_000, step: 60_000, label: 'last hour' },
  '6h': { ms: 6 * 3_600_000, step: 5 * 60_000, label: 'last 6 hours' },
  '24h': { ms: 86_400_000, step: 15 * 60_000, label: 'last 24 hours' },
  '7d': { ms: 7 * 86_400_000, step: 2 * 3_600_000, label: 'last 7 days' },
};

/** GB-seconds of billed compute, as Lambda bills it. */
export const gbSeconds = (r: MeteringRecord): number => (r.billedDurationMs / 1000) * (r.memorySizeMb / 1024);
