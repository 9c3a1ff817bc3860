/** Time parameters of the telemetry API and CLI: unix ms, an ISO date, or an age like 90s, 15m, 2h, 30d. */

const UNITS: Record<string, number> = { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 };

/** The largest time a JavaScript Date can hold (±100,000,000 days from 1970). */
export const MAX_DATE_MS = 8.64e15;

/** Parse a time; returns undefined for an empty value and NaN when it cannot be parsed or is no Date. */
export function parseTime(v: string | undefined, now = Date.now()): number | undefined {
  if (v === undefined || v === '') return undefined;
  const age = /^(\d+(?:\.\d+)?)([smhd])$/.exec(v);
  const t = age ? Math.round(now - Number(age[1]) * UNITS[age[2]!]!) : /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  return Math.abs(t) <= MAX_DATE_MS ? t : NaN;
}
