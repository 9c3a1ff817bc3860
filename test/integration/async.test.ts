/**
 * Asynchronous invocation: durable queue, retries, event age, destinations with Lambda's
 * invocation record, throttled events waiting, and no loss across kill -9 + restart.
 */
import {
  CreateFunctionCommand,
  DeleteFunctionEventInvokeConfigCommand,
  GetFunctionEventInvokeConfigCommand,
  InvokeCommand,
  ListFunctionEventInvokeConfigsCommand,
  PutFunctionConcurrencyCommand,
  DeleteFunctionConcurrencyCommand,
  PutFunctionEventInvokeConfigCommand,
  UpdateFunctionEventInvokeConfigCommand,
} from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { zipDirectory } from '../../src/control/zip-dir.ts';
import {
  FIXTURES,
  deployFixture,
  lambdaClient,
  readRecords,
  spawnServer,
  startTestGust,
  tempHome,
  waitFor,
  type TestGust,
} from '../helpers/gust.ts';

const ARN = (name: string): string => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

describe('async invocation', () => {
  let t: TestGust;
  let file: (n: string) => string;
  before(async () => {
    t = await startTestGust({ asyncRetryBaseMs: 200, asyncThrottleBaseMs: 100, asyncPollMs: 20 });
    file = (n) => path.join(t.home, `${n}.jsonl`);
    for (const name of ['target', 'on-success', 'on-failure', 'flaky']) {
      await deployFixture(t, name, 'node/recorder', 'nodejs20.x', 'index.handler', {
        Environment: { Variables: { RECORD_FILE: file(name) } },
      });
    }
  });
  after(() => t.stop());

  it('accepts an Event invocation with 202 and runs it', async () => {
    const r = await t.lambda.send(
      new InvokeCommand({ FunctionName: 'target', InvocationType: 'Event', Payload: Buffer.from('{"id":"e1"}') }),
    );
    assert.equal(r.StatusCode, 202);
    const requestId = r.$metadata.requestId;
    assert.ok(await waitFor(() => readRecords(file('target')).some((x) => x.event.id === 'e1')));
    assert.equal(readRecords(file('target')).find((x) => x.event.id === 'e1')?.requestId, requestId, 'same request id');
    await assert.rejects(
      t.lambda.send(new InvokeCommand({ FunctionName: 'ghost', InvocationType: 'Event', Payload: Buffer.from('{}') })),
      (e: Error) => e.name === 'ResourceNotFoundException',
    );
    await assert.rejects(
      t.lambda.send(
        new InvokeCommand({
          FunctionName: 'target',
          InvocationType: 'Event',
          Payload: Buffer.from(JSON.stringify('x'.repeat(1100 * 1024))),
        }),
      ),
      (e: Error) => e.name === 'RequestEntityTooLargeException',
    );
  });

  it('manages event invoke configs', async () => {
    const put = await t.lambda.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: 'flaky',
        MaximumRetryAttempts: 1,
        DestinationConfig: {
          OnSuccess: { Destination: ARN('on-success') },
          OnFailure: { Destination: ARN('on-failure') },
        },
      }),
    );
    assert.equal(put.MaximumRetryAttempts, 1);
    assert.equal(put.MaximumEventAgeInSeconds, 21600);
    assert.equal(put.FunctionArn, `${ARN('flaky')}:$LATEST`);
    const upd = await t.lambda.send(
      new UpdateFunctionEventInvokeConfigCommand({ FunctionName: 'flaky', MaximumEventAgeInSeconds: 3600 }),
    );
    assert.equal(upd.MaximumRetryAttempts, 1, 'update merges');
    assert.equal(upd.MaximumEventAgeInSeconds, 3600);
    assert.equal(upd.DestinationConfig?.OnFailure?.Destination, ARN('on-failure'));
    const got = await t.lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'flaky' }));
    assert.equal(got.DestinationConfig?.OnSuccess?.Destination, ARN('on-success'));
    const list = await t.lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: 'flaky' }));
    assert.equal(list.FunctionEventInvokeConfigs?.length, 1);
    await assert.rejects(
      t.lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'flaky', MaximumRetryAttempts: 5 })),
      (e: Error) => e.name === 'ValidationException',
    );
    await assert.rejects(
      t.lambda.send(
        new PutFunctionEventInvokeConfigCommand({
          FunctionName: 'flaky',
          DestinationConfig: { OnFailure: { Destination: 'nonsense' } },
        }),
      ),
      (e: Error) => e.name === 'InvalidParameterValueException',
    );
  });

  it('delivers a success record to OnSuccess', async () => {
    await t.lambda.send(
      new InvokeCommand({ FunctionName: 'flaky', InvocationType: 'Event', Payload: Buffer.from('{"id":"ok1"}') }),
    );
    assert.ok(await waitFor(() => readRecords(file('on-success')).length === 1));
    const rec = readRecords(file('on-success'))[0]!.event;
    assert.equal(rec.version, '1.0');
    assert.equal(rec.requestContext.condition, 'Success');
    assert.equal(rec.requestContext.functionArn, `${ARN('flaky')}:$LATEST`);
    assert.equal(rec.requestContext.approximateInvokeCount, 1);
    assert.deepEqual(rec.requestPayload, { id: 'ok1' });
    assert.deepEqual(rec.responseContext, { statusCode: 200, executedVersion: '$LATEST' });
    assert.deepEqual(rec.responsePayload, { ok: true, id: 'ok1', tag: null });
  });

  it('retries function errors, then delivers RetriesExhausted to OnFailure', async () => {
    await t.lambda.send(
      new InvokeCommand({
        FunctionName: 'flaky',
        InvocationType: 'Event',
        Payload: Buffer.from('{"id":"bad1","fail":true}'),
      }),
    );
    assert.ok(await waitFor(() => readRecords(file('on-failure')).length === 1));
    const attempts = readRecords(file('flaky')).filter((x) => x.event.id === 'bad1');
    assert.equal(attempts.length, 2, '1 try + MaximumRetryAttempts=1');
    assert.equal(new Set(attempts.map((a) => a.requestId)).size, 1, 'retries keep the request id');
    const metered = t.gust.store.metering
      .list({ functionName: 'flaky' })
      .filter((m) => m.requestId === attempts[0]!.requestId);
    assert.equal(metered.length, 2, 'each attempt is metered (and billed), under the shared request id');
    const rec = readRecords(file('on-failure'))[0]!.event;
    assert.equal(rec.requestContext.condition, 'RetriesExhausted');
    assert.equal(rec.requestContext.approximateInvokeCount, 2);
    assert.equal(rec.responseContext.functionError, 'Unhandled');
    assert.equal(rec.responsePayload.errorMessage, 'asked to fail');
  });

  it('without a destination, failed events end in the dead-letter store with their reason', async () => {
    await t.lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: 'flaky' }));
    await t.lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'flaky', MaximumRetryAttempts: 0 }));
    await t.lambda.send(
      new InvokeCommand({
        FunctionName: 'flaky',
        InvocationType: 'Event',
        Payload: Buffer.from('{"id":"dl1","fail":true}'),
      }),
    );
    assert.ok(await waitFor(() => t.gust.store.asyncQueue.listDeadLetters({ functionName: 'flaky' }).length === 1));
    const [dl] = t.gust.store.asyncQueue.listDeadLetters({ functionName: 'flaky' });
    assert.equal(dl!.condition, 'RetriesExhausted');
    assert.equal(dl!.attempts, 1);
    assert.equal(dl!.error, 'Error');
    assert.deepEqual(JSON.parse(dl!.payload.toString()), { id: 'dl1', fail: true });
    const res = await fetch(`${t.url}/gust/v1/dead-letters?function=flaky`);
    const body = (await res.json()) as { records: { id: string; payload: unknown }[] };
    assert.equal(body.records[0]!.id, dl!.id);
    assert.deepEqual(body.records[0]!.payload, { id: 'dl1', fail: true });
  });

  it('throttled events wait in the queue instead of failing', async () => {
    await t.lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'target', ReservedConcurrentExecutions: 0 }));
    await t.lambda.send(
      new InvokeCommand({ FunctionName: 'target', InvocationType: 'Event', Payload: Buffer.from('{"id":"th1"}') }),
    );
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(readRecords(file('target')).filter((x) => x.event.id === 'th1').length, 0);
    assert.equal(t.gust.asyncQueue.depth('target'), 1, 'still queued');
    const throttles = t.gust.store.metering.list({ functionName: 'target' }).filter((m) => m.outcome === 'throttle');
    assert.ok(throttles.length >= 1, 'throttled attempts count as throttles (metrics, ledger)');
    await t.lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'target' }));
    assert.ok(await waitFor(() => readRecords(file('target')).some((x) => x.event.id === 'th1')));
  });
});

describe('async invocation: event age', () => {
  it('expires events older than MaximumEventAgeInSeconds to OnFailure', async () => {
    const t = await startTestGust({ asyncThrottleBaseMs: 100, asyncPollMs: 20 });
    try {
      const file = path.join(t.home, 'fail.jsonl');
      await deployFixture(t, 'never', 'node/recorder', 'nodejs20.x', 'index.handler', {
        Environment: { Variables: { RECORD_FILE: file } },
      });
      await deployFixture(t, 'sink', 'node/recorder', 'nodejs20.x', 'index.handler', {
        Environment: { Variables: { RECORD_FILE: file } },
      });
      await t.lambda.send(
        new PutFunctionConcurrencyCommand({ FunctionName: 'never', ReservedConcurrentExecutions: 0 }),
      );
      await t.lambda.send(
        new PutFunctionEventInvokeConfigCommand({
          FunctionName: 'never',
          MaximumEventAgeInSeconds: 60,
          DestinationConfig: { OnFailure: { Destination: ARN('sink') } },
        }),
      );
      await t.lambda.send(
        new InvokeCommand({ FunctionName: 'never', InvocationType: 'Event', Payload: Buffer.from('{"id":"old"}') }),
      );
      // Age the queued event instead of waiting a minute.
      const sqlite = (await import('better-sqlite3')).default;
      const raw = new sqlite(path.join(t.home, 'gust.db'));
      raw.prepare('UPDATE async_events SET enqueued_at = enqueued_at - 61000').run();
      raw.close();
      assert.ok(await waitFor(() => readRecords(file).length === 1));
      const rec = readRecords(file)[0]!.event;
      assert.equal(rec.requestContext.condition, 'EventAgeExceeded');
      assert.equal(rec.requestContext.approximateInvokeCount, 0);
      assert.deepEqual(rec.requestPayload, { id: 'old' });
      assert.equal(rec.responseContext, undefined);
    } finally {
      await t.stop();
    }
  });
});

describe('async invocation: durability', () => {
  it('loses no accepted event across kill -9 and restart', async () => {
    const home = tempHome();
    const file = path.join(home, 'durable.jsonl');
    const env = { GUST_ASYNC_POLL_MS: '20', GUST_ASYNC_THROTTLE_BASE_MS: '100' };
    let server = await spawnServer(home, env);
    try {
      let lambda = lambdaClient(server.url);
      await lambda.send(
        new CreateFunctionCommand({
          FunctionName: 'durable',
          Runtime: 'nodejs20.x',
          Handler: 'index.handler',
          Role: 'arn:aws:iam::000000000000:role/x',
          Code: { ZipFile: await zipDirectory(path.join(FIXTURES, 'node/recorder')) },
          Environment: { Variables: { RECORD_FILE: file } },
        }),
      );
      // One at a time and slow, so most events are still queued when the server dies.
      await lambda.send(
        new PutFunctionConcurrencyCommand({ FunctionName: 'durable', ReservedConcurrentExecutions: 1 }),
      );
      const N = 25;
      for (let i = 0; i < N; i++) {
        const r = await lambda.send(
          new InvokeCommand({
            FunctionName: 'durable',
            InvocationType: 'Event',
            Payload: Buffer.from(JSON.stringify({ id: i, sleepMs: 100 })),
          }),
        );
        assert.equal(r.StatusCode, 202);
      }
      server.proc.kill('SIGKILL');
      await new Promise((r) => server.proc.once('exit', r));
      lambda.destroy();
      const before = new Set(readRecords(file).map((x) => x.event.id));
      assert.ok(before.size < N, `some events were still queued at the kill (${before.size} done)`);

      server = await spawnServer(home, env);
      lambda = lambdaClient(server.url);
      const ok = await waitFor(() => new Set(readRecords(file).map((x) => x.event.id)).size === N, 30_000, 100);
      const seen = new Set(readRecords(file).map((x) => x.event.id));
      assert.ok(ok, `all ${N} delivered after restart, got ${seen.size}`);
      lambda.destroy();
    } finally {
      server.proc.kill('SIGTERM');
      await new Promise((r) => server.proc.once('exit', r));
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
