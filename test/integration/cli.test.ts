/** The `gust` CLI against a real server: deploy, invoke, ls, logs, rm, and its errors/exit codes. */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FIXTURES, startTestGust, type TestGust } from '../helpers/gust.ts';

const BIN = path.resolve(import.meta.dirname, '..', '..', 'bin', 'gust.js');

function gust(url: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, '-e', url, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c: Buffer) => (stdout += c));
    p.stderr.on('data', (c: Buffer) => (stderr += c));
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('gust CLI', () => {
  let t: TestGust;
  before(async () => {
    t = await startTestGust();
  });
  after(() => t.stop());

  it('deploys a directory, invokes it, lists, shows logs and removes it', async () => {
    const d = await gust(
      t.url,
      'deploy',
      path.join(FIXTURES, 'bash/echo'),
      '--name',
      'cli-fn',
      '--runtime',
      'provided.al2023',
      '--memory',
      '256',
    );
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, /created cli-fn/);

    const i = await gust(t.url, 'invoke', 'cli-fn', '--payload', '{"k":"v"}', '--tail');
    assert.equal(i.code, 0, i.stderr);
    assert.deepEqual(JSON.parse(i.stdout), { echo: { k: 'v' } });
    assert.match(i.stderr, /REPORT RequestId: /);

    const ls = await gust(t.url, 'ls');
    assert.equal(ls.code, 0);
    assert.match(ls.stdout, /cli-fn\s+provided\.al2023\s+256\s+3/);

    const logs = await gust(t.url, 'logs', 'cli-fn');
    assert.equal(logs.code, 0);
    assert.match(logs.stdout, /START RequestId: /);
    assert.match(logs.stdout, /handling /);
    const before = await gust(t.url, 'logs', 'cli-fn', '--until', '2020-01-01T00:00:00Z');
    assert.equal(before.code, 0, before.stderr);
    assert.equal(before.stdout, '', 'nothing logged before 2020');
    const window = await gust(t.url, 'logs', 'cli-fn', '--since', '10m', '--until', String(Date.now() + 60_000));
    assert.match(window.stdout, /START RequestId: /);
    const bad = await gust(t.url, 'logs', 'cli-fn', '--until', 'yesterday-ish');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--until: cannot parse yesterday-ish/);

    const queued = await gust(t.url, 'invoke', 'cli-fn', '--async', '--payload', '{"k":"async"}');
    assert.equal(queued.code, 0, queued.stderr);
    const id = /^queued ([0-9a-f-]{36})$/m.exec(queued.stdout)?.[1];
    assert.ok(id, queued.stdout);
    let ran = '';
    for (let i = 0; i < 50 && !ran.includes('END RequestId'); i++) {
      ran = (await gust(t.url, 'logs', 'cli-fn', '--request-id', id)).stdout;
      if (!ran.includes('END RequestId')) await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(ran, new RegExp(`END RequestId: ${id}`), 'the queued event ran');

    const redeploy = await gust(
      t.url,
      'deploy',
      path.join(FIXTURES, 'bash/echo'),
      '--name',
      'cli-fn',
      '--timeout',
      '9',
    );
    assert.equal(redeploy.code, 0, redeploy.stderr);
    assert.match(redeploy.stdout, /updated cli-fn/);

    const rm = await gust(t.url, 'rm', 'cli-fn');
    assert.equal(rm.code, 0);
    const gone = await gust(t.url, 'invoke', 'cli-fn');
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /ResourceNotFoundException: Function not found/);
  });

  it('follows logs live', async () => {
    await gust(
      t.url,
      'deploy',
      path.join(FIXTURES, 'bash/echo'),
      '--name',
      'follow-fn',
      '--runtime',
      'provided.al2023',
    );
    const p = spawn(process.execPath, [BIN, '-e', t.url, 'logs', 'follow-fn', '--follow'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    p.stdout.on('data', (c: Buffer) => (out += c));
    try {
      await new Promise((r) => setTimeout(r, 1500));
      const i = await gust(t.url, 'invoke', 'follow-fn', '--payload', '{"live":1}');
      assert.equal(i.code, 0);
      const deadline = Date.now() + 5000;
      while (!/REPORT RequestId/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.match(out, /START RequestId: /);
      assert.match(out, /REPORT RequestId: /);
    } finally {
      p.kill();
    }
  });

  it('gives clear errors and non-zero exit codes', async () => {
    const noRuntime = await gust(t.url, 'deploy', path.join(FIXTURES, 'bash/echo'), '--name', 'x1');
    assert.equal(noRuntime.code, 2);
    assert.match(noRuntime.stderr, /--runtime is required/);
    const badPath = await gust(t.url, 'deploy', '/no/such/dir', '--name', 'x2', '--runtime', 'nodejs20.x');
    assert.equal(badPath.code, 2);
    assert.match(badPath.stderr, /no such file or directory/);
    const badMem = await gust(
      t.url,
      'deploy',
      path.join(FIXTURES, 'bash/echo'),
      '--name',
      'x3',
      '--runtime',
      'provided',
      '--memory',
      '1',
    );
    assert.equal(badMem.code, 1);
    assert.match(badMem.stderr, /ValidationException: .*memorySize/);
    const down = await gust('http://127.0.0.1:1', 'ls');
    assert.equal(down.code, 3);
    assert.match(down.stderr, /cannot reach Gust/);
    const usage = await gust(t.url, 'invoke');
    assert.notEqual(usage.code, 0);
    assert.match(usage.stderr, /missing required argument/);
    const badEnv = spawnSync(process.execPath, [BIN, 'serve'], {
      env: { ...process.env, GUST_PORT: 'abc', GUST_HOME: path.join(t.home, 'never') },
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(badEnv.status, 2);
    assert.match(badEnv.stderr, /^error: GUST_PORT: expected a whole number from 0 to 65535, got "abc"$/m);
  });
});
