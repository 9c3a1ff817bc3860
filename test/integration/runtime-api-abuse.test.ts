/**
 * Function code is untrusted: whatever a custom runtime (bash `bootstrap`, provided.al2023) sends to
 * the Runtime API, Gust must not crash, hang an invocation, leak processes or answer the caller
 * with a platform 5xx. Each scenario has its own fixture under test/fixtures/bash/abuse-*; the
 * bootstraps write what the Runtime API answered them to $RECORD_FILE ("name status body" lines).
 * Every scenario then checks that a normal function still works, and the last test that stopping
 * the server leaves no process of any environment behind.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { deployFixture, startTestGust, waitFor, type TestGust } from '../helpers/gust.ts';

/** Every environment of this file has its RECORD_FILE under this directory: the leak marker. */
const RECORD_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'gust-abuse-'));

interface Called {
  status: number;
  functionError?: string;
  requestId: string;
  body: Buffer;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
  log?: string;
  ms: number;
}

/** Invoke over a fresh connection (no keep-alive), seeing the raw status and headers. */
function call(
  t: TestGust,
  name: string,
  event: unknown,
  opts: { tail?: boolean; timeoutMs?: number } = {},
): Promise<Called> {
  const started = Date.now();
  const payload = Buffer.from(JSON.stringify(event));
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${t.url}/2015-03-31/functions/${name}/invocations`,
      {
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': payload.length,
          ...(opts.tail ? { 'x-amz-log-type': 'Tail' } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          const text = body.toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          const logResult = res.headers['x-amz-log-result'] as string | undefined;
          resolve({
            status: res.statusCode!,
            functionError: res.headers['x-amz-function-error'] as string | undefined,
            requestId: res.headers['x-amzn-requestid'] as string,
            body,
            text,
            json,
            log: logResult ? Buffer.from(logResult, 'base64').toString('utf8') : undefined,
            ms: Date.now() - started,
          });
        });
      },
    );
    req.on('error', reject);
    // A hung invocation fails the test instead of hanging it.
    req.setTimeout(opts.timeoutMs ?? 30_000, () => req.destroy(new Error(`invoke ${name}: no answer`)));
    req.end(payload);
  });
}

interface Rec {
  name: string;
  status: string;
  body: string;
}

const recordFile = (fn: string): string => path.join(RECORD_DIR, `${fn}.rec`);

/** What the bootstrap of `fn` recorded so far. */
function records(fn: string): Rec[] {
  const file = recordFile(fn);
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [name = '', status = '', ...rest] = l.split(' ');
      return { name, status, body: rest.join(' ') };
    });
}

/** The first record called `name`, waiting for the bootstrap to write it. */
async function record(fn: string, name: string, timeoutMs = 10_000): Promise<Rec> {
  await waitFor(() => records(fn).some((r) => r.name === name), timeoutMs);
  const r = records(fn).find((x) => x.name === name);
  assert.ok(r, `${fn}: no record "${name}" in ${JSON.stringify(records(fn))}`);
  return r;
}

/** A Runtime API error answer: status and AWS's {errorType, errorMessage}. */
function assertApiError(r: Rec, status: string, errorType: string, message?: RegExp): void {
  assert.equal(r.status, status, `${r.name}: ${r.status} ${r.body}`);
  const body = JSON.parse(r.body) as { errorType: string; errorMessage: string };
  assert.equal(body.errorType, errorType, r.body);
  if (message) assert.match(body.errorMessage, message);
}

const ACCEPTED = (r: Rec): void => {
  assert.equal(r.status, '202', `${r.name}: ${r.status} ${r.body}`);
  assert.deepEqual(JSON.parse(r.body), { status: 'OK' });
};

/** Process ids (not zombies) whose environment mentions `marker`. */
function processesWith(marker: string): number[] {
  const found: number[] = [];
  const needle = Buffer.from(marker);
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    try {
      if (!alive(Number(d))) continue;
      if (fs.readFileSync(`/proc/${d}/environ`).includes(needle)) found.push(Number(d));
    } catch {
      /* gone meanwhile */
    }
  }
  return found;
}

/** The process exists and is not a zombie. */
function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

const errorTypeOf = (t: TestGust, fn: string, requestId: string): string | null | undefined =>
  t.gust.store.metering.list({ functionName: fn }).find((m) => m.requestId === requestId)?.errorType;

describe('Runtime API abuse by a custom runtime', () => {
  let t: TestGust;
  let cgroups = false;

  const deploy = async (
    name: string,
    fixture: string,
    extra: { Timeout?: number; vars?: Record<string, string> } = {},
  ) => {
    await deployFixture(t, name, `bash/${fixture}`, 'provided.al2023', 'bootstrap', {
      Timeout: extra.Timeout ?? 10,
      Environment: { Variables: { RECORD_FILE: recordFile(name), ...extra.vars } },
    });
  };

  /** The server still runs a well-behaved function. */
  const healthy = async (): Promise<void> => {
    const r = await call(t, 'echo', { still: 'fine' });
    assert.equal(r.status, 200);
    assert.equal(r.functionError, undefined);
    assert.deepEqual(r.json, { echo: { still: 'fine' } });
  };

  before(async () => {
    t = await startTestGust();
    cgroups = t.gust.cgroups.mode !== 'none';
    await deployFixture(t, 'echo', 'bash/echo', 'provided.al2023', 'bootstrap', {
      Environment: { Variables: { RECORD_FILE: recordFile('echo') } },
    });
  });
  after(async () => {
    await t.stop();
    fs.rmSync(RECORD_DIR, { recursive: true, force: true });
  });

  it('answers 400 InvalidRequestID for a response or error to an id that is not current', async () => {
    await deploy('wrong-id', 'abuse-wrong-id');
    const r = await call(t, 'wrong-id', {});
    assert.equal(r.status, 200);
    assert.equal(r.functionError, undefined);
    assert.deepEqual(r.json, { ok: true });
    assertApiError(await record('wrong-id', 'wrong-response'), '400', 'InvalidRequestID', /^Invalid request ID$/);
    assertApiError(await record('wrong-id', 'wrong-error'), '400', 'InvalidRequestID');
    assertApiError(await record('wrong-id', 'bad-encoding'), '400', 'InvalidRequestID');
    assertApiError(await record('wrong-id', 'empty-id'), '400', 'InvalidRequestID');
    ACCEPTED(await record('wrong-id', 'right'));
    await healthy();
  });

  it('answers 403 InvalidStateTransition to a second response and to an error after the response', async () => {
    await deploy('double', 'abuse-double-answer');
    const a = await call(t, 'double', { n: 1 });
    assert.equal(a.status, 200);
    assert.equal(a.functionError, undefined);
    assert.deepEqual(a.json.event, { n: 1 }, 'the first answer is the one the caller gets');
    ACCEPTED(await record('double', 'first'));
    assertApiError(
      await record('double', 'second'),
      '403',
      'InvalidStateTransition',
      /^State transition from RuntimeResponseSentState to InvocationResponse failed for runtime\. Error: State transition is not allowed$/,
    );
    assertApiError(
      await record('double', 'error-after'),
      '403',
      'InvalidStateTransition',
      /to InvocationErrorResponse failed/,
    );
    const b = await call(t, 'double', { n: 2 });
    assert.equal(b.functionError, undefined);
    assert.deepEqual(b.json.event, { n: 2 });
    assert.equal(b.json.pid, a.json.pid, 'the environment survives a misbehaving runtime');
    await healthy();
  });

  it('answers 413 to a response over 6 MB and the caller gets Function.ResponseSizeTooLarge', async () => {
    await deploy('too-large', 'abuse-too-large');
    const small = await call(t, 'too-large', {});
    const r = await call(t, 'too-large', { mode: 'big' });
    assert.equal(r.status, 200);
    assert.equal(r.functionError, 'Unhandled');
    assert.equal(r.json.errorType, 'Function.ResponseSizeTooLarge');
    assert.match(r.json.errorMessage, /6291556 bytes/);
    assert.ok(r.body.length < 1000, 'the oversize body is not passed on');
    assertApiError(
      await record('too-large', 'big'),
      '413',
      'RequestEntityTooLarge',
      /^Exceeded maximum allowed payload size \(6291556 bytes\)\.$/,
    );
    assert.equal(errorTypeOf(t, 'too-large', r.requestId), 'Function.ResponseSizeTooLarge');
    const again = await call(t, 'too-large', {});
    assert.equal(again.functionError, undefined);
    assert.equal(again.json.pid, small.json.pid, 'the environment is kept');
    await healthy();
  });

  it('passes a response that is not JSON (nor UTF-8) through unchanged', async () => {
    await deploy('non-json', 'abuse-non-json');
    const r = await call(t, 'non-json', {});
    assert.equal(r.status, 200);
    assert.equal(r.functionError, undefined);
    assert.deepEqual(
      r.body,
      Buffer.concat([Buffer.from('plain text, not json '), Buffer.from([0xff, 0xfe]), Buffer.from(' end')]),
    );
    ACCEPTED(await record('non-json', 'response'));
    assert.equal(errorTypeOf(t, 'non-json', r.requestId), null);
    await healthy();
  });

  it('accepts malformed error bodies and error-type headers: payload as posted, errorType Runtime.Unknown', async () => {
    await deploy('error-body', 'abuse-error-body');
    const first = await call(t, 'error-body', {});
    const cases: { mode: string; body: string; errorType: string }[] = [
      { mode: 'text', body: 'plain text failure', errorType: 'Runtime.Unknown' },
      { mode: 'nofields', body: '{"foo":1}', errorType: 'Runtime.Unknown' },
      { mode: 'empty', body: '', errorType: 'Runtime.Unknown' },
      // An over-long header type is not taken; the body's errorType is.
      { mode: 'huge', body: '{"errorType":"Body.Type","errorMessage":"m"}', errorType: 'Body.Type' },
      { mode: 'latin1', body: 'not json', errorType: 'Runtime.Unknown' },
      { mode: 'control', body: '{"errorMessage":"m"}', errorType: 'Runtime.Custom' },
    ];
    for (const c of cases) {
      const r = await call(t, 'error-body', { mode: c.mode });
      assert.equal(r.status, 200, c.mode);
      assert.equal(r.functionError, 'Unhandled', c.mode);
      assert.equal(r.text, c.body, c.mode);
      assert.equal(errorTypeOf(t, 'error-body', r.requestId), c.errorType, c.mode);
    }
    ACCEPTED(await record('error-body', 'text'));
    ACCEPTED(await record('error-body', 'nofields'));
    ACCEPTED(await record('error-body', 'empty'));
    assert.equal((await record('error-body', 'huge')).status, '431', 'a header over 16 KB is refused by HTTP');
    ACCEPTED(await record('error-body', 'long'));
    ACCEPTED(await record('error-body', 'latin1'));
    assert.equal((await record('error-body', 'control')).status, '400', 'a control character in a header');
    ACCEPTED(await record('error-body', 'valid'));
    const last = await call(t, 'error-body', {});
    assert.equal(last.functionError, undefined);
    assert.equal(last.json.pid, first.json.pid, 'function errors keep the environment');
    await healthy();
  });

  it('answers 403 to /init/error once init is over, and the invocation goes on', async () => {
    await deploy('init-late', 'abuse-init-error-late');
    const r = await call(t, 'init-late', {});
    assert.equal(r.status, 200);
    assert.equal(r.functionError, undefined);
    assert.equal(typeof r.json.pid, 'number');
    assertApiError(
      await record('init-late', 'init-error'),
      '403',
      'InvalidStateTransition',
      /^State transition from Ready to InitError failed for runtime/,
    );
    ACCEPTED(await record('init-late', 'response'));
    assert.equal(errorTypeOf(t, 'init-late', r.requestId), null);
    await healthy();
  });

  it('ends INIT at /init/error even when the runtime carries on, and kills it', async () => {
    await deploy('init-continue', 'abuse-init-error-continue');
    const r = await call(t, 'init-continue', {});
    assert.equal(r.status, 200);
    assert.equal(r.functionError, 'Unhandled');
    assert.equal(r.json.errorType, 'Runtime.BadInit');
    assert.equal(r.json.errorMessage, 'bad init');
    assert.ok(r.ms < 5000, `answered in ${r.ms} ms`);
    const pid = Number((await record('init-continue', 'started')).status);
    assert.ok(await waitFor(() => !alive(pid), 5000), `runtime ${pid} killed`);
    assert.equal(t.gust.placement.environments('init-continue').length, 0);
    assert.ok(!records('init-continue').some((x) => x.name === 'got-event'), 'no event after an init error');
    const again = await call(t, 'init-continue', {});
    assert.equal(again.json.errorType, 'Runtime.BadInit', 'a fresh environment fails init again');
    const starts = records('init-continue').filter((x) => x.name === 'started');
    assert.equal(starts.length, 2);
    assert.equal(errorTypeOf(t, 'init-continue', again.requestId), 'Runtime.BadInit');
    await healthy();
  });

  it('refuses a second concurrent /invocation/next with 403; the first still gets the event', async () => {
    await deploy('next-twice', 'abuse-next-twice');
    const a = await call(t, 'next-twice', {});
    assert.equal(a.functionError, undefined);
    assertApiError(await record('next-twice', 'next-b'), '403', 'InvalidStateTransition', /already waiting/);
    const b = await call(t, 'next-twice', { second: true });
    assert.equal(b.status, 200);
    assert.equal(b.functionError, undefined);
    assert.equal(b.json.pid, a.json.pid);
    const nextA = await record('next-twice', 'next-a');
    assert.equal(nextA.status, '200');
    assert.deepEqual(JSON.parse(nextA.body), { second: true });
    await healthy();
  });

  it('lets /invocation/next wait while an invocation is unanswered: answered late, or timed out', async () => {
    await deploy('next-early', 'abuse-next-early', { Timeout: 2 });
    const a = await call(t, 'next-early', {});
    assert.equal(a.functionError, undefined);
    assert.equal(a.json.id, a.requestId, 'the current request id stays valid while next waits');
    ACCEPTED(await record('next-early', 'late-response'));
    const b = await call(t, 'next-early', {});
    assert.equal(b.functionError, undefined);
    assert.equal(b.json.pid, a.json.pid);
    assert.equal(
      (await record('next-early', 'early-next-got')).status,
      b.requestId,
      'the early poll got the next event',
    );
    const never = await call(t, 'next-early', { mode: 'never' });
    assert.equal(never.status, 200);
    assert.equal(never.functionError, 'Unhandled');
    assert.equal(never.json.errorType, 'Sandbox.Timedout');
    assert.ok(never.ms >= 1900 && never.ms < 8000, `timed out after ${never.ms} ms`);
    const c = await call(t, 'next-early', {});
    assert.equal(c.functionError, undefined);
    assert.notEqual(c.json.pid, a.json.pid, 'a new environment after the timeout');
    await healthy();
  });

  it('times an invocation out when the runtime never asks for it (no /invocation/next)', async () => {
    await deploy('no-next', 'abuse-no-next', { Timeout: 2 });
    const a = await call(t, 'no-next', {});
    assert.equal(a.functionError, undefined);
    ACCEPTED(await record('no-next', 'response'));
    const r = await call(t, 'no-next', {}, { timeoutMs: 10_000 });
    assert.equal(r.status, 200);
    assert.equal(r.functionError, 'Unhandled');
    assert.equal(r.json.errorType, 'Sandbox.Timedout');
    assert.ok(r.ms >= 1900 && r.ms < 8000, `timed out after ${r.ms} ms`);
    assert.ok(await waitFor(() => !alive(a.json.pid), 5000), 'the stuck runtime is killed');
    await healthy();
  });

  it('forgets a /invocation/next poll the runtime gave up on, and delivers to its next poll', async () => {
    await deploy('next-abandoned', 'abuse-next-abandoned', { Timeout: 5 });
    const a = await call(t, 'next-abandoned', {});
    assert.equal(a.functionError, undefined);
    assert.equal((await record('next-abandoned', 'abandoned')).status, '000', 'curl gave up (no answer)');
    const b = await call(t, 'next-abandoned', {}, { timeoutMs: 10_000 });
    assert.equal(b.status, 200);
    assert.equal(b.functionError, undefined, b.text);
    assert.equal(b.json.id, b.requestId);
    assert.equal(b.json.pid, a.json.pid);
    assert.ok(b.ms < 4000, `answered after ${b.ms} ms`);
    await healthy();
  });

  it('answers unknown paths 404, wrong methods 405 and garbage 400, and serves the runtime on', async () => {
    await deploy('http', 'abuse-http');
    const r = await call(t, 'http', {});
    assert.equal(r.status, 200);
    assert.equal(r.functionError, undefined, r.text);
    assert.equal(typeof r.json.pid, 'number');
    for (const name of ['unknown-route', 'unknown-get', 'unknown-post', 'bad-suffix', 'wrong-version', 'root']) {
      assertApiError(await record('http', name), '404', 'NotFound');
    }
    for (const name of ['post-next', 'get-response', 'delete-init-error']) {
      assertApiError(await record('http', name), '405', 'MethodNotAllowed');
    }
    assertApiError(await record('http', 'garbage-body'), '400', 'InvalidRequestID');
    for (const name of ['garbage-request', 'bad-header', 'bad-length']) {
      assert.equal((await record('http', name)).body, '400 Bad Request', name);
    }
    ACCEPTED(await record('http', 'response'));
    const again = await call(t, 'http', {});
    assert.equal(again.json.pid, r.json.pid);
    await healthy();
  });

  it('ends an invocation at its timeout when the runtime never finishes its request (slowloris)', async () => {
    await deploy('slowloris', 'abuse-slowloris', { Timeout: 2 });
    const r = await call(t, 'slowloris', {});
    assert.equal(r.status, 200);
    assert.equal(r.functionError, 'Unhandled');
    assert.equal(r.json.errorType, 'Sandbox.Timedout');
    assert.ok(r.ms >= 1900 && r.ms < 8000, `timed out after ${r.ms} ms`);
    await record('slowloris', 'opened');
    assert.ok(await waitFor(() => t.gust.placement.environments('slowloris').length === 0, 5000));
    await healthy();
  });

  it('ignores a response cut off mid-body (curl killed), then: a complete answer, or an exit', async () => {
    await deploy('mid-response', 'abuse-exit-mid-response');
    const r = await call(t, 'mid-response', { mode: 'continue' });
    assert.equal(r.status, 200);
    assert.equal(r.functionError, undefined);
    assert.equal(r.json.complete, true, 'the partial body is not the response');
    assert.equal((await record('mid-response', 'killed-curl')).status, '137');
    ACCEPTED(await record('mid-response', 'response'));
    const e = await call(t, 'mid-response', { mode: 'exit' });
    assert.equal(e.status, 200);
    assert.equal(e.functionError, 'Unhandled');
    assert.equal(e.json.errorType, 'Runtime.ExitError');
    assert.match(e.json.errorMessage, /Runtime exited with error: exit status 3/);
    await healthy();
  });

  it('keeps serving a runtime that closed its stdout and stderr', async () => {
    await deploy('stdio', 'abuse-stdio');
    const a = await call(t, 'stdio', {}, { tail: true });
    assert.equal(a.status, 200);
    assert.equal(a.functionError, undefined);
    assert.match(a.log!, /before close: stdout/);
    assert.match(a.log!, /before close: stderr/);
    const b = await call(t, 'stdio', {}, { tail: true });
    assert.equal(b.functionError, undefined);
    assert.equal(b.json.pid, a.json.pid);
    assert.match(b.log!, /REPORT RequestId/);
    await healthy();
  });

  it('stores binary, non-UTF-8 and over-long log lines, and caps an invocation log flood', async () => {
    await deploy('logs', 'abuse-logs');
    const r = await call(t, 'logs', { mode: 'binary' }, { tail: true });
    assert.equal(r.status, 200);
    assert.equal(r.functionError, undefined);
    assert.match(r.log!, /REPORT RequestId/);
    const lines = t.gust.store.logs.query({ requestId: r.requestId, limit: 10_000 }).map((l) => l.message);
    const bin = lines.find((l) => l.startsWith('bin-start:'));
    assert.ok(bin, 'the binary line is stored');
    assert.ok(bin.includes('\uFFFD') && bin.endsWith(':bin-end'), JSON.stringify(bin));
    const longest = Math.max(...lines.map((l) => l.length));
    assert.equal(longest, 256 * 1024, 'lines are cut at 256 KB');
    assert.ok(lines.some((l) => l.startsWith('long-line:xxx') && l.length === 256 * 1024));
    assert.ok(lines.includes('after-long-line'));
    assert.ok(lines.at(-1)!.startsWith('REPORT RequestId'), 'REPORT comes last');

    const f = await call(t, 'logs', { mode: 'flood' });
    assert.equal(f.functionError, undefined);
    const flood = t.gust.store.logs.query({ requestId: f.requestId, limit: 10_000 }).map((l) => l.message);
    const dropped = flood.find((l) => /^Gust: \d+ log lines dropped \(per-invocation log limit reached\)$/.test(l));
    assert.ok(dropped, 'the flood is cut with a marker line');
    const stored = flood.filter((l) => l.startsWith('yyy')).reduce((n, l) => n + l.length, 0);
    assert.ok(stored <= 5 * 1024 * 1024 && stored > 4 * 1024 * 1024, `stored ${stored} chars`);
    await healthy();
  });

  it('kills background children when the runtime exits mid-invocation', async () => {
    await deploy('bg-crash', 'abuse-background', { vars: cgroups ? { WITH_SETSID: '1' } : {} });
    const r = await call(t, 'bg-crash', { mode: 'crash' });
    assert.equal(r.status, 200);
    assert.equal(r.functionError, 'Unhandled');
    assert.equal(r.json.errorType, 'Runtime.ExitError');
    assert.match(r.json.errorMessage, /exit status 7/);
    const pids = records('bg-crash')
      .filter((x) => ['child', 'setsid', 'crash-child'].includes(x.name))
      .map((x) => Number(x.status));
    assert.equal(pids.length, cgroups ? 3 : 2);
    assert.ok(await waitFor(() => pids.every((p) => !alive(p)), 5000), `left running: ${pids.filter(alive)}`);
    await healthy();
  });

  it('kills background children when an idle environment is reaped', async () => {
    const t2 = await startTestGust({ keepAliveMs: 300 });
    try {
      await deployFixture(t2, 'bg-reap', 'bash/abuse-background', 'provided.al2023', 'bootstrap', {
        Environment: { Variables: { RECORD_FILE: recordFile('bg-reap'), ...(cgroups ? { WITH_SETSID: '1' } : {}) } },
      });
      const r = await call(t2, 'bg-reap', {});
      assert.equal(r.functionError, undefined);
      const pids = records('bg-reap')
        .filter((x) => ['child', 'setsid'].includes(x.name))
        .map((x) => Number(x.status));
      assert.equal(pids.length, cgroups ? 2 : 1);
      assert.ok(pids.every(alive), 'children run while the environment lives');
      assert.ok(await waitFor(() => t2.gust.placement.environments('bg-reap').length === 0, 5000), 'reaped');
      assert.ok(await waitFor(() => pids.every((p) => !alive(p)), 5000), `left running: ${pids.filter(alive)}`);
    } finally {
      await t2.stop();
    }
  });

  it('leaves no environment process behind after stop()', async () => {
    // Warm environments with background children, and idle runtimes parked in /invocation/next.
    await deploy('bg-stop', 'abuse-background', { vars: cgroups ? { WITH_SETSID: '1' } : {} });
    const r = await call(t, 'bg-stop', {});
    assert.equal(r.functionError, undefined);
    const before = processesWith(RECORD_DIR);
    assert.ok(before.length >= 3, `environment processes are visible before stop: ${before}`);
    await t.gust.stop();
    assert.ok(await waitFor(() => processesWith(RECORD_DIR).length === 0, 3000), `left: ${processesWith(RECORD_DIR)}`);
    const envs = path.join(t.home, 'envs');
    assert.deepEqual(fs.existsSync(envs) ? fs.readdirSync(envs) : [], [], 'every environment cleaned up');
  });
});
