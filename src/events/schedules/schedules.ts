/**
 * Schedule management shared by Gust's API and the EventBridge Scheduler API: validation, the
 * first next time on create/enable/change, and persistence. Every change wakes the runner.
 */
import { parseFunctionRef } from '../../control/names.ts';
import { GustError } from '../../errors.ts';
import { MAX_ASYNC_PAYLOAD } from '../../invoke/async-queue.ts';
import { MAX_DATE_MS } from '../../telemetry/time.ts';
import { CATCH_UP_POLICIES, type CatchUpPolicy } from './catch-up.ts';
import { parseExpression } from './expression.ts';
import { firstAtOrAfter, timingOf } from './next-time.ts';
import type { Clock } from './runner.ts';
import type { ActionAfterCompletion, ListQuery, Schedule, ScheduleState, ScheduleStore } from './store.ts';
import { isValidTimeZone } from './timezone.ts';

export interface ScheduleInput {
  expression: string;
  timezone?: string;
  /** Function name or ARN, optionally qualified (name:alias). */
  functionName: string;
  qualifier?: string | null;
  /** Text passed to the function (JSON); null or absent sends the scheduled event. */
  input?: string | null;
  state?: ScheduleState;
  catchUp?: CatchUpPolicy;
  description?: string;
  startDate?: number | null;
  endDate?: number | null;
  actionAfterCompletion?: ActionAfterCompletion;
  extra?: Record<string, unknown>;
}

export type SchedulePatch = Partial<ScheduleInput> & {
  /** Operator/test hook: set the next fire time of an enabled schedule (then it follows the expression). */
  nextFireAt?: number;
};

export interface SchedulesOptions {
  store: ScheduleStore;
  clock: Clock;
  /** Called after every change (the runner recomputes its sleep). */
  onChange(): void;
  /** Throws GUST_FUNCTION_NOT_FOUND when the target does not exist. */
  verifyTarget(functionName: string, qualifier: string | undefined): void;
}

const NAME_RE = /^[0-9a-zA-Z-_.]{1,64}$/;
const STATES: readonly ScheduleState[] = ['ENABLED', 'DISABLED'];
const ACTIONS: readonly ActionAfterCompletion[] = ['NONE', 'DELETE'];

export const notFound = (name: string): GustError =>
  new GustError('GUST_SCHEDULE_NOT_FOUND', `Schedule ${name} does not exist.`);

const invalid = (field: string, value: unknown, constraint: string): GustError =>
  new GustError(
    'GUST_VALIDATION',
    `1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: ${constraint}`,
  );

export function validateName(name: string): void {
  if (typeof name !== 'string' || !NAME_RE.test(name)) {
    throw invalid('name', name, 'Member must satisfy regular expression pattern: ^[0-9a-zA-Z-_.]+$ (1-64 characters)');
  }
}

export class Schedules {
  constructor(private o: SchedulesOptions) {}

  get(name: string): Schedule {
    const s = this.o.store.get(name);
    if (!s) throw notFound(name);
    return s;
  }

  list(q: ListQuery = {}): Schedule[] {
    return this.o.store.list(q);
  }

  create(name: string, input: ScheduleInput, opts: { verifyTarget?: boolean } = {}): Schedule {
    validateName(name);
    const now = this.o.clock.now();
    const s = this.build(name, input, undefined, now, opts.verifyTarget ?? false);
    if (!this.o.store.insert(s)) {
      throw new GustError('GUST_SCHEDULE_EXISTS', `Schedule ${name} already exists.`);
    }
    this.o.onChange();
    return s;
  }

  /** Change the given fields; the rest keep their values. */
  update(name: string, patch: SchedulePatch, opts: { verifyTarget?: boolean } = {}): Schedule {
    const s = this.o.store.transaction(() => {
      const cur = this.get(name);
      const now = this.o.clock.now();
      const merged: ScheduleInput = {
        expression: patch.expression ?? cur.expression,
        timezone: patch.timezone ?? cur.timezone,
        functionName: patch.functionName ?? cur.functionName,
        qualifier:
          patch.functionName !== undefined && patch.qualifier === undefined ? null : (patch.qualifier ?? cur.qualifier),
        input: patch.input !== undefined ? patch.input : cur.input,
        state: patch.state ?? cur.state,
        catchUp: patch.catchUp ?? cur.catchUp,
        description: patch.description ?? cur.description,
        startDate: patch.startDate !== undefined ? patch.startDate : cur.startDate,
        endDate: patch.endDate !== undefined ? patch.endDate : cur.endDate,
        actionAfterCompletion: patch.actionAfterCompletion ?? cur.actionAfterCompletion,
        extra: patch.extra ?? cur.extra,
      };
      const next = this.build(name, merged, cur, now, opts.verifyTarget ?? false);
      if (patch.nextFireAt !== undefined) {
        if (next.state !== 'ENABLED') throw invalid('nextFireAt', patch.nextFireAt, 'the schedule must be ENABLED');
        next.nextFireAt = patch.nextFireAt;
      }
      this.o.store.put(next);
      return next;
    });
    this.o.onChange();
    return s;
  }

  setState(name: string, state: ScheduleState): Schedule {
    return this.update(name, { state });
  }

  delete(name: string): void {
    if (!this.o.store.delete(name)) throw notFound(name);
    this.o.onChange();
  }

  /** Validate a full definition and compute its timing state (cur: the schedule it replaces). */
  private build(name: string, i: ScheduleInput, cur: Schedule | undefined, now: number, verify: boolean): Schedule {
    parseExpression(i.expression);
    const timezone = i.timezone ?? 'UTC';
    if (!isValidTimeZone(timezone)) {
      throw new GustError('GUST_VALIDATION', `Parameter ScheduleExpressionTimezone is not valid: ${timezone}`);
    }
    const ref = parseFunctionRef(i.functionName);
    if (ref.qualifier && i.qualifier && ref.qualifier !== i.qualifier) {
      throw invalid('qualifier', i.qualifier, `does not match the qualifier in the function ARN (${ref.qualifier})`);
    }
    const qualifier = i.qualifier ?? ref.qualifier ?? null;
    if (qualifier !== null && !/^(\$LATEST|[a-zA-Z0-9-_]{1,128})$/.test(qualifier)) {
      throw invalid('qualifier', qualifier, 'Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)');
    }
    if (verify) this.o.verifyTarget(ref.name, qualifier ?? undefined);
    const input = i.input ?? null;
    if (input !== null) validateInput(input);
    const state = i.state ?? 'ENABLED';
    if (!STATES.includes(state))
      throw invalid('state', state, 'Member must satisfy enum value set: [ENABLED, DISABLED]');
    const catchUp = i.catchUp ?? 'latest';
    if (!CATCH_UP_POLICIES.includes(catchUp)) {
      throw invalid('catchUp', catchUp, `Member must satisfy enum value set: [${CATCH_UP_POLICIES.join(', ')}]`);
    }
    const action = i.actionAfterCompletion ?? 'NONE';
    if (!ACTIONS.includes(action)) {
      throw invalid('actionAfterCompletion', action, 'Member must satisfy enum value set: [NONE, DELETE]');
    }
    const description = i.description ?? '';
    if (description.length > 512)
      throw invalid('description', '...', 'Member must have length less than or equal to 512');
    const startDate = i.startDate ?? null;
    const endDate = i.endDate ?? null;
    for (const [field, v] of [
      ['startDate', startDate],
      ['endDate', endDate],
    ] as const) {
      if (v !== null && !(Number.isFinite(v) && Math.abs(v) <= MAX_DATE_MS)) throw invalid(field, v, 'must be a date');
    }
    if (startDate !== null && endDate !== null && endDate <= startDate) {
      throw new GustError('GUST_VALIDATION', 'The EndDate must be later than the StartDate.');
    }

    const timingChanged =
      !cur ||
      cur.expression !== i.expression ||
      (cur.timezone !== timezone && !i.expression.startsWith('rate(')) ||
      cur.startDate !== startDate ||
      cur.endDate !== endDate;
    const anchorAt = timingChanged ? (startDate ?? now) : cur.anchorAt;
    const s: Schedule = {
      name,
      expression: i.expression,
      timezone,
      functionName: ref.name,
      qualifier,
      input,
      state,
      catchUp,
      description,
      startDate,
      endDate,
      actionAfterCompletion: action,
      anchorAt,
      nextFireAt: null,
      lastFireAt: cur?.lastFireAt ?? null,
      lastError: cur?.lastError ?? null,
      fireCount: cur?.fireCount ?? 0,
      createdAt: cur?.createdAt ?? now,
      updatedAt: now,
      extra: i.extra ?? {},
    };
    if (state === 'ENABLED') {
      // Unchanged timing keeps its place; a new, changed or re-enabled schedule starts from now
      // (occurrences while it was disabled are not caught up). Rate schedules start at once.
      s.nextFireAt =
        cur && !timingChanged && cur.state === 'ENABLED' ? cur.nextFireAt : (firstAtOrAfter(timingOf(s), now) ?? null);
    }
    return s;
  }
}

/** Lambda targets take JSON; context attributes (<aws.scheduler.*>) count as values. */
function validateInput(input: string): void {
  if (input.length < 1) throw invalid('input', input, 'Member must have length greater than or equal to 1');
  if (Buffer.byteLength(input) > MAX_ASYNC_PAYLOAD) {
    throw invalid('input', '...', `Member must be at most ${MAX_ASYNC_PAYLOAD} bytes (the asynchronous payload limit)`);
  }
  try {
    JSON.parse(input.replace(/<aws\.scheduler\.[a-z-]+>/g, '1'));
  } catch {
    throw new GustError('GUST_VALIDATION', 'Input must be well-formed JSON for a Lambda function target.');
  }
}
