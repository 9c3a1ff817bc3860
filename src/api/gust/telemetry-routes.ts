/**
 * Telemetry API: Prometheus metrics (GET /metrics), per-period time series computed from the
 * metering ledger (GET /gust/v1/metrics) and the billing report (GET /gust/v1/billing).
 */
import type { FastifyInstance } from 'fastify';
import { GustError } from '../../errors.ts';
import { buildReport } from '../../telemetry/billing.ts';
import type { SeriesBucket } from '../../telemetry/telemetry-store.ts';
import type { Telemetry } from '../../telemetry/telemetry.ts';
import { parseTime } from '../../telemetry/time.ts';

/** Most buckets one time-series request may ask for. */
export const MAX_BUCKETS = 10_000;

/** Longest period: 366 days. */
export const MAX_PERIOD_S = 366 * 86_400;

/** Metric names accepted by `metric=` (fields of a bucket). */
export const SERIES_METRICS = [
  'invocations',
  'errors',
  'errorTypes',
  'throttles',
  'coldStarts',
  'p50',
  'p90',
  'p99',
  'avgDuration',
  'maxDuration',
  'avgInitDuration',
  'maxConcurrency',
  'billedMs',
  'gbSeconds',
  'provisionedUtilization',
] as const;

const emptyBucket = (start: number): SeriesBucket => ({
  start,
  invocations: 0,
  errors: 0,
  errorTypes: {},
  throttles: 0,
  coldStarts: 0,
  p50: null,
  p90: null,
  p99: null,
  avgDuration: null,
  maxDuration: null,
  avgInitDuration: null,
  maxConcurrency: null,
  billedMs: 0,
  gbSeconds: 0,
  provisionedUtilization: null,
});

function time(v: string | undefined, field: string, now: number): number | undefined {
  const t = parseTime(v, now);
  if (t !== undefined && !Number.isFinite(t)) {
    throw new GustError(
      'GUST_INVALID_PARAMETER',
      `${field} must be a unix time in ms, an ISO date or an age (15m, 2h, 30d)`,
    );
  }
  return t;
}

function window(q: Record<string, string | undefined>, defaultSpanMs: number): { since: number; until: number } {
  const now = Date.now();
  const until = time(q.until, 'until', now) ?? now;
  const since = time(q.since, 'since', now) ?? until - defaultSpanMs;
  if (since >= until) throw new GustError('GUST_INVALID_PARAMETER', 'since must be before until');
  return { since, until };
}

export function registerTelemetryRoutes(app: FastifyInstance, telemetry: Telemetry): void {
  app.get('/metrics', async (_req, reply) => {
    const text = await telemetry.metrics.text();
    return reply.type(telemetry.metrics.contentType()).send(text);
  });

  app.get('/gust/v1/metrics', async (req) => {
    const q = req.query as Record<string, string | undefined>;
    const period = q.period === undefined || q.period === '' ? 60 : Number(q.period);
    if (!Number.isInteger(period) || period < 1 || period > MAX_PERIOD_S) {
      throw new GustError(
        'GUST_INVALID_PARAMETER',
        `period must be a whole number of seconds from 1 to ${MAX_PERIOD_S}`,
      );
    }
    const metric = q.metric || undefined;
    if (metric !== undefined && !(SERIES_METRICS as readonly string[]).includes(metric)) {
      throw new GustError('GUST_INVALID_PARAMETER', `metric must be one of ${SERIES_METRICS.join(', ')}`);
    }
    const periodMs = period * 1000;
    const w = window(q, 3_600_000);
    // Buckets are aligned to multiples of the period (unix time), like CloudWatch's.
    const since = Math.floor(w.since / periodMs) * periodMs;
    const count = Math.ceil((w.until - since) / periodMs);
    if (count > MAX_BUCKETS) {
      throw new GustError(
        'GUST_INVALID_PARAMETER',
        `the window holds ${count} periods of ${period} s; at most ${MAX_BUCKETS}: use a longer period`,
      );
    }
    const rows = telemetry.store.series({
      functionName: q.function || undefined,
      version: q.version || undefined,
      since,
      until: w.until,
      periodMs,
    });
    const byStart = new Map(rows.map((r) => [r.start, r]));
    const buckets: Record<string, unknown>[] = [];
    for (let i = 0; i < count; i++) {
      const start = since + i * periodMs;
      const b = byStart.get(start) ?? emptyBucket(start);
      buckets.push(metric ? { start, [metric]: b[metric as keyof SeriesBucket] } : { ...b });
    }
    return {
      function: q.function || null,
      version: q.version || null,
      since,
      until: w.until,
      period,
      ...(metric ? { metric } : {}),
      buckets,
    };
  });

  app.get('/gust/v1/billing', async (req) => {
    const q = req.query as Record<string, string | undefined>;
    const w = window(q, 30 * 86_400_000);
    const usage = telemetry.store.usage(w.since, w.until);
    return { ...buildReport(usage, telemetry.prices, w, q.function || undefined), usage };
  });
}
