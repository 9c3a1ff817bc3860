/**
 * The execution engine end to end: a real server on a random port, real node, python and bash
 * (provided runtime) functions, driven with the AWS SDK v3.
 */
import {
  GetFunctionCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { zipFiles } from '../../src/control/zip-dir.ts';
import { deployFixture, invoke, startTestGust, tempHome, type TestGust } from '../helpers/gust.ts';

const logsOf = async (t: TestGust, params: Record<string, string>): Promise<string[]> => {
  const res = await fetch(`${t.url}/gust/v1/logs?${new URLSearchParams(params)}`);
  const { records } = (await res.json()) as { records: { message: string }[] };
  return records.map((r) => r.message);
};

describe('execution engine: node runtime', () => {
  let t: TestGust;
  before(async () => {
    t = await startTestGust();
    await deployFixture(t, 'node-basic', 'node/basic', 'nodejs20.x', 'index.handler', {
      Environment: { Variables: { CUSTOM: 'custom-value' } },
      Timeout: 10,
    });
  });
  after(() => t.stop());

  it('returns the handler result with Lambda env vars and context', async () => {
    const r = await invoke(t, 'node-basic', { action: 'echo', n: 1 });
    assert.equal(r.status, 200);
    assert.equal(r.functionError, undefined);
    assert.equal(r.version, '$LATEST');
    assert.deepEqual(r.json.event, { action: 'echo', n: 1 });
    assert.equal(r.json.functionName, 'node-basic');
    assert.equal(r.json.env.name, 'node-basic');
    assert.equal(r.json.env.memory, '128');
    assert.equal(r.json.env.custom, 'custom-value');
    assert.equal(r.json.env.region, 'us-east-1');
    assert.equal(r.json.env.handler, 'index.handler');
    assert.match(r.json.env.api, /^127\.0\.0\.1:\d+$/);
    assert.match(r.json.requestId, /^[0-9a-f-]{36}$/);
    assert.ok(r.json.remaining > 9000 && r.json.remaining <= 10000, `remaining ${r.json.remaining}`);
  });

  it('reuses a warm environment: module state survives, no second init', async () => {
    const a = await invoke(t, 'node-basic', { action: 'echo' }, { tail: true });
    const b = await invoke(t, 'node-basic', { action: 'echo' }, { tail: true });
    assert.equal(a.json.pid, b.json.pid);
    assert.equal(b.json.count, a.json.count + 1);
    assert.doesNotMatch(b.log!, /Init Duration/);
    assert.match(
      b.log!,
      /REPORT RequestId: [0-9a-f-]{36}\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\t/,
    );
  });

  it('writes START/END/REPORT with Init Duration on a cold start and tails the log', async () => {
    await deployFixture(t, 'node-cold', 'node/basic', 'nodejs22.x', 'index.handler');
    const r = await invoke(t, 'node-cold', { action: 'log' }, { tail: true });
    assert.equal(r.json, 'logged');
    const log = r.log!;
    assert.match(log, /INIT_START Runtime Version: nodejs22\.x/);
    assert.match(log, /init: module loaded/);
    assert.match(log, /START RequestId: [0-9a-f-]{36} Version: \$LATEST/);
    assert.match(log, /\tINFO\thello from node/);
    assert.match(log, /\tERROR\tline1\nline2/, 'a multi-line console.error stays one record');
    assert.match(log, /END RequestId: /);
    assert.match(log, /Init Duration: \d+\.\d\d ms/);
    const order = [
      'INIT_START',
      'init: module loaded',
      'START RequestId',
      'hello from node',
      'END RequestId',
      'REPORT RequestId',
    ];
    const idx = order.map((s) => log.indexOf(s));
    assert.deepEqual(
      [...idx].sort((x, y) => x - y),
      idx,
      `log order: ${log}`,
    );
  });

  it('reports handler errors with X-Amz-Function-Error: Unhandled and the error shape', async () => {
    const r = await invoke(t, 'node-basic', { action: 'throw' });
    assert.equal(r.status, 200);
    assert.equal(r.functionError, 'Unhandled');
    assert.equal(r.json.errorType, 'TypeError');
    assert.equal(r.json.errorMessage, 'bad thing happened');
    assert.ok(Array.isArray(r.json.trace));
    const ok = await invoke(t, 'node-basic', { action: 'echo' });
    assert.equal(ok.functionError, undefined, 'a handled error keeps the environment usable');
  });

  it('gives each environment a private temp dir', async () => {
    const r = await invoke(t, 'node-basic', { action: 'tmp' });
    assert.equal(r.json.content, String((await invoke(t, 'node-basic', { action: 'echo' })).json.pid));
    assert.ok(r.json.file.startsWith(t.home), `tmp ${r.json.file} under GUST_HOME`);
  });

  it('times out, kills the environment and replaces it', async () => {
    await deployFixture(t, 'node-timeout', 'node/basic', 'nodejs20.x', 'index.handler', { Timeout: 1 });
    const first = await invoke(t, 'node-timeout', { action: 'echo' });
    const r = await invoke(t, 'node-timeout', { action: 'sleep', ms: 5000 }, { tail: true });
    assert.equal(r.functionError, 'Unhandled');
    assert.equal(r.json.errorType, 'Sandbox.Timedout');
    assert.match(r.json.errorMessage, /Task timed out after 1\.00 seconds/);
    assert.match(r.log!, /Task timed out after 1\.00 seconds/);
    assert.match(r.log!, /Status: timeout/);
    const next = await invoke(t, 'node-timeout', { action: 'echo' });
    assert.equal(next.functionError, undefined);
    assert.notEqual(next.json.pid, first.json.pid, 'a new environment after the timeout');
  });

  it('reports a crash as Runtime.ExitError and recovers', async () => {
    await deployFixture(t, 'node-crash', 'node/basic', 'nodejs20.x', 'index.handler');
    const r = await invoke(t, 'node-crash', { action: 'crash' });
    assert.equal(r.functionError, 'Unhandled');
    assert.equal(r.json.errorType, 'Runtime.ExitError');
    assert.match(r.json.errorMessage, /Runtime exited with error: exit status 3/);
    const next = await invoke(t, 'node-crash', { action: 'echo' });
    assert.equal(next.functionError, undefined);
  });

  it('enforces the memory size: OOM kills only that environment', async (ctx) => {
    if (t.gust.cgroups.mode === 'none') return ctx.skip(`no writable cgroup: ${t.gust.cgroups.reason}`);
    await deployFixture(t, 'node-oom', 'node/basic', 'nodejs20.x', 'index.handler', { MemorySize: 128, Timeout: 20 });
    const r = await invoke(t, 'node-oom', { action: 'oom' }, { tail: true });
    assert.equal(r.functionError, 'Unhandled');
    assert.equal(r.json.errorType, 'Runtime.OutOfMemory');
    assert.match(r.log!, /Max Memory Used: 1[0-9][0-9] MB/);
    const next = await invoke(t, 'node-oom', { action: 'echo' });
    assert.equal(next.functionError, undefined);
  });

  it('scales out under concurrent calls: one invocation per environment', async () => {
    await deployFixture(t, 'node-scale', 'node/basic', 'nodejs20.x', 'index.handler', { Timeout: 10 });
    const results = await Promise.all([1, 2, 3, 4].map(() => invoke(t, 'node-scale', { action: 'sleep', ms: 700 })));
    const pids = new Set(results.map((r) => r.json.pid));
    assert.equal(pids.size, 4, `4 concurrent invocations ran in 4 environments: ${[...pids]}`);
    assert.equal(t.gust.placement.environments('node-scale').length, 4);
    // Once they are idle, the next calls reuse them rather than starting more.
    const again = await Promise.all([1, 2].map(() => invoke(t, 'node-scale', { action: 'sleep', ms: 10 })));
    for (const r of again) assert.ok(pids.has(r.json.pid));
    assert.equal(t.gust.placement.environments('node-scale').length, 4);
  });

  it('answers Function.ResponseSizeTooLarge for a response over 6 MB', async () => {
    const r = await invoke(t, 'node-basic', { action: 'big' });
    assert.equal(r.functionError, 'Unhandled');
    assert.equal(r.json.errorType, 'Function.ResponseSizeTooLarge');
  });

  it('reports init errors (ImportModuleError, exception at init)', async () => {
    await deployFixture(t, 'node-import', 'node/import-error', 'nodejs20.x', 'index.handler');
    const a = await invoke(t, 'node-import', {}, { tail: true });
    assert.equal(a.functionError, 'Unhandled');
    assert.equal(a.json.errorType, 'Runtime.ImportModuleError');
    assert.match(a.log!, /REPORT RequestId/);
    await deployFixture(t, 'node-handler-missing', 'node/basic', 'nodejs20.x', 'index.nope');
    const b = await invoke(t, 'node-handler-missing', {});
    assert.equal(b.json.errorType, 'Runtime.HandlerNotFound');
    await deployFixture(t, 'node-init-throws', 'node/init-throws', 'nodejs20.x', 'index.handler');
    const c = await invoke(t, 'node-init-throws', {});
    assert.equal(c.functionError, 'Unhandled');
    assert.equal(c.json.errorMessage, 'init exploded');
  });

  it('leaves a metering record per invocation', async () => {
    await deployFixture(t, 'node-meter', 'node/basic', 'nodejs20.x', 'index.handler');
    await invoke(t, 'node-meter', { action: 'echo' });
    await invoke(t, 'node-meter', { action: 'throw' });
    const recs = t.gust.store.metering.list({ functionName: 'node-meter' });
    assert.equal(recs.length, 2);
    const [warm, cold] = recs.sort((a, b) => b.startTime - a.startTime);
    assert.equal(cold!.cold, true);
    assert.ok(cold!.initDurationMs! > 0);
    assert.equal(cold!.outcome, 'success');
    assert.equal(cold!.billedDurationMs, Math.ceil(cold!.durationMs + cold!.initDurationMs!));
    assert.equal(warm!.cold, false);
    assert.equal(warm!.initDurationMs, null);
    assert.equal(warm!.outcome, 'error');
    assert.equal(warm!.errorType, 'TypeError');
    assert.equal(warm!.billedDurationMs, Math.max(1, Math.ceil(warm!.durationMs)));
    assert.equal(warm!.memorySizeMb, 128);
    assert.ok(warm!.maxMemoryUsedMb > 0);
  });

  it('retires old environments when code or configuration changes', async () => {
    await deployFixture(t, 'node-update', 'node/basic', 'nodejs20.x', 'index.handler');
    const before = await invoke(t, 'node-update', { action: 'echo' });
    await t.lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: 'node-update',
        Environment: { Variables: { CUSTOM: 'v2' } },
      }),
    );
    const afterCfg = await invoke(t, 'node-update', { action: 'echo' });
    assert.equal(afterCfg.json.env.custom, 'v2');
    assert.notEqual(afterCfg.json.pid, before.json.pid);
    const zip = await zipFiles({ 'index.mjs': 'export const handler = async () => "v3";' });
    await t.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'node-update', ZipFile: zip }));
    const afterCode = await invoke(t, 'node-update', {});
    assert.equal(afterCode.json, 'v3');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(t.gust.placement.environments('node-update').length, 1, 'stale environments shut down');
  });
});

describe('execution engine: python and provided runtimes', () => {
  let t: TestGust;
  before(async () => {
    t = await startTestGust();
    await deployFixture(t, 'py', 'python/basic', 'python3.12', 'lambda_function.lambda_handler', { Timeout: 5 });
    await deployFixture(t, 'bash', 'bash/echo', 'provided.al2023', 'bootstrap');
  });
  after(() => t.stop());

  it('runs a python handler with context and keeps module state', async () => {
    const a = await invoke(t, 'py', { action: 'echo', x: 1 }, { tail: true });
    assert.equal(a.functionError, undefined);
    assert.deepEqual(a.json.event, { action: 'echo', x: 1 });
    assert.equal(a.json.memory, '128');
    assert.ok(a.json.remaining > 4000);
    assert.match(a.log!, /init: module loaded/);
    assert.match(a.log!, /Init Duration/);
    const b = await invoke(t, 'py', { action: 'echo' });
    assert.equal(b.json.count, a.json.count + 1);
    assert.equal(b.json.pid, a.json.pid);
  });

  it('reports python errors in AWS shape', async () => {
    const r = await invoke(t, 'py', { action: 'throw' });
    assert.equal(r.functionError, 'Unhandled');
    assert.equal(r.json.errorType, 'ValueError');
    assert.equal(r.json.errorMessage, 'python went wrong');
    assert.ok(Array.isArray(r.json.stackTrace));
    await deployFixture(t, 'py-missing', 'python/basic', 'python3.12', 'nomodule.handler');
    const m = await invoke(t, 'py-missing', {});
    assert.equal(m.json.errorType, 'Runtime.ImportModuleError');
    assert.match(m.json.errorMessage, /Unable to import module 'nomodule'/);
  });

  it('runs a bash bootstrap (provided runtime) against the Runtime API', async () => {
    const r = await invoke(t, 'bash', { hello: 'world' }, { tail: true });
    assert.equal(r.functionError, undefined);
    assert.deepEqual(r.json, { echo: { hello: 'world' } });
    assert.match(r.log!, /handling [0-9a-f-]{36}/);
  });

  it('fails clearly when a provided function has no bootstrap', async () => {
    await deployFixture(t, 'no-bootstrap', 'python/basic', 'provided.al2', 'x');
    const r = await invoke(t, 'no-bootstrap', {});
    assert.equal(r.functionError, 'Unhandled');
    assert.equal(r.json.errorType, 'Runtime.InvalidEntrypoint');
  });
});

describe('execution engine: lifecycle', () => {
  it('reaps idle environments after the keep-alive', async () => {
    const t = await startTestGust({ keepAliveMs: 300 });
    try {
      await deployFixture(t, 'reap', 'bash/echo', 'provided.al2023', 'bootstrap');
      await invoke(t, 'reap', {});
      assert.equal(t.gust.placement.environments('reap').length, 1);
      await new Promise((r) => setTimeout(r, 1200));
      assert.equal(t.gust.placement.environments('reap').length, 0);
    } finally {
      await t.stop();
    }
  });

  it('keeps functions, logs and metering across a restart', async () => {
    const home = tempHome();
    const t1 = await startTestGust({ home });
    await deployFixture(t1, 'persist', 'node/basic', 'nodejs20.x', 'index.handler');
    const first = await invoke(t1, 'persist', { action: 'echo' });
    await t1.stop({ keepHome: true });

    const t2 = await startTestGust({ home });
    try {
      const fn = await t2.lambda.send(new GetFunctionCommand({ FunctionName: 'persist' }));
      assert.equal(fn.Configuration?.Handler, 'index.handler');
      const code = await fetch(fn.Code!.Location!);
      assert.equal(code.status, 200);
      assert.equal((await code.arrayBuffer()).byteLength, fn.Configuration?.CodeSize);
      const second = await invoke(t2, 'persist', { action: 'echo' });
      assert.equal(second.json.count, 1, 'a fresh environment after restart');
      const lines = await logsOf(t2, { function: 'persist' });
      assert.ok(
        lines.some((l) => l.includes(`START RequestId: ${first.json.requestId}`)),
        'logs from before the restart',
      );
      assert.equal(t2.gust.store.metering.list({ functionName: 'persist' }).length, 2);
    } finally {
      await t2.stop();
    }
  });

  // The timeout guards against stop() waiting out the keep-alive timeout (72 s) of the connection
  // that was busy when it began.
  it('finishes invocations in flight on graceful shutdown', { timeout: 30_000 }, async () => {
    const t = await startTestGust();
    await deployFixture(t, 'graceful', 'node/basic', 'nodejs20.x', 'index.handler', { Timeout: 5 });
    await invoke(t, 'graceful', {});
    const pending = invoke(t, 'graceful', { action: 'sleep', ms: 500 });
    await new Promise((r) => setTimeout(r, 100));
    const stopping = t.gust.stop();
    const r = await pending;
    await stopping;
    assert.equal(r.functionError, undefined);
    assert.equal(r.json.slept, 500);
    const envs = path.join(t.home, 'envs');
    assert.deepEqual(fs.existsSync(envs) ? fs.readdirSync(envs) : [], [], 'every environment cleaned up');
    await t.stop();
  });

  it('removes every cgroup it created on shutdown, also of environments retired just before', async (ctx) => {
    const t = await startTestGust();
    const { mode, root } = t.gust.cgroups;
    if (mode === 'none') {
      await t.stop();
      return ctx.skip('no writable cgroup hierarchy on this machine');
    }
    await deployFixture(t, 'cg', 'bash/echo', 'provided.al2023', 'bootstrap');
    await Promise.all([1, 2, 3].map(() => invoke(t, 'cg', {})));
    assert.ok(fs.readdirSync(root).length >= 1, 'environments have cgroups under the root');
    // Retire them (configuration change) and stop at once, while they are being removed.
    await t.lambda.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: 'cg', Environment: { Variables: { X: '1' } } }),
    );
    await t.stop();
    assert.equal(fs.existsSync(root), false, `${root} removed`);
  });
});
