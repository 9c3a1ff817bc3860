/**
 * The timer loop: sleeps until the earliest next time of any enabled schedule (woken early when
 * schedules change), then fires every due schedule.
 *
 * A fire is one SQLite transaction: the invocation(s) go into the durable async queue (which must
 * share this database) and the schedule's next/last times advance together. A crash before the
 * commit leaves neither (the occurrence is still due on restart and its catch-up policy applies);
 * a crash after it leaves both. So the scheduler never loses or repeats an occurrence; the async
 * queue then delivers each enqueued event at least once (retries, claims released after kill -9).
 */
import { isGustError } from '../../errors.ts';
import { CATCH_UP_CAP, planFires } from './catch-up.ts';
import { firePayload, occurrenceId, type Account } from './event.ts';
import { timingOf } from './next-time.ts';
import type { Schedule, ScheduleStore } from './store.ts';

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface FailedFire {
  id: string;
  schedule: Schedule;
  scheduledAt: number;
  payload: Buffer;
  code: string;
  error: string;
}

export interface RunnerOptions {
  store: ScheduleStore;
  account: Account;
  /** Durably enqueue an async invocation (AsyncQueue.enqueue). Must write to the store's database. */
  enqueue(functionName: string, qualifier: string | undefined, payload: Buffer): string;
  /** Keep a fire the function could not accept (e.g. it was deleted); runs inside the fire transaction. */
  onFailedFire?(f: FailedFire): void;
  clock?: Clock;
  /** Most missed occurrences fired by the `all` catch-up policy. */
  cap?: number;
  /** Longest sleep, so that a change of the wall clock is noticed. */
  maxSleepMs?: number;
  /** Wait after a fault (e.g. the database is busy) before trying again. */
  retryMs?: number;
  log?(msg: string): void;
  /** Test hook: runs inside the fire transaction after the enqueue, before the schedule advances. */
  afterEnqueue?(schedule: Schedule): void;
}

const BATCH = 100;

export class ScheduleRunner {
  private timer?: NodeJS.Timeout;
  private running = false;
  private readonly clock: Clock;

  constructor(private o: RunnerOptions) {
    this.clock = o.clock ?? systemClock;
  }

  start(): void {
    this.running = true;
    this.tick();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Schedules changed: recompute the sleep now. */
  wake(): void {
    if (!this.running) return;
    this.arm(0);
  }

  /** Fire every due schedule; returns the number of invocations enqueued. Throws on a fault. */
  runDue(): number {
    let total = 0;
    for (;;) {
      const { fired, more, errors } = this.runBatch();
      total += fired;
      if (errors.length) throw errors[0];
      if (!more) return total;
    }
  }

  /** When the loop will look next (ms since epoch), for diagnostics and tests. */
  nextWake(): number | undefined {
    return this.o.store.earliestNext();
  }

  /** One batch of due schedules; a schedule that fails (rolled back) does not hold up the others. */
  private runBatch(): { fired: number; more: boolean; errors: Error[] } {
    const now = this.clock.now();
    const batch = this.o.store.due(now, BATCH);
    let fired = 0;
    const errors: Error[] = [];
    for (const s of batch) {
      try {
        fired += this.fire(s.name, now);
      } catch (e) {
        errors.push(e instanceof Error ? e : new Error(String(e)));
        this.o.log?.(`schedules: firing ${s.name} failed, will retry: ${(e as Error).message}`);
      }
    }
    return { fired, more: batch.length === BATCH, errors };
  }

  private tick(): void {
    if (!this.running) return;
    let delay: number;
    try {
      const { more, errors } = this.runBatch();
      delay = errors.length ? (this.o.retryMs ?? 1000) : more ? 0 : this.sleepMs();
    } catch (e) {
      this.o.log?.(`schedules: looking for due schedules failed, retrying: ${(e as Error).message}`);
      delay = this.o.retryMs ?? 1000;
    }
    this.arm(delay);
  }

  private sleepMs(): number {
    const max = this.o.maxSleepMs ?? 60_000;
    const next = this.o.store.earliestNext();
    if (next === undefined) return max;
    return Math.min(max, Math.max(0, next - this.clock.now()));
  }

  private arm(delay: number): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), delay);
    this.timer.unref();
  }

  /** Fire one schedule if still due: enqueue + advance in one transaction. */
  private fire(name: string, now: number): number {
    const { store } = this.o;
    return store.transaction(() => {
      const s = store.get(name);
      if (!s || s.state !== 'ENABLED' || s.nextFireAt === null || s.nextFireAt > now) return 0;
      const plan = planFires(timingOf(s), s.nextFireAt, now, s.catchUp, this.o.cap ?? CATCH_UP_CAP);
      let fired = 0;
      let lastError: string | null = null;
      for (const scheduledAt of plan.fire) {
        const payload = firePayload(this.o.account, { ...s, scheduledAt });
        try {
          this.o.enqueue(s.functionName, s.qualifier ?? undefined, payload);
          fired++;
        } catch (e) {
          // The function refused the event (deleted, payload too large): keep it, move on.
          // Anything else (a database fault) rolls the whole fire back to be retried.
          if (!isGustError(e) || e.kind !== 'user') throw e;
          lastError = `${e.code}: ${e.message}`;
          const id = occurrenceId(s.name, s.createdAt, scheduledAt);
          this.o.onFailedFire?.({ id, schedule: s, scheduledAt, payload, code: e.code, error: e.message });
        }
      }
      this.o.afterEnqueue?.(s);
      if (plan.next === undefined && s.actionAfterCompletion === 'DELETE') store.delete(s.name);
      else {
        store.recordFire(s.name, {
          nextFireAt: plan.next ?? null,
          lastFireAt: plan.fire.at(-1) ?? null,
          fired,
          lastError,
        });
      }
      if (plan.skipped || plan.fire.length > 1 || lastError) {
        this.o.log?.(
          `schedules: ${s.name}: ${fired} fired, ${plan.skipped}${plan.more ? '+' : ''} missed occurrence(s) skipped ` +
            `(catch-up ${s.catchUp})${lastError ? `; ${lastError}` : ''}`,
        );
      }
      return fired;
    });
  }
}
