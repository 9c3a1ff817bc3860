/**
 * Schedules against a real server and a real function (the recorder fixture): EventBridge's
 * scheduled event, the target input, disable/enable, at() one-shots in a time zone, validation
 * errors, the EventBridge Scheduler API through the AWS SDK v3 and the AWS CLI, and catch-up policies across kill -9.
 */
import { CreateFunctionCommand } from '@aws-sdk/client-lambda';
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
  ValidationException,
  paginateListSchedules,
} from '@aws-sdk/client-scheduler';
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { zipDirectory } from '../../src/control/zip-dir.ts';
import { toLocal } from '../../src/events/schedules/timezone.ts';
import {
  FIXTURES,
  deployFixture,
  lambdaClient,
  readRecords,
  spawnServer,
  startTestGust,
  tempHome,
  waitFor,
  type Recorded,
  type TestGust,
} from '../helpers/gust.ts';
import { awsCli, skipWithoutAwsCli, type CliResult } from '../helpers/aws-cli.ts';

interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  code: string | null;
  type: string | null;
}

async function call(url: string, method: string, p: string, body?: unknown): Promise<Answer> {
  const r = await fetch(url + p, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return {
    status: r.status,
    body: text ? JSON.parse(text) : undefined,
    code: r.headers.get('x-gust-error-code'),
    type: r.headers.get('x-amzn-errortype'),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const awsTime = (iso: string): string => iso.replace(/\.\d{3}Z$/, 'Z');
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** at(...) for the local time of `instant` in `tz`. */
function atExpression(instant: number, tz: string): string {
  const l = toLocal(instant, tz);
  return `at(${pad(l.year, 4)}-${pad(l.month)}-${pad(l.day)}T${pad(l.hour)}:${pad(l.minute)}:${pad(l.second)})`;
}

describe('schedules', () => {
  let t: TestGust;
  let file: string;
  const api = (method: string, p: string, body?: unknown): Promise<Answer> => call(t.url, method, p, body);
  /** Scheduled events recorded for one schedule (by its rule ARN). */
  const eventsOf = (name: string): Recorded[] =>
    readRecords(file).filter((r) => r.event.resources?.[0] === `arn:aws:events:us-east-1:000000000000:rule/${name}`);
  const byMarker = (marker: string): Recorded[] => readRecords(file).filter((r) => r.event?.marker === marker);

  before(async () => {
    t = await startTestGust({ asyncPollMs: 20 });
    file = path.join(t.home, 'records.jsonl');
    await deployFixture(t, 'rec', 'node/recorder', 'nodejs20.x', 'index.handler', {
      Environment: { Variables: { RECORD_FILE: file } },
    });
  });
  after(() => t.stop());

  it("fires a rate(1 minute) schedule with EventBridge's scheduled event, again when its next fire is set to now", async () => {
    const created = await api('POST', '/gust/v1/schedules', {
      name: 'every-minute',
      expression: 'rate(1 minute)',
      functionName: 'rec',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.state, 'ENABLED');
    assert.equal(created.body.catchUp, 'latest', 'default catch-up policy');
    assert.equal(created.body.arn, 'arn:aws:scheduler:us-east-1:000000000000:schedule/default/every-minute');
    // Like EventBridge Scheduler without a StartDate, a rate schedule starts at once.
    assert.ok(await waitFor(() => eventsOf('every-minute').length === 1, 10_000));
    const first = eventsOf('every-minute')[0]!;
    assert.deepEqual(Object.keys(first.event), [
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
    assert.equal(first.event.version, '0');
    assert.match(first.event.id, UUID);
    assert.equal(first.event['detail-type'], 'Scheduled Event');
    assert.equal(first.event.source, 'aws.events');
    assert.equal(first.event.account, '000000000000');
    assert.equal(first.event.region, 'us-east-1');
    assert.equal(first.event.time, awsTime(created.body.nextFireAt), 'the scheduled time');
    assert.deepEqual(first.event.detail, {});

    const got = await api('GET', '/gust/v1/schedules/every-minute');
    assert.equal(got.body.fireCount, 1);
    assert.equal(got.body.lastFireAt, created.body.nextFireAt);
    assert.equal(Date.parse(got.body.nextFireAt) - Date.parse(created.body.nextFireAt), 60_000, 'a minute later');

    const now = new Date().toISOString();
    const patched = await api('PATCH', '/gust/v1/schedules/every-minute', { nextFireAt: now });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.ok(await waitFor(() => eventsOf('every-minute').length === 2, 10_000), 'the timer fired it');
    const second = eventsOf('every-minute')[1]!;
    assert.equal(second.event.time, awsTime(now));
    assert.notEqual(second.event.id, first.event.id);
    const after2 = await api('GET', '/gust/v1/schedules/every-minute');
    assert.equal(after2.body.fireCount, 2);
    assert.equal(
      after2.body.nextFireAt,
      new Date(Date.parse(created.body.nextFireAt) + 60_000).toISOString(),
      'back on its minute grid',
    );
    await api('DELETE', '/gust/v1/schedules/every-minute');
  });

  it('sends the target input instead of the event, with context attributes', async () => {
    const r = await api('POST', '/gust/v1/schedules', {
      name: 'with-input',
      expression: 'cron(0 12 1 1 ? 2199)',
      functionName: 'arn:aws:lambda:us-east-1:000000000000:function:rec:$LATEST',
      input: { marker: 'input-1', nested: { a: [1, 2] }, at: '<aws.scheduler.scheduled-time>' },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.qualifier, '$LATEST');
    assert.equal(r.body.nextFireAt, '2199-01-01T12:00:00.000Z');
    assert.deepEqual(r.body.input.nested, { a: [1, 2] });
    await new Promise((res) => setTimeout(res, 300));
    assert.equal(byMarker('input-1').length, 0, 'not before its time');
    const now = new Date().toISOString();
    await api('PATCH', '/gust/v1/schedules/with-input', { nextFireAt: now });
    assert.ok(await waitFor(() => byMarker('input-1').length === 1, 10_000));
    assert.deepEqual(byMarker('input-1')[0]!.event, { marker: 'input-1', nested: { a: [1, 2] }, at: awsTime(now) });
    // Clearing the input brings back the scheduled event.
    const cleared = await api('PATCH', '/gust/v1/schedules/with-input', { input: null, nextFireAt: 'now' });
    assert.equal(cleared.body.input, null);
    assert.ok(await waitFor(() => eventsOf('with-input').length === 1, 10_000));
    assert.equal(byMarker('input-1').length, 1);
  });

  it('disables and enables', async () => {
    const r = await api('POST', '/gust/v1/schedules', {
      name: 'toggle',
      expression: 'cron(* * * * ? *)',
      functionName: 'rec',
      input: { marker: 'toggle' },
      state: 'DISABLED',
    });
    assert.equal(r.status, 201);
    assert.equal(r.body.state, 'DISABLED');
    assert.equal(r.body.nextFireAt, null);
    const hook = await api('PATCH', '/gust/v1/schedules/toggle', { nextFireAt: 'now' });
    assert.equal(hook.status, 400);
    assert.equal(hook.code, 'GUST_VALIDATION');

    const on = await api('POST', '/gust/v1/schedules/toggle/enable');
    assert.equal(on.status, 200);
    assert.equal(on.body.state, 'ENABLED');
    const next = Date.parse(on.body.nextFireAt);
    assert.ok(next > Date.now() - 1000 && next <= Date.now() + 60_000, 'the next minute');
    assert.equal(next % 60_000, 0);
    await api('PATCH', '/gust/v1/schedules/toggle', { nextFireAt: new Date(Date.now() + 400).toISOString() });
    const off = await api('POST', '/gust/v1/schedules/toggle/disable');
    assert.equal(off.body.state, 'DISABLED');
    assert.equal(off.body.nextFireAt, null);
    await new Promise((res) => setTimeout(res, 800));
    assert.equal(byMarker('toggle').length, 0, 'a disabled schedule does not fire');

    await api('POST', '/gust/v1/schedules/toggle/enable');
    await api('PATCH', '/gust/v1/schedules/toggle', { nextFireAt: 'now' });
    assert.ok(await waitFor(() => byMarker('toggle').length === 1, 10_000));
    const listed = await api('GET', '/gust/v1/schedules?state=ENABLED&prefix=tog');
    assert.deepEqual(
      listed.body.schedules.map((s: { name: string }) => s.name),
      ['toggle'],
    );
    await api('POST', '/gust/v1/schedules/toggle/disable');
  });

  it('fires at() one-shots once, at the local time of their zone', async () => {
    const due = Math.ceil((Date.now() + 2500) / 1000) * 1000;
    const expression = atExpression(due, 'Asia/Kolkata');
    const keep = await api('POST', '/gust/v1/schedules', {
      name: 'once',
      expression,
      timezone: 'Asia/Kolkata',
      functionName: 'rec',
    });
    assert.equal(keep.status, 201, JSON.stringify(keep.body));
    assert.equal(keep.body.nextFireAt, new Date(due).toISOString(), `${expression} in Asia/Kolkata`);
    const gone = await api('POST', '/gust/v1/schedules', {
      name: 'once-then-delete',
      expression: atExpression(due, 'UTC'),
      functionName: 'rec',
      actionAfterCompletion: 'DELETE',
    });
    assert.equal(gone.status, 201);
    assert.ok(await waitFor(() => eventsOf('once').length === 1 && eventsOf('once-then-delete').length === 1, 10_000));
    const recordedAt = Date.now();
    assert.ok(recordedAt >= due, 'not before its time');
    assert.equal(eventsOf('once')[0]!.event.time, awsTime(new Date(due).toISOString()));
    await new Promise((res) => setTimeout(res, 1000));
    assert.equal(eventsOf('once').length, 1, 'exactly once');
    const after1 = await api('GET', '/gust/v1/schedules/once');
    assert.equal(after1.body.nextFireAt, null);
    assert.equal(after1.body.fireCount, 1);
    assert.equal((await api('GET', '/gust/v1/schedules/once-then-delete')).status, 404, 'deleted after completion');
  });

  it('answers validation errors and unknown names with stable codes', async () => {
    const base = { expression: 'rate(5 minutes)', functionName: 'rec' };
    for (const expression of [
      'rate(1 minutes)',
      'rate(5 minute)',
      'cron(0 10 * * *)',
      'cron(0 10 * * * *)',
      'cron(0 10 ? * 0 *)',
      'at(2026-02-30T00:00:00)',
      'every day',
    ]) {
      const r = await api('POST', '/gust/v1/schedules', { ...base, name: 'bad', expression });
      assert.equal(r.status, 400, expression);
      assert.equal(r.code, 'GUST_SCHEDULE_INVALID_EXPRESSION', expression);
      assert.equal(r.type, 'ValidationException');
      assert.equal(r.body.Message, 'Parameter ScheduleExpression is not valid.');
      assert.equal(typeof r.body.Reason, 'string');
    }
    const checks: [unknown, number, string][] = [
      [{ ...base, name: 'bad', timezone: 'Mars/Olympus_Mons' }, 400, 'GUST_VALIDATION'],
      [{ ...base, name: 'bad name!' }, 400, 'GUST_VALIDATION'],
      [{ ...base, name: 'bad', catchUp: 'sometimes' }, 400, 'GUST_VALIDATION'],
      [{ ...base, name: 'bad', state: 'PAUSED' }, 400, 'GUST_VALIDATION'],
      [{ ...base, name: 'bad', surprise: 1 }, 400, 'GUST_VALIDATION'],
      [{ name: 'bad', functionName: 'rec' }, 400, 'GUST_VALIDATION'],
      [{ ...base, name: 'bad', functionName: 'ghost' }, 404, 'GUST_FUNCTION_NOT_FOUND'],
      [{ ...base, name: 'bad', qualifier: 'nope' }, 404, 'GUST_FUNCTION_NOT_FOUND'],
    ];
    for (const [body, status, code] of checks) {
      const r = await api('POST', '/gust/v1/schedules', body);
      assert.equal(r.status, status, JSON.stringify(body));
      assert.equal(r.code, code, JSON.stringify(body));
    }
    assert.equal((await api('GET', '/gust/v1/schedules/bad')).status, 404, 'nothing was created');

    assert.equal((await api('POST', '/gust/v1/schedules', { ...base, name: 'dup' })).status, 201);
    const dup = await api('POST', '/gust/v1/schedules', { ...base, name: 'dup' });
    assert.equal(dup.status, 409);
    assert.equal(dup.code, 'GUST_SCHEDULE_EXISTS');
    assert.equal(dup.type, 'ConflictException');
    const badPatch = await api('PATCH', '/gust/v1/schedules/dup', { expression: 'cron(61 * * * ? *)' });
    assert.equal(badPatch.code, 'GUST_SCHEDULE_INVALID_EXPRESSION');
    assert.equal((await api('GET', '/gust/v1/schedules/dup')).body.expression, 'rate(5 minutes)', 'unchanged');

    for (const [method, p] of [
      ['GET', '/gust/v1/schedules/missing'],
      ['PATCH', '/gust/v1/schedules/missing'],
      ['DELETE', '/gust/v1/schedules/missing'],
      ['POST', '/gust/v1/schedules/missing/enable'],
    ] as const) {
      const r = await api(method, p, method === 'PATCH' ? { description: 'x' } : undefined);
      assert.equal(r.status, 404, `${method} ${p}`);
      assert.equal(r.code, 'GUST_SCHEDULE_NOT_FOUND');
      assert.equal(r.type, 'ResourceNotFoundException');
      assert.equal(r.body.Message, 'Schedule missing does not exist.');
    }
    assert.equal((await api('DELETE', '/gust/v1/schedules/dup')).status, 204);
    assert.equal((await api('GET', '/gust/v1/schedules/dup')).status, 404);
  });

  it('keeps a fire for a deleted function in the dead-letter store and moves on', async () => {
    const temp = path.join(t.home, 'temp.jsonl');
    await deployFixture(t, 'temp', 'node/recorder', 'nodejs20.x', 'index.handler', {
      Environment: { Variables: { RECORD_FILE: temp } },
    });
    const r = await api('POST', '/gust/v1/schedules', {
      name: 'orphan',
      expression: 'cron(0 0 1 1 ? 2199)',
      functionName: 'temp',
    });
    assert.equal(r.status, 201);
    const del = await fetch(`${t.url}/2015-03-31/functions/temp`, { method: 'DELETE' });
    assert.equal(del.status, 204);
    const now = new Date().toISOString();
    await api('PATCH', '/gust/v1/schedules/orphan', { nextFireAt: now });
    const dead = async (): Promise<{ condition: string; error: string; payload: { time: string } }[]> =>
      (await api('GET', '/gust/v1/dead-letters?function=temp')).body.records;
    let records = await dead();
    for (let i = 0; i < 100 && records.length === 0; i++) {
      await new Promise((res) => setTimeout(res, 50));
      records = await dead();
    }
    assert.equal(records.length, 1);
    assert.equal(records[0]!.condition, 'FunctionDeleted');
    assert.match(records[0]!.error, /schedule orphan/);
    assert.equal(records[0]!.payload.time, awsTime(now));
    const s = await api('GET', '/gust/v1/schedules/orphan');
    assert.match(s.body.lastError, /GUST_FUNCTION_NOT_FOUND/);
    assert.equal(s.body.nextFireAt, '2199-01-01T00:00:00.000Z', 'advanced past the failed fire');
    assert.equal(fs.existsSync(temp), false);
  });

  it('pages ListSchedules of the Scheduler API', async () => {
    for (const n of ['page-a', 'page-b', 'page-c']) {
      const r = await api('POST', '/gust/v1/schedules', {
        name: n,
        expression: 'rate(1 day)',
        functionName: 'rec',
        state: 'DISABLED',
      });
      assert.equal(r.status, 201);
    }
    const names: string[] = [];
    let token: string | undefined;
    for (let i = 0; i < 5; i++) {
      const q = `/schedules?NamePrefix=page-&MaxResults=2${token ? `&NextToken=${encodeURIComponent(token)}` : ''}`;
      const r = await api('GET', q);
      assert.equal(r.status, 200);
      assert.ok(r.body.Schedules.length <= 2);
      names.push(...r.body.Schedules.map((s: { Name: string }) => s.Name));
      token = r.body.NextToken;
      if (!token) break;
    }
    assert.deepEqual(names, ['page-a', 'page-b', 'page-c']);
    const bad = await api('GET', '/schedules?MaxResults=500');
    assert.equal(bad.status, 400);
    assert.equal(bad.type, 'ValidationException');
    const disabled = await api('GET', '/schedules?State=DISABLED&NamePrefix=page-');
    assert.equal(disabled.body.Schedules.length, 3);
    for (const n of ['page-a', 'page-b', 'page-c']) await api('DELETE', `/schedules/${n}`);
  });

  describe('EventBridge Scheduler API (AWS SDK v3)', () => {
    const sdk = (): SchedulerClient =>
      new SchedulerClient({
        endpoint: t.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        maxAttempts: 1,
      });
    const Target = {
      Arn: 'arn:aws:lambda:us-east-1:000000000000:function:rec',
      RoleArn: 'arn:aws:iam::000000000000:role/s',
    };

    it('creates, gets, pages, updates and deletes schedules, and fires them', async () => {
      const c = sdk();
      try {
        const created = await c.send(
          new CreateScheduleCommand({
            Name: 'sdk-hourly',
            ScheduleExpression: 'rate(1 hour)',
            FlexibleTimeWindow: { Mode: 'OFF' },
            Target: { ...Target, Input: '{"marker":"sdk"}' },
            Description: 'from the SDK',
          }),
        );
        assert.equal(created.ScheduleArn, 'arn:aws:scheduler:us-east-1:000000000000:schedule/default/sdk-hourly');
        assert.ok(await waitFor(() => byMarker('sdk').length === 1, 10_000), 'a rate schedule fires at once');

        const got = await c.send(new GetScheduleCommand({ Name: 'sdk-hourly' }));
        assert.equal(got.ScheduleExpression, 'rate(1 hour)');
        assert.equal(got.State, 'ENABLED');
        assert.equal(got.Description, 'from the SDK');
        assert.equal(got.Target?.Input, '{"marker":"sdk"}');
        assert.ok(got.CreationDate instanceof Date && Math.abs(got.CreationDate.getTime() - Date.now()) < 60_000);

        for (const n of ['sdk-a', 'sdk-b', 'sdk-c']) {
          await c.send(
            new CreateScheduleCommand({
              Name: n,
              ScheduleExpression: 'cron(0 4 * * ? *)',
              FlexibleTimeWindow: { Mode: 'OFF' },
              Target,
              State: 'DISABLED',
            }),
          );
        }
        const names: string[] = [];
        for await (const page of paginateListSchedules({ client: c, pageSize: 2 }, { NamePrefix: 'sdk-' })) {
          assert.ok((page.Schedules ?? []).length <= 2, 'MaxResults is honoured');
          names.push(...(page.Schedules ?? []).map((x) => x.Name!));
        }
        assert.deepEqual(names.sort(), ['sdk-a', 'sdk-b', 'sdk-c', 'sdk-hourly']);

        await c.send(
          new UpdateScheduleCommand({
            Name: 'sdk-a',
            ScheduleExpression: 'rate(5 minutes)',
            FlexibleTimeWindow: { Mode: 'OFF' },
            Target,
            State: 'DISABLED',
          }),
        );
        assert.equal((await c.send(new GetScheduleCommand({ Name: 'sdk-a' }))).ScheduleExpression, 'rate(5 minutes)');

        const dup = await c
          .send(
            new CreateScheduleCommand({
              Name: 'sdk-a',
              ScheduleExpression: 'rate(1 day)',
              FlexibleTimeWindow: { Mode: 'OFF' },
              Target,
            }),
          )
          .catch((e: unknown) => e);
        assert.ok(dup instanceof ConflictException, String(dup));
        const invalid = await c
          .send(
            new CreateScheduleCommand({
              Name: 'sdk-bad',
              ScheduleExpression: 'every day',
              FlexibleTimeWindow: { Mode: 'OFF' },
              Target,
            }),
          )
          .catch((e: unknown) => e);
        assert.ok(invalid instanceof ValidationException, String(invalid));
        assert.match((invalid as Error).message, /ScheduleExpression is not valid/);

        for (const n of ['sdk-hourly', 'sdk-a', 'sdk-b', 'sdk-c']) await c.send(new DeleteScheduleCommand({ Name: n }));
        const gone = await c.send(new GetScheduleCommand({ Name: 'sdk-a' })).catch((e: unknown) => e);
        assert.ok(gone instanceof ResourceNotFoundException, String(gone));
        assert.equal(gone.$metadata.httpStatusCode, 404);
      } finally {
        c.destroy();
      }
    });
  });

  describe('EventBridge Scheduler API (AWS CLI)', { skip: skipWithoutAwsCli }, () => {
    const aws = (args: string[]): Promise<CliResult> => awsCli(t.url, 'scheduler', args);
    const target = (input?: string): string =>
      JSON.stringify({
        Arn: 'arn:aws:lambda:us-east-1:000000000000:function:rec',
        RoleArn: 'arn:aws:iam::000000000000:role/scheduler',
        ...(input ? { Input: input } : {}),
      });

    it('creates, gets, lists, updates and deletes schedules', async () => {
      const created = await aws([
        'create-schedule',
        '--name',
        'cli-nightly',
        '--schedule-expression',
        'cron(0 3 * * ? *)',
        '--schedule-expression-timezone',
        'Europe/Berlin',
        '--flexible-time-window',
        'Mode=OFF',
        '--target',
        target('{"marker":"cli"}'),
        '--description',
        'from the CLI',
      ]);
      assert.equal(created.code, 0, created.stderr);
      assert.equal(created.json.ScheduleArn, 'arn:aws:scheduler:us-east-1:000000000000:schedule/default/cli-nightly');

      const got = await aws(['get-schedule', '--name', 'cli-nightly']);
      assert.equal(got.code, 0, got.stderr);
      assert.equal(got.json.Name, 'cli-nightly');
      assert.equal(got.json.GroupName, 'default');
      assert.equal(got.json.ScheduleExpression, 'cron(0 3 * * ? *)');
      assert.equal(got.json.ScheduleExpressionTimezone, 'Europe/Berlin');
      assert.equal(got.json.State, 'ENABLED');
      assert.equal(got.json.Description, 'from the CLI');
      assert.deepEqual(got.json.FlexibleTimeWindow, { Mode: 'OFF' });
      assert.equal(got.json.Target.Arn, 'arn:aws:lambda:us-east-1:000000000000:function:rec');
      assert.equal(got.json.Target.RoleArn, 'arn:aws:iam::000000000000:role/scheduler');
      assert.equal(got.json.Target.Input, '{"marker":"cli"}');
      assert.ok(Math.abs(Date.parse(got.json.CreationDate) - Date.now()) < 60_000, got.json.CreationDate);

      // Gust's API sees the same schedule (local 03:00 Berlin).
      const gust = await api('GET', '/gust/v1/schedules/cli-nightly');
      assert.equal(gust.body.functionName, 'rec');
      assert.match(gust.body.nextFireAt, /T0[12]:00:00\.000Z$/);

      const updated = await aws([
        'update-schedule',
        '--name',
        'cli-nightly',
        '--schedule-expression',
        'rate(2 hours)',
        '--flexible-time-window',
        'Mode=FLEXIBLE,MaximumWindowInMinutes=5',
        '--target',
        target(),
        '--state',
        'DISABLED',
      ]);
      assert.equal(updated.code, 0, updated.stderr);
      const got2 = await aws(['get-schedule', '--name', 'cli-nightly']);
      assert.equal(got2.json.ScheduleExpression, 'rate(2 hours)');
      assert.equal(got2.json.State, 'DISABLED');
      assert.equal(got2.json.ScheduleExpressionTimezone, 'UTC', 'update replaces every field');
      assert.equal(got2.json.Description, undefined);
      assert.equal(got2.json.Target.Input, undefined);
      assert.deepEqual(got2.json.FlexibleTimeWindow, { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 5 });

      const listed = await aws(['list-schedules', '--name-prefix', 'cli-']);
      assert.equal(listed.code, 0, listed.stderr);
      assert.deepEqual(
        listed.json.Schedules.map((s: { Name: string; State: string; Target: { Arn: string } }) => [
          s.Name,
          s.State,
          s.Target.Arn,
        ]),
        [['cli-nightly', 'DISABLED', 'arn:aws:lambda:us-east-1:000000000000:function:rec']],
      );

      const deleted = await aws(['delete-schedule', '--name', 'cli-nightly']);
      assert.equal(deleted.code, 0, deleted.stderr);
      const missing = await aws(['get-schedule', '--name', 'cli-nightly']);
      assert.notEqual(missing.code, 0);
      assert.match(missing.stderr, /ResourceNotFoundException/);
      assert.match(missing.stderr, /Schedule cli-nightly does not exist\./);
    });

    it('fires a schedule created through the Scheduler API', async () => {
      const r = await aws([
        'create-schedule',
        '--name',
        'cli-rate',
        '--schedule-expression',
        'rate(1 hour)',
        '--flexible-time-window',
        'Mode=OFF',
        '--target',
        target('{"marker":"cli-rate"}'),
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(await waitFor(() => byMarker('cli-rate').length === 1, 10_000), 'a rate schedule starts at once');
      await aws(['delete-schedule', '--name', 'cli-rate']);
    });

    it("answers AWS's errors", async () => {
      const base = ['--flexible-time-window', 'Mode=OFF', '--target', target()];
      const bad = await aws([
        'create-schedule',
        '--name',
        'cli-bad',
        '--schedule-expression',
        'rate(1 hours)',
        ...base,
      ]);
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, /ValidationException.*Parameter ScheduleExpression is not valid\./s);
      const ok = await aws(['create-schedule', '--name', 'cli-dup', '--schedule-expression', 'rate(1 day)', ...base]);
      assert.equal(ok.code, 0, ok.stderr);
      const dup = await aws(['create-schedule', '--name', 'cli-dup', '--schedule-expression', 'rate(1 day)', ...base]);
      assert.match(dup.stderr, /ConflictException.*Schedule cli-dup already exists\./s);
      const group = await aws(['get-schedule', '--name', 'cli-dup', '--group-name', 'other']);
      assert.match(group.stderr, /ResourceNotFoundException.*Schedule group other does not exist\./s);
      const sqs = await aws([
        'create-schedule',
        '--name',
        'cli-sqs',
        '--schedule-expression',
        'rate(1 day)',
        '--flexible-time-window',
        'Mode=OFF',
        '--target',
        JSON.stringify({ Arn: 'arn:aws:sqs:us-east-1:000000000000:q', RoleArn: 'arn:aws:iam::000000000000:role/r' }),
      ]);
      assert.match(sqs.stderr, /ValidationException/);
      const tz = await aws([
        'create-schedule',
        '--name',
        'cli-tz',
        '--schedule-expression',
        'rate(1 day)',
        '--schedule-expression-timezone',
        'Nowhere/Special',
        ...base,
      ]);
      assert.match(tz.stderr, /ValidationException/);
      await aws(['delete-schedule', '--name', 'cli-dup']);
    });
  });
});

describe('schedules: catch-up across kill -9', () => {
  it('fires missed occurrences by policy after a restart, and none of them twice', async () => {
    const home = tempHome();
    const file = path.join(home, 'catchup.jsonl');
    const env = { GUST_ASYNC_POLL_MS: '20' };
    let server = await spawnServer(home, env);
    const kill = async (): Promise<void> => {
      server.proc.kill('SIGKILL');
      await new Promise((r) => server.proc.once('exit', r));
    };
    try {
      const lambda = lambdaClient(server.url);
      await lambda.send(
        new CreateFunctionCommand({
          FunctionName: 'rec',
          Runtime: 'nodejs20.x',
          Handler: 'index.handler',
          Role: 'arn:aws:iam::000000000000:role/x',
          Code: { ZipFile: await zipDirectory(path.join(FIXTURES, 'node/recorder')) },
          Environment: { Variables: { RECORD_FILE: file } },
        }),
      );
      lambda.destroy();
      for (const catchUp of ['none', 'latest', 'all']) {
        const r = await call(server.url, 'POST', '/gust/v1/schedules', {
          name: `cu-${catchUp}`,
          expression: 'cron(0 * * * ? *)',
          functionName: 'rec',
          catchUp,
        });
        assert.equal(r.status, 201, JSON.stringify(r.body));
      }
      await kill();

      // Gust "was down" for five hours: the persisted next fire is 5 hours back.
      const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
      const db = new Database(path.join(home, 'gust.db'));
      db.prepare("UPDATE schedules SET next_fire_at = ? WHERE name LIKE 'cu-%'").run(hour - 5 * 3_600_000);
      db.close();

      server = await spawnServer(home, env);
      const restartedAt = Date.now();
      const times = (name: string): number[] =>
        readRecords(file)
          .filter((r) => r.event.resources[0].endsWith(`/${name}`))
          .map((r) => Date.parse(r.event.time))
          .filter((x) => x <= hour);
      const expectedAll = [5, 4, 3, 2, 1, 0].map((h) => hour - h * 3_600_000);
      assert.ok(
        await waitFor(() => times('cu-all').length === 6 && times('cu-latest').length === 1, 20_000, 100),
        `all: ${times('cu-all').length}, latest: ${times('cu-latest').length}`,
      );
      assert.deepEqual(
        times('cu-all').sort((a, b) => a - b),
        expectedAll,
        'all: each missed hour once',
      );
      assert.deepEqual(times('cu-latest'), [hour], 'latest: once, for the latest missed hour');
      // none: only an occurrence less than a minute old may still fire (the current hour, if the test runs at :00).
      assert.ok(times('cu-none').every((x) => restartedAt - x <= 60_000 + 5_000));
      const status = await call(server.url, 'GET', '/gust/v1/schedules/cu-all');
      assert.equal(status.body.nextFireAt, new Date(hour + 3_600_000).toISOString());
      assert.equal(status.body.lastFireAt, new Date(hour).toISOString());

      // Let the queue drain, then kill -9 again: a restart must not fire anything a second time.
      const queueEmpty = (): boolean => {
        const d = new Database(path.join(home, 'gust.db'), { readonly: true });
        try {
          return (d.prepare('SELECT count(*) AS n FROM async_events').get() as { n: number }).n === 0;
        } finally {
          d.close();
        }
      };
      assert.ok(await waitFor(queueEmpty, 10_000, 100));
      const before = readRecords(file).length;
      await kill();
      server = await spawnServer(home, env);
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(readRecords(file).length, before, 'no duplicate fires after the second restart');
    } finally {
      server.proc.kill('SIGTERM');
      await new Promise((r) => server.proc.once('exit', r));
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
