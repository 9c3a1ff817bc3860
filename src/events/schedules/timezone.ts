/**
 * IANA time zones through the runtime's ICU data (Intl): validation, UTC offsets, and local
 * wall-clock time ↔ UTC with EventBridge Scheduler's DST rules — a local time that does not exist
 * (spring forward) has no instant; a local time that occurs twice (fall back) maps to the first.
 */

export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

const isUtc = (tz: string): boolean => tz === 'UTC' || tz === 'Etc/UTC';

/** True for names the ICU database knows (IANA names such as America/New_York, and UTC). */
export function isValidTimeZone(tz: string): boolean {
  if (typeof tz !== 'string' || tz.length < 1 || tz.length > 50) return false;
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** Local wall-clock time of an instant in a zone. */
export function toLocal(instant: number, tz: string): LocalTime {
  if (isUtc(tz)) {
    const d = new Date(instant);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
    };
  }
  const p: Record<string, string> = {};
  for (const part of formatter(tz).formatToParts(new Date(instant))) p[part.type] = part.value;
  return {
    year: Number(p.year),
    month: Number(p.month),
    day: Number(p.day),
    hour: Number(p.hour),
    minute: Number(p.minute),
    second: Number(p.second),
  };
}

const wall = (t: LocalTime): number => Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);

/** Offset (local − UTC, ms) in force at an instant. */
export function offsetAt(instant: number, tz: string): number {
  if (isUtc(tz)) return 0;
  const whole = Math.floor(instant / 1000) * 1000;
  return wall(toLocal(whole, tz)) - whole;
}

/**
 * The instant at which a zone's clocks show `t`: undefined when that time is skipped (spring
 * forward), the earlier instant when it occurs twice (fall back).
 */
export function fromLocal(t: LocalTime, tz: string): number | undefined {
  const w = wall(t);
  if (isUtc(tz)) return w;
  // The offsets in force a day either side cover any single transition near this wall time.
  const candidates = new Set([w - offsetAt(w - 86_400_000, tz), w - offsetAt(w + 86_400_000, tz)]);
  let best: number | undefined;
  for (const u of candidates) {
    if (u + offsetAt(u, tz) === w && (best === undefined || u < best)) best = u;
  }
  return best;
}

/** Like fromLocal, but a skipped time maps to the instant the clocks jump past it (for at()). */
export function fromLocalLenient(t: LocalTime, tz: string): number {
  const exact = fromLocal(t, tz);
  if (exact !== undefined) return exact;
  const w = wall(t);
  return w - offsetAt(w - 86_400_000, tz);
}
