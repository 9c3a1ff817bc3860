/**
 * Turns metric data into chart specs. Sources, best first:
 * 1. /gust/v1/metrics buckets in Gust's telemetry shape ({ start, invocations, errors, throttles,
 *    coldStarts, p50, p90, p99, maxDuration, maxConcurrency, ... } per period, sparse);
 * 2. any other /gust/v1/metrics answer holding an array of { <time>, <numbers> } points, or named
 *    series ({ name, points: [[t, v]] }): one chart per numeric field;
 * 3. metering records, bucketed in the browser.
 */
import type { MeteringRecord } from './api.ts';
import { ms, num } from './format.ts';
import { bucketize } from './stats.ts';

export interface ChartSpec {
  title: string;
  kind: 'bars' | 'lines';
  integer?: boolean;
  format: (v: number) => string;
  series: { name: string; color: string; values: (number | null)[] }[];
}

export interface Charts {
  times: number[];
  step: number;
  charts: ChartSpec[];
}

const count = (v: number) => num(v);
const C = {
  ok: '#2563eb',
  err: '#dc2626',
  thr: '#d97706',
  p50: '#059669',
  p90: '#7c3aed',
  p99: '#db2777',
  max: '#9ca3af',
  cold: '#0891b2',
  conc: '#4b5563',
};
const PALETTE = ['#2563eb', '#dc2626', '#d97706', '#059669', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function grid(since: number, end: number, step: number): number[] {
  return Array.from({ length: Math.max(1, Math.ceil((end - since) / step)) }, (_, i) => since + i * step);
}

export function fromMetering(records: MeteringRecord[], since: number, end: number, step: number): Charts {
  const b = bucketize(records, since, end, step);
  return {
    times: b.times,
    step,
    charts: [
      {
        title: 'Invocations',
        kind: 'bars',
        integer: true,
        format: count,
        series: [
          { name: 'success', color: C.ok, values: b.successes },
          { name: 'errors', color: C.err, values: b.errors },
          { name: 'throttles', color: C.thr, values: b.throttles },
        ],
      },
      {
        title: 'Duration',
        kind: 'lines',
        format: ms,
        series: [
          { name: 'p50', color: C.p50, values: b.p50 },
          { name: 'p95', color: C.p90, values: b.p95 },
          { name: 'max', color: C.max, values: b.max },
        ],
      },
      {
        title: 'Cold starts',
        kind: 'bars',
        integer: true,
        format: count,
        series: [{ name: 'cold starts', color: C.cold, values: b.cold }],
      },
    ],
  };
}

// ---- 1. Gust's telemetry buckets ----

function findBuckets(json: unknown, depth = 0): Record<string, unknown>[] | undefined {
  if (Array.isArray(json)) {
    return json.length &&
      json.every((b) => isObj(b) && typeof b.start === 'number' && typeof b.invocations === 'number')
      ? (json as Record<string, unknown>[])
      : undefined;
  }
  if (!isObj(json) || depth > 2) return undefined;
  for (const k of ['buckets', 'series', 'points', 'data', 'metrics']) {
    const found = findBuckets(json[k], depth + 1);
    if (found) return found;
  }
  return undefined;
}

function fromTelemetry(buckets: Record<string, unknown>[], since: number, end: number, step: number): Charts {
  const times = grid(since, end, step);
  const field = (name: string, combine: 'sum' | 'max'): (number | null)[] => {
    const out: (number | null)[] = times.map(() => null);
    for (const b of buckets) {
      const i = Math.floor(((b.start as number) - since) / step);
      const v = b[name];
      if (i < 0 || i >= times.length || typeof v !== 'number') continue;
      const cur = out[i];
      out[i] = cur === null || cur === undefined ? v : combine === 'sum' ? cur + v : Math.max(cur, v);
    }
    return out;
  };
  const zero = (vs: (number | null)[]) => vs.map((v) => v ?? 0);
  const inv = zero(field('invocations', 'sum'));
  const err = zero(field('errors', 'sum'));
  const conc = field('maxConcurrency', 'max');
  const charts: ChartSpec[] = [
    {
      title: 'Invocations',
      kind: 'bars',
      integer: true,
      format: count,
      series: [
        { name: 'success', color: C.ok, values: inv.map((v, i) => Math.max(0, v - (err[i] ?? 0))) },
        { name: 'errors', color: C.err, values: err },
        { name: 'throttles', color: C.thr, values: zero(field('throttles', 'sum')) },
      ],
    },
    {
      title: 'Duration',
      kind: 'lines',
      format: ms,
      series: [
        { name: 'p50', color: C.p50, values: field('p50', 'max') },
        { name: 'p90', color: C.p90, values: field('p90', 'max') },
        { name: 'p99', color: C.p99, values: field('p99', 'max') },
        { name: 'max', color: C.max, values: field('maxDuration', 'max') },
      ],
    },
    {
      title: 'Cold starts',
      kind: 'bars',
      integer: true,
      format: count,
      series: [{ name: 'cold starts', color: C.cold, values: zero(field('coldStarts', 'sum')) }],
    },
  ];
  if (conc.some((v) => v !== null))
    charts.push({
      title: 'Concurrency',
      kind: 'lines',
      integer: true,
      format: count,
      series: [{ name: 'max concurrent executions', color: C.conc, values: conc }],
    });
  return { times, step, charts };
}

// ---- 2. anything else with a time axis ----

const TIME_KEYS = ['t', 'ts', 'time', 'timestamp', 'start', 'startTime', 'bucket', 'from'];

function toTime(v: unknown): number | undefined {
  if (typeof v === 'number') return v < 1e11 ? v * 1000 : v; // seconds or ms
  if (typeof v === 'string') {
    const n = Date.parse(v);
    return Number.isNaN(n) ? undefined : n;
  }
  return undefined;
}

const timeKey = (o: Record<string, unknown>) => TIME_KEYS.find((k) => toTime(o[k]) !== undefined);

function genericPoints(points: unknown[]): { times: number[]; fields: [string, (number | null)[]][] } | undefined {
  const objs = points.filter(isObj);
  const tk = objs[0] && timeKey(objs[0]);
  if (!tk) return undefined;
  const names: string[] = [];
  for (const o of objs)
    for (const [k, v] of Object.entries(o)) if (k !== tk && typeof v === 'number' && !names.includes(k)) names.push(k);
  if (!names.length) return undefined;
  return {
    times: objs.map((o) => toTime(o[tk])!),
    fields: names.map((n) => [n, objs.map((o) => (typeof o[n] === 'number' ? (o[n] as number) : null))]),
  };
}

function genericSeries(series: unknown[]): { times: number[]; fields: [string, (number | null)[]][] } | undefined {
  const byTime = new Map<number, Map<string, number>>();
  const names: string[] = [];
  for (const s of series) {
    if (!isObj(s)) return undefined;
    const name = String(s.name ?? s.metric ?? s.label ?? '');
    const pts = s.points ?? s.datapoints ?? s.values ?? s.data;
    if (!name || !Array.isArray(pts)) return undefined;
    names.push(name);
    for (const p of pts) {
      const [t, v] = Array.isArray(p)
        ? [toTime(p[0]), p[1]]
        : isObj(p)
          ? [toTime(p[timeKey(p) ?? 't']), p.v ?? p.value]
          : [];
      if (t === undefined || typeof v !== 'number') continue;
      if (!byTime.has(t)) byTime.set(t, new Map());
      byTime.get(t)!.set(name, v);
    }
  }
  const times = [...byTime.keys()].sort((a, b) => a - b);
  if (!times.length) return undefined;
  return { times, fields: names.map((n) => [n, times.map((t) => byTime.get(t)!.get(n) ?? null)]) };
}

function findGeneric(json: unknown, depth = 0): ReturnType<typeof genericPoints> {
  if (Array.isArray(json)) return genericPoints(json) ?? genericSeries(json);
  if (!isObj(json) || depth > 2) return undefined;
  for (const v of Object.values(json)) {
    const r = findGeneric(v, depth + 1);
    if (r) return r;
  }
  return undefined;
}

/** Chart specs for a /gust/v1/metrics answer, or undefined when its shape is not understood. */
export function fromMetricsApi(json: unknown, since: number, end: number, step: number): Charts | undefined {
  const buckets = findBuckets(json);
  if (buckets) return fromTelemetry(buckets, since, end, step);
  if (isObj(json) && Array.isArray(json.buckets) && json.buckets.length === 0)
    return fromTelemetry([], since, end, step);
  const g = findGeneric(json);
  if (!g || !g.times.length) return undefined;
  const step2 = g.times.length > 1 ? g.times[1]! - g.times[0]! : step;
  return {
    times: g.times,
    step: step2,
    charts: g.fields.map(([name, values], i) => {
      const isMs = /duration|latency|ms$/i.test(name);
      return {
        title: name,
        kind: isMs ? 'lines' : 'bars',
        format: isMs ? ms : (v: number) => num(v, Number.isInteger(v) ? 0 : 2),
        series: [{ name, color: PALETTE[i % PALETTE.length]!, values }],
      };
    }),
  };
}
