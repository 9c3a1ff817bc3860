/**
 * Catch-up planning and the runner, with a driven clock over a real SQLite store: fires are
 * enqueued to the durable async queue with the schedule advanced in the same transaction, missed
 * occurrences follow the schedule's policy across a restart, nothing fires twice, a crash between
 * enqueue and advance leaves neither, and the timer loop sleeps until the next due schedule.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { GustError } from '../../src/errors.ts';
import { planFires } from '../../src/events/schedules/catch-up.ts';
import { firePayload, occurrenceId, scheduledEvent } from '../../src/events/schedules/event.ts';
import { parseExpression } from '../../src/events/schedules/expression.ts';
import { ScheduleRunner, systemClock, type RunnerOptions } from '../../src/events/schedules/runner.ts';
import { Schedules } from '../../src/events/schedules/schedules.ts';
import { ScheduleStore } from '../../src/events/schedules/store.ts';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/index.ts';

const T = (iso: string): number => Date.parse(iso);
const MIN = 60_000;
const account = { region: 'eu-west-1', accountId: '123456789012' };

describe('planFires', () => {
  const t0 = T('2026-01-01T00:00:00Z');
  const rate = { expr: parseExpression('rate(1 minute)'), timezone: 'UTC', anchor: t0 };
  const hourly = { expr: parseExpression('cron(0 * * * ? *)'), timezone: 'UTC', anchor: 0 };

  it('fires just the due occurrence when on time, whatever the policy', () => {
    for (const policy of ['none', 'latest', 'all'] as const) {
      assert.deepEqual(planFires(rate, t0, t0 + 250, policy), { fire: [t0], skipped: 0, more: false, next: t0 + MIN });
    }
    assert.deepEqual(planFires(rate, t0 + MIN, t0 + 250, 'all').fire, [], 'not due yet');
  });

  it('applies the policy to occurrences missed while down', () => {
    const now = t0 + 10 * MIN + 30_000;
    const all = planFires(rate, t0, now, 'all');
    assert.deepEqual(
      all.fire,
      Array.from({ length: 11 }, (_, i) => t0 + i * MIN),
    );
    assert.equal(all.next, t0 + 11 * MIN);
    const latest = planFires(rate, t0, now, 'latest');
    assert.deepEqual(latest.fire, [t0 + 10 * MIN]);
    assert.equal(latest.skipped, 10);
    assert.equal(latest.next, t0 + 11 * MIN);
    // none: only what is due within the last minute (here the 00:10 occurrence, 30 s ago).
    assert.deepEqual(planFires(rate, t0, now, 'none').fire, [t0 + 10 * MIN]);
    const late = T('2026-01-01T12:30:00Z');
    const none = planFires(hourly, T('2026-01-01T10:00:00Z'), late, 'none');
    assert.deepEqual(none, { fire: [], skipped: 3, more: false, next: T('2026-01-01T13:00:00Z') });
  });

  it('caps `all` at the most recent occurrences', () => {
    const now = t0 + 365 * 24 * 60 * MIN;
    const p = planFires(rate, t0, now, 'all', 100);
    assert.equal(p.fire.length, 100);
    assert.equal(p.fire[99], now);
    assert.equal(p.fire[0], now - 99 * MIN);
    assert.equal(p.more, true);
    assert.equal(planFires(rate, t0, t0 + 4 * MIN, 'all', 3).fire.length, 3);
  });

  it('fires a missed at() under latest/all but not under none', () => {
    const at = { expr: parseExpression('at(2026-01-01T00:00:00)'), timezone: 'UTC', anchor: 0 };
    const now = t0 + 5 * MIN;
    assert.deepEqual(planFires(at, t0, now, 'latest'), { fire: [t0], skipped: 0, more: false, next: undefined });
    assert.deepEqual(planFires(at, t0, now, 'none'), { fire: [], skipped: 1, more: false, next: undefined });
  });
});

describe('scheduled event', () => {
  it("has EventBridge's shape with the scheduled time and a stable id", () => {
    const at = T('2026-01-01T00:00:00Z');
    const ev = scheduledEvent(account, { name: 'nightly', createdAt: 1, input: null, scheduledAt: at });
    assert.deepEqual(Object.keys(ev), [
      'version',
      'id',
      'detail-type',
      'source',
      'account',
      'time',
      'region',
      'resources',
      'detail',
    ]);
    assert.deepEqual(
      { ...ev, id: 'x' },
      {
        version: '0',
        id: 'x',
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: '123456789012',
        time: '2026-01-01T00:00:00Z',
        region: 'eu-west-1',
        resources: ['arn:aws:events:eu-west-1:123456789012:rule/nightly'],
        detail: {},
      },
    );
    assert.match(ev.id as string, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(ev.id, occurrenceId('nightly', 1, at), 'same occurrence, same id');
    assert.notEqual(ev.id, occurrenceId('nightly', 1, at + MIN));
    assert.notEqual(ev.id, occurrenceId('nightly', 2, at), 'a re-created schedule has new ids');
  });

  it('sends the input instead, with Scheduler context attributes filled in', () => {
    const input =
      '{"t":"<aws.scheduler.scheduled-time>","arn":"<aws.scheduler.schedule-arn>","n":<aws.scheduler.attempt-number>,"x":"<aws.scheduler.unknown>"}';
    const p = JSON.parse(
      firePayload(account, { name: 's1', createdAt: 1, input, scheduledAt: T('2026-05-01T08:00:00Z') }).toString(),
    );
    assert.deepEqual(p, {
      t: '2026-05-01T08:00:00Z',
      arn: 'arn:aws:scheduler:eu-west-1:123456789012:schedule/default/s1',
      n: 1,
      x: '<aws.scheduler.unknown>',
    });
  });
});

describe('ScheduleRunner', () => {
  let home: string;
  let sqlite: SqliteStore;
  let store: ScheduleStore;
  const clock = { t: T('2026-01-01T09:59:30Z'), now: () => clock.t };
  const functions = new Set(['fn', 'other']);

  const enqueue = (fn: string, qualifier: string | undefined, payload: Buffer): string => {
    if (!functions.has(fn)) throw new GustError('GUST_FUNCTION_NOT_FOUND', `Function not found: ${fn}`);
    const id = randomUUID();
    sqlite.asyncQueue.enqueue({
      id,
      functionName: fn,
      qualifier: qualifier ?? null,
      payload,
      enqueuedAt: clock.t,
      attempts: 0,
      nextAttemptAt: clock.t,
      lastError: null,
    });
    return id;
  };

  const runner = (extra: Partial<RunnerOptions> = {}): ScheduleRunner =>
    new ScheduleRunner({ store, account, clock, enqueue, ...extra });

  const schedules = (r?: ScheduleRunner): Schedules =>
    new Schedules({ store, clock, onChange: () => r?.wake(), verifyTarget: () => {} });

  /** Payloads in the async queue, oldest first, with their function. */
  const queued = (): { fn: string; qualifier: string | null; event: Record<string, unknown> }[] =>
    (
      sqlite.db.prepare('SELECT function_name, qualifier, payload FROM async_events ORDER BY rowid').all() as {
        function_name: string;
        qualifier: string | null;
        payload: Buffer;
      }[]
    ).map((r) => ({ fn: r.function_name, qualifier: r.qualifier, event: JSON.parse(r.payload.toString()) }));

  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'gust-sched-'));
    sqlite = openSqliteStore(home);
    store = new ScheduleStore(sqlite.db);
    clock.t = T('2026-01-01T09:59:30Z');
  });
  afterEach(() => {
    sqlite.close();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('fires a cron schedule at its time, once, with the scheduled time in the event', () => {
    const r = runner();
    const s = schedules(r).create('daily', { expression: 'cron(0 10 * * ? *)', functionName: 'fn:prod' });
    assert.equal(s.nextFireAt, T('2026-01-01T10:00:00Z'));
    assert.equal(r.runDue(), 0, 'not due yet');
    clock.t = T('2026-01-01T10:00:07Z');
    assert.equal(r.runDue(), 1);
    assert.equal(r.runDue(), 0, 'no second fire for the same occurrence');
    const [q] = queued();
    assert.equal(q!.fn, 'fn');
    assert.equal(q!.qualifier, 'prod');
    assert.equal(q!.event.time, '2026-01-01T10:00:00Z', 'the scheduled time, not the processing time');
    assert.equal(q!.event['detail-type'], 'Scheduled Event');
    const after = store.get('daily')!;
    assert.equal(after.nextFireAt, T('2026-01-02T10:00:00Z'));
    assert.equal(after.lastFireAt, T('2026-01-01T10:00:00Z'));
    assert.equal(after.fireCount, 1);
    assert.equal(r.nextWake(), T('2026-01-02T10:00:00Z'));
  });

  it('starts a rate schedule at once and then every interval', () => {
    const r = runner();
    schedules(r).create('often', { expression: 'rate(5 minutes)', functionName: 'fn', input: '{"k":1}' });
    assert.equal(r.runDue(), 1);
    clock.t += 5 * MIN;
    assert.equal(r.runDue(), 1);
    assert.deepEqual(
      queued().map((q) => q.event),
      [{ k: 1 }, { k: 1 }],
    );
  });

  it('does not fire disabled schedules, and enabling does not catch up the disabled time', () => {
    const r = runner();
    const api = schedules(r);
    api.create('quiet', { expression: 'cron(* * * * ? *)', functionName: 'fn', state: 'DISABLED' });
    assert.equal(store.get('quiet')!.nextFireAt, null);
    clock.t += 30 * MIN;
    assert.equal(r.runDue(), 0);
    const enabled = api.setState('quiet', 'ENABLED');
    assert.equal(enabled.nextFireAt, T('2026-01-01T10:30:00Z'), 'the next minute after now');
    clock.t = T('2026-01-01T10:30:00Z');
    assert.equal(r.runDue(), 1);
    api.setState('quiet', 'DISABLED');
    clock.t += 10 * MIN;
    assert.equal(r.runDue(), 0);
    assert.equal(queued().length, 1);
  });

  it('applies each catch-up policy to the fires missed while Gust was down', () => {
    const api = schedules();
    for (const catchUp of ['none', 'latest', 'all'] as const) {
      api.create(`cu-${catchUp}`, {
        expression: 'cron(0/10 * * * ? *)',
        functionName: 'fn',
        catchUp,
        input: `"${catchUp}"`,
      });
    }
    // Down from 09:59:30 to 11:05: 10:00 ... 11:00 (7 occurrences) were missed. A new runner = a restart.
    clock.t = T('2026-01-01T11:05:00Z');
    const r = runner();
    assert.equal(r.runDue(), 0 + 1 + 7);
    const byPolicy = (p: string): number => queued().filter((q) => (q.event as unknown) === p).length;
    assert.equal(byPolicy('none'), 0);
    assert.equal(byPolicy('latest'), 1);
    assert.equal(byPolicy('all'), 7);
    for (const p of ['none', 'latest', 'all']) {
      assert.equal(store.get(`cu-${p}`)!.nextFireAt, T('2026-01-01T11:10:00Z'), `${p} continues on schedule`);
    }
    assert.equal(store.get('cu-none')!.lastFireAt, null);
    assert.equal(store.get('cu-latest')!.lastFireAt, T('2026-01-01T11:00:00Z'));
    assert.equal(runner().runDue(), 0, 'a second restart fires nothing again');
  });

  it('gives the `all` catch-up of each occurrence its own scheduled time', () => {
    schedules().create('each', { expression: 'rate(1 hour)', functionName: 'fn', catchUp: 'all' });
    clock.t += 3 * 60 * MIN;
    assert.equal(runner().runDue(), 4);
    assert.deepEqual(
      queued().map((q) => q.event.time),
      ['2026-01-01T09:59:30Z', '2026-01-01T10:59:30Z', '2026-01-01T11:59:30Z', '2026-01-01T12:59:30Z'],
    );
    assert.equal(new Set(queued().map((q) => q.event.id)).size, 4);
  });

  it('caps the `all` catch-up', () => {
    schedules().create('capped', { expression: 'rate(1 minute)', functionName: 'fn', catchUp: 'all' });
    clock.t += 24 * 60 * MIN;
    const logs: string[] = [];
    assert.equal(runner({ cap: 25, log: (m) => logs.push(m) }).runDue(), 25);
    assert.equal(queued().at(-1)!.event.time, new Date(clock.t).toISOString().replace('.000Z', 'Z'));
    assert.match(logs.join('\n'), /capped: 25 fired, \d+\+ missed occurrence\(s\) skipped \(catch-up all\)/);
  });

  it('is atomic: a crash between enqueue and advance leaves neither', () => {
    schedules().create('atomic', { expression: 'cron(0 10 * * ? *)', functionName: 'fn' });
    clock.t = T('2026-01-01T10:00:01Z');
    const crashing = runner({
      afterEnqueue: () => {
        assert.equal(queued().length, 1, 'enqueued inside the transaction');
        throw new Error('simulated crash');
      },
    });
    assert.throws(() => crashing.runDue(), /simulated crash/);
    assert.equal(queued().length, 0, 'the enqueue was rolled back');
    assert.equal(store.get('atomic')!.nextFireAt, T('2026-01-01T10:00:00Z'), 'still due');
    assert.equal(store.get('atomic')!.fireCount, 0);
    assert.equal(runner().runDue(), 1, 'fired once on the next run');
    assert.equal(queued().length, 1);
    assert.equal(store.get('atomic')!.nextFireAt, T('2026-01-02T10:00:00Z'));
  });

  it('does not let one failing schedule hold up the others', () => {
    const api = schedules();
    api.create('a-broken', { expression: 'rate(1 minute)', functionName: 'fn' });
    api.create('b-fine', { expression: 'rate(1 minute)', functionName: 'fn' });
    const r = runner({
      afterEnqueue: (s) => {
        if (s.name === 'a-broken') throw new Error('disk I/O error');
      },
    });
    assert.throws(() => r.runDue(), /disk I\/O error/);
    assert.equal(store.get('b-fine')!.fireCount, 1);
    assert.equal(store.get('a-broken')!.fireCount, 0);
    assert.equal(queued().length, 1);
  });

  it('does not restart a rate schedule when only its time zone changes', () => {
    const api = schedules();
    api.create('r', { expression: 'rate(1 hour)', functionName: 'fn' });
    assert.equal(runner().runDue(), 1);
    clock.t += 5 * MIN;
    assert.equal(api.update('r', { timezone: 'Asia/Tokyo' }).nextFireAt, T('2026-01-01T10:59:30Z'));
  });

  it('rolls back and retries on a platform fault of the queue', () => {
    schedules().create('busy', { expression: 'rate(1 minute)', functionName: 'fn' });
    const failing = runner({
      enqueue: () => {
        throw new GustError('GUST_INTERNAL', 'database is locked');
      },
    });
    assert.throws(() => failing.runDue(), /database is locked/);
    assert.equal(store.get('busy')!.fireCount, 0);
    assert.equal(runner().runDue(), 1);
  });

  it('keeps fires for a deleted function and moves on', () => {
    const failed: string[] = [];
    schedules().create('orphan', { expression: 'rate(1 minute)', functionName: 'gone' });
    const r = runner({ onFailedFire: (f) => failed.push(`${f.schedule.name}@${f.scheduledAt}:${f.code}`) });
    assert.equal(r.runDue(), 0);
    assert.deepEqual(failed, [`orphan@${T('2026-01-01T09:59:30Z')}:GUST_FUNCTION_NOT_FOUND`]);
    const s = store.get('orphan')!;
    assert.match(s.lastError!, /GUST_FUNCTION_NOT_FOUND/);
    assert.equal(s.nextFireAt, T('2026-01-01T10:00:30Z'), 'advanced, not stuck');
    assert.equal(s.lastFireAt, T('2026-01-01T09:59:30Z'));
  });

  it('fires at() once, then keeps it (NONE) or deletes it (DELETE)', () => {
    const api = schedules();
    api.create('once', { expression: 'at(2026-01-01T10:00:00)', functionName: 'fn' });
    api.create('once-del', {
      expression: 'at(2026-01-01T05:00:00)',
      timezone: 'America/New_York',
      functionName: 'fn',
      actionAfterCompletion: 'DELETE',
    });
    clock.t = T('2026-01-01T10:00:00Z');
    assert.equal(runner().runDue(), 2);
    clock.t += 60 * MIN;
    assert.equal(runner().runDue(), 0);
    assert.equal(store.get('once')!.nextFireAt, null);
    assert.equal(store.get('once')!.state, 'ENABLED');
    assert.equal(store.get('once-del'), undefined);
    assert.deepEqual(
      queued().map((q) => q.event.time),
      ['2026-01-01T10:00:00Z', '2026-01-01T10:00:00Z'],
    );
    const past = api.create('past', { expression: 'at(2025-06-01T00:00:00)', functionName: 'fn' });
    assert.equal(past.nextFireAt, null, 'an at() in the past never fires');
  });

  it('keeps the place of an unchanged schedule on update and restarts a changed one', () => {
    const api = schedules();
    api.create('u', { expression: 'rate(1 hour)', functionName: 'fn' });
    assert.equal(runner().runDue(), 1);
    clock.t += 10 * MIN;
    const same = api.update('u', { description: 'renamed', input: '{"a":1}' });
    assert.equal(same.nextFireAt, T('2026-01-01T10:59:30Z'));
    const changed = api.update('u', { expression: 'cron(0 12 * * ? *)', timezone: 'Europe/Berlin' });
    assert.equal(changed.nextFireAt, T('2026-01-01T11:00:00Z'));
    assert.equal(changed.fireCount, 1, 'history kept');
    const hooked = api.update('u', { nextFireAt: clock.t });
    assert.equal(hooked.nextFireAt, clock.t);
    assert.equal(runner().runDue(), 1);
    assert.equal(store.get('u')!.nextFireAt, T('2026-01-01T11:00:00Z'), 'then follows its expression');
  });

  it('sleeps until the next due schedule, wakes on changes, and does not poll', async () => {
    const counting = new ScheduleStore(sqlite.db);
    let dueCalls = 0;
    const due = counting.due.bind(counting);
    counting.due = (now, limit) => {
      dueCalls++;
      return due(now, limit);
    };
    const r = new ScheduleRunner({ store: counting, account, enqueue, clock: systemClock });
    const api = new Schedules({
      store: counting,
      clock: systemClock,
      onChange: () => r.wake(),
      verifyTarget: () => {},
    });
    api.create('far', { expression: 'cron(0 0 1 1 ? 2199)', functionName: 'fn' });
    r.start();
    try {
      await new Promise((res) => setTimeout(res, 300));
      assert.equal(dueCalls, 1, 'one look at start, then asleep until 2199 (or the 60 s cap)');
      const soon = Date.now() + 150;
      api.update('far', { nextFireAt: soon });
      const started = Date.now();
      while (queued().length === 0 && Date.now() - started < 3000) await new Promise((res) => setTimeout(res, 10));
      assert.equal(queued().length, 1, 'fired by the timer');
      assert.ok(Date.now() >= soon, 'not before its time');
      assert.ok(dueCalls <= 4, `woke for the change and the fire only (${dueCalls} looks)`);
    } finally {
      r.stop();
    }
  });
});
