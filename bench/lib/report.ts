/** Rendering of bench results: markdown tables (stdout and docs/benchmarks.md). */
import fs from 'node:fs';
import type { LoadResult } from './load.ts';
import type { Machine } from './machine.ts';
import type { Summary } from './stats.ts';

export interface ColdResult {
  runtime: string;
  functionName: string;
  samples: number;
  /** Samples whose REPORT line had no Init Duration (should be 0: every sample must be cold). */
  notCold: number;
  clientMs: Summary;
  initDurationMs: Summary;
  durationMs: Summary;
  /** client latency − Init Duration − Duration: HTTP, API, placement, spawn-to-init, logs. */
  overheadMs: Summary;
  foreignCpuCores: number;
}

export interface WarmPair {
  connections: number;
  baseline: LoadResult;
  gust: LoadResult;
  ratios: { reqPerSec: number; p50: number; p99: number };
}

export interface QueueResult {
  messages: number;
  deliver: number;
  figures: Record<string, number>;
  rawSend: LoadResult;
  /** The echo server answering the same SendMessageBatch body. */
  baseline: LoadResult;
  /** rawSend req/s ÷ baseline req/s */
  ratio: number;
}

/** A -c 1 baseline run with the client and the server pinned to one CPU or to two. */
export type PinnedRun = LoadResult & { layout: 'one CPU' | 'two CPUs' };

export interface RssResult {
  runtime: string;
  functionName: string;
  environments: number;
  rssMb: { mean: number; min: number; max: number };
  pssMb: { mean: number };
  /** The environment's whole process tree (e.g. bash + its parked curl). */
  treeRssMb: { mean: number };
}

export interface Results {
  startedAt: string;
  wallSeconds: number;
  machine: Machine;
  gust: { memoryLimits: string; serverRssMb: number };
  /** CPU cores used by processes outside the bench, averaged over the run (0 = idle machine). */
  otherCpuCores: number;
  settings: { coldSamples: number; loadSeconds: number; warmupSeconds: number; sdkSequentialInvokes: number };
  cold: ColdResult[];
  warm: WarmPair[];
  baselinePinned: PinnedRun[];
  queue: QueueResult;
  sdkSequential: { functionName: string; clientMs: Summary };
  idleRss: RssResult[];
  warnings: string[];
}

const f = (n: number, d = 1): string => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
const ms = (n: number): string => f(n, n < 10 ? 2 : 1);
const x = (n: number): string => (Number.isFinite(n) ? `${n.toFixed(n < 10 ? 2 : 1)}×` : 'n/a');

function table(head: string[], rows: string[][], right: boolean[]): string {
  const out = [`| ${head.join(' | ')} |`, `|${right.map((r) => (r ? '---:' : '---')).join('|')}|`];
  for (const r of rows) out.push(`| ${r.join(' | ')} |`);
  return out.join('\n');
}

export function machineMarkdown(m: Machine, memoryLimits: string): string {
  return [
    `- CPU: ${m.nproc} × ${m.cpuModel} (\`nproc\` = ${m.nproc})`,
    `- Memory: ${(m.memTotalMb / 1024).toFixed(1)} GB`,
    `- OS / kernel: ${m.os} / Linux ${m.kernel}`,
    `- Node.js ${m.node}, Python ${m.python}`,
    `- Gust at commit \`${m.gitCommit}\`, memory limits: ${memoryLimits}`,
  ].join('\n');
}

export function resultsMarkdown(r: Results): string {
  const parts: string[] = [];
  parts.push(
    `**Cold start** (${r.settings.coldSamples} samples per runtime; each sample changes an environment variable with ` +
      '`UpdateFunctionConfiguration`, which retires the warm environment, then invokes once through the AWS SDK ' +
      'with `LogType: Tail`; Init Duration and Duration are read from the `REPORT` line)',
  );
  parts.push(
    table(
      [
        'runtime',
        'client p50 ms',
        'client p95 ms',
        'Init Duration p50 ms',
        'Init Duration p95 ms',
        'Duration p50 ms',
        'other overhead p50 ms',
        'other CPU',
      ],
      r.cold.map((c) => [
        `${c.runtime}${c.notCold ? ` (${c.notCold} not cold!)` : ''}`,
        ms(c.clientMs.p50),
        ms(c.clientMs.p95),
        ms(c.initDurationMs.p50),
        ms(c.initDurationMs.p95),
        ms(c.durationMs.p50),
        ms(c.overheadMs.p50),
        f(c.foreignCpuCores, 2),
      ]),
      [false, true, true, true, true, true, true, true],
    ),
  );
  parts.push(
    `**Warm invoke** (autocannon, POST with a 16-byte JSON body, ${r.settings.loadSeconds} s per row after ` +
      `${r.settings.warmupSeconds} s of warm-up; Gust = \`POST /2015-03-31/functions/node-hello/invocations\` ` +
      '(nodejs20.x hello world), baseline = bare `node:http` JSON echo server in its own process; ratio = Gust ÷ baseline)',
  );
  const rows: string[][] = [];
  for (const w of r.warm) {
    const row = (name: string, l: LoadResult, ratio?: WarmPair['ratios']): string[] => [
      name,
      String(w.connections),
      f(l.reqPerSec, 0),
      ms(l.latencyMs.p50),
      ms(l.latencyMs.p99),
      ratio ? x(ratio.reqPerSec) : '',
      ratio ? x(ratio.p50) : '',
      ratio ? x(ratio.p99) : '',
      String(l.cpuUsPerRequest.server ?? ''),
      String(l.cpuUsPerRequest.environments ?? ''),
      String(l.non2xx + l.errors),
      f(l.foreignCpuCores, 2),
    ];
    rows.push(row('baseline node:http', w.baseline));
    rows.push(row('Gust Invoke', w.gust, w.ratios));
  }
  for (const p of r.baselinePinned) {
    const row = [
      `baseline, pinned to ${p.layout}`,
      '1',
      f(p.reqPerSec, 0),
      ms(p.latencyMs.p50),
      ms(p.latencyMs.p99),
      '',
      '',
      '',
      String(p.cpuUsPerRequest.server ?? ''),
      '',
      String(p.non2xx + p.errors),
      f(p.foreignCpuCores, 2),
    ];
    rows.push(row);
  }
  parts.push(
    table(
      [
        'target',
        'connections',
        'req/s',
        'p50 ms',
        'p99 ms',
        'req/s ratio',
        'p50 ratio',
        'p99 ratio',
        'server CPU µs/req',
        'env CPU µs/req',
        'errors',
        'other CPU',
      ],
      rows,
      [false, true, true, true, true, true, true, true, true, true, true, true],
    ),
  );
  const s = r.sdkSequential.clientMs;
  parts.push(
    `Sequential warm invokes through the AWS SDK v3 (\`InvokeCommand\`, one at a time, n = ${s.n}): ` +
      `p50 ${ms(s.p50)} ms, p99 ${ms(s.p99)} ms.`,
  );
  parts.push(
    '**Idle environment memory** (after warm-up, environments idle ≥ 1 s; RSS of the runtime process as ' +
      '`Environment.rssBytes()` reads it, PSS shares common pages between environments, tree = the process and its children)',
  );
  parts.push(
    table(
      ['runtime', 'environments', 'RSS mean MB', 'RSS min–max MB', 'PSS mean MB', 'tree RSS mean MB'],
      r.idleRss.map((e) => [
        e.runtime,
        String(e.environments),
        f(e.rssMb.mean),
        `${f(e.rssMb.min)}–${f(e.rssMb.max)}`,
        f(e.pssMb.mean),
        f(e.treeRssMb.mean),
      ]),
      [false, true, true, true, true, true],
    ),
  );
  parts.push(`Gust server process RSS at the end of the run: ${f(r.gust.serverRssMb)} MB.`);
  if (r.baselinePinned.length) {
    parts.push(
      'The pinned rows (half as long) run the same -c 1 baseline with the client and the server pinned to the ' +
        'same CPU, then to different CPUs (`taskset`): at -c 1 each request is a ping-pong between two processes, ' +
        'and a wake-up across CPUs costs several times more than one on the same CPU. Unpinned, the scheduler ' +
        'may do either, so the unpinned -c 1 baseline (and the ratios against it) can move between these two.',
    );
  }
  parts.push(
    '"server CPU µs/req" = CPU time (user + system, from /proc) of the server process per request: the echo ' +
      'server, or Gust\'s control process; "env CPU µs/req" = of the function\'s environment processes.',
  );
  parts.push(
    '"other CPU" = CPU cores used by processes outside the bench (other users of the machine) during that ' +
      'measurement, from /proc; anything well above 0 makes that row noisy.',
  );
  parts.push(queueMarkdown(r.queue));
  if (r.warnings.length) parts.push(['**Warnings**', ...r.warnings.map((w) => `- ${w}`)].join('\n'));
  return parts.join('\n\n');
}

function queueMarkdown(q: QueueResult): string {
  const g = q.figures;
  const n = (k: string): string => f(g[k] ?? NaN, 0);
  const rows = [
    ['SendMessageBatch (10 per call), AWS SDK v3, 8 concurrent clients', `${n('send_batch_msgs_per_s')} msgs/s`],
    [
      'ReceiveMessage (10) + DeleteMessageBatch, SDK, 8 clients, until drained',
      `${n('receive_delete_msgs_per_s')} msgs/s`,
    ],
    [
      `SendMessageBatch, raw HTTP (autocannon -c ${q.rawSend.connections}), vs baseline echoing the same body`,
      `${n('send_batch_raw_http_msgs_per_s')} msgs/s (${f(q.rawSend.reqPerSec, 0)} calls/s = ` +
        `${x(q.ratio)} of ${f(q.baseline.reqPerSec, 0)} req/s; p50 ${ms(q.rawSend.latencyMs.p50)} ms ` +
        `vs ${ms(q.baseline.latencyMs.p50)} ms; server CPU ${q.rawSend.cpuUsPerRequest.server ?? '?'} ` +
        `vs ${q.baseline.cpuUsPerRequest.server ?? '?'} µs/call)`,
    ],
    ['event source mapping → function, BatchSize 10, default scaling', `${n('mapping_batch10_msgs_per_s')} msgs/s`],
    [
      'event source mapping → function, BatchSize 100, 1 s window, MaximumConcurrency 5',
      `${n('mapping_batch100_window1s_msgs_per_s')} msgs/s`,
    ],
    [
      'latency SendMessage → handler running (BatchSize 1, warm)',
      `p50 ${n('mapping_latency_ms_p50')} ms, p90 ${n('mapping_latency_ms_p90')} ms`,
    ],
  ];
  return [
    `**Queues** (SQS API and SQS → Lambda event source mappings on the same Gust server; ${q.messages} messages ` +
      `of ~220 bytes for send/receive, ${q.deliver} per mapping run; every message is committed to SQLite before ` +
      'the send is answered)',
    table(['measurement', 'result'], rows, [false, true]),
  ].join('\n\n');
}

const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

/** Replace the generated block of docs/benchmarks.md (between the markers), keeping the prose. */
export function updateDocs(file: string, r: Results): void {
  const text = fs.readFileSync(file, 'utf8');
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${file}: markers ${START} / ${END} not found`);
  const block = [
    START,
    `<!-- generated by \`npm run bench -- --update-docs\` on ${r.startedAt}; edit outside the markers -->`,
    '',
    '### Machine',
    '',
    machineMarkdown(r.machine, r.gust.memoryLimits),
    '',
    `### Results (one run, ${Math.round(r.wallSeconds)} s wall time, other processes used ${r.otherCpuCores} CPU cores on average)`,
    '',
    resultsMarkdown(r),
    '',
    END,
  ].join('\n');
  fs.writeFileSync(file, text.slice(0, a) + block + text.slice(b + END.length));
}
