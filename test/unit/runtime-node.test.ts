/**
 * Contract tests for Gust's Node.js runtime bootstrap (runtimes/node/bootstrap.mjs): each test writes a
 * small function into a temp dir, starts the bootstrap as a child process against a fake Runtime API
 * and checks what it posts and prints.
 */
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeRuntimeApi, type RuntimeOutcome } from '../helpers/fake-runtime-api.ts';

const BOOTSTRAP = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../runtimes/node/bootstrap.mjs');
const ISO = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z';

interface Started {
  dir: string;
  api: FakeRuntimeApi;
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

interface StartOptions {
  handler?: string;
  env?: Record<string, string>;
  /** Code directory relative to the temp dir (default: the temp dir itself). */
  codeSubdir?: string;
}

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function start(files: Record<string, string>, opts: StartOptions = {}): Promise<Started> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gust-rt-node-'));
  cleanups.push(() => fs.rmSync(tmp, { recursive: true, force: true }));
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(tmp, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  const dir = path.join(tmp, opts.codeSubdir ?? '');
  const api = new FakeRuntimeApi();
  const address = await api.start();
  cleanups.push(() => api.close());
  const child = spawn(process.execPath, [BOOTSTRAP], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      AWS_LAMBDA_RUNTIME_API: address,
      _HANDLER: opts.handler ?? 'index.handler',
      LAMBDA_TASK_ROOT: dir,
      AWS_LAMBDA_FUNCTION_NAME: 'my-fn',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/my-fn',
      AWS_LAMBDA_LOG_STREAM_NAME: '2024/01/01/[$LATEST]abcdef',
      AWS_REGION: 'us-east-1',
      ...opts.env,
    },
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  });
  return { dir, api, child, stdout: () => out, stderr: () => err, exited };
}

/** Resolve with p, or fail the test after ms (so a hang reports instead of stalling the run). */
function within<T>(p: Promise<T>, ms = 5000, what = 'operation'): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

const invoke = (s: Started, payload: unknown, opts?: Parameters<FakeRuntimeApi['invoke']>[1]) =>
  within(s.api.invoke(payload, opts), 5000, 'invocation');

async function initError(s: Started) {
  const e = await within(s.api.waitInitError(), 5000, 'init error');
  const body = JSON.parse(e.body) as { errorType: string; errorMessage: string; trace: string[] };
  const { code } = await within(s.exited, 5000, 'process exit');
  return { ...e, parsed: body, code };
}

function parseError(o: RuntimeOutcome) {
  assert.equal(o.kind, 'error', `expected an error, got ${o.kind}: ${o.body}`);
  return JSON.parse(o.body) as { errorType: string; errorMessage: string; trace: string[] };
}

async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Wait until stdout contains `text` (records are written synchronously, but the pipe is async). */
async function waitForOutput(s: Started, text: string): Promise<string> {
  const deadline = Date.now() + 3000;
  while (!s.stdout().includes(text)) {
    if (Date.now() > deadline) assert.fail(`stdout never contained ${JSON.stringify(text)}; got:\n${s.stdout()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return s.stdout();
}

describe('node runtime: handlers and results', () => {
  test('async handler: result is posted as JSON with content-type application/json', async () => {
    const s = await start({ 'index.js': 'exports.handler = async (event) => ({ echo: event, n: 42 });' });
    const o = await invoke(s, { hello: 'world' });
    assert.equal(o.kind, 'response');
    assert.deepEqual(JSON.parse(o.body), { echo: { hello: 'world' }, n: 42 });
    assert.equal(o.contentType, 'application/json');
  });

  test('module state is kept across invocations in one process', async () => {
    const s = await start({ 'index.js': 'let n = 0; exports.handler = async () => ({ n: ++n, pid: process.pid });' });
    const a = JSON.parse((await invoke(s, {})).body);
    const b = JSON.parse((await invoke(s, {})).body);
    assert.equal(a.n, 1);
    assert.equal(b.n, 2);
    assert.equal(a.pid, b.pid);
    // Two invocations, then the runtime is back to waiting for a third.
    await until(() => s.api.nextCalls === 3, 'third next');
  });

  test('callback handler', async () => {
    const s = await start({
      'index.js': 'exports.handler = (event, context, callback) => callback(null, { got: event.x });',
    });
    const o = await invoke(s, { x: 7 });
    assert.deepEqual(JSON.parse(o.body), { got: 7 });
  });

  test('callbackWaitsForEmptyEventLoop=true delays the response until the event loop is empty', async () => {
    const s = await start({
      'index.js': `exports.handler = (event, context, callback) => {
        if (!event.warm) setTimeout(() => {}, 400);
        callback(null, 'done');
      };`,
    });
    await invoke(s, { warm: true });
    const t0 = Date.now();
    const o = await invoke(s, {});
    const elapsed = Date.now() - t0;
    assert.equal(o.body, '"done"');
    assert.ok(elapsed >= 380, `response came after ${elapsed} ms, before the pending timer fired`);
  });

  test('callbackWaitsForEmptyEventLoop=false responds immediately and keeps serving', async () => {
    const s = await start({
      'index.js': `exports.handler = (event, context, callback) => {
        context.callbackWaitsForEmptyEventLoop = false;
        if (!event.warm) setTimeout(() => {}, 2000);
        callback(null, context.callbackWaitsForEmptyEventLoop);
      };`,
    });
    await invoke(s, { warm: true });
    const t0 = Date.now();
    const o = await invoke(s, {});
    const elapsed = Date.now() - t0;
    assert.equal(o.body, 'false');
    assert.ok(elapsed < 1000, `response took ${elapsed} ms`);
    assert.equal((await invoke(s, { warm: true })).kind, 'response');
  });

  test('promise-returning handler that also calls back: the first settlement wins', async () => {
    const s = await start({
      'index.js': `exports.handler = async (event, context, callback) => {
        if (event.callbackFirst) { callback(null, 'from-callback'); return 'from-promise'; }
        setTimeout(() => callback(null, 'late-callback'), 20);
        return 'from-promise';
      };`,
    });
    assert.equal((await invoke(s, { callbackFirst: true })).body, '"from-callback"');
    assert.equal((await invoke(s, {})).body, '"from-promise"');
  });

  test('undefined result is posted as null; a sync handler that never calls back gets null', async () => {
    const s = await start({
      'index.js': `exports.handler = async () => undefined;
        exports.sync = (event) => 'ignored, as on AWS';`,
    });
    assert.equal((await invoke(s, {})).body, 'null');
    const s2 = await start(
      { 'index.js': `exports.sync = (event) => 'ignored, as on AWS';` },
      { handler: 'index.sync' },
    );
    const o = await invoke(s2, {});
    assert.equal(o.kind, 'response');
    assert.equal(o.body, 'null');
  });

  test('an async handler whose promise never settles fails with Runtime.NodeJsExit', async () => {
    const s = await start({ 'index.js': 'exports.handler = async () => new Promise(() => {});' });
    const e = parseError(await invoke(s, {}));
    assert.equal(e.errorType, 'Runtime.NodeJsExit');
    assert.match(e.errorMessage, /Promise that was never settled/);
  });

  test('a result JSON cannot serialise fails the invocation and the runtime keeps serving', async () => {
    const s = await start({
      'index.js': `exports.handler = async (event) => {
        if (event.ok) return 'fine';
        const a = {}; a.self = a; return a;
      };`,
    });
    const o = await invoke(s, {});
    assert.equal(o.errorType, 'Error');
    const e = parseError(o);
    assert.equal(e.errorMessage, 'Unable to stringify response body');
    assert.equal((await invoke(s, { ok: true })).body, '"fine"');
  });

  test('awslambda.streamifyResponse handlers are served buffered', async () => {
    const s = await start({
      'index.mjs': `export const handler = awslambda.streamifyResponse(async (event, stream) => {
        stream.setContentType('text/plain');
        stream.write('hello ');
        stream.end(event.name);
      });`,
    });
    const o = await invoke(s, { name: 'stream' });
    assert.equal(o.kind, 'response');
    assert.equal(o.body, 'hello stream');
    assert.equal(o.contentType, 'text/plain');
  });
});

describe('node runtime: module loading', () => {
  test('ESM .mjs with top-level await (module init runs once, before the first next)', async () => {
    const s = await start({
      'index.mjs': `let inits = 0;
        const v = await new Promise((r) => setTimeout(() => r(5), 50));
        inits++;
        export const handler = async () => ({ v, inits });`,
    });
    assert.deepEqual(JSON.parse((await invoke(s, {})).body), { v: 5, inits: 1 });
    assert.deepEqual(JSON.parse((await invoke(s, {})).body), { v: 5, inits: 1 });
  });

  test('ESM .js under "type": "module"', async () => {
    const s = await start({
      'package.json': '{"type":"module"}',
      'index.js': `export const handler = async () => typeof require;`,
    });
    assert.equal((await invoke(s, {})).body, '"undefined"');
  });

  test('CommonJS .js and .cjs', async () => {
    const s = await start({ 'index.js': `exports.handler = async () => typeof require;` });
    assert.equal((await invoke(s, {})).body, '"function"');
    const s2 = await start(
      {
        'package.json': '{"type":"module"}',
        'app.cjs': `module.exports.handler = async () => 'cjs:' + typeof module;`,
      },
      { handler: 'app.handler' },
    );
    assert.equal((await invoke(s2, {})).body, '"cjs:object"');
  });

  test('CommonJS .js stays CommonJS under an ESM package above the task root (AWS semantics)', async () => {
    const s = await start(
      {
        'package.json': '{"type":"module"}',
        'code/index.js': `const lib = require('./lib.js'); exports.handler = async () => lib.value;`,
        'code/lib.js': `module.exports = { value: 'cjs-lib' };`,
      },
      { codeSubdir: 'code' },
    );
    assert.equal((await invoke(s, {})).body, '"cjs-lib"');
  });

  test('nested module path "src/app.main" and dotted property path "index.a.b"', async () => {
    const s = await start({ 'src/app.js': `exports.main = async () => 'nested';` }, { handler: 'src/app.main' });
    assert.equal((await invoke(s, {})).body, '"nested"');
    const s2 = await start({ 'index.js': `exports.a = { b: async () => 'dotted' };` }, { handler: 'index.a.b' });
    assert.equal((await invoke(s2, {})).body, '"dotted"');
  });

  test('a handler resolved as a package from node_modules', async () => {
    const s = await start(
      {
        'node_modules/my-pkg/package.json': '{"name":"my-pkg","main":"main.js"}',
        'node_modules/my-pkg/main.js': `exports.handler = async () => 'from-package';`,
      },
      { handler: 'my-pkg.handler' },
    );
    assert.equal((await invoke(s, {})).body, '"from-package"');
  });
});

describe('node runtime: init errors', () => {
  test('Runtime.ImportModuleError when the module does not exist', async () => {
    const s = await start({ 'other.js': '' }, { handler: 'missing.handler' });
    const e = await initError(s);
    assert.equal(e.errorType, 'Runtime.ImportModuleError');
    assert.equal(e.parsed.errorType, 'Runtime.ImportModuleError');
    assert.match(e.parsed.errorMessage, /^Error: Cannot find module 'missing'\nRequire stack:\n- /);
    assert.ok(Array.isArray(e.parsed.trace) && e.parsed.trace[0]!.startsWith('Runtime.ImportModuleError: Error:'));
    assert.notEqual(e.code, 0);
    assert.equal(s.api.nextCalls, 0);
    assert.match(
      s.stdout(),
      new RegExp(`^${ISO}\\tundefined\\tERROR\\tUncaught Exception \\t\\{"errorType":"Runtime.ImportModuleError"`, 'm'),
    );
  });

  test('user code requiring / importing a missing package', async () => {
    const s = await start({ 'index.js': `require('no-such-dep'); exports.handler = async () => 1;` });
    const e = await initError(s);
    assert.equal(e.errorType, 'Runtime.ImportModuleError');
    assert.match(e.parsed.errorMessage, /Cannot find module 'no-such-dep'/);
    assert.ok(e.parsed.errorMessage.includes(path.join(s.dir, 'index.js')), e.parsed.errorMessage);
    const s2 = await start({ 'index.mjs': `import x from 'no-such-esm-dep'; export const handler = async () => x;` });
    const e2 = await initError(s2);
    // As on AWS: "Runtime.ImportModuleError: Error: Cannot find package 'x' imported from /var/task/index.mjs".
    assert.equal(e2.errorType, 'Runtime.ImportModuleError');
    assert.match(e2.parsed.errorMessage, /^Error: Cannot find package 'no-such-esm-dep' imported from /);
  });

  test('Runtime.HandlerNotFound', async () => {
    const s = await start({ 'index.js': `exports.other = async () => 1; exports.notFn = 3;` });
    const e = await initError(s);
    assert.equal(e.errorType, 'Runtime.HandlerNotFound');
    assert.equal(e.parsed.errorMessage, 'index.handler is undefined or not exported');
    assert.notEqual(e.code, 0);
    const s2 = await start({ 'index.js': `exports.notFn = 3;` }, { handler: 'index.notFn' });
    const e2 = await initError(s2);
    assert.equal(e2.parsed.errorMessage, 'index.notFn is not a function');
  });

  test('Runtime.MalformedHandlerName', async () => {
    const s = await start({ 'index.js': `exports.handler = async () => 1;` }, { handler: 'index' });
    const e = await initError(s);
    assert.equal(e.errorType, 'Runtime.MalformedHandlerName');
    assert.equal(e.parsed.errorMessage, 'Bad handler');
    assert.notEqual(e.code, 0);
    const s2 = await start({ 'index.js': '' }, { handler: '../index.handler' });
    const e2 = await initError(s2);
    assert.equal(e2.errorType, 'Runtime.MalformedHandlerName');
    assert.match(e2.parsed.errorMessage, /is not a valid handler name/);
  });

  test('Runtime.UserCodeSyntaxError (CommonJS and ESM)', async () => {
    const s = await start({ 'index.js': `exports.handler = async () => {;` });
    const e = await initError(s);
    assert.equal(e.errorType, 'Runtime.UserCodeSyntaxError');
    assert.match(e.parsed.errorMessage, /^SyntaxError: /);
    assert.notEqual(e.code, 0);
    const s2 = await start({ 'index.mjs': `export const handler = async () => { return 1 +; };` });
    const e2 = await initError(s2);
    assert.equal(e2.errorType, 'Runtime.UserCodeSyntaxError');
  });

  test('an exception thrown at module init is reported with its own name', async () => {
    const s = await start({ 'index.js': `throw new TypeError('bad config'); exports.handler = async () => 1;` });
    const e = await initError(s);
    assert.equal(e.errorType, 'TypeError');
    assert.equal(e.parsed.errorMessage, 'bad config');
    assert.ok(
      e.parsed.trace.some((l) => l.includes('index.js')),
      e.parsed.trace.join('\n'),
    );
    assert.notEqual(e.code, 0);
    assert.equal(s.api.nextCalls, 0);
  });
});

describe('node runtime: invocation errors', () => {
  test('a thrown error: header, body shape and the Invoke Error log line', async () => {
    const s = await start({
      'index.js': `class ValidationError extends Error { constructor(m) { super(m); this.name = 'ValidationError'; this.field = 'x'; } }
        exports.handler = async () => { throw new ValidationError('bad input'); };`,
    });
    const o = await invoke(s, {});
    assert.equal(o.errorType, 'ValidationError');
    assert.equal(o.contentType, 'application/json');
    const e = parseError(o);
    assert.equal(e.errorType, 'ValidationError');
    assert.equal(e.errorMessage, 'bad input');
    assert.equal(e.trace[0], 'ValidationError: bad input');
    assert.ok(e.trace.length > 1);
    const out = await waitForOutput(s, 'Invoke Error');
    const line = out.split('\n').find((l) => l.includes('Invoke Error'))!;
    const m = new RegExp(`^${ISO}\\t${o.requestId}\\tERROR\\tInvoke Error \\t(\\{.*\\})$`).exec(line);
    assert.ok(m, line);
    const logged = JSON.parse(m[1]!);
    assert.equal(logged.errorType, 'ValidationError');
    assert.equal(logged.errorMessage, 'bad input');
    assert.equal(logged.field, 'x');
    assert.ok(Array.isArray(logged.stack) && logged.stack[0] === 'ValidationError: bad input');
  });

  test('rejected promise, sync throw, callback(err), and non-Error values', async () => {
    const s = await start({
      'index.js': `exports.handler = (event, context, callback) => {
        switch (event.mode) {
          case 'reject': return Promise.reject(new RangeError('out of range'));
          case 'throw': throw new Error('sync boom');
          case 'callback': return callback(new Error('cb boom'));
          case 'string': return Promise.reject('just a string');
          case 'fail': return context.fail();
        }
      };`,
    });
    const reject = await invoke(s, { mode: 'reject' });
    assert.equal(reject.errorType, 'RangeError');
    assert.equal(parseError(reject).errorMessage, 'out of range');
    const thrown = parseError(await invoke(s, { mode: 'throw' }));
    assert.deepEqual([thrown.errorType, thrown.errorMessage], ['Error', 'sync boom']);
    const cb = parseError(await invoke(s, { mode: 'callback' }));
    assert.deepEqual([cb.errorType, cb.errorMessage], ['Error', 'cb boom']);
    const str = await invoke(s, { mode: 'string' });
    assert.equal(str.errorType, 'string');
    assert.deepEqual(parseError(str), { errorType: 'string', errorMessage: 'just a string', trace: [] });
    const failed = parseError(await invoke(s, { mode: 'fail' }));
    assert.deepEqual([failed.errorType, failed.errorMessage], ['string', 'handled']);
  });

  test('an unhandled rejection during an invocation posts Runtime.UnhandledPromiseRejection and exits', async () => {
    const s = await start({
      'index.js': `exports.handler = async () => {
        Promise.reject(new Error('forgotten'));
        await new Promise((r) => setTimeout(r, 300));
        return 'too late';
      };`,
    });
    const o = await invoke(s, {});
    assert.equal(o.errorType, 'Runtime.UnhandledPromiseRejection');
    const e = parseError(o);
    assert.equal(e.errorMessage, 'Error: forgotten');
    const { code } = await within(s.exited, 5000, 'process exit');
    assert.equal(code, 128);
    assert.match(
      s.stdout(),
      /\tERROR\tUnhandled Promise Rejection \t\{"errorType":"Runtime.UnhandledPromiseRejection"/,
    );
  });

  test('an uncaught exception during an invocation posts it and exits', async () => {
    const s = await start({
      'index.js': `exports.handler = (event, context, callback) => {
        setTimeout(() => { throw new SyntaxError('timer blew up'); }, 10);
      };`,
    });
    const o = await invoke(s, {});
    assert.equal(o.errorType, 'SyntaxError');
    assert.equal(parseError(o).errorMessage, 'timer blew up');
    const { code } = await within(s.exited, 5000, 'process exit');
    assert.equal(code, 129);
  });

  test('a non-2xx reply from the Runtime API is logged to stderr and the loop goes on', async () => {
    const s = await start({ 'index.js': `exports.handler = async (event) => event.big ? 'x'.repeat(2000) : 'small';` });
    s.api.responseLimitBytes = 1000;
    const big = await invoke(s, { big: true });
    assert.equal(big.errorType, 'Function.ResponseSizeTooLarge');
    assert.equal((await invoke(s, {})).body, '"small"');
    assert.match(s.stderr(), /HTTP 413/);
  });
});

describe('node runtime: context', () => {
  test('context fields, identity/clientContext, trace id and getRemainingTimeInMillis', async () => {
    const s = await start({
      'index.js': `exports.handler = async (event, context) => {
        const r1 = context.getRemainingTimeInMillis();
        await new Promise((r) => setTimeout(r, 60));
        const r2 = context.getRemainingTimeInMillis();
        const { getRemainingTimeInMillis, succeed, fail, done, ...fields } = context;
        return { fields, r1, r2, fns: [typeof getRemainingTimeInMillis, typeof succeed, typeof fail, typeof done],
                 trace: process.env._X_AMZN_TRACE_ID };
      };`,
    });
    const deadlineMs = Date.now() + 10_000;
    const o = await invoke(
      s,
      {},
      {
        deadlineMs,
        functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:my-fn:live',
        clientContext: JSON.stringify({ custom: { a: 1 } }),
        cognitoIdentity: JSON.stringify({ cognitoIdentityId: 'id-1', cognitoIdentityPoolId: 'pool-1' }),
      },
    );
    const r = JSON.parse(o.body);
    assert.deepEqual(r.fields, {
      callbackWaitsForEmptyEventLoop: true,
      functionVersion: '$LATEST',
      functionName: 'my-fn',
      memoryLimitInMB: '256',
      logGroupName: '/aws/lambda/my-fn',
      logStreamName: '2024/01/01/[$LATEST]abcdef',
      clientContext: { custom: { a: 1 } },
      identity: { cognitoIdentityId: 'id-1', cognitoIdentityPoolId: 'pool-1' },
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:my-fn:live',
      awsRequestId: o.requestId,
    });
    assert.deepEqual(r.fns, ['function', 'function', 'function', 'function']);
    assert.ok(r.r1 <= 10_000 && r.r1 > 8_000, `r1=${r.r1}`);
    assert.ok(r.r2 <= r.r1 - 50, `r1=${r.r1} r2=${r.r2}`);
    assert.equal(r.trace, 'Root=1-00000000-000000000000000000000000;Parent=0000000000000000;Sampled=0');
  });

  test('context.succeed / context.done respond immediately', async () => {
    const s = await start({
      'index.js': `exports.handler = (event, context) => {
        setTimeout(() => {}, 1500);
        if (event.done) context.done(null, 'via-done'); else context.succeed('via-succeed');
      };`,
    });
    const t0 = Date.now();
    assert.equal((await invoke(s, {})).body, '"via-succeed"');
    assert.equal((await invoke(s, { done: true })).body, '"via-done"');
    assert.ok(Date.now() - t0 < 1400);
  });
});

describe('node runtime: logging', () => {
  test('text format: one line per call, level names, request id, newlines as \\r', async () => {
    const s = await start({
      'index.js': `console.log('init line');
        exports.handler = async () => {
          console.log('hello %s', 'world', { n: 1 });
          console.info('info');
          console.warn('warn');
          console.error('multi\\nline\\nerror');
          console.debug('debug');
          console.trace('trace');
          return 'ok';
        };`,
    });
    const o = await invoke(s, {});
    assert.equal(o.body, '"ok"');
    const out = await waitForOutput(s, 'trace');
    const lines = out.trimEnd().split('\n');
    const id = o.requestId;
    const expect = [
      ['undefined', 'INFO', 'init line'],
      [id, 'INFO', 'hello world { n: 1 }'],
      [id, 'INFO', 'info'],
      [id, 'WARN', 'warn'],
      [id, 'ERROR', 'multi\rline\rerror'],
      [id, 'DEBUG', 'debug'],
      [id, 'TRACE', 'trace'],
    ];
    assert.equal(lines.length, expect.length, out);
    expect.forEach(([rid, level, msg], i) => {
      const [time, ...rest] = lines[i]!.split('\t');
      assert.match(time!, new RegExp(`^${ISO}$`));
      assert.deepEqual(rest, [rid, level, msg]);
    });
  });

  test('JSON format: one object per line, object messages, AWS_LAMBDA_LOG_LEVEL filtering', async () => {
    const s = await start(
      {
        'index.js': `exports.handler = async () => {
          console.debug('filtered out');
          console.info('filtered too');
          console.warn({ a: 1, nested: { b: [1, 2] } });
          console.error('count %d\\nsecond line', 3);
          console.error(new TypeError('typed'));
          return 'ok';
        };`,
      },
      { env: { AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: 'WARN' } },
    );
    const o = await invoke(s, {});
    const out = await waitForOutput(s, 'typed');
    const recs = out
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(recs.length, 3, out);
    for (const r of recs) {
      assert.match(r.timestamp, new RegExp(`^${ISO}$`));
      assert.equal(r.requestId, o.requestId);
    }
    assert.deepEqual([recs[0].level, recs[0].message], ['WARN', { a: 1, nested: { b: [1, 2] } }]);
    assert.deepEqual([recs[1].level, recs[1].message], ['ERROR', 'count 3\nsecond line']);
    assert.equal(recs[2].message.errorType, 'TypeError');
    assert.equal(recs[2].message.errorMessage, 'typed');
    assert.ok(Array.isArray(recs[2].message.stackTrace));
    assert.deepEqual(Object.keys(recs[0]), ['timestamp', 'level', 'requestId', 'message']);
  });
});
