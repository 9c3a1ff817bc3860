/** Concurrency: account limit, reserved concurrency, provisioned concurrency, account settings. */
import {
  DeleteFunctionConcurrencyCommand,
  DeleteProvisionedConcurrencyConfigCommand,
  GetAccountSettingsCommand,
  GetFunctionCommand,
  GetFunctionConcurrencyCommand,
  GetProvisionedConcurrencyConfigCommand,
  InvokeCommand,
  ListProvisionedConcurrencyConfigsCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  PutProvisionedConcurrencyConfigCommand,
  TooManyRequestsException,
  CreateAliasCommand,
} from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { deployFixture, invoke, readRecords, startTestGust, waitFor, type TestGust } from '../helpers/gust.ts';

async function throttled(p: Promise<unknown>): Promise<TooManyRequestsException> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof TooManyRequestsException, `expected TooManyRequestsException, got ${(e as Error).name}`);
    assert.equal(e.$metadata.httpStatusCode, 429);
    return e;
  }
  assert.fail('expected a throttle');
}

describe('concurrency', () => {
  let t: TestGust;
  before(async () => {
    t = await startTestGust({ accountConcurrency: 200 });
    await deployFixture(t, 'slow', 'node/basic', 'nodejs20.x', 'index.handler', { Timeout: 10 });
  });
  after(() => t.stop());

  it('reserved concurrency caps a function and throttles with Reason', async () => {
    const put = await t.lambda.send(
      new PutFunctionConcurrencyCommand({ FunctionName: 'slow', ReservedConcurrentExecutions: 1 }),
    );
    assert.equal(put.ReservedConcurrentExecutions, 1);
    const get = await t.lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'slow' }));
    assert.equal(get.ReservedConcurrentExecutions, 1);
    const fn = await t.lambda.send(new GetFunctionCommand({ FunctionName: 'slow' }));
    assert.equal(fn.Concurrency?.ReservedConcurrentExecutions, 1);

    const first = invoke(t, 'slow', { action: 'sleep', ms: 800 });
    await new Promise((r) => setTimeout(r, 300));
    const e = await throttled(t.lambda.send(new InvokeCommand({ FunctionName: 'slow', Payload: Buffer.from('{}') })));
    assert.equal(e.Reason, 'ReservedFunctionConcurrentInvocationLimitExceeded');
    assert.equal((await first).json.slept, 800);
    const throttles = t.gust.store.metering.list({ functionName: 'slow' }).filter((m) => m.outcome === 'throttle');
    assert.equal(throttles.length, 1, 'the throttle is recorded in the ledger');
  });

  it('reserved concurrency 0 disables the function; delete restores it', async () => {
    await t.lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'slow', ReservedConcurrentExecutions: 0 }));
    await throttled(t.lambda.send(new InvokeCommand({ FunctionName: 'slow', Payload: Buffer.from('{}') })));
    await t.lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'slow' }));
    const get = await t.lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'slow' }));
    assert.equal(get.ReservedConcurrentExecutions, undefined);
    assert.equal((await invoke(t, 'slow', {})).functionError, undefined);
  });

  it('keeps 100 unreserved and reports account settings', async () => {
    await assert.rejects(
      t.lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'slow', ReservedConcurrentExecutions: 150 })),
      (e: Error) => e.name === 'InvalidParameterValueException' && /UnreservedConcurrentExecution/.test(e.message),
    );
    await t.lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'slow', ReservedConcurrentExecutions: 30 }));
    const s = await t.lambda.send(new GetAccountSettingsCommand({}));
    assert.equal(s.AccountLimit?.ConcurrentExecutions, 200);
    assert.equal(s.AccountLimit?.UnreservedConcurrentExecutions, 170);
    assert.equal(s.AccountLimit?.CodeSizeZipped, 52428800);
    assert.ok((s.AccountUsage?.FunctionCount ?? 0) >= 1);
    assert.ok((s.AccountUsage?.TotalCodeSize ?? 0) > 0);
    await t.lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'slow' }));
  });

  it('throttles at the account limit with ConcurrentInvocationLimitExceeded', async () => {
    const small = await startTestGust({ accountConcurrency: 2 });
    try {
      await deployFixture(small, 'busy', 'node/basic', 'nodejs20.x', 'index.handler', { Timeout: 10 });
      const running = [
        invoke(small, 'busy', { action: 'sleep', ms: 1500 }),
        invoke(small, 'busy', { action: 'sleep', ms: 1500 }),
      ];
      await waitFor(() => small.gust.placement.gate.current === 2, 5000);
      const e = await throttled(
        small.lambda.send(new InvokeCommand({ FunctionName: 'busy', Payload: Buffer.from('{}') })),
      );
      assert.equal(e.Reason, 'ConcurrentInvocationLimitExceeded');
      for (const r of await Promise.all(running)) assert.equal(r.json.slept, 1500);
    } finally {
      await small.stop();
    }
  });

  it('provisioned concurrency keeps initialised environments ready, spills over to on-demand', async () => {
    const file = path.join(t.home, 'prov.jsonl');
    await deployFixture(t, 'prov', 'node/recorder', 'nodejs20.x', 'index.handler', {
      Environment: { Variables: { RECORD_FILE: file } },
      Timeout: 10,
    });
    await assert.rejects(
      t.lambda.send(
        new PutProvisionedConcurrencyConfigCommand({
          FunctionName: 'prov',
          Qualifier: '$LATEST',
          ProvisionedConcurrentExecutions: 1,
        }),
      ),
      (e: Error) => e.name === 'InvalidParameterValueException',
    );
    await t.lambda.send(new PublishVersionCommand({ FunctionName: 'prov' }));
    await t.lambda.send(new CreateAliasCommand({ FunctionName: 'prov', Name: 'live', FunctionVersion: '1' }));
    const put = await t.lambda.send(
      new PutProvisionedConcurrencyConfigCommand({
        FunctionName: 'prov',
        Qualifier: 'live',
        ProvisionedConcurrentExecutions: 2,
      }),
    );
    assert.equal(put.$metadata.httpStatusCode, 202);
    assert.equal(put.RequestedProvisionedConcurrentExecutions, 2);
    let status: string | undefined;
    await waitFor(() => false, 0);
    for (let i = 0; i < 100 && status !== 'READY'; i++) {
      const g = await t.lambda.send(
        new GetProvisionedConcurrencyConfigCommand({ FunctionName: 'prov', Qualifier: 'live' }),
      );
      status = g.Status;
      if (status !== 'READY') await new Promise((r) => setTimeout(r, 100));
      else assert.equal(g.AllocatedProvisionedConcurrentExecutions, 2);
    }
    assert.equal(status, 'READY');
    assert.equal(t.gust.placement.environments('prov').length, 2, 'two environments initialised before any invoke');

    const r = await invoke(t, 'prov', { id: 'p1' }, { qualifier: 'live', tail: true });
    assert.equal(r.version, '1');
    assert.doesNotMatch(r.log!, /Init Duration/, 'no cold start on a provisioned environment');
    assert.equal(readRecords(file).at(-1)?.initType, 'provisioned-concurrency');

    // Three at once: two provisioned, one spills over to an on-demand environment.
    await Promise.all(['a', 'b', 'c'].map((id) => invoke(t, 'prov', { id, sleepMs: 400 }, { qualifier: 'live' })));
    const types = readRecords(file)
      .slice(-3)
      .map((x) => x.initType)
      .sort();
    assert.deepEqual(types, ['on-demand', 'provisioned-concurrency', 'provisioned-concurrency']);

    const list = await t.lambda.send(new ListProvisionedConcurrencyConfigsCommand({ FunctionName: 'prov' }));
    assert.equal(list.ProvisionedConcurrencyConfigs?.length, 1);
    assert.equal(
      list.ProvisionedConcurrencyConfigs?.[0]?.FunctionArn,
      'arn:aws:lambda:us-east-1:000000000000:function:prov:live',
    );

    t.gust.placement.reap(Date.now() + 10 * 60_000);
    assert.equal(t.gust.placement.environments('prov').length, 2, 'provisioned environments are not reaped');
    await t.lambda.send(new DeleteProvisionedConcurrencyConfigCommand({ FunctionName: 'prov', Qualifier: 'live' }));
    await assert.rejects(
      t.lambda.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: 'prov', Qualifier: 'live' })),
      (e: Error) => e.name === 'ProvisionedConcurrencyConfigNotFoundException',
    );
    t.gust.placement.reap(Date.now() + 10 * 60_000);
    assert.equal(t.gust.placement.environments('prov').length, 0, 'after delete they are ordinary and reaped');
  });
});
