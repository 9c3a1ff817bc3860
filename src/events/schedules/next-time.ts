/**
 * Occurrences of a parsed schedule expression. Cron fields are matched in the schedule's time
 * zone (local wall clock: DST-skipped times do not fire, repeated times fire once); rate schedules
 * are fixed intervals of elapsed time from their anchor (DST does not move them); at() is one
 * instant. StartDate/EndDate bound rate and cron schedules, as in EventBridge Scheduler.
 */
import { daysInMonth, parseExpression, type CronExpression, type ScheduleExpression } from './expression.ts';
import { fromLocal, fromLocalLenient, toLocal } from './timezone.ts';

export interface Timing {
  expr: ScheduleExpression;
  timezone: string;
  /** Rate schedules fire at anchor + k × interval, k ≥ 0 (StartDate, or when the schedule started). */
  anchor: number;
  /** No occurrence before this (rate and cron). */
  start?: number | null;
  /** No occurrence after this (rate and cron). */
  end?: number | null;
}

/** The timing of a stored schedule (its expression was validated when it was saved). */
export function timingOf(s: {
  expression: string;
  timezone: string;
  anchorAt: number;
  startDate: number | null;
  endDate: number | null;
}): Timing {
  return {
    expr: parseExpression(s.expression),
    timezone: s.timezone,
    anchor: s.anchorAt,
    start: s.startDate,
    end: s.endDate,
  };
}

/** The first occurrence strictly after `after`, or undefined when there is none. */
export function nextAfter(t: Timing, after: number): number | undefined {
  const e = t.expr;
  if (e.kind === 'at') {
    const u = fromLocalLenient(e.local, t.timezone);
    return u > after ? u : undefined;
  }
  const from = t.start != null ? Math.max(after, t.start - 1) : after;
  let next: number | undefined;
  if (e.kind === 'rate') {
    next = from < t.anchor ? t.anchor : t.anchor + (Math.floor((from - t.anchor) / e.intervalMs) + 1) * e.intervalMs;
  } else {
    next = cronNext(e, t.timezone, from);
  }
  return next !== undefined && (t.end == null || next <= t.end) ? next : undefined;
}

/** The first occurrence at or after `at`. */
export function firstAtOrAfter(t: Timing, at: number): number | undefined {
  return nextAfter(t, at - 1);
}

/**
 * Occurrences in [from, to], at most the `max` latest, ascending; `dropped` tells whether earlier
 * ones in the range were left out. Searches back from `to` in growing windows, so the work is
 * proportional to `max`, not to the length of the range.
 */
export function occurrencesBetween(
  t: Timing,
  from: number,
  to: number,
  max: number,
): { times: number[]; dropped: boolean } {
  if (to < from || max < 1) return { times: [], dropped: false };
  for (let window = 60_000; ; window *= 16) {
    const lo = Math.max(from, to - window);
    const times: number[] = [];
    let count = 0;
    for (let x = nextAfter(t, lo - 1); x !== undefined && x <= to; x = nextAfter(t, x)) {
      count++;
      times.push(x);
      if (times.length > max) times.shift();
    }
    if (times.length >= max || lo === from) {
      const earlier = lo > from ? nextAfter(t, from - 1) : undefined;
      return { times, dropped: count > max || (earlier !== undefined && earlier < lo) };
    }
  }
}

function cronNext(c: CronExpression, tz: string, after: number): number | undefined {
  // Walk local calendar days from the local date of `after`. Mapping local times to their first
  // instant is monotonic, so no local time before `after`'s own local time can come after it.
  const s = toLocal(after, tz);
  for (const year of c.years) {
    if (year < s.year) continue;
    for (const month of c.months) {
      if (year === s.year && month < s.month) continue;
      const dim = daysInMonth(year, month);
      const startMonth = year === s.year && month === s.month;
      for (let day = startMonth ? s.day : 1; day <= dim; day++) {
        if (!dayMatches(c, year, month, day, dim)) continue;
        const startDay = startMonth && day === s.day;
        for (const hour of c.hours) {
          if (startDay && hour < s.hour) continue;
          for (const minute of c.minutes) {
            if (startDay && hour === s.hour && minute < s.minute) continue;
            const u = fromLocal({ year, month, day, hour, minute, second: 0 }, tz);
            if (u !== undefined && u > after) return u;
          }
        }
      }
    }
  }
  return undefined;
}

/** 1 = Sunday ... 7 = Saturday (AWS numbering). */
export function weekday(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
}

/** The weekday nearest `day` without leaving the month (Quartz's W). */
function nearestWeekday(year: number, month: number, day: number, dim: number): number {
  const wd = weekday(year, month, day);
  if (wd === 7) return day === 1 ? 3 : day - 1;
  if (wd === 1) return day === dim ? day - 2 : day + 1;
  return day;
}

export function dayMatches(c: CronExpression, year: number, month: number, day: number, dim: number): boolean {
  const dom = c.dom;
  switch (dom.kind) {
    case 'days':
      if (!dom.days.has(day)) return false;
      break;
    case 'last':
      if (day !== dim - dom.offset) return false;
      break;
    case 'lastWeekday':
      if (day !== nearestWeekday(year, month, dim, dim)) return false;
      break;
    case 'nearestWeekday':
      if (dom.day > dim || day !== nearestWeekday(year, month, dom.day, dim)) return false;
      break;
  }
  const dow = c.dow;
  if (dow.kind === 'any') return true;
  const wd = weekday(year, month, day);
  switch (dow.kind) {
    case 'days':
      return dow.days.has(wd);
    case 'last':
      return wd === dow.day && day + 7 > dim;
    case 'nth':
      return wd === dow.day && Math.floor((day - 1) / 7) + 1 === dow.n;
  }
}
