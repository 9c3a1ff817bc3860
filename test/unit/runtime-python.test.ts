/**
 * Contract tests for Gust's Python runtime bootstrap (runtimes/python/bootstrap.py) against a fake
 * Runtime API: handler loading and init errors, invocation results and errors, the context object,
 * and the log line formats (text and JSON).
 */
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeRuntimeApi } from '../helpers/fake-runtime-api.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BOOTSTRAP = path.join(ROOT, 'runtimes', 'python', 'bootstrap.py');
const NBSP = '\u00a0';
/** Per-test limit: a runtime that never answers fails its test instead of hanging the run. */
const T = { timeout: 10_000 };

interface Runtime {
  dir: string;
  api: FakeRuntimeApi;
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string | null>;
}

const live: Runtime[] = [];

afterEach(async () => {
  for (const rt of live.splice(0)) {
    if (rt.proc.exitCode === null && rt.proc.signalCode === null) rt.proc.kill('SIGKILL');
    await rt.exited;
    await rt.api.close();
    fs.rmSync(rt.dir, { recursive: true, force: true });
  }
});

async function boot(
  files: Record<string, string>,
  handler = 'lambda_function.lambda_handler',
  env: Record<string, string> = {},
): Promise<Runtime> {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'gust-py-')));
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
  const api = new FakeRuntimeApi();
  const address = await api.start();
  const proc = spawn('python3', ['-u', BOOTSTRAP], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      LANG: 'C.UTF-8',
      PYTHONUNBUFFERED: '1',
      PYTHONDONTWRITEBYTECODE: '1',
      AWS_LAMBDA_RUNTIME_API: address,
      _HANDLER: handler,
      LAMBDA_TASK_ROOT: dir,
      AWS_LAMBDA_FUNCTION_NAME: 'test',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/test',
      AWS_LAMBDA_LOG_STREAM_NAME: '2024/01/01/[$LATEST]abcdef',
      AWS_REGION: 'us-east-1',
      ...env,
    },
  });
  let out = '';
  let err = '';
  proc.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  proc.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exited = new Promise<number | string | null>((resolve) =>
    proc.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  const rt: Runtime = { dir, api, proc, stdout: () => out, stderr: () => err, exited };
  live.push(rt);
  return rt;
}

/** Polls until `pred` holds (stdout may arrive after the HTTP post it preceded). */
async function waitFor(what: string, pred: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const stdoutLines = (rt: Runtime): string[] => rt.stdout().split('\n');

const py = (lines: string[]): string => lines.join('\n') + '\n';

interface ErrorBody {
  errorMessage: string;
  errorType: string;
  requestId: string;
  stackTrace: string[];
}

async function initError(files: Record<string, string>, handler?: string) {
  const rt = await boot(files, handler);
  const err = await rt.api.waitInitError();
  const code = await rt.exited;
  return { rt, err, body: JSON.parse(err.body) as ErrorBody, code };
}

describe('python runtime: invocation', () => {
  test('returns the handler result as JSON', T, async () => {
    const rt = await boot({
      'lambda_function.py': py(['def lambda_handler(event, context):', '    return {"got": event, "n": 42}']),
    });
    const out = await rt.api.invoke({ hello: 'world', list: [1, 2] });
    assert.equal(out.kind, 'response');
    assert.deepEqual(JSON.parse(out.body), { got: { hello: 'world', list: [1, 2] }, n: 42 });
    assert.equal(out.contentType, 'application/json');
  });

  test('imports the module once and keeps its state across invocations', T, async () => {
    const rt = await boot({
      'lambda_function.py': py([
        'import os',
        'count = 0',
        'print("init ran")',
        'def lambda_handler(event, context):',
        '    global count',
        '    count += 1',
        '    return {"count": count, "pid": os.getpid()}',
      ]),
    });
    const a = JSON.parse((await rt.api.invoke({})).body);
    const b = JSON.parse((await rt.api.invoke({})).body);
    assert.equal(a.count, 1);
    assert.equal(b.count, 2);
    assert.equal(a.pid, b.pid);
    assert.equal(a.pid, rt.proc.pid);
    assert.equal(rt.stdout().split('init ran').length - 1, 1);
  });

  test('loads a handler in a nested module path (pkg/mod.handler)', T, async () => {
    const rt = await boot(
      {
        'pkg/__init__.py': '',
        'pkg/sub/mod.py': py(['def handler(event, context):', '    return "nested:" + __name__']),
      },
      'pkg/sub/mod.handler',
    );
    const out = await rt.api.invoke({});
    assert.equal(out.kind, 'response');
    assert.equal(JSON.parse(out.body), 'nested:pkg.sub.mod');
  });

  test('serializes Decimal verbatim and reports non-serializable results as Runtime.MarshalError', T, async () => {
    const rt = await boot({
      'lambda_function.py': py([
        'from decimal import Decimal',
        'def lambda_handler(event, context):',
        '    if event.get("raw"):',
        '        return b"raw \\xff bytes"',
        '    if event.get("bad"):',
        '        return {"s": {1, 2}}',
        '    return {"price": Decimal("1.10"), "big": Decimal("12345678901234567890.123456789"), "l": [Decimal("-3")], "s": "1.10"}',
      ]),
    });
    const ok = await rt.api.invoke({});
    assert.equal(ok.kind, 'response');
    assert.equal(ok.body, '{"price": 1.10, "big": 12345678901234567890.123456789, "l": [-3], "s": "1.10"}');

    const raw = await rt.api.invoke({ raw: true });
    assert.equal(raw.kind, 'response');
    assert.equal(raw.contentType, 'application/unknown');
    assert.equal(raw.body, 'raw \ufffd bytes');

    const requestId = 'marshal-req-1';
    const bad = await rt.api.invoke({ bad: true }, { requestId });
    assert.equal(bad.kind, 'error');
    assert.equal(bad.errorType, 'Runtime.MarshalError');
    assert.deepEqual(JSON.parse(bad.body), {
      errorMessage: 'Unable to marshal response: Object of type set is not JSON serializable',
      errorType: 'Runtime.MarshalError',
      requestId,
      stackTrace: [],
    });
  });

  test('an invalid JSON payload is a Runtime.UnmarshalError', T, async () => {
    const rt = await boot({
      'lambda_function.py': py(['def lambda_handler(event, context):', '    return event']),
    });
    const out = await rt.api.invoke('not json{');
    assert.equal(out.kind, 'error');
    assert.equal(out.errorType, 'Runtime.UnmarshalError');
    assert.equal(
      (JSON.parse(out.body) as ErrorBody).errorMessage,
      'Unable to unmarshal input: Expecting value: line 1 column 1 (char 0)',
    );
  });

  test(
    'a raised exception is posted with its type, message and user stack frames, and logged as one record',
    T,
    async () => {
      const rt = await boot({
        'lambda_function.py': py([
          'def helper(x):',
          '    raise ValueError("bad input: %s" % x)',
          '',
          'def lambda_handler(event, context):',
          '    if event.get("ok"):',
          '        return "fine"',
          '    helper(event["x"])',
        ]),
      });
      const requestId = 'err-req-1';
      const out = await rt.api.invoke({ x: 7 }, { requestId });
      assert.equal(out.kind, 'error');
      assert.equal(out.errorType, 'ValueError');
      const file = path.join(rt.dir, 'lambda_function.py');
      assert.deepEqual(JSON.parse(out.body), {
        errorMessage: 'bad input: 7',
        errorType: 'ValueError',
        requestId,
        stackTrace: [
          `  File "${file}", line 7, in lambda_handler\n    helper(event["x"])\n`,
          `  File "${file}", line 2, in helper\n    raise ValueError("bad input: %s" % x)\n`,
        ],
      });

      const expectedLine =
        '[ERROR] ValueError: bad input: 7\rTraceback (most recent call last):\r' +
        `${NBSP}${NBSP}File "${file}", line 7, in lambda_handler\r${NBSP.repeat(4)}helper(event["x"])\r` +
        `${NBSP}${NBSP}File "${file}", line 2, in helper\r${NBSP.repeat(4)}raise ValueError("bad input: %s" % x)`;
      await waitFor('error log line', () => stdoutLines(rt).includes(expectedLine));

      // The process survives and serves the next invocation.
      const next = await rt.api.invoke({ ok: true });
      assert.equal(next.kind, 'response');
      assert.equal(JSON.parse(next.body), 'fine');
    },
  );

  test('a 413 for an oversized response is logged to stderr and the loop continues', T, async () => {
    const rt = await boot({
      'lambda_function.py': py(['def lambda_handler(event, context):', '    return "x" * event["size"]']),
    });
    rt.api.responseLimitBytes = 1000;
    const big = await rt.api.invoke({ size: 5000 });
    assert.equal(big.kind, 'error');
    assert.equal(big.errorType, 'Function.ResponseSizeTooLarge');
    await waitFor('stderr report', () => rt.stderr().includes("Reason: '413'"));
    assert.match(rt.stderr(), /Exceeded maximum allowed payload size/);
    const small = await rt.api.invoke({ size: 3 });
    assert.equal(small.kind, 'response');
    assert.equal(JSON.parse(small.body), 'xxx');
  });

  test('reconnects when the Runtime API drops the idle connection', T, async () => {
    const rt = await boot({
      'lambda_function.py': py([
        'import time',
        'def lambda_handler(event, context):',
        '    time.sleep(event["sleep"])',
        '    return event["n"]',
      ]),
    });
    assert.equal((await rt.api.invoke({ sleep: 0, n: 0 })).body, '0');
    // While the handler runs, the runtime's connection is idle on the server: drop it.
    const server = (rt.api as unknown as { server: http.Server }).server;
    let connections = 0;
    server.on('connection', () => connections++);
    const pending = rt.api.invoke({ sleep: 0.3, n: 1 });
    await new Promise((r) => setTimeout(r, 150));
    server.closeIdleConnections();
    const first = await pending;
    assert.equal(first.kind, 'response');
    assert.equal(first.body, '1');
    const second = await rt.api.invoke({ sleep: 0, n: 2 });
    assert.equal(second.body, '2');
    assert.equal(connections, 1, 'exactly one new connection after the drop');
    assert.equal(rt.proc.exitCode, null);
  });

  test('a non-2xx reply from the Runtime API is logged to stderr and the loop continues', T, async () => {
    // The handler posts its own response first, so the runtime's post gets 400 Invalid request ID.
    const rt = await boot({
      'lambda_function.py': py([
        'import os, http.client',
        'def lambda_handler(event, context):',
        '    if event.get("steal"):',
        '        c = http.client.HTTPConnection(os.environ["AWS_LAMBDA_RUNTIME_API"])',
        '        c.request("POST", "/2018-06-01/runtime/invocation/%s/response" % context.aws_request_id, b"\\"stolen\\"")',
        '        c.getresponse().read()',
        '    return "normal"',
      ]),
    });
    const first = await rt.api.invoke({ steal: true });
    assert.equal(JSON.parse(first.body), 'stolen');
    await waitFor('stderr report', () => rt.stderr().includes("Reason: '400'"));
    assert.match(rt.stderr(), /invocation\/[^/]+\/response' endpoint failed/);
    const second = await rt.api.invoke({});
    assert.equal(JSON.parse(second.body), 'normal');
    assert.equal(rt.proc.exitCode, null);
  });
});

describe('python runtime: init errors', () => {
  test('missing module -> Runtime.ImportModuleError, process exits non-zero', T, async () => {
    const { rt, err, body, code } = await initError({ 'other.py': '' }, 'missing_mod.handler');
    assert.equal(err.errorType, 'Runtime.ImportModuleError');
    assert.deepEqual(body, {
      errorMessage: "Unable to import module 'missing_mod': No module named 'missing_mod'",
      errorType: 'Runtime.ImportModuleError',
      requestId: '',
      stackTrace: [],
    });
    assert.notEqual(code, 0);
    assert.ok(
      stdoutLines(rt).includes(
        "[ERROR] Runtime.ImportModuleError: Unable to import module 'missing_mod': No module named 'missing_mod'\rTraceback (most recent call last):",
      ),
      rt.stdout(),
    );
    assert.match(rt.stdout(), /^\[WARNING\]\t\S+Z\t\tLAMBDA_WARNING: Unhandled exception\./m);
    assert.equal(rt.api.nextCalls, 0);
  });

  test('an ImportError raised by user code at import -> Runtime.ImportModuleError', T, async () => {
    const { err, body, code } = await initError({ 'lambda_function.py': 'import not_there_at_all\n' });
    assert.equal(err.errorType, 'Runtime.ImportModuleError');
    assert.equal(body.errorMessage, "Unable to import module 'lambda_function': No module named 'not_there_at_all'");
    assert.notEqual(code, 0);
  });

  test('missing handler function -> Runtime.HandlerNotFound', T, async () => {
    const { err, body, code } = await initError(
      { 'lambda_function.py': 'def other(e, c):\n    return 1\n' },
      'lambda_function.nope',
    );
    assert.equal(err.errorType, 'Runtime.HandlerNotFound');
    assert.deepEqual(body, {
      errorMessage: "Handler 'nope' missing on module 'lambda_function'",
      errorType: 'Runtime.HandlerNotFound',
      requestId: '',
      stackTrace: [],
    });
    assert.notEqual(code, 0);
  });

  test('handler without a dot -> Runtime.MalformedHandlerName', T, async () => {
    const { err, body, code } = await initError({ 'lambda_function.py': '' }, 'lambda_function');
    assert.equal(err.errorType, 'Runtime.MalformedHandlerName');
    assert.equal(body.errorMessage, "Bad handler 'lambda_function': not enough values to unpack (expected 2, got 1)");
    assert.equal(body.errorType, 'Runtime.MalformedHandlerName');
    assert.notEqual(code, 0);
  });

  test('syntax error -> Runtime.UserCodeSyntaxError', T, async () => {
    const { rt, err, body, code } = await initError({
      'lambda_function.py': 'def lambda_handler(event, context)\n    return 1\n',
    });
    assert.equal(err.errorType, 'Runtime.UserCodeSyntaxError');
    assert.equal(body.errorType, 'Runtime.UserCodeSyntaxError');
    assert.match(body.errorMessage, /^Syntax error in module 'lambda_function': .*\(lambda_function\.py, line 1\)$/);
    assert.equal(body.stackTrace.length, 1);
    assert.ok(
      body.stackTrace[0]!.startsWith(
        `  File "${path.join(rt.dir, 'lambda_function.py')}" Line 1\n    def lambda_handler`,
      ),
      body.stackTrace[0],
    );
    assert.notEqual(code, 0);
  });

  test('another exception at import -> its own type, message and user frames (as awslambdaric)', T, async () => {
    const { rt, err, body, code } = await initError({
      'lambda_function.py': 'x = 1\nraise RuntimeError("boom at import")\n',
    });
    assert.equal(err.errorType, 'RuntimeError');
    assert.equal(body.errorType, 'RuntimeError');
    assert.equal(body.errorMessage, 'boom at import');
    assert.equal(body.requestId, '');
    const last = body.stackTrace[body.stackTrace.length - 1];
    assert.equal(
      last,
      `  File "${path.join(rt.dir, 'lambda_function.py')}", line 2, in <module>\n    raise RuntimeError("boom at import")\n`,
    );
    assert.ok(!body.stackTrace.some((f) => f.includes('bootstrap.py')), body.stackTrace.join(''));
    assert.notEqual(code, 0);
    assert.match(rt.stdout(), /^\[ERROR\] RuntimeError: boom at import\rTraceback \(most recent call last\):\r/m);
  });
});

describe('python runtime: context', () => {
  test('exposes the context fields and the remaining time', T, async () => {
    const rt = await boot({
      'lambda_function.py': py([
        'import os, time',
        'def lambda_handler(event, context):',
        '    before = context.get_remaining_time_in_millis()',
        '    time.sleep(0.05)',
        '    after = context.get_remaining_time_in_millis()',
        '    cc = context.client_context',
        '    return {',
        '        "function_name": context.function_name,',
        '        "function_version": context.function_version,',
        '        "invoked_function_arn": context.invoked_function_arn,',
        '        "memory_limit_in_mb": context.memory_limit_in_mb,',
        '        "aws_request_id": context.aws_request_id,',
        '        "log_group_name": context.log_group_name,',
        '        "log_stream_name": context.log_stream_name,',
        '        "identity": [context.identity.cognito_identity_id, context.identity.cognito_identity_pool_id],',
        '        "client_context": None if cc is None else [cc.custom, cc.env, cc.client.app_title if cc.client else None],',
        '        "before": before, "after": after,',
        '        "trace": os.environ.get("_X_AMZN_TRACE_ID"),',
        '    }',
      ]),
    });
    const arn = 'arn:aws:lambda:us-east-1:123456789012:function:test:prod';
    const out = await rt.api.invoke(
      {},
      {
        requestId: 'ctx-req-1',
        deadlineMs: Date.now() + 10_000,
        functionArn: arn,
        clientContext: JSON.stringify({ custom: { k: 'v' }, env: { platform: 'x' }, client: { app_title: 'App' } }),
        cognitoIdentity: JSON.stringify({ cognitoIdentityId: 'id-1', cognitoIdentityPoolId: 'pool-1' }),
      },
    );
    assert.equal(out.kind, 'response', out.body);
    const c = JSON.parse(out.body);
    assert.equal(c.function_name, 'test');
    assert.equal(c.function_version, '$LATEST');
    assert.equal(c.invoked_function_arn, arn);
    assert.equal(c.memory_limit_in_mb, '256');
    assert.equal(c.aws_request_id, 'ctx-req-1');
    assert.equal(c.log_group_name, '/aws/lambda/test');
    assert.equal(c.log_stream_name, '2024/01/01/[$LATEST]abcdef');
    assert.deepEqual(c.identity, ['id-1', 'pool-1']);
    assert.deepEqual(c.client_context, [{ k: 'v' }, { platform: 'x' }, 'App']);
    assert.ok(c.before > 8_000 && c.before <= 10_000, `before=${c.before}`);
    assert.ok(c.before - c.after >= 40, `before=${c.before} after=${c.after}`);
    assert.equal(c.trace, 'Root=1-00000000-000000000000000000000000;Parent=0000000000000000;Sampled=0');

    // Without client context / identity headers, and with the deadline already past.
    const late = JSON.parse((await rt.api.invoke({}, { deadlineMs: Date.now() - 1000 })).body);
    assert.equal(late.client_context, null);
    assert.deepEqual(late.identity, [null, null]);
    assert.equal(late.before, 0);
  });
});

describe('python runtime: logging', () => {
  test('print is unchanged; logging uses the AWS text format, one line per record', T, async () => {
    const rt = await boot({
      'lambda_function.py': py([
        'import logging',
        'logger = logging.getLogger()',
        'logging.getLogger("init").warning("at init")',
        'def lambda_handler(event, context):',
        '    print("hello from print")',
        '    print("two", "parts")',
        '    logger.info("hidden at the default WARNING level")',
        '    logger.warning("warn %s", 1)',
        '    logger.error("line1\\nline2")',
        '    try:',
        '        raise KeyError("k")',
        '    except KeyError:',
        '        logger.exception("caught")',
        '    print("done")',
        '    return 1',
      ]),
    });
    const requestId = 'log-req-1';
    const out = await rt.api.invoke({}, { requestId });
    assert.equal(out.kind, 'response');
    await waitFor('"done"', () => stdoutLines(rt).includes('done'));
    const lines = stdoutLines(rt);
    const ts = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z';
    assert.ok(lines.includes('hello from print'), rt.stdout());
    assert.ok(lines.includes('two parts'));
    assert.ok(!rt.stdout().includes('hidden at the default'));
    assert.ok(
      lines.some((l) => new RegExp(`^\\[WARNING\\]\\t${ts}\\t\\tat init$`).test(l)),
      rt.stdout(),
    );
    assert.ok(
      lines.some((l) => new RegExp(`^\\[WARNING\\]\\t${ts}\\t${requestId}\\twarn 1$`).test(l)),
      rt.stdout(),
    );
    assert.ok(
      lines.some((l) => new RegExp(`^\\[ERROR\\]\\t${ts}\\t${requestId}\\tline1\\rline2$`).test(l)),
      rt.stdout(),
    );
    const exc = lines.find((l) => l.includes('\tcaught'));
    assert.ok(exc, rt.stdout());
    assert.match(
      exc,
      new RegExp(`^\\[ERROR\\]\\t${ts}\\t${requestId}\\tcaught\\rTraceback \\(most recent call last\\):\\r`),
    );
    assert.match(exc, /\rKeyError: 'k'$/);
    assert.ok(!exc.includes('\n'));
  });

  test('AWS_LAMBDA_LOG_FORMAT=JSON writes one JSON object per record', T, async () => {
    const rt = await boot(
      {
        'lambda_function.py': py([
          'import logging',
          'log = logging.getLogger("mylogger")',
          'def lambda_handler(event, context):',
          '    log.debug("not shown")',
          '    log.info("info %s", "msg", extra={"custom": 5})',
          '    try:',
          '        1 / 0',
          '    except ZeroDivisionError:',
          '        log.exception("failed\\nbadly")',
          '    if event.get("raise"):',
          '        raise TypeError("handler failed")',
          '    return "ok"',
        ]),
      },
      'lambda_function.lambda_handler',
      { AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: 'INFO' },
    );
    const requestId = 'json-req-1';
    const out = await rt.api.invoke({}, { requestId });
    assert.equal(out.kind, 'response');
    await waitFor('exception record', () => rt.stdout().includes('badly'));
    const records = rt
      .stdout()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(!rt.stdout().includes('not shown'));
    const info = records.find((r) => r.message === 'info msg');
    assert.ok(info, rt.stdout());
    assert.match(String(info.timestamp), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(
      { ...info, timestamp: undefined },
      { timestamp: undefined, level: 'INFO', message: 'info msg', logger: 'mylogger', requestId, custom: 5 },
    );
    const exc = records.find((r) => r.message === 'failed\nbadly');
    assert.ok(exc, rt.stdout());
    assert.equal(exc.level, 'ERROR');
    assert.equal(exc.errorType, 'ZeroDivisionError');
    assert.equal(exc.errorMessage, 'division by zero');
    assert.ok(Array.isArray(exc.stackTrace) && exc.stackTrace.length === 1, JSON.stringify(exc));
    assert.match(String(exc.location), /lambda_function\.py:lambda_handler:9$/);

    // An unhandled handler error is logged as one JSON record too.
    const failed = await rt.api.invoke({ raise: true }, { requestId: 'json-req-2' });
    assert.equal(failed.errorType, 'TypeError');
    await waitFor('error record', () => rt.stdout().includes('"handler failed"'));
    const errLine = rt
      .stdout()
      .split('\n')
      .find((l) => l.includes('"handler failed"'));
    const errRecord = JSON.parse(errLine!) as Record<string, unknown>;
    assert.equal(errRecord.log_level, 'ERROR');
    assert.equal(errRecord.errorType, 'TypeError');
    assert.equal(errRecord.errorMessage, 'handler failed');
    assert.equal(errRecord.requestId, 'json-req-2');
    assert.ok(Array.isArray(errRecord.stackTrace));
  });
});
