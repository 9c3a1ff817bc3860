/** Time parameters of the telemetry API and CLI: unix ms, an ISO date, or an age like 90s, 15m, 2h, 30d. */

const UNITS: Record<string, number> = { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 };

/** Parse a time; returns undefined for an empty value and NaN when it cannot be parsed. */
export function parseTime(v: string | undefined, now = Date.now()): number | undefined {
  if (v === undefined || v === '') return undefined;
  const age = /^(\d+(?:\.\d+)?)([smhd])$/.exec(v);
  if (age) return Math.round(now - Number(age[1]) * UNITS[age[2]!]!);
  return /^\d+$/.test(v) ? Number(v) : Date.parse(v);
}
