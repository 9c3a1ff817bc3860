/**
 * `npm run bench`: Gust's cold start, warm invoke latency/throughput (side by side with a bare
 * node:http baseline measured in the same run) and idle environment memory. See docs/benchmarks.md.
 *
 *   npm run bench                        full run (~2 minutes)
 *   npm run bench -- --quick             short durations (harness development)
 *   npm run bench -- --update-docs       also rewrite the results block of docs/benchmarks.md
 *   npm run bench -- --profile <dir>     run the Gust server with --cpu-prof, write the profile to <dir>
 *
 * Gust and the baseline each run in their own child process; the bench process is the load
 * client. Every process and temp dir the bench starts is removed at the end, also on failure.
 */
import {
  CreateFunctionCommand,
  InvokeCommand,
  LambdaClient,
  UpdateFunctionConfigurationCommand,
  type Runtime,
} from '@aws-sdk/client-lambda';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { zipDirectory } from '../src/control/zip-dir.ts';
import { startGustChild, type GustChild } from './lib/gust-child.ts';
import { load, type LoadResult } from './lib/load.ts';
import { describeMachine } from './lib/machine.ts';
import { summarizeProfile } from './lib/profile.ts';
import {
  childrenOf,
  cleanupAll,
  foreignCpu,
  memoryOf,
  onCleanup,
  procEnv,
  sleep,
  spawnUntil,
  stopChild,
  treeOf,
} from './lib/procs.ts';
import {
  machineMarkdown,
  resultsMarkdown,
  updateDocs,
  type ColdResult,
  type PinnedRun,
  type Results,
  type RssResult,
  type WarmPair,
} from './lib/report.ts';
import { summarize } from './lib/stats.ts';
import { benchQueue, rawSendBatch } from './queue.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BENCH = path.join(REPO, 'bench');

const { values: argv } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'update-docs': { type: 'boolean', default: false },
    profile: { type: 'string' },
  },
});
const QUICK = argv.quick!;
const COLD_SAMPLES = QUICK ? 5 : 20;
const LOAD_S = QUICK ? 3 : 10;
const WARMUP_S = QUICK ? 1 : 3;
const SDK_SEQUENTIAL = QUICK ? 50 : 200;
const QUEUE_RAW_S = QUICK ? 2 : 5;
const WATCHDOG_MS = 8 * 60_000;

const FUNCTIONS: { name: string; runtime: Runtime; handler: string; dir: string; label: string }[] = [
  { name: 'node-hello', runtime: 'nodejs20.x', handler: 'index.handler', dir: 'node', label: 'nodejs20.x' },
  {
    name: 'python-hello',
    runtime: 'python3.12',
    handler: 'lambda_function.lambda_handler',
    dir: 'python',
    label: 'python3.12',
  },
  {
    name: 'bash-hello',
    runtime: 'provided.al2023',
    handler: 'bootstrap',
    dir: 'bash',
    label: 'provided.al2023 (bash)',
  },
];
const EVENT = JSON.stringify({ name: 'bench' });
const warnings: string[] = [];
const T0 = performance.now();
const log = (m: string): void =>
  void process.stderr.write(`bench [${((performance.now() - T0) / 1000).toFixed(1).padStart(5)} s] ${m}\n`);

async function main(): Promise<void> {
  const t0 = performance.now();
  // The SDK warns that its 2027 releases will need node >= 22; not relevant to a measurement.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const startedAt = new Date().toISOString();
  const machine = describeMachine(REPO);
  const foreignAll = foreignCpu();
  log(`${machine.nproc} × ${machine.cpuModel}, node ${machine.node}, python ${machine.python}`);

  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'gust-bench-'));
  onCleanup('temp home', () => fs.rmSync(home, { recursive: true, force: true }));
  const profDir = argv.profile ? path.resolve(argv.profile) : undefined;
  if (profDir) fs.mkdirSync(profDir, { recursive: true });
  const profStart = Date.now();

  const gust = await startGustChild(REPO, home, { cpuProfDir: profDir });
  log(`gust serve pid ${gust.pid} at ${gust.url} (memory limits: ${gust.memoryLimits})`);
  void gust.died.then((why) => abort(`error: ${why}`, 1));
  const lambda = new LambdaClient({
    endpoint: gust.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    maxAttempts: 1,
  });
  onCleanup('sdk client', () => lambda.destroy());

  for (const fn of FUNCTIONS) {
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: fn.name,
        Runtime: fn.runtime,
        Handler: fn.handler,
        Role: 'arn:aws:iam::000000000000:role/bench',
        MemorySize: 128,
        Timeout: 30,
        Code: { ZipFile: await zipDirectory(path.join(BENCH, 'functions', fn.dir)) },
      }),
    );
  }

  // 1. Cold starts.
  const cold: ColdResult[] = [];
  for (const fn of FUNCTIONS) {
    log(`cold starts: ${fn.label} × ${COLD_SAMPLES}`);
    cold.push(await coldStarts(lambda, gust, fn.name, fn.label));
  }

  // Sequential warm invokes through the SDK (comparable with per-invoke figures of other emulators).
  const sdkSamples: number[] = [];
  for (let i = 0; i < SDK_SEQUENTIAL + 10; i++) {
    const s = performance.now();
    const r = await lambda.send(new InvokeCommand({ FunctionName: 'node-hello', Payload: Buffer.from(EVENT) }));
    if (r.FunctionError) throw new Error(`node-hello failed: ${Buffer.from(r.Payload ?? []).toString()}`);
    if (i >= 10) sdkSamples.push(performance.now() - s);
  }

  // 2. Warm throughput: baseline first (Gust idle), then Gust (baseline stopped).
  log('baseline: bare node:http echo server');
  const { child: echo, match } = await spawnUntil(
    'echo server',
    process.execPath,
    ['--import', 'tsx', path.join(BENCH, 'echo-server.ts'), '0'],
    /listening (\d+)/,
    20_000,
    { cwd: REPO },
  );
  onCleanup('echo server', async () => void (await stopChild(echo, 2000)));
  const baseUrl = `http://127.0.0.1:${match[1]}/`;
  const base = await loadSeries(baseUrl, { server: () => [echo.pid] });
  const pinned = await pinnedBaseline(baseUrl, echo.pid);
  // The baseline for the queue's raw SendMessageBatch row: the same request body, echoed.
  const queueBaseline = await load({
    url: baseUrl,
    ...rawSendBatch(`${gust.url}/000000000000/bench-raw`),
    connections: 10,
    durationS: QUEUE_RAW_S,
    cpu: { server: () => [echo.pid] },
  });
  log(`  -c 10, SendMessageBatch body: ${queueBaseline.reqPerSec} req/s`);
  await stopChild(echo, 2000);

  log('gust: POST /2015-03-31/functions/node-hello/invocations');
  const gustRuns = await loadSeries(`${gust.url}/2015-03-31/functions/node-hello/invocations`, {
    server: () => [gust.pid],
    environments: () => envPids(gust, 'node-hello'),
  });
  const warm: WarmPair[] = [10, 1].map((c) => {
    const b = base.get(c)!;
    const g = gustRuns.get(c)!;
    for (const [who, l] of [
      ['baseline', b],
      ['gust', g],
    ] as const) {
      if (l.non2xx || l.errors || l.timeouts) {
        warnings.push(`${who} -c ${c}: ${l.non2xx} non-2xx, ${l.errors} errors, ${l.timeouts} timeouts`);
      }
    }
    const r2 = (n: number): number => Math.round(n * 100) / 100;
    return {
      connections: c,
      baseline: b,
      gust: g,
      ratios: {
        reqPerSec: r2(g.reqPerSec / b.reqPerSec),
        p50: r2(g.latencyMs.p50 / b.latencyMs.p50),
        p99: r2(g.latencyMs.p99 / b.latencyMs.p99),
      },
    };
  });

  // 3. Idle environment memory.
  log('idle environment memory');
  for (const fn of FUNCTIONS.filter((f) => f.name !== 'node-hello')) await burst(gust.url, fn.name, 4, 25);
  await sleep(1500);
  const idleRss = FUNCTIONS.map((fn) => idleMemory(gust, fn.name, fn.label));
  const serverRssMb = memoryOf(gust.pid).rss / 2 ** 20;

  // 4. Queues: SQS send/receive throughput, delivery through an event source mapping, latency.
  log('queues (SQS API and event source mappings)');
  const q = await benchQueue({
    url: gust.url,
    home,
    serverPid: gust.pid,
    rawSeconds: QUEUE_RAW_S,
    rawConnections: 10,
    ...(QUICK ? { messages: 4000, deliver: 1000 } : {}),
  });
  log(`  ${JSON.stringify(q.figures)}`);
  if (q.rawSend.non2xx || q.rawSend.errors) warnings.push(`queue raw send: ${q.rawSend.non2xx} non-2xx`);
  const queue = {
    ...q,
    baseline: queueBaseline,
    ratio: Math.round((q.rawSend.reqPerSec / queueBaseline.reqPerSec) * 1000) / 1000,
  };

  const otherCpuCores = foreignAll();
  if (otherCpuCores > 0.25) {
    warnings.push(
      `other processes used ${otherCpuCores} CPU cores on average during this run (of ${machine.nproc}): ` +
        'throughput and latency figures are depressed accordingly; rerun on an idle machine',
    );
  }
  log('stopping gust');
  await gust.stop();
  log('stopped');
  const results: Results = {
    startedAt,
    wallSeconds: Math.round((performance.now() - t0) / 100) / 10,
    machine,
    gust: { memoryLimits: gust.memoryLimits, serverRssMb: Math.round(serverRssMb * 10) / 10 },
    otherCpuCores,
    settings: {
      coldSamples: COLD_SAMPLES,
      loadSeconds: LOAD_S,
      warmupSeconds: WARMUP_S,
      sdkSequentialInvokes: SDK_SEQUENTIAL,
    },
    cold,
    warm,
    baselinePinned: pinned,
    queue,
    sdkSequential: { functionName: 'node-hello', clientMs: summarize(sdkSamples) },
    idleRss,
    warnings,
  };

  fs.writeFileSync(path.join(BENCH, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  process.stdout.write(
    `\n## Gust benchmark\n\n${machineMarkdown(machine, gust.memoryLimits)}\n\n${resultsMarkdown(results)}\n\n` +
      `(wall time ${results.wallSeconds} s; machine-readable: bench/results.json)\n`,
  );
  if (argv['update-docs']) {
    updateDocs(path.join(REPO, 'docs', 'benchmarks.md'), results);
    log('docs/benchmarks.md updated');
  }
  if (profDir) {
    // One profile per thread (tsx's loader runs on its own thread): the largest is the main thread.
    const file = fs
      .readdirSync(profDir)
      .filter((n) => n.endsWith('.cpuprofile') && fs.statSync(path.join(profDir, n)).mtimeMs >= profStart)
      .sort((a, b) => fs.statSync(path.join(profDir, a)).size - fs.statSync(path.join(profDir, b)).size)
      .pop();
    if (file) process.stdout.write(`\n${summarizeProfile(path.join(profDir, file), REPO)}\n`);
    else log(`no .cpuprofile written to ${profDir}`);
  }
}

/** The REPORT line of a LogType: Tail log result. */
function parseReport(logResult: string | undefined): { duration?: number; init?: number } {
  const text = Buffer.from(logResult ?? '', 'base64').toString('utf8');
  const line = text.split('\n').find((l) => l.startsWith('REPORT '));
  if (!line) return {};
  const num = (re: RegExp): number | undefined => {
    const m = re.exec(line);
    return m ? Number(m[1]) : undefined;
  };
  return { duration: num(/\tDuration: ([\d.]+) ms/), init: num(/Init Duration: ([\d.]+) ms/) };
}

/** Environment processes of a function: children of the server, identified by their env vars. */
function envPids(gust: GustChild, functionName: string): number[] {
  return childrenOf(gust.pid).filter((p) => procEnv(p).AWS_LAMBDA_FUNCTION_NAME === functionName);
}

async function coldStarts(lambda: LambdaClient, gust: GustChild, name: string, label: string): Promise<ColdResult> {
  const client: number[] = [];
  const init: number[] = [];
  const duration: number[] = [];
  const overhead: number[] = [];
  let notCold = 0;
  const foreign = foreignCpu();
  // Sample 0 is a warm-up of the host (page cache, interpreter lookup) and is not recorded.
  for (let i = 0; i <= COLD_SAMPLES; i++) {
    await lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: name,
        Environment: { Variables: { BENCH_SAMPLE: String(i) } },
      }),
    );
    // The update retires the warm environment; wait until its process is gone so its shutdown
    // does not overlap the measured cold start.
    const until = Date.now() + 5000;
    while (envPids(gust, name).length && Date.now() < until) await sleep(10);
    await sleep(50);
    const s = performance.now();
    const r = await lambda.send(
      new InvokeCommand({ FunctionName: name, Payload: Buffer.from(EVENT), LogType: 'Tail' }),
    );
    const elapsed = performance.now() - s;
    if (r.FunctionError) throw new Error(`${name} failed: ${Buffer.from(r.Payload ?? []).toString()}`);
    const rep = parseReport(r.LogResult);
    if (i === 0) continue;
    client.push(elapsed);
    if (rep.init === undefined) notCold++;
    else init.push(rep.init);
    if (rep.duration !== undefined) duration.push(rep.duration);
    overhead.push(elapsed - (rep.init ?? 0) - (rep.duration ?? 0));
  }
  if (notCold) warnings.push(`${label}: ${notCold} of ${COLD_SAMPLES} cold-start samples had no Init Duration`);
  return {
    runtime: label,
    functionName: name,
    samples: COLD_SAMPLES,
    notCold,
    clientMs: summarize(client),
    initDurationMs: summarize(init),
    durationMs: summarize(duration),
    overheadMs: summarize(overhead),
    foreignCpuCores: foreign(),
  };
}

/** Warm-up, then -c 10 and -c 1 for LOAD_S seconds each. */
async function loadSeries(url: string, cpu: Record<string, () => number[]>): Promise<Map<number, LoadResult>> {
  const out = new Map<number, LoadResult>();
  await load({ url, body: EVENT, connections: 10, durationS: WARMUP_S });
  for (const c of [10, 1]) {
    const r = await load({ url, body: EVENT, connections: c, durationS: LOAD_S, cpu });
    if (r.errors && r.requests === 0) throw new Error(`${url}: no responses (${r.errors} connection errors)`);
    log(`  -c ${c}: ${r.reqPerSec} req/s, p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms`);
    out.set(c, r);
  }
  return out;
}

/**
 * At -c 1 a request is a ping-pong between two processes, and on a small VM its cost depends on
 * whether the scheduler runs both on one CPU (cheap wake-up) or on two (cross-CPU wake-up, several
 * times slower). Unpinned, either can happen; so the baseline is also measured pinned both ways.
 */
async function pinnedBaseline(url: string, serverPid: number): Promise<PinnedRun[]> {
  const n = os.availableParallelism();
  const all = `0-${n - 1}`;
  const pin = (pid: number, cpus: string): void => {
    execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
  };
  try {
    pin(process.pid, '0');
  } catch {
    warnings.push('taskset not available: pinned baseline rows skipped');
    return [];
  }
  const out: PinnedRun[] = [];
  try {
    for (const [layout, cpu] of [
      ['one CPU', '0'],
      ['two CPUs', '1'],
    ] as const) {
      if (cpu === '1' && n < 2) continue;
      pin(serverPid, cpu);
      const r = await load({
        url,
        body: EVENT,
        connections: 1,
        durationS: Math.ceil(LOAD_S / 2),
        cpu: { server: () => [serverPid] },
      });
      log(`  -c 1, client and server on ${layout}: ${r.reqPerSec} req/s, p50 ${r.latencyMs.p50} ms`);
      out.push({ layout, ...r });
    }
  } finally {
    pin(process.pid, all);
    pin(serverPid, all);
  }
  return out;
}

/** `workers` concurrent loops of `each` sequential invokes (scales the function out to ~workers environments). */
async function burst(url: string, name: string, workers: number, each: number): Promise<void> {
  const one = async (): Promise<void> => {
    for (let i = 0; i < each; i++) {
      const res = await fetch(`${url}/2015-03-31/functions/${name}/invocations`, { method: 'POST', body: EVENT });
      const body = await res.text();
      if (res.status !== 200 || res.headers.get('x-amz-function-error')) throw new Error(`${name}: ${body}`);
    }
  };
  await Promise.all(Array.from({ length: workers }, one));
}

function idleMemory(gust: GustChild, name: string, label: string): RssResult {
  const MB = 2 ** 20;
  const envs = envPids(gust, name).map((pid) => ({
    ...memoryOf(pid),
    tree: treeOf(pid).reduce((s, p) => s + memoryOf(p).rss, 0),
  }));
  if (!envs.length) warnings.push(`${label}: no idle environment found for the memory measurement`);
  const mean = (xs: number[]): number => Math.round((xs.reduce((a, b) => a + b, 0) / xs.length / MB) * 10) / 10;
  const rss = envs.map((e) => e.rss);
  return {
    runtime: label,
    functionName: name,
    environments: envs.length,
    rssMb: {
      mean: mean(rss),
      min: Math.round((Math.min(...rss) / MB) * 10) / 10,
      max: Math.round((Math.max(...rss) / MB) * 10) / 10,
    },
    pssMb: { mean: mean(envs.map((e) => e.pss)) },
    treeRssMb: { mean: mean(envs.map((e) => e.tree)) },
  };
}

// ---- run with cleanup on every exit path ----

let exiting = false;
const abort = (why: string, code: number): void => {
  if (exiting) return;
  exiting = true;
  log(why);
  void cleanupAll().finally(() => process.exit(code));
};
process.on('SIGINT', () => abort('interrupted, cleaning up', 130));
process.on('SIGTERM', () => abort('terminated, cleaning up', 143));
process.on('uncaughtException', (e) => abort(`error: ${e.stack ?? String(e)}`, 1));
process.on('unhandledRejection', (e) => abort(`error: ${(e as Error)?.stack ?? String(e)}`, 1));
const watchdog = setTimeout(() => abort(`watchdog: still running after ${WATCHDOG_MS / 1000} s`, 1), WATCHDOG_MS);
watchdog.unref();

main().then(
  async () => {
    clearTimeout(watchdog);
    await cleanupAll();
  },
  (e: unknown) => abort(`error: ${(e as Error)?.stack ?? String(e)}`, 1),
);
