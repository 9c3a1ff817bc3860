/**
 * AWS's official Node runtime interface client (npm `aws-lambda-ric`, unmodified, with its native
 * aws-lambda-cpp/curl client) as the `bootstrap` of a provided.al2023 function: proof that a runtime
 * written for AWS's Runtime API runs against Gust's.
 *
 * The fixture's node_modules is built by scripts/build-ric-fixture.sh (.ci/run calls it); without it
 * this suite fails rather than skips.
 */
import { CreateFunctionCommand, InvokeCommand, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { zipDirectory } from '../../src/control/zip-dir.ts';
import { decode, FIXTURES, startTestGust, type TestGust } from '../helpers/gust.ts';

const FIXTURE = path.join(FIXTURES, 'ric');
const ADDON = path.join(FIXTURE, 'node_modules', 'aws-lambda-ric', 'dist', 'rapid-client.node');
const STAMP = path.join(FIXTURE, 'node_modules', '.gust-ric-stamp');
const BUILD_HINT =
  'run `npm test` (or `bash scripts/build-ric-fixture.sh`: npm ci in test/fixtures/ric, builds aws-lambda-ric)';

/** Why the fixture can't be used: node_modules missing, or not built for this package-lock.json and node ABI. */
function fixtureProblem(): string | undefined {
  if (!fs.existsSync(ADDON)) {
    return `aws-lambda-ric fixture is not built: ${ADDON} is missing; ${BUILD_HINT}`;
  }
  const lock = crypto
    .createHash('sha256')
    .update(fs.readFileSync(path.join(FIXTURE, 'package-lock.json')))
    .digest('hex');
  const want = `${lock} node-abi-${process.versions.modules} ${process.platform}-${process.arch}`;
  const have = fs.existsSync(STAMP) ? fs.readFileSync(STAMP, 'utf8').trim() : '(no stamp)';
  if (have !== want) {
    return `aws-lambda-ric fixture is stale (built for "${have}", need "${want}"); ${BUILD_HINT}`;
  }
  return undefined;
}

const PROBLEM = fixtureProblem();

/** A test that fails (never skips) with the build hint when the fixture isn't built. */
const ricIt = (name: string, fn: () => Promise<void>): void => {
  it(name, async () => {
    if (PROBLEM) assert.fail(PROBLEM);
    await fn();
  });
};

interface RicInvoked {
  out: InvokeCommandOutput;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
  log: string;
}

const REQUEST_ID = /START RequestId: ([0-9a-f-]{36}) Version: \$LATEST/;

describe('aws-lambda-ric (AWS Node runtime interface client) as a provided.al2023 bootstrap', () => {
  let t: TestGust;
  let zip: Buffer;

  const create = (name: string, handler: string): Promise<unknown> =>
    t.lambda.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: 'provided.al2023',
        Handler: handler,
        Role: 'arn:aws:iam::000000000000:role/test',
        Code: { ZipFile: zip },
        Timeout: 10,
        MemorySize: 256,
      }),
    );

  const call = async (name: string, event: unknown): Promise<RicInvoked> => {
    const out = await t.lambda.send(
      new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(event)), LogType: 'Tail' }),
    );
    const body = decode(out.Payload);
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      assert.fail(`payload is not JSON: ${body}`);
    }
    return { out, json, log: out.LogResult ? Buffer.from(out.LogResult, 'base64').toString('utf8') : '' };
  };

  before(async () => {
    if (PROBLEM) return;
    // The whole fixture, node_modules included; zipDirectory keeps unix modes, so bootstrap stays executable.
    zip = await zipDirectory(FIXTURE);
    t = await startTestGust();
    await create('ric', 'index.handler');
  });
  after(() => t?.stop());

  let coldPid: number | undefined;

  ricIt('answers an invocation with the handler result and the request id as context.awsRequestId', async () => {
    const r = await call('ric', { hello: 'ric' });
    assert.equal(r.out.StatusCode, 200);
    assert.equal(r.out.FunctionError, undefined, `unexpected error: ${JSON.stringify(r.json)}\n${r.log}`);
    assert.equal(r.out.ExecutedVersion, '$LATEST');
    assert.equal(r.json.ric, true);
    assert.deepEqual(r.json.event, { hello: 'ric' });
    assert.equal(r.json.functionName, 'ric');
    assert.equal(r.json.invocations, 1);
    assert.ok(r.json.remaining > 8000 && r.json.remaining <= 10000, `remaining ${r.json.remaining}`);

    const started = REQUEST_ID.exec(r.log);
    assert.ok(started, `no START line in the tail:\n${r.log}`);
    const requestId = started[1];
    assert.equal(r.json.requestId, requestId, 'context.awsRequestId is the invocation request id');
    assert.equal(r.out.$metadata.requestId, requestId, 'x-amzn-RequestId is the invocation request id');

    // Cold start: INIT framed in the tail, the RIC's own init line, the handler's console.log
    // (formatted by the RIC's console patch: timestamp, request id, level, message).
    assert.match(r.log, /INIT_START Runtime Version: provided\.al2023/);
    assert.match(r.log, /Executing 'index\.handler' in function directory/);
    assert.match(r.log, new RegExp(`\\t${requestId}\\tINFO\\tric handler: request ${requestId} invocation 1`));
    assert.match(r.log, new RegExp(`END RequestId: ${requestId}`));
    assert.match(r.log, new RegExp(`REPORT RequestId: ${requestId}\\tDuration: \\d+\\.\\d\\d ms\\t`));
    assert.match(r.log, /Init Duration: \d+\.\d\d ms/);
    coldPid = r.json.pid;
  });

  ricIt('reuses the warm environment: same process, no second init', async () => {
    const r = await call('ric', { n: 2 });
    assert.equal(r.out.FunctionError, undefined, JSON.stringify(r.json));
    assert.equal(r.json.pid, coldPid, 'same runtime process');
    assert.equal(r.json.invocations, 2, 'module state survives');
    const requestId = REQUEST_ID.exec(r.log)?.[1];
    assert.equal(r.json.requestId, requestId);
    assert.equal(r.out.$metadata.requestId, requestId);
    assert.doesNotMatch(r.log, /Init Duration/);
    assert.doesNotMatch(r.log, /INIT_START/);
    assert.match(r.log, new RegExp(`\\t${requestId}\\tINFO\\tric handler: request ${requestId} invocation 2`));
  });

  ricIt("reports a handler error in AWS's shape and keeps the environment", async () => {
    const r = await call('ric', { fail: 'boom' });
    assert.equal(r.out.StatusCode, 200);
    assert.equal(r.out.FunctionError, 'Unhandled');
    assert.equal(r.json.errorType, 'RangeError');
    assert.equal(r.json.errorMessage, 'ric failure: boom');
    assert.ok(Array.isArray(r.json.trace), `trace: ${JSON.stringify(r.json)}`);
    const requestId = REQUEST_ID.exec(r.log)?.[1];
    assert.equal(r.out.$metadata.requestId, requestId);
    assert.match(r.log, /\tERROR\tInvoke Error/);

    const ok = await call('ric', { after: 'error' });
    assert.equal(ok.out.FunctionError, undefined);
    assert.equal(ok.json.pid, coldPid, 'a handler error does not discard the environment');
    assert.equal(ok.json.invocations, 4);
    assert.doesNotMatch(ok.log, /Init Duration/);
  });

  ricIt('reports a missing handler through the init error endpoint', async () => {
    await create('ric-no-handler', 'index.nope');
    const r = await call('ric-no-handler', {});
    assert.equal(r.out.FunctionError, 'Unhandled');
    assert.equal(r.json.errorType, 'Runtime.HandlerNotFound', JSON.stringify(r.json));
    assert.match(r.json.errorMessage, /index\.nope is undefined or not exported/);
  });
});
