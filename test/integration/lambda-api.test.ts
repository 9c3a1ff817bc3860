/** Lambda REST API control plane with the AWS SDK v3: shapes, pagination, errors, waiters. */
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  ListFunctionsCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { zipFiles } from '../../src/control/zip-dir.ts';
import { startTestGust, type TestGust } from '../helpers/gust.ts';

const ROLE = 'arn:aws:iam::000000000000:role/test';

async function expectAwsError(p: Promise<unknown>, name: string, status: number, message?: RegExp): Promise<void> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; $metadata?: { httpStatusCode?: number }; message: string };
    assert.equal(err.name, name, `error name (${err.message})`);
    assert.equal(err.$metadata?.httpStatusCode, status);
    if (message) assert.match(err.message, message);
    return;
  }
  assert.fail(`expected ${name}`);
}

describe('Lambda API: functions', () => {
  let t: TestGust;
  let zip: Buffer;
  before(async () => {
    t = await startTestGust();
    zip = await zipFiles({ 'index.mjs': 'export const handler = async (e) => ({ ok: true, e });' });
  });
  after(() => t.stop());

  it('creates a function and returns its configuration', async () => {
    const r = await t.lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'api-fn',
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Role: ROLE,
        Code: { ZipFile: zip },
        Description: 'hello',
        MemorySize: 256,
        Timeout: 7,
        Environment: { Variables: { A: '1' } },
      }),
    );
    assert.equal(r.$metadata.httpStatusCode, 201);
    assert.equal(r.FunctionName, 'api-fn');
    assert.equal(r.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:api-fn');
    assert.equal(r.Runtime, 'nodejs20.x');
    assert.equal(r.MemorySize, 256);
    assert.equal(r.Timeout, 7);
    assert.equal(r.State, 'Active');
    assert.equal(r.LastUpdateStatus, 'Successful');
    assert.equal(r.CodeSha256, createHash('sha256').update(zip).digest('base64'));
    assert.equal(r.CodeSize, zip.length);
    assert.deepEqual(r.Environment?.Variables, { A: '1' });
    assert.match(r.LastModified!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    await waitUntilFunctionActiveV2({ client: t.lambda, maxWaitTime: 10 }, { FunctionName: 'api-fn' });
  });

  it('rejects a duplicate name with ResourceConflictException', async () => {
    await expectAwsError(
      t.lambda.send(
        new CreateFunctionCommand({
          FunctionName: 'api-fn',
          Runtime: 'nodejs20.x',
          Handler: 'index.handler',
          Role: ROLE,
          Code: { ZipFile: zip },
        }),
      ),
      'ResourceConflictException',
      409,
    );
  });

  it('validates memory, timeout, runtime, env vars and zip', async () => {
    const base = { Runtime: 'nodejs20.x' as const, Handler: 'index.handler', Role: ROLE, Code: { ZipFile: zip } };
    await expectAwsError(
      t.lambda.send(new CreateFunctionCommand({ ...base, FunctionName: 'bad1', MemorySize: 64 })),
      'ValidationException',
      400,
      /memorySize/,
    );
    await expectAwsError(
      t.lambda.send(new CreateFunctionCommand({ ...base, FunctionName: 'bad2', Timeout: 901 })),
      'ValidationException',
      400,
      /timeout/,
    );
    await expectAwsError(
      t.lambda.send(new CreateFunctionCommand({ ...base, FunctionName: 'bad3', Runtime: 'cobol85' as never })),
      'InvalidParameterValueException',
      400,
      /runtime/,
    );
    await expectAwsError(
      t.lambda.send(
        new CreateFunctionCommand({
          ...base,
          FunctionName: 'bad4',
          Environment: { Variables: { BIG: 'x'.repeat(5000) } },
        }),
      ),
      'InvalidParameterValueException',
      400,
      /4KB limit/,
    );
    await expectAwsError(
      t.lambda.send(
        new CreateFunctionCommand({ ...base, FunctionName: 'bad5', Environment: { Variables: { AWS_REGION: 'x' } } }),
      ),
      'InvalidParameterValueException',
      400,
      /reserved keys/,
    );
    await expectAwsError(
      t.lambda.send(
        new CreateFunctionCommand({ ...base, FunctionName: 'bad6', Code: { ZipFile: Buffer.from('not a zip') } }),
      ),
      'InvalidParameterValueException',
      400,
      /Could not unzip/,
    );
    await expectAwsError(
      t.lambda.send(new CreateFunctionCommand({ ...base, FunctionName: 'bad name!' })),
      'ValidationException',
      400,
    );
    const list = await t.lambda.send(new ListFunctionsCommand({}));
    assert.ok(!list.Functions?.some((f) => f.FunctionName?.startsWith('bad')), 'nothing half-created');
  });

  it('gets a function with its code location and configuration', async () => {
    const g = await t.lambda.send(new GetFunctionCommand({ FunctionName: 'api-fn' }));
    assert.equal(g.Configuration?.Description, 'hello');
    const res = await fetch(g.Code!.Location!);
    assert.equal(Buffer.from(await res.arrayBuffer()).equals(zip), true);
    const c = await t.lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:api-fn' }),
    );
    assert.equal(c.FunctionName, 'api-fn');
    await expectAwsError(
      t.lambda.send(new GetFunctionCommand({ FunctionName: 'nope' })),
      'ResourceNotFoundException',
      404,
      /Function not found/,
    );
    await expectAwsError(
      t.lambda.send(new GetFunctionCommand({ FunctionName: 'api-fn', Qualifier: '7' })),
      'ResourceNotFoundException',
      404,
    );
  });

  it('updates configuration and code; the waiter passes', async () => {
    const u = await t.lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: 'api-fn',
        MemorySize: 512,
        Environment: { Variables: { B: '2' } },
      }),
    );
    assert.equal(u.MemorySize, 512);
    assert.equal(u.Timeout, 7, 'unchanged fields kept');
    assert.deepEqual(u.Environment?.Variables, { B: '2' });
    await waitUntilFunctionUpdatedV2({ client: t.lambda, maxWaitTime: 10 }, { FunctionName: 'api-fn' });
    const zip2 = await zipFiles({ 'index.mjs': 'export const handler = async () => "new code";' });
    const c = await t.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'api-fn', ZipFile: zip2 }));
    assert.equal(c.CodeSha256, createHash('sha256').update(zip2).digest('base64'));
    assert.notEqual(c.RevisionId, u.RevisionId);
    const r = await t.lambda.send(new InvokeCommand({ FunctionName: 'api-fn' }));
    assert.equal(Buffer.from(r.Payload!).toString(), '"new code"');
    await expectAwsError(
      t.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'api-fn', RevisionId: 'stale' })),
      'PreconditionFailedException',
      412,
    );
  });

  it('paginates ListFunctions with Marker/MaxItems', async () => {
    for (const n of ['page-a', 'page-b', 'page-c']) {
      await t.lambda.send(
        new CreateFunctionCommand({
          FunctionName: n,
          Runtime: 'python3.12',
          Handler: 'x.y',
          Role: ROLE,
          Code: { ZipFile: zip },
        }),
      );
    }
    const names: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const p = await t.lambda.send(new ListFunctionsCommand({ MaxItems: 2, Marker: marker }));
      assert.ok(p.Functions!.length <= 2);
      names.push(...p.Functions!.map((f) => f.FunctionName!));
      marker = p.NextMarker;
      pages++;
    } while (marker);
    assert.deepEqual(names, ['api-fn', 'page-a', 'page-b', 'page-c']);
    assert.equal(pages, 2);
  });

  it('validates Invoke input: payload JSON, size, type, unknown function', async () => {
    await expectAwsError(
      t.lambda.send(new InvokeCommand({ FunctionName: 'api-fn', Payload: Buffer.from('{nope') })),
      'InvalidRequestContentException',
      400,
    );
    await expectAwsError(
      t.lambda.send(
        new InvokeCommand({
          FunctionName: 'api-fn',
          Payload: Buffer.from(JSON.stringify('x'.repeat(6 * 1024 * 1024 + 10))),
        }),
      ),
      'RequestEntityTooLargeException',
      413,
    );
    await expectAwsError(t.lambda.send(new InvokeCommand({ FunctionName: 'ghost' })), 'ResourceNotFoundException', 404);
    const dry = await t.lambda.send(new InvokeCommand({ FunctionName: 'api-fn', InvocationType: 'DryRun' }));
    assert.equal(dry.StatusCode, 204);
  });

  it('answers unknown routes and garbage with AWS error shapes, never a crash', async () => {
    const r1 = await fetch(`${t.url}/2015-03-31/nothing-here`);
    assert.equal(r1.status, 404);
    assert.equal(r1.headers.get('x-amzn-errortype'), 'UnknownOperationException');
    const r2 = await fetch(`${t.url}/2015-03-31/functions`, {
      method: 'POST',
      body: '{"FunctionName": 5',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(r2.status, 400);
    const body = (await r2.json()) as { Type: string; message: string };
    assert.equal(body.Type, 'User');
    assert.match(body.message, /parse/);
    const r3 = await fetch(`${t.url}/2015-03-31/functions`, { method: 'POST', body: '[]' });
    assert.equal(r3.status, 400);
    const health = await fetch(`${t.url}/gust/v1/health`);
    assert.equal(health.status, 200);
  });

  it('deletes a function', async () => {
    const d = await t.lambda.send(new DeleteFunctionCommand({ FunctionName: 'page-c' }));
    assert.equal(d.$metadata.httpStatusCode, 204);
    await expectAwsError(
      t.lambda.send(new DeleteFunctionCommand({ FunctionName: 'page-c' })),
      'ResourceNotFoundException',
      404,
    );
  });
});
