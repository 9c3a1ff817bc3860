/**
 * The `schedules` service: durable rate/cron/at schedules that invoke Lambda functions through
 * the async queue (EventBridge rules / EventBridge Scheduler semantics). Wiring only; see
 * expression.ts, next-time.ts, catch-up.ts, store.ts, runner.ts, schedules.ts, api.ts and
 * scheduler-api.ts for the parts.
 */
import type Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import type { GustConfig } from '../../config.ts';
import type { DeadLetter } from '../../control/model.ts';
import type { Registry } from '../../control/registry.ts';
import { registerScheduleRoutes } from './api.ts';
import { registerSchedulerApi } from './scheduler-api.ts';
import { ScheduleRunner, systemClock, type Clock, type RunnerOptions } from './runner.ts';
import { Schedules } from './schedules.ts';
import { ScheduleStore } from './store.ts';

export interface SchedulesServiceOptions {
  clock?: Clock;
  /** Test hooks and limits passed to the runner. */
  runner?: Pick<RunnerOptions, 'cap' | 'maxSleepMs' | 'retryMs' | 'afterEnqueue'>;
}

/**
 * The part of ServiceContext (src/services.ts) this service uses, declared structurally because
 * services.ts imports this module (no dependency cycle).
 */
export interface SchedulesServiceContext {
  config: GustConfig;
  app: FastifyInstance;
  /** `db` must be the database the async queue writes to (one transaction per fire). */
  store: { db: Database.Database; asyncQueue: { deadLetter(id: string, d: DeadLetter): void } };
  registry: Registry;
  asyncQueue: { enqueue(functionName: string, qualifier: string | undefined, payload: Buffer): string };
  log(msg: string): void;
}

/** A GustService (src/services.ts) named 'schedules'. */
export class SchedulesService {
  readonly name = 'schedules';
  private _runner?: ScheduleRunner;
  private _schedules?: Schedules;

  constructor(private opts: SchedulesServiceOptions = {}) {}

  get schedules(): Schedules {
    if (!this._schedules) throw new Error('schedules service is not set up');
    return this._schedules;
  }

  get runner(): ScheduleRunner {
    if (!this._runner) throw new Error('schedules service is not set up');
    return this._runner;
  }

  setup(ctx: SchedulesServiceContext): void {
    const clock = this.opts.clock ?? systemClock;
    const account = { region: ctx.config.region, accountId: ctx.config.accountId };
    const store = new ScheduleStore(ctx.store.db);
    // The async queue writes to ctx.store.db too: enqueue + advance share one transaction.
    const runner = new ScheduleRunner({
      ...this.opts.runner,
      store,
      account,
      clock,
      enqueue: (fn, qualifier, payload) => ctx.asyncQueue.enqueue(fn, qualifier, payload),
      onFailedFire: (f) => {
        if (f.code !== 'GUST_FUNCTION_NOT_FOUND') return;
        ctx.store.asyncQueue.deadLetter(f.id, {
          id: f.id,
          functionName: f.schedule.functionName,
          qualifier: f.schedule.qualifier,
          payload: f.payload,
          enqueuedAt: f.scheduledAt,
          failedAt: clock.now(),
          attempts: 0,
          condition: 'FunctionDeleted',
          error: `schedule ${f.schedule.name}: ${f.error}`,
        });
      },
      log: (m) => ctx.log(m),
    });
    const schedules = new Schedules({
      store,
      clock,
      onChange: () => runner.wake(),
      verifyTarget: (fn, qualifier) => {
        ctx.registry.resolveVersion(ctx.registry.require(fn), qualifier);
      },
    });
    registerScheduleRoutes(ctx.app, schedules, account, () => clock.now());
    registerSchedulerApi(ctx.app, schedules, account);
    this._runner = runner;
    this._schedules = schedules;
  }

  start(): void {
    this.runner.start();
  }

  stop(): void {
    this._runner?.stop();
  }
}
