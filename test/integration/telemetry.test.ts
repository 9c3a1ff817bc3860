/**
 * Telemetry against a real server: Prometheus metrics after real invocations (success, error,
 * throttle, cold start, versions, async queue, provisioned concurrency), the time-series API, the
 * billing report for known invocations, `gust cost`, log level filtering, JSON platform lines,
 * and metering retention.
 */
import {
  CreateFunctionCommand,
  GetProvisionedConcurrencyConfigCommand,
  InvokeCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  PutProvisionedConcurrencyConfigCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { money } from '../../src/cli/cost.ts';
import type { MeteringRecord } from '../../src/control/model.ts';
import { zipFiles } from '../../src/control/zip-dir.ts';
import { crossover, loadPrices, type BillingReport, type FunctionBill } from '../../src/telemetry/billing.ts';
import type { SeriesBucket } from '../../src/telemetry/telemetry-store.ts';
import { deployFixture, invoke, startTestGust, tempHome, waitFor, type TestGust } from '../helpers/gust.ts';

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

async function get<T>(t: TestGust, p: string): Promise<{ status: number; body: T }> {
  const res = await fetch(t.url + p);
  return { status: res.status, body: (await res.json()) as T };
}

async function scrape(t: TestGust): Promise<string[]> {
  const res = await fetch(`${t.url}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
  return (await res.text()).split('\n');
}

/** The value of one exact series line (name{labels}) in a scrape, or undefined. */
function sample(lines: string[], series: string): number | undefined {
  const line = lines.find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function throttled(p: Promise<unknown>): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof TooManyRequestsException);
}

/** Nearest-rank percentile, as the API computes it. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]!;
}

/** Test prices: no free tier and large rates, so a handful of invocations costs visible money. */
const TEST_PRICES = {
  name: 'test-prices',
  requestsPerMillion: 200_000, // $0.20 per request
  freeTier: { requests: 0, gbSeconds: 0 },
  architectures: {
    x86_64: {
      durationTiers: [{ perGbSecond: 0.5 }],
      provisionedPerGbSecond: 0.01,
      provisionedDurationPerGbSecond: 0.25,
    },
  },
};

const PYTHON_LOGGING = `import logging
logger = logging.getLogger()

def lambda_handler(event, context):
    logger.warning("careful now")
    logger.info("just info")
    return "ok"
`;

describe('telemetry', () => {
  let t: TestGust;
  let pricesFile: string;
  const started = Date.now() - 1000;

  before(async () => {
    const dir = tempHome();
    pricesFile = path.join(dir, 'prices.json');
    fs.writeFileSync(pricesFile, JSON.stringify(TEST_PRICES));
    t = await startTestGust({ pricesFile, accountConcurrency: 200 });
    await deployFixture(t, 'tm', 'node/basic', 'nodejs20.x', 'index.handler', { Timeout: 10 });
    await deployFixture(t, 'tm-thr', 'node/basic', 'nodejs20.x', 'index.handler', { Timeout: 10 });
    await t.lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'tm-thr', ReservedConcurrentExecutions: 1 }));
    await deployFixture(t, 'tm-json', 'node/basic', 'nodejs20.x', 'index.handler', {
      LoggingConfig: { LogFormat: 'JSON' },
    });
    await t.lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'tm-py',
        Runtime: 'python3.12',
        Handler: 'lambda_function.lambda_handler',
        Role: 'arn:aws:iam::000000000000:role/test',
        Code: { ZipFile: await zipFiles({ 'lambda_function.py': PYTHON_LOGGING }) },
      }),
    );
  });
  after(async () => {
    await t.stop();
    fs.rmSync(path.dirname(pricesFile), { recursive: true, force: true });
  });

  it('/metrics counts invocations, errors by type, cold starts and durations per function and version', async () => {
    assert.equal((await invoke(t, 'tm', { action: 'echo' })).functionError, undefined);
    await invoke(t, 'tm', { action: 'echo' });
    assert.equal((await invoke(t, 'tm', { action: 'throw' })).functionError, 'Unhandled');
    const lines = await scrape(t);
    const l = 'function="tm",version="$LATEST"';
    assert.equal(sample(lines, `gust_invocations_total{${l}}`), 3);
    assert.equal(sample(lines, `gust_errors_total{${l},error_type="TypeError"}`), 1);
    assert.equal(sample(lines, `gust_cold_starts_total{${l}}`), 1);
    assert.equal(sample(lines, `gust_invocation_duration_seconds_count{${l}}`), 3);
    assert.equal(sample(lines, `gust_init_duration_seconds_count{${l}}`), 1);
    assert.equal(sample(lines, `gust_throttles_total{${l}}`), undefined, 'no throttles yet');
    const recs = t.gust.store.metering.list({ functionName: 'tm' });
    const gbs = recs.reduce((s, r) => s + (r.billedDurationMs / 1000) * (r.memorySizeMb / 1024), 0);
    assert.ok(Math.abs(sample(lines, `gust_billed_gb_seconds_total{${l}}`)! - gbs) < 1e-9);

    // A published version is its own label value (and its own pool: a cold start).
    await t.lambda.send(new PublishVersionCommand({ FunctionName: 'tm' }));
    await invoke(t, 'tm', { action: 'echo' }, { qualifier: '1' });
    const after = await scrape(t);
    assert.equal(sample(after, 'gust_invocations_total{function="tm",version="1"}'), 1);
    assert.equal(sample(after, 'gust_cold_starts_total{function="tm",version="1"}'), 1);
    assert.equal(sample(after, `gust_invocations_total{${l}}`), 3);
  });

  it('/metrics shows concurrent executions while busy, then the throttle', async () => {
    const running = invoke(t, 'tm-thr', { action: 'sleep', ms: 1500 });
    assert.ok(await waitFor(() => t.gust.placement.gate.functionCurrent('tm-thr') === 1, 10_000));
    const busy = await scrape(t);
    assert.equal(sample(busy, 'gust_concurrent_executions{function="tm-thr"}'), 1);
    assert.ok(sample(busy, 'gust_account_concurrent_executions')! >= 1);
    assert.equal(sample(busy, 'gust_account_concurrency_limit'), 200);
    await throttled(t.lambda.send(new InvokeCommand({ FunctionName: 'tm-thr', Payload: Buffer.from('{}') })));
    assert.equal((await running).json.slept, 1500);
    const lines = await scrape(t);
    assert.equal(sample(lines, 'gust_throttles_total{function="tm-thr",version="$LATEST"}'), 1);
    assert.equal(sample(lines, 'gust_invocations_total{function="tm-thr",version="$LATEST"}'), 1);
    assert.equal(sample(lines, 'gust_concurrent_executions{function="tm-thr"}'), 0);
  });

  it('/metrics reports the async queue depth and oldest event age per function', async () => {
    await deployFixture(t, 'tm-async', 'node/basic', 'nodejs20.x', 'index.handler');
    // Reserved concurrency 0: accepted events wait in the queue (until their maximum age).
    await t.lambda.send(
      new PutFunctionConcurrencyCommand({ FunctionName: 'tm-async', ReservedConcurrentExecutions: 0 }),
    );
    for (let i = 0; i < 2; i++) {
      const r = await t.lambda.send(
        new InvokeCommand({ FunctionName: 'tm-async', InvocationType: 'Event', Payload: Buffer.from('{}') }),
      );
      assert.equal(r.StatusCode, 202);
    }
    await new Promise((r) => setTimeout(r, 300));
    const lines = await scrape(t);
    assert.equal(sample(lines, 'gust_async_queue_depth{function="tm-async"}'), 2);
    const age = sample(lines, 'gust_async_oldest_event_age_seconds{function="tm-async"}')!;
    assert.ok(age >= 0.3 && age < 30, `age ${age}`);
  });

  it('/gust/v1/metrics returns per-period buckets computed from the ledger', async () => {
    const q = `function=tm&since=${started}&period=60`;
    const asked = Date.now();
    const { status, body } = await get<{ period: number; since: number; buckets: SeriesBucket[] }>(
      t,
      `/gust/v1/metrics?${q}`,
    );
    const answered = Date.now();
    assert.equal(status, 200);
    assert.equal(body.period, 60);
    assert.equal(body.since % 60_000, 0, 'buckets aligned to the period');
    // One bucket per started minute up to "now" (which may cross a minute boundary during the request).
    const buckets = (now: number): number => Math.ceil((now - body.since) / 60_000);
    assert.ok(
      body.buckets.length >= buckets(asked) && body.buckets.length <= buckets(answered),
      `${body.buckets.length} buckets`,
    );
    const total = (k: 'invocations' | 'errors' | 'coldStarts' | 'throttles'): number =>
      body.buckets.reduce((s, b) => s + b[k], 0);
    assert.equal(total('invocations'), 4);
    assert.equal(total('errors'), 1);
    assert.equal(total('coldStarts'), 2);
    assert.equal(total('throttles'), 0);
    assert.equal(
      body.buckets.reduce((s, b) => s + (b.errorTypes.TypeError ?? 0), 0),
      1,
    );
    // Each bucket's percentiles are the nearest-rank percentiles of its invocations' durations.
    const recs = t.gust.store.metering.list({ functionName: 'tm' });
    for (const b of body.buckets) {
      const d = recs
        .filter((r) => Math.floor(r.startTime / 60_000) * 60_000 === b.start)
        .map((r) => r.durationMs)
        .sort((x, y) => x - y);
      assert.equal(b.invocations, d.length);
      if (!d.length) {
        assert.equal(b.p50, null);
        continue;
      }
      assert.equal(b.p50, percentile(d, 50));
      assert.equal(b.p90, percentile(d, 90));
      assert.equal(b.p99, percentile(d, 99));
      assert.equal(b.maxDuration, d.at(-1));
      assert.ok(b.maxConcurrency! >= 1);
      assert.ok(b.gbSeconds > 0);
    }
    const v = await get<{ buckets: SeriesBucket[] }>(t, `/gust/v1/metrics?${q}&version=1`);
    assert.equal(
      v.body.buckets.reduce((s, b) => s + b.invocations, 0),
      1,
    );
    const thr = await get<{ buckets: SeriesBucket[] }>(t, `/gust/v1/metrics?function=tm-thr&since=${started}`);
    assert.equal(
      thr.body.buckets.reduce((s, b) => s + b.throttles, 0),
      1,
    );
    assert.equal(Math.max(...thr.body.buckets.map((b) => b.maxConcurrency ?? 0)), 1);

    const one = await get<{ metric: string; buckets: Record<string, unknown>[] }>(
      t,
      `/gust/v1/metrics?${q}&metric=invocations`,
    );
    assert.equal(one.body.metric, 'invocations');
    for (const b of one.body.buckets) assert.deepEqual(Object.keys(b).sort(), ['invocations', 'start']);
    const bad = await fetch(`${t.url}/gust/v1/metrics?metric=nope`);
    assert.equal(bad.status, 400);
    assert.equal(bad.headers.get('x-amzn-errortype'), 'InvalidParameterValueException');
    assert.equal((await fetch(`${t.url}/gust/v1/metrics?since=30d&period=1`)).status, 400, 'too many buckets');
    assert.equal((await fetch(`${t.url}/gust/v1/metrics?period=0`)).status, 400);
  });

  it('/gust/v1/billing prices the known invocations (throttles not billed)', async () => {
    const until = Date.now() + 1;
    const { status, body } = await get<BillingReport>(t, `/gust/v1/billing?since=${started}&until=${until}`);
    assert.equal(status, 200);
    assert.equal(body.prices.name, 'test-prices');
    const expect = (name: string): { requests: number; gbs: number; recs: MeteringRecord[] } => {
      const recs = t.gust.store.metering.list({ functionName: name }).filter((r) => r.outcome !== 'throttle');
      return {
        recs,
        requests: recs.length,
        gbs: recs.reduce((s, r) => s + (r.billedDurationMs * r.memorySizeMb) / 1024 / 1000, 0),
      };
    };
    const close = (a: number, b: number, what: string): void =>
      assert.ok(Math.abs(a - b) < 1e-9, `${what}: ${a} vs ${b}`);
    const fn = (name: string): FunctionBill => body.functions.find((f) => f.functionName === name)!;
    for (const name of ['tm', 'tm-thr']) {
      const e = expect(name);
      const f = fn(name);
      assert.equal(f.requests, e.requests, name);
      close(f.gbSeconds, e.gbs, `${name} GB-s`);
      close(f.cost.requests, e.requests * 0.2, `${name} request cost`);
      close(f.cost.duration, e.gbs * 0.5, `${name} duration cost`);
      close(f.cost.total, e.requests * 0.2 + e.gbs * 0.5, `${name} total`);
      close(f.avgBilledDurationMs!, e.recs.reduce((s, r) => s + r.billedDurationMs, 0) / e.requests, name);
      assert.equal(f.avgMemoryMb, 128);
      assert.deepEqual(f.architectures, ['x86_64']);
    }
    assert.equal(fn('tm').requests, 4);
    assert.equal(fn('tm-thr').requests, 1);
    assert.equal(fn('tm-thr').throttles, 1);
    close(
      body.total.total,
      body.functions.reduce((s, f) => s + f.cost.total, 0),
      'total',
    );
    const only = await get<BillingReport>(t, `/gust/v1/billing?since=${started}&until=${until}&function=tm`);
    assert.deepEqual(
      only.body.functions.map((f) => f.functionName),
      ['tm'],
    );
    close(only.body.total.total, fn('tm').cost.total, 'filtered total');
    assert.equal((await fetch(`${t.url}/gust/v1/billing?since=soon`)).status, 400);
  });

  it('`gust cost` prints the report and the crossover with an always-on server', async () => {
    const { body } = await get<BillingReport>(t, `/gust/v1/billing?since=${started}&function=tm`);
    const f = body.functions[0]!;
    const r = await gust(t.url, 'cost', '--since', String(started), '--function', 'tm', '--prices', pricesFile);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /at test-prices prices \(USD\)/);
    const row = r.stdout.split('\n').find((l) => l.startsWith('tm '))!;
    assert.ok(row, r.stdout);
    assert.match(row, /^tm\s+x86_64\s+4\s+0\s+[\d.]+ ms\s+128 MB\s+[\d.]+\s+\$0\.8000\s+/);
    assert.ok(row.trimEnd().endsWith(money(f.cost.total)), `${row} ends with ${money(f.cost.total)}`);
    assert.match(r.stdout, /Always-on server: \$0\.05\/h x 730 h = \$36\.50\/month/);
    const x = crossover(loadPrices(pricesFile), {
      architecture: 'x86_64',
      avgBilledDurationMs: f.avgBilledDurationMs!,
      memoryMb: f.avgMemoryMb!,
      serverMonthlyCost: 36.5,
    });
    assert.ok(x.requestsPerMonth! > 0);
    assert.ok(
      r.stdout.includes(`the server is cheaper above ${x.requestsPerMonth!.toLocaleString('en-US')} requests/month`),
      r.stdout,
    );

    // Re-priced with the default AWS table (free tier): the same usage costs nothing.
    const aws = await gust(t.url, 'cost', '--since', String(started), '--prices', '/dev/null');
    assert.equal(aws.code, 2, 'an unreadable price table is a usage error');
    assert.match(aws.stderr, /price table/);
    const dir = path.dirname(pricesFile);
    fs.writeFileSync(path.join(dir, 'aws.json'), '{}');
    const free = await gust(t.url, 'cost', '--since', String(started), '--prices', path.join(dir, 'aws.json'));
    assert.equal(free.code, 0, free.stderr);
    assert.match(free.stdout, /at aws-us-east-1 prices/);
    assert.match(
      free.stdout.split('\n').find((l) => l.startsWith('TOTAL'))!,
      /\$0\.00$/,
    );
    const until = Date.now();
    const all = await get<BillingReport>(t, `/gust/v1/billing?since=${started}&until=${until}`);
    const json = await gust(t.url, 'cost', '--since', String(started), '--until', String(until), '--json');
    assert.equal(json.code, 0, json.stderr);
    const parsed = JSON.parse(json.stdout) as BillingReport;
    assert.ok(Math.abs(parsed.total.total - all.body.total.total) < 1e-9, 'the server prices by default');
    assert.equal(parsed.prices.name, 'test-prices');
    assert.equal('usage' in parsed, false);
    const bad = await gust(t.url, 'cost', '--server-price', 'abc');
    assert.notEqual(bad.code, 0);
  });

  it('filters logs by level: text, JSON and Python formats; API, follow and CLI', async () => {
    await invoke(t, 'tm', { action: 'log' });
    type Rec = { message: string; level?: string; requestId: string | null };
    const logs = async (params: string): Promise<Rec[]> =>
      (await get<{ records: Rec[] }>(t, `/gust/v1/logs?${params}`)).body.records;
    const errors = await logs('function=tm&level=ERROR');
    assert.ok(errors.length >= 2, 'the thrown TypeError and console.error');
    for (const r of errors) assert.equal(r.level, 'ERROR', r.message);
    assert.ok(errors.some((r) => r.message.includes('line1\nline2')));
    assert.ok(!errors.some((r) => r.message.includes('hello from node') || r.message.startsWith('START')));
    const info = await logs('function=tm&level=info');
    assert.ok(info.some((r) => r.message.includes('hello from node')));
    assert.ok(info.some((r) => r.message.includes('line1')));
    assert.ok(!info.some((r) => r.message.startsWith('REPORT')));
    assert.equal((await fetch(`${t.url}/gust/v1/logs?level=LOUD`)).status, 400);

    await invoke(t, 'tm-py', {});
    const warn = await logs('function=tm-py&level=WARN');
    assert.deepEqual(
      warn.map((r) => r.message.split('\t').pop()),
      ['careful now'],
    );
    assert.equal((await logs('function=tm-py&level=ERROR')).length, 0);

    // Follow with a level: only matching lines arrive.
    const res = await fetch(`${t.url}/gust/v1/logs?function=tm-json&level=ERROR&follow=1&since=${Date.now()}`);
    const reader = res.body!.getReader();
    const seen: Rec[] = [];
    const reading = (async () => {
      let buf = '';
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buf += Buffer.from(value).toString('utf8');
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (line.trim()) seen.push(JSON.parse(line) as Rec);
        }
      }
    })();
    await invoke(t, 'tm-json', { action: 'log' });
    assert.ok(await waitFor(() => seen.length > 0, 5000));

    await new Promise((r) => setTimeout(r, 200));
    await reader.cancel();
    await reading;
    assert.equal(seen.length, 1, JSON.stringify(seen));
    assert.equal((JSON.parse(seen[0]!.message) as { level: string }).level, 'ERROR');

    const cli = await gust(t.url, 'logs', 'tm', '--level', 'ERROR');
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /line1/);
    assert.doesNotMatch(cli.stdout, /hello from node|START RequestId/);
  });

  it('writes JSON platform records for a function with LogFormat JSON', async () => {
    await deployFixture(t, 'tm-json2', 'node/basic', 'nodejs20.x', 'index.handler', {
      LoggingConfig: { LogFormat: 'JSON' },
    });
    const ok = await invoke(t, 'tm-json2', { action: 'log' }, { tail: true });
    const failed = await invoke(t, 'tm-json2', { action: 'throw' });
    assert.equal(failed.functionError, 'Unhandled');
    const recs = t.gust.store.metering.list({ functionName: 'tm-json2' });
    const byId = (id: string): MeteringRecord => recs.find((r) => r.requestId === id)!;
    const okId = recs.find((r) => r.outcome === 'success')!.requestId;
    const failedId = recs.find((r) => r.outcome === 'error')!.requestId;

    type Platform = { time: string; type: string; record: Record<string, unknown> };
    const platform = async (requestId: string): Promise<Platform[]> => {
      const { body } = await get<{ records: { message: string }[] }>(
        t,
        `/gust/v1/logs?function=tm-json2&requestId=${requestId}`,
      );
      assert.ok(!body.records.some((r) => /^(START|END|REPORT|INIT_START) /.test(r.message)), 'no text lines');
      const parse = (m: string): Platform | undefined => {
        try {
          return JSON.parse(m) as Platform;
        } catch {
          return undefined;
        }
      };
      return body.records
        .map((r) => parse(r.message))
        .filter((r): r is Platform => typeof r?.type === 'string' && r.type.startsWith('platform.'));
    };
    const p = await platform(okId);
    assert.deepEqual(
      p.map((r) => r.type),
      ['platform.initStart', 'platform.start', 'platform.runtimeDone', 'platform.report'],
    );
    for (const r of p) assert.ok(!Number.isNaN(Date.parse(r.time)), r.time);
    assert.deepEqual(p[1]!.record, { requestId: okId, version: '$LATEST' });
    assert.equal(p[0]!.record.functionName, 'tm-json2');
    const report = p[3]!.record as { requestId: string; status: string; metrics: Record<string, number> };
    assert.equal(report.requestId, okId);
    assert.equal(report.status, 'success');
    assert.equal(report.metrics.billedDurationMs, byId(okId).billedDurationMs);
    assert.equal(report.metrics.memorySizeMB, 128);
    assert.ok(report.metrics.maxMemoryUsedMB! > 0);
    assert.ok(report.metrics.initDurationMs! > 0);
    assert.ok(Math.abs(report.metrics.durationMs! - byId(okId).durationMs) < 0.001);
    assert.match(ok.log!, /"type":"platform\.report"/, 'the log tail carries the JSON records too');

    const f = await platform(failedId);
    assert.deepEqual(
      f.map((r) => r.type),
      ['platform.start', 'platform.runtimeDone', 'platform.report'],
    );
    assert.equal(f[2]!.record.status, 'error');
    assert.equal(f[2]!.record.errorType, 'TypeError');
    assert.equal('initDurationMs' in (f[2]!.record.metrics as object), false, 'warm: no init duration');
  });

  it('retention drops metering older than GUST_METERING_RETENTION_DAYS (default 400)', () => {
    assert.equal(t.gust.config.meteringRetentionDays, 400);
    const old = Date.now() - 401 * 86_400_000;
    t.gust.store.metering.record({
      requestId: 'ancient',
      functionName: 'tm',
      version: '$LATEST',
      startTime: old,
      durationMs: 1,
      billedDurationMs: 1,
      memorySizeMb: 128,
      maxMemoryUsedMb: 1,
      initDurationMs: null,
      cold: false,
      outcome: 'success',
      errorType: null,
    });
    const before = t.gust.store.metering.list({ functionName: 'tm' }).length;
    assert.equal(t.gust.telemetry.prune(), 1);
    const left = t.gust.store.metering.list({ functionName: 'tm' });
    assert.equal(left.length, before - 1);
    assert.ok(!left.some((r) => r.requestId === 'ancient'));
  });
});

describe('telemetry: provisioned concurrency', () => {
  let t: TestGust;
  let pricesFile: string;
  before(async () => {
    const dir = tempHome();
    pricesFile = path.join(dir, 'prices.json');
    fs.writeFileSync(pricesFile, JSON.stringify(TEST_PRICES));
    t = await startTestGust({ pricesFile, telemetryIntervalMs: 300 });
  });
  after(async () => {
    await t.stop();
    fs.rmSync(path.dirname(pricesFile), { recursive: true, force: true });
  });

  it('meters allocated environments, utilisation, and bills them', async () => {
    const since = Date.now() - 1000;
    await deployFixture(t, 'pc', 'node/basic', 'nodejs20.x', 'index.handler', { MemorySize: 256 });
    await t.lambda.send(new PublishVersionCommand({ FunctionName: 'pc' }));
    await t.lambda.send(
      new PutProvisionedConcurrencyConfigCommand({
        FunctionName: 'pc',
        Qualifier: '1',
        ProvisionedConcurrentExecutions: 1,
      }),
    );
    let status: string | undefined;
    for (let i = 0; i < 100 && status !== 'READY'; i++) {
      const g = await t.lambda.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: 'pc', Qualifier: '1' }));
      status = g.Status;
      if (status !== 'READY') await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(status, 'READY');
    const r = await invoke(t, 'pc', { action: 'sleep', ms: 300 }, { qualifier: '1' });
    assert.equal(r.json.slept, 300);
    const rec = t.gust.store.metering.list({ functionName: 'pc' })[0]!;
    assert.equal(rec.provisioned, true);
    assert.equal(rec.cold, false);
    assert.equal(rec.concurrency, 1);

    const lines = await scrape(t);
    assert.equal(sample(lines, 'gust_provisioned_concurrency_allocated{function="pc",version="1"}'), 1);
    assert.equal(sample(lines, 'gust_provisioned_concurrency_busy{function="pc",version="1"}'), 0);
    assert.equal(sample(lines, 'gust_provisioned_concurrency_utilization{function="pc",version="1"}'), 0);

    assert.ok(await waitFor(() => t.gust.telemetry.store.listProvisioned({ functionName: 'pc' }).length >= 2, 10_000));
    t.gust.telemetry.meter.stop(); // freeze the ledger for exact numbers
    const intervals = t.gust.telemetry.store.listProvisioned({ functionName: 'pc' });
    for (const i of intervals) {
      assert.equal(i.version, '1');
      assert.equal(i.memoryMb, 256);
      assert.equal(i.allocatedMax, 1);
      assert.ok(i.allocatedMs <= i.endTime - i.startTime + 1, 'one environment at most');
      assert.ok(i.busyMs <= i.allocatedMs);
    }
    const allocatedMs = intervals.reduce((s, i) => s + i.allocatedMs, 0);
    const busyMs = intervals.reduce((s, i) => s + i.busyMs, 0);
    assert.ok(allocatedMs > 0);
    assert.ok(busyMs > 0 && busyMs <= 400, `busy ${busyMs} ms: the 300 ms invocation`);

    const { body } = await get<BillingReport>(t, `/gust/v1/billing?since=${since}&function=pc`);
    const f = body.functions[0]!;
    const pcGbs = (allocatedMs * 256) / 1024 / 1000;
    const durGbs = (rec.billedDurationMs * 256) / 1024 / 1000;
    assert.equal(f.provisionedRequests, 1);
    assert.ok(Math.abs(f.provisionedGbSeconds - pcGbs) < 1e-9, `${f.provisionedGbSeconds} vs ${pcGbs}`);
    assert.ok(Math.abs(f.cost.provisioned - pcGbs * 0.01) < 1e-9);
    assert.ok(Math.abs(f.cost.provisionedDuration - durGbs * 0.25) < 1e-9);
    assert.equal(f.cost.duration, 0, 'no on-demand duration');
    assert.ok(Math.abs(f.cost.requests - 0.2) < 1e-9);

    const series = await get<{ buckets: SeriesBucket[] }>(t, `/gust/v1/metrics?function=pc&version=1&since=${since}`);
    const u = series.body.buckets.map((b) => b.provisionedUtilization).filter((x): x is number => x !== null);
    assert.ok(u.length >= 1);
    for (const x of u) assert.ok(x >= 0 && x <= 1, String(x));
    assert.ok(
      Math.abs(u.reduce((s, x) => s + x, 0) - busyMs / allocatedMs) < 1e-9 || u.length > 1,
      'one bucket: busy / allocated',
    );
  });
});
