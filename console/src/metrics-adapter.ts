/**
 * Reads a time series out of /gust/v1/metrics without depending on its exact shape (the endpoint
 * is newer than the console). Understood: an array of points, or an object holding one
 * (`points`, `series`, `buckets`, `datapoints`, `data`), each point an object with a time field and
 * numeric fields; or `series: [{ name, points: [[t, v], ...] | [{ t, v }, ...] }]`.
 */

export interface MetricSeries {
  times: number[];
  fields: { name: string; values: (number | null)[] }[];
}

const TIME_KEYS = ['t', 'ts', 'time', 'timestamp', 'start', 'startTime', 'bucket', 'from', 'period'];

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function toTime(v: unknown): number | undefined {
  if (typeof v === 'number') return v < 1e11 ? v * 1000 : v; // seconds or ms
  if (typeof v === 'string') {
    const n = Date.parse(v);
    return Number.isNaN(n) ? undefined : n;
  }
  return undefined;
}

function timeKey(o: Record<string, unknown>): string | undefined {
  return TIME_KEYS.find((k) => toTime(o[k]) !== undefined);
}

function fromPoints(points: unknown[]): MetricSeries | null {
  const objs = points.filter(isObj);
  if (!objs.length) return null;
  const tk = timeKey(objs[0]!);
  if (!tk) return null;
  const names: string[] = [];
  for (const o of objs)
    for (const [k, v] of Object.entries(o)) if (k !== tk && typeof v === 'number' && !names.includes(k)) names.push(k);
  if (!names.length) return null;
  return {
    times: objs.map((o) => toTime(o[tk])!),
    fields: names.map((n) => ({ name: n, values: objs.map((o) => (typeof o[n] === 'number' ? (o[n] as number) : null)) })),
  };
}

function fromNamedSeries(series: unknown[]): MetricSeries | null {
  const byTime = new Map<number, Map<string, number>>();
  const names: string[] = [];
  for (const s of series) {
    if (!isObj(s)) return null;
    const name = String(s.name ?? s.metric ?? s.label ?? '');
    const pts = s.points ?? s.datapoints ?? s.values ?? s.data;
    if (!name || !Array.isArray(pts)) return null;
    names.push(name);
    for (const p of pts) {
      const [t, v] = Array.isArray(p) ? [toTime(p[0]), p[1]] : isObj(p) ? [toTime(p[timeKey(p) ?? 't']), p.v ?? p.value] : [];
      if (t === undefined || typeof v !== 'number') continue;
      if (!byTime.has(t)) byTime.set(t, new Map());
      byTime.get(t)!.set(name, v);
    }
  }
  const times = [...byTime.keys()].sort((a, b) => a - b);
  if (!times.length) return null;
  return { times, fields: names.map((n) => ({ name: n, values: times.map((t) => byTime.get(t)!.get(n) ?? null) })) };
}

export function adaptMetrics(json: unknown): MetricSeries | null {
  if (Array.isArray(json)) return fromPoints(json) ?? fromNamedSeries(json);
  if (!isObj(json)) return null;
  for (const k of ['points', 'series', 'buckets', 'datapoints', 'data', 'metrics']) {
    const v = json[k];
    if (Array.isArray(v)) {
      const r = fromPoints(v) ?? fromNamedSeries(v);
      if (r) return r;
    }
    if (isObj(v)) {
      const r = adaptMetrics(v);
      if (r) return r;
    }
  }
  return null;
}
