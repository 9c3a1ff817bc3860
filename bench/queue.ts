/**
 * Queue benchmark: SQS messages/s sent (SendMessageBatch), received + deleted
 * (ReceiveMessage + DeleteMessageBatch), and delivered to a function through an event source
 * mapping, plus the send → function latency of single messages, and the server's SendMessageBatch
 * capacity with a raw HTTP load generator (autocannon) instead of the SDK. `npm run bench` runs it
 * against its Gust child process; standalone, it starts its own:
 *
 *   node --import tsx bench/queue.ts          prints the results as JSON
 */
import { CreateEventSourceMappingCommand, CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
  SendMessageBatchCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { zipDirectory } from '../src/control/zip-dir.ts';
import { startGustChild } from './lib/gust-child.ts';
import { load, type LoadResult } from './lib/load.ts';
import { cleanupAll } from './lib/procs.ts';

const ACCOUNT = '000000000000';
const CLIENTS = 8;

const HANDLER = `import fs from 'node:fs';
export const handler = async (event) => {
  if (process.env.RECORD_FILE) {
    fs.appendFileSync(process.env.RECORD_FILE, event.Records.map((r) => r.body + ' ' + Date.now() + '\\n').join(''));
  }
  return {};
};
`;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function inParallel(n: number, work: (i: number) => Promise<void>): Promise<void> {
  await Promise.all(Array.from({ length: n }, (_, i) => work(i)));
}

/** The raw SendMessageBatch request (JSON protocol) of the server-capacity row, also sent to the baseline. */
export function rawSendBatch(queueUrl: string): { body: string; headers: Record<string, string> } {
  return {
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessageBatch' },
    body: JSON.stringify({
      QueueUrl: queueUrl,
      Entries: Array.from({ length: 10 }, (_, j) => ({
        Id: `m${j}`,
        MessageBody: `{"n":${j},"pad":"${'x'.repeat(200)}"}`,
      })),
    }),
  };
}

export interface QueueResults {
  messages: number;
  deliver: number;
  /** msgs/s and latencies in ms, by name (send_batch_msgs_per_s, ...). */
  figures: Record<string, number>;
  /** autocannon with raw SendMessageBatch requests (10 messages each). */
  rawSend: LoadResult;
}

export async function benchQueue(opts: {
  url: string;
  home: string;
  serverPid: number;
  rawSeconds: number;
  rawConnections: number;
  messages?: number;
  deliver?: number;
}): Promise<QueueResults> {
  const messages = opts.messages ?? 20_000;
  const deliver = opts.deliver ?? 5_000;
  const home = fs.mkdtempSync(path.join(opts.home, 'queue-bench-'));
  const cfg = {
    endpoint: opts.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    maxAttempts: 1,
  };
  const sqs = new SQSClient(cfg);
  const lambda = new LambdaClient(cfg);
  const out: Record<string, number> = {};
  try {
    const queueUrl = async (name: string, Attributes: Record<string, string> = {}): Promise<string> =>
      (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes }))).QueueUrl!;
    const depth = async (url: string): Promise<number> => {
      const a = (
        await sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: url,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
          }),
        )
      ).Attributes!;
      return Number(a.ApproximateNumberOfMessages) + Number(a.ApproximateNumberOfMessagesNotVisible);
    };
    const fill = async (url: string, n: number): Promise<number> => {
      let next = 0;
      const t0 = performance.now();
      await inParallel(CLIENTS, async () => {
        while (next < n) {
          const base = next;
          next += 10;
          const count = Math.min(10, n - base);
          await sqs.send(
            new SendMessageBatchCommand({
              QueueUrl: url,
              Entries: Array.from({ length: count }, (_, j) => ({
                Id: `m${j}`,
                MessageBody: JSON.stringify({ n: base + j, pad: 'x'.repeat(200) }),
              })),
            }),
          );
        }
      });
      return performance.now() - t0;
    };

    // 1. SendMessageBatch throughput.
    const q = await queueUrl('bench');
    const sendMs = await fill(q, messages);
    out.send_batch_msgs_per_s = Math.round((messages / sendMs) * 1000);

    // 2. ReceiveMessage (10) + DeleteMessageBatch throughput, until the queue is drained.
    let received = 0;
    const t1 = performance.now();
    await inParallel(CLIENTS, async () => {
      for (;;) {
        const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: q, MaxNumberOfMessages: 10 }));
        const ms = r.Messages ?? [];
        if (!ms.length) return;
        received += ms.length;
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: q,
            Entries: ms.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })),
          }),
        );
      }
    });
    out.receive_delete_msgs_per_s = Math.round((received / (performance.now() - t1)) * 1000);
    if (received !== messages) throw new Error(`received ${received} of ${messages}`);

    // 2b. Server capacity without the SDK client's cost: raw HTTP SendMessageBatch (JSON protocol).
    const raw = await queueUrl('bench-raw');
    const rawSend = await load({
      url: `${opts.url}/`,
      ...rawSendBatch(raw),
      connections: opts.rawConnections,
      durationS: opts.rawSeconds,
      cpu: { server: () => [opts.serverPid] },
    });
    if (rawSend.non2xx || rawSend.errors)
      throw new Error(`raw send: ${rawSend.non2xx} non-2xx, ${rawSend.errors} errors`);
    out.send_batch_raw_http_msgs_per_s = Math.round(rawSend.reqPerSec * 10);

    // 3. Delivery through an event source mapping (BatchSize 10, default pollers) to a function.
    const dir = fs.mkdtempSync(path.join(home, 'fn-'));
    fs.writeFileSync(path.join(dir, 'index.mjs'), HANDLER);
    const zip = await zipDirectory(dir);
    const createFn = async (name: string, env: Record<string, string> = {}): Promise<void> => {
      await lambda.send(
        new CreateFunctionCommand({
          FunctionName: name,
          Runtime: 'nodejs20.x',
          Handler: 'index.handler',
          Role: 'arn:aws:iam::000000000000:role/bench',
          Code: { ZipFile: zip },
          Environment: { Variables: env },
        }),
      );
    };
    const throughput = async (name: string, mapping: Record<string, unknown>): Promise<number> => {
      await createFn(name);
      const url = await queueUrl(name);
      await fill(url, deliver);
      const t = performance.now();
      await lambda.send(
        new CreateEventSourceMappingCommand({
          EventSourceArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:${name}`,
          FunctionName: name,
          ...mapping,
        }),
      );
      const deadline = Date.now() + 300_000;
      while ((await depth(url)) > 0) {
        if (Date.now() > deadline) throw new Error(`${name}: delivery did not finish`);
        await sleep(20);
      }
      return Math.round((deliver / (performance.now() - t)) * 1000);
    };
    out.mapping_batch10_msgs_per_s = await throughput('deliver10', {});
    out.mapping_batch100_window1s_msgs_per_s = await throughput('deliver100', {
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 1,
      ScalingConfig: { MaximumConcurrency: 5 },
    });

    // 4. Latency: one message at a time, send → function start (long poll wake-up + warm invoke).
    const file = path.join(home, 'latency.txt');
    await createFn('latency', { RECORD_FILE: file });
    const lq = await queueUrl('latency');
    await lambda.send(
      new CreateEventSourceMappingCommand({
        EventSourceArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:latency`,
        FunctionName: 'latency',
        BatchSize: 1,
      }),
    );
    const lat: number[] = [];
    for (let i = 0; i < 40; i++) {
      const sent = Date.now();
      await sqs.send(new SendMessageCommand({ QueueUrl: lq, MessageBody: `l${i}` }));
      for (;;) {
        const line = fs.existsSync(file)
          ? fs
              .readFileSync(file, 'utf8')
              .split('\n')
              .find((l) => l.startsWith(`l${i} `))
          : undefined;
        if (line) {
          lat.push(Number(line.split(' ')[1]) - sent);
          break;
        }
        await sleep(2);
      }
    }
    lat.splice(0, 5); // cold start and warm-up
    lat.sort((a, b) => a - b);
    out.mapping_latency_ms_p50 = lat[Math.floor(lat.length / 2)]!;
    out.mapping_latency_ms_p90 = lat[Math.floor(lat.length * 0.9)]!;
    return { messages, deliver, figures: out, rawSend };
  } finally {
    sqs.destroy();
    lambda.destroy();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'gust-bench-queue-'));
  try {
    const gust = await startGustChild(repo, home);
    const r = await benchQueue({ url: gust.url, home, serverPid: gust.pid, rawSeconds: 5, rawConnections: 10 });
    console.log(JSON.stringify(r, null, 2));
  } finally {
    await cleanupAll();
    fs.rmSync(home, { recursive: true, force: true });
  }
}
