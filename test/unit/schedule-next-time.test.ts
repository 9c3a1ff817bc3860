/**
 * Next-time computation: the AWS documentation examples, AWS day-of-week numbering, L/W/#, years,
 * time zones (half-hour offsets, both hemispheres) and DST as EventBridge Scheduler documents it:
 * a local time skipped by spring-forward does not fire, a repeated local time fires once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseExpression } from '../../src/events/schedules/expression.ts';
import { firstAtOrAfter, nextAfter, occurrencesBetween, type Timing } from '../../src/events/schedules/next-time.ts';
import { fromLocal, isValidTimeZone, offsetAt, toLocal } from '../../src/events/schedules/timezone.ts';

const T = (iso: string): number => Date.parse(iso);
const iso = (t: number | undefined): string | undefined => (t === undefined ? undefined : new Date(t).toISOString());

function timing(expr: string, tz = 'UTC', anchor = 0, extra: Partial<Timing> = {}): Timing {
  return { expr: parseExpression(expr), timezone: tz, anchor, ...extra };
}

/** The next `n` occurrences after `from`, as ISO strings without milliseconds. */
function next(expr: string, from: string, n: number, tz = 'UTC'): string[] {
  const t = timing(expr, tz);
  const out: string[] = [];
  let x = T(from);
  for (let i = 0; i < n; i++) {
    const y = nextAfter(t, x);
    if (y === undefined) break;
    out.push(iso(y)!.replace('.000Z', 'Z'));
    x = y;
  }
  return out;
}

describe('AWS documentation examples (UTC)', () => {
  // 2026-01-01 is a Thursday.
  it('cron(0 10 * * ? *): 10:00 every day', () => {
    assert.deepEqual(next('cron(0 10 * * ? *)', '2026-01-01T10:00:00Z', 3), [
      '2026-01-02T10:00:00Z',
      '2026-01-03T10:00:00Z',
      '2026-01-04T10:00:00Z',
    ]);
    assert.deepEqual(next('cron(0 10 * * ? *)', '2026-01-01T09:59:59Z', 1), ['2026-01-01T10:00:00Z']);
  });

  it('cron(15 12 * * ? *): 12:15 every day', () => {
    assert.deepEqual(next('cron(15 12 * * ? *)', '2026-01-01T12:15:00Z', 2), [
      '2026-01-02T12:15:00Z',
      '2026-01-03T12:15:00Z',
    ]);
  });

  it('cron(0 18 ? * MON-FRI *): 18:00 on weekdays', () => {
    assert.deepEqual(next('cron(0 18 ? * MON-FRI *)', '2026-01-01T19:00:00Z', 6), [
      '2026-01-02T18:00:00Z', // Fri
      '2026-01-05T18:00:00Z', // Mon (the weekend skipped)
      '2026-01-06T18:00:00Z',
      '2026-01-07T18:00:00Z',
      '2026-01-08T18:00:00Z',
      '2026-01-09T18:00:00Z',
    ]);
  });

  it('cron(0 8 1 * ? *): 08:00 on the first of every month', () => {
    assert.deepEqual(next('cron(0 8 1 * ? *)', '2026-01-01T08:00:00Z', 3), [
      '2026-02-01T08:00:00Z',
      '2026-03-01T08:00:00Z',
      '2026-04-01T08:00:00Z',
    ]);
  });

  it('cron(0/15 * * * ? *): every 15 minutes', () => {
    assert.deepEqual(next('cron(0/15 * * * ? *)', '2026-01-01T23:40:00Z', 3), [
      '2026-01-01T23:45:00Z',
      '2026-01-02T00:00:00Z',
      '2026-01-02T00:15:00Z',
    ]);
  });

  it('cron(0/10 * ? * MON-FRI *): every 10 minutes on weekdays', () => {
    assert.deepEqual(next('cron(0/10 * ? * MON-FRI *)', '2026-01-02T23:45:00Z', 2), [
      '2026-01-02T23:50:00Z',
      '2026-01-05T00:00:00Z',
    ]);
  });

  it('cron(0/5 8-17 ? * MON-FRI *): every 5 minutes from 08:00 to 17:55 on weekdays', () => {
    assert.deepEqual(next('cron(0/5 8-17 ? * MON-FRI *)', '2026-01-02T17:50:00Z', 3), [
      '2026-01-02T17:55:00Z',
      '2026-01-05T08:00:00Z',
      '2026-01-05T08:05:00Z',
    ]);
  });

  it('cron(0 9 ? * 2#1 *): 09:00 on the first Monday of every month', () => {
    assert.deepEqual(next('cron(0 9 ? * 2#1 *)', '2026-01-01T00:00:00Z', 4), [
      '2026-01-05T09:00:00Z',
      '2026-02-02T09:00:00Z',
      '2026-03-02T09:00:00Z',
      '2026-04-06T09:00:00Z',
    ]);
  });

  it('cron(0 0 L * ? *): midnight on the last day of every month (leap years too)', () => {
    assert.deepEqual(next('cron(0 0 L * ? *)', '2027-12-31T00:00:00Z', 4), [
      '2028-01-31T00:00:00Z',
      '2028-02-29T00:00:00Z',
      '2028-03-31T00:00:00Z',
      '2028-04-30T00:00:00Z',
    ]);
  });

  it('cron(0 0 ? * 6L *): midnight on the last Friday of every month', () => {
    assert.deepEqual(next('cron(0 0 ? * 6L *)', '2026-01-01T00:00:00Z', 4), [
      '2026-01-30T00:00:00Z',
      '2026-02-27T00:00:00Z',
      '2026-03-27T00:00:00Z',
      '2026-04-24T00:00:00Z',
    ]);
  });

  it('cron(0 0 15W * ? *): midnight on the weekday nearest the 15th', () => {
    // 2026-02-15 and 2026-03-15 are Sundays → Monday 16th; 2026-08-15 is a Saturday → Friday 14th.
    assert.deepEqual(next('cron(0 0 15W * ? *)', '2026-01-01T00:00:00Z', 3), [
      '2026-01-15T00:00:00Z',
      '2026-02-16T00:00:00Z',
      '2026-03-16T00:00:00Z',
    ]);
    assert.deepEqual(next('cron(0 0 15W * ? *)', '2026-08-01T00:00:00Z', 1), ['2026-08-14T00:00:00Z']);
  });
});

describe('cron semantics', () => {
  it('numbers days of the week 1-7 = SUN-SAT (not Unix cron 0-6)', () => {
    assert.deepEqual(next('cron(0 12 ? * 1 *)', '2026-01-01T00:00:00Z', 1), ['2026-01-04T12:00:00Z'], '1 = Sunday');
    assert.deepEqual(next('cron(0 12 ? * 7 *)', '2026-01-01T00:00:00Z', 1), ['2026-01-03T12:00:00Z'], '7 = Saturday');
    assert.deepEqual(next('cron(0 12 ? * 2 *)', '2026-01-01T00:00:00Z', 1), ['2026-01-05T12:00:00Z'], '2 = Monday');
    assert.deepEqual(next('cron(0 12 ? * L *)', '2026-01-01T00:00:00Z', 2), [
      '2026-01-03T12:00:00Z',
      '2026-01-10T12:00:00Z',
    ]);
  });

  it('W never leaves the month: 1W on a Saturday is Monday the 3rd, 31W on a Sunday is Friday the 29th', () => {
    // 2026-08-01 is a Saturday; 2026-05-31 is a Sunday.
    assert.deepEqual(next('cron(0 0 1W * ? *)', '2026-07-31T00:00:00Z', 1), ['2026-08-03T00:00:00Z']);
    assert.deepEqual(next('cron(0 0 31W * ? *)', '2026-05-01T00:00:00Z', 1), ['2026-05-29T00:00:00Z']);
    // Months without a 31st have no occurrence.
    assert.deepEqual(next('cron(0 0 31W * ? *)', '2026-06-01T00:00:00Z', 1), ['2026-07-31T00:00:00Z']);
  });

  it('LW is the last weekday; L-n counts back from the last day', () => {
    // 2026-05-31 is a Sunday → Friday 29th; 2026-10-31 is a Saturday → Friday 30th.
    assert.deepEqual(next('cron(0 0 LW * ? *)', '2026-05-01T00:00:00Z', 1), ['2026-05-29T00:00:00Z']);
    assert.deepEqual(next('cron(0 0 LW * ? *)', '2026-10-01T00:00:00Z', 1), ['2026-10-30T00:00:00Z']);
    assert.deepEqual(next('cron(0 0 L-2 * ? *)', '2026-02-01T00:00:00Z', 2), [
      '2026-02-26T00:00:00Z',
      '2026-03-29T00:00:00Z',
    ]);
  });

  it('n#5 only fires in months that have a fifth such weekday', () => {
    // Fifth Friday (6#5): January 2026 has one (30th), February-April do not, May 2026 has the 29th.
    assert.deepEqual(next('cron(0 0 ? * 6#5 *)', '2026-01-01T00:00:00Z', 2), [
      '2026-01-30T00:00:00Z',
      '2026-05-29T00:00:00Z',
    ]);
  });

  it('honours the year field and ends after the last year', () => {
    assert.deepEqual(next('cron(0 0 1 1 ? 2027,2029)', '2026-06-01T00:00:00Z', 3), [
      '2027-01-01T00:00:00Z',
      '2029-01-01T00:00:00Z',
    ]);
    assert.deepEqual(next('cron(0 0 1 1 ? 2020)', '2026-01-01T00:00:00Z', 1), [], 'only past years: none');
    assert.deepEqual(next('cron(0 0 30 2 ? *)', '2026-01-01T00:00:00Z', 1), [], 'February 30th never comes');
  });

  it('is minute-exact: an occurrence equal to `after` is not next; milliseconds are ignored', () => {
    assert.equal(
      iso(nextAfter(timing('cron(* * * * ? *)'), T('2026-01-01T00:00:00.000Z'))),
      '2026-01-01T00:01:00.000Z',
    );
    assert.equal(
      iso(nextAfter(timing('cron(* * * * ? *)'), T('2026-01-01T00:00:59.999Z'))),
      '2026-01-01T00:01:00.000Z',
    );
    assert.equal(
      iso(firstAtOrAfter(timing('cron(* * * * ? *)'), T('2026-01-01T00:00:00Z'))),
      '2026-01-01T00:00:00.000Z',
    );
  });
});

describe('time zones and DST', () => {
  it('knows IANA names and refuses others', () => {
    for (const z of ['UTC', 'Etc/UTC', 'America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'Australia/Lord_Howe']) {
      assert.ok(isValidTimeZone(z), z);
    }
    for (const z of ['Mars/Olympus_Mons', 'New York', '', 'x'.repeat(60)]) assert.ok(!isValidTimeZone(z), z);
  });

  it('converts between local time and UTC', () => {
    assert.equal(offsetAt(T('2026-01-15T12:00:00Z'), 'America/New_York'), -5 * 3_600_000);
    assert.equal(offsetAt(T('2026-07-15T12:00:00Z'), 'America/New_York'), -4 * 3_600_000);
    assert.equal(offsetAt(T('2026-07-15T12:00:00Z'), 'Asia/Kolkata'), 5.5 * 3_600_000);
    assert.deepEqual(toLocal(T('2026-07-15T12:34:56Z'), 'Asia/Kolkata'), {
      year: 2026,
      month: 7,
      day: 15,
      hour: 18,
      minute: 4,
      second: 56,
    });
    const ny = { year: 2026, month: 3, day: 8, minute: 30, second: 0 };
    assert.equal(fromLocal({ ...ny, hour: 2 }, 'America/New_York'), undefined, '02:30 does not exist that day');
    assert.equal(iso(fromLocal({ ...ny, hour: 3 }, 'America/New_York')), '2026-03-08T07:30:00.000Z');
    const fall = { year: 2026, month: 11, day: 1, hour: 1, minute: 30, second: 0 };
    assert.equal(iso(fromLocal(fall, 'America/New_York')), '2026-11-01T05:30:00.000Z', 'the first 01:30');
  });

  it('evaluates cron fields on the local wall clock, winter and summer', () => {
    // Europe/Berlin switches to summer time on 2026-03-29.
    assert.deepEqual(next('cron(0 10 * * ? *)', '2026-03-27T12:00:00Z', 3, 'Europe/Berlin'), [
      '2026-03-28T09:00:00Z',
      '2026-03-29T08:00:00Z',
      '2026-03-30T08:00:00Z',
    ]);
    assert.deepEqual(next('cron(0 9 * * ? *)', '2026-07-01T00:00:00Z', 1, 'Asia/Kolkata'), ['2026-07-01T03:30:00Z']);
    // The local date decides the day: Friday 18:00 in New York is Saturday in UTC.
    assert.deepEqual(next('cron(0 20 ? * FRI *)', '2026-01-01T00:00:00Z', 1, 'America/New_York'), [
      '2026-01-03T01:00:00Z',
    ]);
  });

  it('skips a local time that spring-forward removes (America/New_York, 2026-03-08)', () => {
    assert.deepEqual(next('cron(30 2 * * ? *)', '2026-03-07T00:00:00Z', 3, 'America/New_York'), [
      '2026-03-07T07:30:00Z',
      '2026-03-09T06:30:00Z',
      '2026-03-10T06:30:00Z',
    ]);
    // An interval schedule just has no 02:xx that night.
    assert.deepEqual(next('cron(0/30 * * * ? *)', '2026-03-08T06:15:00Z', 3, 'America/New_York'), [
      '2026-03-08T06:30:00Z', // 01:30 EST
      '2026-03-08T07:00:00Z', // 03:00 EDT
      '2026-03-08T07:30:00Z',
    ]);
  });

  it('fires a repeated local time once when the clocks fall back (America/New_York, 2026-11-01)', () => {
    assert.deepEqual(next('cron(30 1 * * ? *)', '2026-10-31T00:00:00Z', 3, 'America/New_York'), [
      '2026-10-31T05:30:00Z',
      '2026-11-01T05:30:00Z', // the first 01:30 (EDT) only
      '2026-11-02T06:30:00Z',
    ]);
    assert.deepEqual(next('cron(0/30 * * * ? *)', '2026-11-01T04:45:00Z', 4, 'America/New_York'), [
      '2026-11-01T05:00:00Z', // 01:00 EDT
      '2026-11-01T05:30:00Z', // 01:30 EDT
      '2026-11-01T07:00:00Z', // 02:00 EST: the repeated 01:00 and 01:30 EST do not fire again
      '2026-11-01T07:30:00Z',
    ]);
    // Starting inside the repeated hour (01:10 EST, the second pass) continues at 02:00 EST.
    assert.deepEqual(next('cron(0/30 * * * ? *)', '2026-11-01T06:10:00Z', 1, 'America/New_York'), [
      '2026-11-01T07:00:00Z',
    ]);
  });

  it('handles the southern hemisphere and 30-minute DST shifts', () => {
    // Australia/Sydney: DST ends 2026-04-05 03:00 → 02:00, starts 2026-10-04 02:00 → 03:00.
    assert.deepEqual(next('cron(30 2 * * ? *)', '2026-04-03T00:00:00Z', 3, 'Australia/Sydney'), [
      '2026-04-03T15:30:00Z', // 02:30 AEDT on the 4th
      '2026-04-04T15:30:00Z', // the first 02:30 on the 5th (AEDT)
      '2026-04-05T16:30:00Z', // 02:30 AEST on the 6th
    ]);
    assert.deepEqual(next('cron(30 2 * * ? *)', '2026-10-02T00:00:00Z', 2, 'Australia/Sydney'), [
      '2026-10-02T16:30:00Z', // the 3rd
      '2026-10-04T15:30:00Z', // the 5th: the 4th has no 02:30
    ]);
    // Australia/Lord_Howe moves 30 minutes: on 2026-10-04 02:00 → 02:30, so 02:15 is skipped.
    assert.deepEqual(next('cron(15 2 * * ? *)', '2026-10-02T12:00:00Z', 2, 'Australia/Lord_Howe'), [
      '2026-10-02T15:45:00Z',
      '2026-10-04T15:15:00Z',
    ]);
  });
});

describe('rate and at', () => {
  it('rate schedules count fixed intervals from their anchor, also across DST', () => {
    const anchor = T('2026-03-07T12:00:00Z');
    const t = timing('rate(1 day)', 'America/New_York', anchor);
    assert.equal(iso(nextAfter(t, anchor - 1)), '2026-03-07T12:00:00.000Z', 'the anchor is the first occurrence');
    assert.equal(iso(nextAfter(t, anchor)), '2026-03-08T12:00:00.000Z');
    assert.equal(iso(nextAfter(t, T('2026-03-08T12:00:00Z'))), '2026-03-09T12:00:00.000Z', '24 h, DST or not');
    const five = timing('rate(5 minutes)', 'UTC', T('2026-01-01T00:00:30Z'));
    assert.equal(iso(nextAfter(five, T('2026-01-01T01:02:00Z'))), '2026-01-01T01:05:30.000Z');
  });

  it('StartDate and EndDate bound rate and cron schedules', () => {
    const start = T('2026-06-01T00:00:00Z');
    const end = T('2026-06-03T10:00:00Z');
    const c = timing('cron(0 10 * * ? *)', 'UTC', 0, { start, end });
    assert.equal(iso(nextAfter(c, T('2026-01-01T00:00:00Z'))), '2026-06-01T10:00:00.000Z');
    assert.equal(iso(nextAfter(c, T('2026-06-02T10:00:00Z'))), '2026-06-03T10:00:00.000Z', 'EndDate inclusive');
    assert.equal(nextAfter(c, T('2026-06-03T10:00:00Z')), undefined);
    const r = timing('rate(1 hour)', 'UTC', start, { start, end });
    assert.equal(iso(nextAfter(r, T('2026-05-01T00:00:00Z'))), '2026-06-01T00:00:00.000Z');
  });

  it('at() fires once at the local time of its zone', () => {
    const t = timing('at(2026-07-01T09:00:00)', 'America/New_York');
    assert.equal(iso(nextAfter(t, T('2026-01-01T00:00:00Z'))), '2026-07-01T13:00:00.000Z');
    assert.equal(nextAfter(t, T('2026-07-01T13:00:00Z')), undefined, 'nothing after it');
    assert.equal(iso(nextAfter(timing('at(2026-07-01T09:00:00)'), 0)), '2026-07-01T09:00:00.000Z', 'UTC by default');
    // A time in the spring-forward gap happens when the clocks jump past it; a repeated time, the first time.
    assert.equal(iso(nextAfter(timing('at(2026-03-08T02:30:00)', 'America/New_York'), 0)), '2026-03-08T07:30:00.000Z');
    assert.equal(iso(nextAfter(timing('at(2026-11-01T01:30:00)', 'America/New_York'), 0)), '2026-11-01T05:30:00.000Z');
  });
});

describe('occurrencesBetween', () => {
  it('lists every occurrence of a short range', () => {
    const r = occurrencesBetween(
      timing('cron(0 * * * ? *)'),
      T('2026-01-01T00:00:00Z'),
      T('2026-01-01T03:30:00Z'),
      100,
    );
    assert.deepEqual(r.times.map(iso), [
      '2026-01-01T00:00:00.000Z',
      '2026-01-01T01:00:00.000Z',
      '2026-01-01T02:00:00.000Z',
      '2026-01-01T03:00:00.000Z',
    ]);
    assert.equal(r.dropped, false);
  });

  it('keeps only the latest `max` of a long range, quickly', () => {
    const started = performance.now();
    const r = occurrencesBetween(timing('rate(1 minute)'), T('2025-01-01T00:00:00Z'), T('2026-01-01T00:00:00Z'), 100);
    assert.equal(r.times.length, 100);
    assert.equal(iso(r.times[99]), '2026-01-01T00:00:00.000Z');
    assert.equal(iso(r.times[0]), '2025-12-31T22:21:00.000Z');
    assert.equal(r.dropped, true);
    const c = occurrencesBetween(
      timing('cron(0/5 * * * ? *)'),
      T('2020-01-01T00:00:00Z'),
      T('2026-01-01T00:00:00Z'),
      3,
    );
    assert.deepEqual(c.times.map(iso), [
      '2025-12-31T23:50:00.000Z',
      '2025-12-31T23:55:00.000Z',
      '2026-01-01T00:00:00.000Z',
    ]);
    assert.equal(c.dropped, true);
    assert.ok(performance.now() - started < 1000, 'work proportional to max, not to the range');
  });

  it('reports nothing dropped when the range holds at most `max`', () => {
    const r = occurrencesBetween(timing('cron(0 0 1 * ? *)'), T('2025-10-15T00:00:00Z'), T('2026-01-15T00:00:00Z'), 3);
    assert.deepEqual(r.times.map(iso), [
      '2025-11-01T00:00:00.000Z',
      '2025-12-01T00:00:00.000Z',
      '2026-01-01T00:00:00.000Z',
    ]);
    assert.equal(r.dropped, false);
  });
});
