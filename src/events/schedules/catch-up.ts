/**
 * Which occurrences to fire when a schedule is due: normally just the one whose time has come;
 * after Gust was down (or stalled), the schedule's catch-up policy decides about the missed ones.
 *   none   — skip missed occurrences (only one due within the last minute still fires)
 *   latest — fire once, for the most recent missed occurrence (default)
 *   all    — fire every missed occurrence, at most the most recent CATCH_UP_CAP
 */
import { nextAfter, occurrencesBetween, type Timing } from './next-time.ts';

export const CATCH_UP_POLICIES = ['none', 'latest', 'all'] as const;
export type CatchUpPolicy = (typeof CATCH_UP_POLICIES)[number];

export const CATCH_UP_CAP = 100;
/** AWS fires within 60 s of the scheduled time: an occurrence this recent is on time, not missed. */
export const ON_TIME_MS = 60_000;

export interface FirePlan {
  /** Scheduled times to fire now, ascending. */
  fire: number[];
  /** Due occurrences not fired (a lower bound when `more` is set). */
  skipped: number;
  /** Older due occurrences exist beyond those counted. */
  more: boolean;
  /** The schedule's next occurrence after now (undefined: none left). */
  next: number | undefined;
}

/** `nextFireAt` (persisted, ≤ now) is the first due occurrence; every later one up to `now` is due too. */
export function planFires(
  timing: Timing,
  nextFireAt: number,
  now: number,
  policy: CatchUpPolicy,
  cap = CATCH_UP_CAP,
): FirePlan {
  const next = nextAfter(timing, now);
  if (nextFireAt > now) return { fire: [], skipped: 0, more: false, next: nextFireAt };
  const later = occurrencesBetween(timing, nextFireAt + 1, now, cap);
  let due = [nextFireAt, ...later.times];
  let more = later.dropped;
  if (due.length > cap) {
    due = due.slice(due.length - cap);
    more = true;
  }
  let fire: number[];
  if (policy === 'all') fire = due;
  else if (policy === 'latest') fire = [due[due.length - 1]!];
  else fire = due.filter((x) => now - x <= ON_TIME_MS);
  return { fire, skipped: due.length - fire.length, more, next };
}
