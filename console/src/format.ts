/** Display helpers. */

export function ms(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (v === 0) return '0 ms';
  if (v < 1) return `${v.toFixed(2)} ms`;
  if (v < 1000) return `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`;
  if (v < 60_000) return `${(v / 1000).toFixed(2)} s`;
  return `${(v / 60_000).toFixed(1)} min`;
}

/** Whole milliseconds (billed durations). */
export const msInt = (v: number): string => (v < 10_000 ? `${Math.round(v)} ms` : ms(v));

export function bytes(v: number): string {
  if (v < 1024) return `${v} B`;
  if (v < 1024 * 1024) return `${(v / 1024).toFixed(1)} KB`;
  return `${(v / 1024 / 1024).toFixed(1)} MB`;
}

export function num(v: number | null | undefined, digits = 0): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  return v.toLocaleString(undefined, { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function pct(part: number, whole: number): string {
  return whole ? `${((part / whole) * 100).toFixed(part === whole || part === 0 ? 0 : 1)}%` : '–';
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

export function clock(ts: number, withMs = false): string {
  const d = new Date(ts);
  const t = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return withMs ? `${t}.${pad(d.getMilliseconds(), 3)}` : t;
}

export function dateTime(ts: number, withMs = false): string {
  const d = new Date(ts);
  const today = new Date();
  const sameDay = d.toDateString() === today.toDateString();
  return sameDay
    ? clock(ts, withMs)
    : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${clock(ts, withMs)}`;
}

export function ago(ts: number | undefined, now = Date.now()): string {
  if (!ts) return 'never';
  const s = Math.max(0, Math.round((now - ts) / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

/** Pretty-print JSON text when it parses; otherwise return it as is. */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
