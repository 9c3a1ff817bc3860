/** Schedule expression parsing: AWS's rate/cron/at syntax, what it accepts and what it refuses. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GustError } from '../../src/errors.ts';
import { parseExpression, type CronExpression } from '../../src/events/schedules/expression.ts';

const cron = (e: string): CronExpression => {
  const x = parseExpression(e);
  assert.equal(x.kind, 'cron');
  return x as CronExpression;
};

const range = (a: number, b: number, step = 1): number[] => {
  const out: number[] = [];
  for (let i = a; i <= b; i += step) out.push(i);
  return out;
};

function assertInvalid(expr: string): void {
  assert.throws(
    () => parseExpression(expr),
    (e: unknown) =>
      e instanceof GustError &&
      e.code === 'GUST_SCHEDULE_INVALID_EXPRESSION' &&
      e.awsType === 'ValidationException' &&
      e.status === 400 &&
      e.message === 'Parameter ScheduleExpression is not valid.' &&
      typeof e.extra.Reason === 'string',
    `${expr} must be rejected`,
  );
}

describe('rate expressions', () => {
  it('accepts AWS examples with singular for 1 and plural above', () => {
    assert.deepEqual(parseExpression('rate(1 minute)'), { kind: 'rate', intervalMs: 60_000 });
    assert.deepEqual(parseExpression('rate(5 minutes)'), { kind: 'rate', intervalMs: 300_000 });
    assert.deepEqual(parseExpression('rate(1 hour)'), { kind: 'rate', intervalMs: 3_600_000 });
    assert.deepEqual(parseExpression('rate(12 hours)'), { kind: 'rate', intervalMs: 43_200_000 });
    assert.deepEqual(parseExpression('rate(1 day)'), { kind: 'rate', intervalMs: 86_400_000 });
    assert.deepEqual(parseExpression('rate(2 days)'), { kind: 'rate', intervalMs: 172_800_000 });
  });

  it('refuses wrong number agreement, zero, fractions, other units and sloppy spacing', () => {
    for (const e of [
      'rate(1 minutes)',
      'rate(5 minute)',
      'rate(1 hours)',
      'rate(2 hour)',
      'rate(1 days)',
      'rate(3 day)',
      'rate(0 minutes)',
      'rate(-1 minutes)',
      'rate(01 minute)',
      'rate(1.5 hours)',
      'rate(30 seconds)',
      'rate(1 week)',
      'rate(5  minutes)',
      'rate( 5 minutes)',
      'rate(5 Minutes)',
      'rate(5minutes)',
      'rate(minutes)',
      'rate()',
      'RATE(5 minutes)',
      ' rate(5 minutes)',
      'rate(5 minutes) ',
      'rate(999999999 days)',
    ]) {
      assertInvalid(e);
    }
  });
});

describe('cron expressions', () => {
  it('parses the AWS documentation examples', () => {
    let c = cron('cron(0 10 * * ? *)');
    assert.deepEqual(c.minutes, [0]);
    assert.deepEqual(c.hours, [10]);
    assert.deepEqual(c.dom, { kind: 'any' });
    assert.deepEqual(c.dow, { kind: 'any' });
    assert.deepEqual(c.months, range(1, 12));
    assert.deepEqual(c.years, range(1970, 2199));

    c = cron('cron(15 12 * * ? *)');
    assert.deepEqual([c.minutes, c.hours], [[15], [12]]);

    c = cron('cron(0 18 ? * MON-FRI *)');
    assert.deepEqual(c.dom, { kind: 'any' });
    assert.deepEqual(c.dow, { kind: 'days', days: new Set([2, 3, 4, 5, 6]) }, 'MON=2 ... FRI=6 (AWS numbering)');

    c = cron('cron(0 8 1 * ? *)');
    assert.deepEqual(c.dom, { kind: 'days', days: new Set([1]) });

    assert.deepEqual(cron('cron(0/15 * * * ? *)').minutes, [0, 15, 30, 45]);
    assert.deepEqual(cron('cron(0/10 * ? * MON-FRI *)').minutes, [0, 10, 20, 30, 40, 50]);

    c = cron('cron(0/5 8-17 ? * MON-FRI *)');
    assert.deepEqual(c.minutes, range(0, 55, 5));
    assert.deepEqual(c.hours, range(8, 17));

    assert.deepEqual(cron('cron(0 9 ? * 2#1 *)').dow, { kind: 'nth', day: 2, n: 1 });
    assert.deepEqual(cron('cron(0 0 L * ? *)').dom, { kind: 'last', offset: 0 });
    assert.deepEqual(cron('cron(0 0 ? * 6L *)').dow, { kind: 'last', day: 6 });
    assert.deepEqual(cron('cron(0 0 15W * ? *)').dom, { kind: 'nearestWeekday', day: 15 });
    assert.deepEqual(cron('cron(0 12 * * ? 2026-2028)').years, [2026, 2027, 2028]);
    assert.deepEqual(cron('cron(0 12 * JAN,MAR,DEC ? *)').months, [1, 3, 12]);
  });

  it('understands names in any case, lists, ranges, steps and wrap-around ranges', () => {
    assert.deepEqual(cron('cron(0 0 ? jan-mar mon,wed,fri *)').months, [1, 2, 3]);
    assert.deepEqual(cron('cron(0 0 ? * sun,SAT *)').dow, { kind: 'days', days: new Set([1, 7]) });
    assert.deepEqual(cron('cron(*/20 * * * ? *)').minutes, [0, 20, 40]);
    assert.deepEqual(cron('cron(5-55/20 * * * ? *)').minutes, [5, 25, 45]);
    assert.deepEqual(cron('cron(7 * * * ? *)').minutes, [7]);
    assert.deepEqual(cron('cron(0,30 1,13 * * ? *)').hours, [1, 13]);
    assert.deepEqual(cron('cron(0 22-2 * * ? *)').hours, [0, 1, 2, 22, 23], 'hours wrap past midnight');
    assert.deepEqual(cron('cron(0 0 ? * FRI-MON *)').dow, { kind: 'days', days: new Set([1, 2, 6, 7]) });
    assert.deepEqual(cron('cron(0 0 ? NOV-FEB * *)').months, [1, 2, 11, 12]);
    assert.deepEqual(cron('cron(0 0 1/10 * ? *)').dom, { kind: 'days', days: new Set([1, 11, 21, 31]) });
    assert.deepEqual(cron('cron(0 0 ? * MON#2 *)').dow, { kind: 'nth', day: 2, n: 2 });
    assert.deepEqual(cron('cron(0 0 ? * FRIL *)').dow, { kind: 'last', day: 6 });
    assert.deepEqual(cron('cron(0 0 ? * L *)').dow, { kind: 'days', days: new Set([7]) }, 'L alone = SAT');
    assert.deepEqual(cron('cron(0 0 L-3 * ? *)').dom, { kind: 'last', offset: 3 });
    assert.deepEqual(cron('cron(0 0 LW * ? *)').dom, { kind: 'lastWeekday' });
    assert.deepEqual(cron('cron(0 0 * * ? 2026/50)').years, [2026, 2076, 2126, 2176]);
    assert.deepEqual(cron('cron( 0 0 * * ? * )').minutes, [0], 'spaces inside the parentheses');
    assert.deepEqual(cron('cron(00 09 * * ? *)').hours, [9], 'leading zeros');
  });

  it('requires ? in exactly one of day-of-month and day-of-week', () => {
    assertInvalid('cron(0 10 * * * *)');
    assertInvalid('cron(0 10 1 * MON *)');
    assertInvalid('cron(0 10 ? * ? *)');
    assertInvalid('cron(0 10 1,? * ? *)');
    assertInvalid('cron(? 10 1 * ? *)');
  });

  it('requires six fields', () => {
    assertInvalid('cron(0 10 * * ?)');
    assertInvalid('cron(0 0 10 * * ? *)');
    assertInvalid('cron()');
    assertInvalid('cron(0 10 * * ? *');
  });

  it('refuses values outside each field, including Unix cron day-of-week 0', () => {
    for (const e of [
      'cron(60 * * * ? *)',
      'cron(* 24 * * ? *)',
      'cron(* * 0 * ? *)',
      'cron(* * 32 * ? *)',
      'cron(* * * 0 ? *)',
      'cron(* * * 13 ? *)',
      'cron(* * ? * 0 *)',
      'cron(* * ? * 8 *)',
      'cron(* * * * ? 1969)',
      'cron(* * * * ? 2200)',
      'cron(* * ? * FOO *)',
      'cron(* * * FOO ? *)',
      'cron(* * * * ? MON)',
      'cron(MON * * * ? *)',
    ]) {
      assertInvalid(e);
    }
  });

  it('refuses malformed lists, ranges and steps', () => {
    for (const e of [
      'cron(0/0 * * * ? *)',
      'cron(*/ * * * ? *)',
      'cron(0/x * * * ? *)',
      'cron(1/2/3 * * * ? *)',
      'cron(1-2-3 * * * ? *)',
      'cron(1- * * * ? *)',
      'cron(,5 * * * ? *)',
      'cron(5, * * * ? *)',
      'cron(0 0 ? * MON/2 *)',
      'cron(0 0 ? * */2 *)',
      'cron(-5 * * * ? *)',
    ]) {
      assertInvalid(e);
    }
  });

  it('accepts L, W and # only where and as AWS documents them', () => {
    for (const e of [
      'cron(0 0 L,15 * ? *)',
      'cron(0 0 1-L * ? *)',
      'cron(0 0 5L * ? *)',
      'cron(0 0 32W * ? *)',
      'cron(0 0 0W * ? *)',
      'cron(0 0 1W,15W * ? *)',
      'cron(0 0 L-31 * ? *)',
      'cron(0 0 W * ? *)',
      'cron(0 0 ? * 2#6 *)',
      'cron(0 0 ? * 2#0 *)',
      'cron(0 0 ? * 8#1 *)',
      'cron(0 0 ? * 2#1,3#1 *)',
      'cron(0 0 ? * 1-3L *)',
      'cron(0 0 ? * 15W *)',
      'cron(0 0 2#1 * ? *)',
      'cron(L 0 1 * ? *)',
      'cron(0 L 1 * ? *)',
      'cron(0 0 1 L ? *)',
      'cron(0 0 1 * ? L)',
    ]) {
      assertInvalid(e);
    }
  });
});

describe('at expressions', () => {
  it('parses a local date and time', () => {
    assert.deepEqual(parseExpression('at(2026-03-08T02:30:00)'), {
      kind: 'at',
      local: { year: 2026, month: 3, day: 8, hour: 2, minute: 30, second: 0 },
    });
    assert.equal(parseExpression('at(2028-02-29T23:59:59)').kind, 'at', 'leap day');
  });

  it('refuses other formats and impossible dates', () => {
    for (const e of [
      'at(2026-02-29T00:00:00)',
      'at(2026-04-31T00:00:00)',
      'at(2026-13-01T00:00:00)',
      'at(2026-01-01T24:00:00)',
      'at(2026-01-01T00:60:00)',
      'at(2026-01-01 00:00:00)',
      'at(2026-01-01T00:00)',
      'at(2026-1-1T00:00:00)',
      'at(2026-01-01T00:00:00Z)',
      'at(2026-01-01T00:00:00.000)',
      'at(2026-01-01T00:00:00+01:00)',
      'at(1969-12-31T23:59:59)',
      'at()',
    ]) {
      assertInvalid(e);
    }
  });
});

describe('other input', () => {
  it('refuses anything that is not rate(), cron() or at()', () => {
    for (const e of [
      '',
      'every 5 minutes',
      '0 10 * * ?',
      'cron 0 10 * * ? *',
      'schedule(rate(1 minute))',
      'x'.repeat(300),
    ]) {
      assertInvalid(e);
    }
  });
});
