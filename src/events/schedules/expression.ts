/**
 * Schedule expressions exactly as EventBridge (rules and Scheduler) accept them:
 *   rate(value unit)                 value ≥ 1; unit singular iff value is 1 (minute|hour|day)
 *   cron(min hour dom month dow year) AWS's six fields; one of dom/dow must be `?`; dow 1-7 = SUN-SAT
 *   at(yyyy-mm-ddThh:mm:ss)          one-time, in the schedule's time zone
 * Parsing only; next-time.ts computes occurrences. Invalid expressions throw AWS's ValidationException.
 */
import { GustError } from '../../errors.ts';

export interface RateExpression {
  kind: 'rate';
  intervalMs: number;
}

export interface AtExpression {
  kind: 'at';
  /** Local wall-clock time in the schedule's time zone. */
  local: { year: number; month: number; day: number; hour: number; minute: number; second: number };
}

/** Day-of-month: `?`/`*`, a set of days, `L` / `L-n` (n days before the last), `LW`, or `nW` (nearest weekday). */
export type DomSpec =
  | { kind: 'any' }
  | { kind: 'days'; days: ReadonlySet<number> }
  | { kind: 'last'; offset: number }
  | { kind: 'lastWeekday' }
  | { kind: 'nearestWeekday'; day: number };

/**
 * Day-of-week (1 = SUN ... 7 = SAT): `?`/`*`, a set of days (`L` alone = SAT, as in Quartz), `nL` (the last
 * n-day of the month), `n#k` (the k-th n-day of the month).
 */
export type DowSpec =
  | { kind: 'any' }
  | { kind: 'days'; days: ReadonlySet<number> }
  | { kind: 'last'; day: number }
  | { kind: 'nth'; day: number; n: number };

export interface CronExpression {
  kind: 'cron';
  minutes: readonly number[];
  hours: readonly number[];
  dom: DomSpec;
  months: readonly number[];
  dow: DowSpec;
  years: readonly number[];
}

export type ScheduleExpression = RateExpression | CronExpression | AtExpression;

export const MIN_YEAR = 1970;
export const MAX_YEAR = 2199;

/** AWS's message for any malformed expression; `reason` says what is wrong (an extra error field). */
export function invalidExpression(reason: string): GustError {
  return new GustError('GUST_SCHEDULE_INVALID_EXPRESSION', 'Parameter ScheduleExpression is not valid.', {
    Reason: reason,
  });
}

const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
/** Longest accepted rate: keeps every computed time inside the Date range. */
const MAX_RATE_MS = 1000 * 365 * UNIT_MS.day;

export function parseExpression(text: string): ScheduleExpression {
  if (typeof text !== 'string' || text.length < 1 || text.length > 256) throw invalidExpression('length 1-256');
  const m = /^(rate|cron|at)\((.*)\)$/s.exec(text);
  if (!m) throw invalidExpression('expected rate(...), cron(...) or at(...)');
  const body = m[2]!;
  if (m[1] === 'rate') return parseRate(body);
  if (m[1] === 'at') return parseAt(body);
  return parseCron(body);
}

function parseRate(body: string): RateExpression {
  const m = /^([1-9]\d*) (minute|minutes|hour|hours|day|days)$/.exec(body);
  if (!m) throw invalidExpression('rate(value unit): a positive integer and minute(s), hour(s) or day(s)');
  const value = Number(m[1]);
  const unit = m[2]!;
  const plural = unit.endsWith('s');
  if (value === 1 && plural) throw invalidExpression(`rate(1 ${unit}): use the singular unit for 1`);
  if (value > 1 && !plural) throw invalidExpression(`rate(${value} ${unit}): use the plural unit for values above 1`);
  const intervalMs = value * UNIT_MS[unit.replace(/s$/, '') as keyof typeof UNIT_MS];
  if (intervalMs > MAX_RATE_MS) throw invalidExpression('rate too long');
  return { kind: 'rate', intervalMs };
}

function parseAt(body: string): AtExpression {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body);
  if (!m) throw invalidExpression('at(yyyy-mm-ddThh:mm:ss)');
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    hour > 23 ||
    minute > 59 ||
    second > 59 ||
    year < MIN_YEAR ||
    year > MAX_YEAR
  ) {
    throw invalidExpression('at(): not a valid date and time');
  }
  return { kind: 'at', local: { year, month, day, hour, minute, second } };
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface FieldDef {
  name: string;
  min: number;
  max: number;
  names?: string[];
  /** `/` increments allowed (AWS: every field but day-of-week). */
  step: boolean;
}

const FIELDS = {
  minutes: { name: 'Minutes', min: 0, max: 59, step: true },
  hours: { name: 'Hours', min: 0, max: 23, step: true },
  dom: { name: 'Day-of-month', min: 1, max: 31, step: true },
  months: { name: 'Month', min: 1, max: 12, names: MONTHS, step: true },
  dow: { name: 'Day-of-week', min: 1, max: 7, names: DAYS, step: false },
  years: { name: 'Year', min: MIN_YEAR, max: MAX_YEAR, step: true },
} satisfies Record<string, FieldDef>;

function parseCron(body: string): CronExpression {
  const parts = body.trim().split(/\s+/);
  if (parts.length !== 6) throw invalidExpression(`cron() takes 6 fields, got ${parts.length}`);
  const [mi, h, dom, mo, dow, y] = parts.map((p) => p.toUpperCase()) as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const domAny = dom === '?';
  const dowAny = dow === '?';
  if (domAny === dowAny) {
    throw invalidExpression('exactly one of Day-of-month and Day-of-week must be ?');
  }
  return {
    kind: 'cron',
    minutes: parseList(mi, FIELDS.minutes),
    hours: parseList(h, FIELDS.hours),
    dom: domAny ? { kind: 'any' } : parseDom(dom),
    months: parseList(mo, FIELDS.months),
    dow: dowAny ? { kind: 'any' } : parseDow(dow),
    years: parseList(y, FIELDS.years),
  };
}

function parseDom(f: string): DomSpec {
  if (f === '*') return { kind: 'any' };
  if (f === 'L') return { kind: 'last', offset: 0 };
  if (f === 'LW') return { kind: 'lastWeekday' };
  let m = /^L-(\d{1,2})$/.exec(f);
  if (m) {
    const offset = Number(m[1]);
    if (offset > 30) throw invalidExpression('Day-of-month: L-n takes n from 0 to 30');
    return { kind: 'last', offset };
  }
  m = /^(\d{1,2})W$/.exec(f);
  if (m) {
    const day = Number(m[1]);
    if (day < 1 || day > 31) throw invalidExpression('Day-of-month: nW takes n from 1 to 31');
    return { kind: 'nearestWeekday', day };
  }
  if (/[LW]/.test(f)) throw invalidExpression('Day-of-month: L and W stand alone (L, L-n, LW, nW)');
  return { kind: 'days', days: new Set(parseList(f, FIELDS.dom)) };
}

function parseDow(f: string): DowSpec {
  if (f === '*') return { kind: 'any' };
  if (f === 'L') return { kind: 'days', days: new Set([7]) }; // alone: the last day of the week, SAT
  let m = /^([A-Z]{3}|\d)L$/.exec(f);
  if (m) return { kind: 'last', day: parseValue(m[1]!, FIELDS.dow) };
  m = /^([A-Z]{3}|\d)#(\d)$/.exec(f);
  if (m) {
    const n = Number(m[2]);
    if (n < 1 || n > 5) throw invalidExpression('Day-of-week: n#k takes k from 1 to 5');
    return { kind: 'nth', day: parseValue(m[1]!, FIELDS.dow), n };
  }
  if (/[L#]/.test(f)) throw invalidExpression('Day-of-week: L and # stand alone (L, nL, n#k)');
  return { kind: 'days', days: new Set(parseList(f, FIELDS.dow)) };
}

function parseValue(v: string, def: FieldDef): number {
  let n: number;
  if (/^\d+$/.test(v)) n = Number(v);
  else {
    const i = def.names?.indexOf(v) ?? -1;
    if (i < 0) throw invalidExpression(`${def.name}: '${v}' is not a value`);
    n = i + def.min;
  }
  if (n < def.min || n > def.max) throw invalidExpression(`${def.name}: ${v} is outside ${def.min}-${def.max}`);
  return n;
}

/** A comma list of `*`, `n`, `a-b` (wrapping past the end, as Quartz), `x/step` with x = `*`, `n` or `a-b`. */
function parseList(f: string, def: FieldDef): number[] {
  const out = new Set<number>();
  for (const item of f.split(',')) {
    if (item === '') throw invalidExpression(`${def.name}: empty list item`);
    if (item === '?') throw invalidExpression(`${def.name}: ? is only allowed alone in Day-of-month or Day-of-week`);
    const [range, stepText, extra] = item.split('/');
    if (extra !== undefined) throw invalidExpression(`${def.name}: '${item}'`);
    let step = 1;
    if (stepText !== undefined) {
      if (!def.step) throw invalidExpression(`${def.name}: / is not allowed`);
      if (!/^\d+$/.test(stepText) || Number(stepText) < 1) {
        throw invalidExpression(`${def.name}: increment must be a positive integer`);
      }
      step = Number(stepText);
    }
    let from: number;
    let to: number;
    if (range === '*') {
      from = def.min;
      to = def.max;
    } else if (range!.includes('-')) {
      const [a, b, more] = range!.split('-');
      if (more !== undefined || !a || !b) throw invalidExpression(`${def.name}: '${item}'`);
      from = parseValue(a, def);
      to = parseValue(b, def);
    } else {
      from = parseValue(range!, def);
      // `n/step` runs from n to the end of the field; a single `n` is just n.
      to = stepText !== undefined ? def.max : from;
    }
    const span = def.max - def.min + 1;
    const count = to >= from ? to - from : to + span - from; // wrap-around range (e.g. FRI-MON, 22-2)
    for (let i = 0; i <= count; i += step) out.add(((from - def.min + i) % span) + def.min);
  }
  return [...out].sort((a, b) => a - b);
}
