/**
 * Event source mappings from SQS queues to functions: the Lambda API (SDK and CLI), delivery with
 * Lambda's SQS event shape, batch sizes and batching windows, ReportBatchItemFailures, function
 * errors reaching the dead-letter queue through redrive, throttled functions losing nothing,
 * scaling of pollers, and durability of queued messages and mappings across kill -9.
 */
import {
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  DeleteEventSourceMappingCommand,
  DeleteFunctionConcurrencyCommand,
  GetEventSourceMappingCommand,
  ListEventSourceMappingsCommand,
  PutFunctionConcurrencyCommand,
  UpdateEventSourceMappingCommand,
  type CreateFunctionCommandInput,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
  SendMessageBatchCommand,
  SendMessageCommand,
  type Message,
} from '@aws-sdk/client-sqs';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { zipDirectory } from '../../src/control/zip-dir.ts';
import { md5OfAttributes } from '../../src/events/sqs/md5.ts';
import {
  FIXTURES,
  lambdaClient,
  readRecords,
  spawnServer,
  startTestGust,
  tempHome,
  waitFor,
  type TestGust,
} from '../helpers/gust.ts';
import { awsCli, skipWithoutAwsCli, type CliResult } from '../helpers/aws-cli.ts';

const ACCOUNT = '000000000000';
const arnOf = (name: string): string => `arn:aws:sqs:us-east-1:${ACCOUNT}:${name}`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function sqsClient(url: string): SQSClient {
  return new SQSClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
}

/**
 * A function for SQS events: records each invocation (with start/end times) to $RECORD_FILE and
 * acts on the message bodies: {"sleepMs"} waits, {"fail": true} throws, {"partial": true} is
 * reported in batchItemFailures (MODE=malformed reports an empty itemIdentifier instead).
 */
const HANDLER = `import fs from 'node:fs';
export const handler = async (event, context) => {
  const start = Date.now();
  const bodies = event.Records.map((r) => { try { return JSON.parse(r.body); } catch { return {}; } });
  const sleepMs = Math.max(0, ...bodies.map((b) => b.sleepMs ?? 0));
  if (sleepMs) await new Promise((r) => setTimeout(r, sleepMs));
  fs.appendFileSync(process.env.RECORD_FILE, JSON.stringify({ requestId: context.awsRequestId, event, start, end: Date.now() }) + '\\n');
  if (bodies.some((b) => b.fail)) throw new Error('batch failed');
  const failed = event.Records.filter((r, i) => bodies[i].partial);
  if (process.env.MODE === 'malformed' && failed.length) return { batchItemFailures: [{ itemIdentifier: '' }] };
  return { batchItemFailures: failed.map((r) => ({ itemIdentifier: r.messageId })) };
};
`;

let handlerZip: Buffer | undefined;
async function sqsHandlerZip(): Promise<Buffer> {
  if (!handlerZip) {
    const dir = fs.mkdtempSync(path.join(tempHome(), 'fn-'));
    fs.writeFileSync(path.join(dir, 'index.mjs'), HANDLER);
    handlerZip = await zipDirectory(dir);
  }
  return handlerZip;
}

async function createFunction(
  lambda: LambdaClient,
  name: string,
  recordFile: string,
  opts: { recorder?: boolean; env?: Record<string, string>; extra?: Partial<CreateFunctionCommandInput> } = {},
): Promise<void> {
  const zip = opts.recorder ? await zipDirectory(path.join(FIXTURES, 'node/recorder')) : await sqsHandlerZip();
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: 'arn:aws:iam::000000000000:role/x',
      Code: { ZipFile: zip },
      Environment: { Variables: { RECORD_FILE: recordFile, ...opts.env } },
      ...opts.extra,
    }),
  );
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Rec = { requestId: string; event: { Records: any[] }; start: number; end: number };
const records = (file: string): Rec[] => readRecords(file) as unknown as Rec[];
const bodiesOf = (file: string): string[] => records(file).flatMap((r) => r.event.Records.map((x) => x.body as string));

async function drain(sqs: SQSClient, url: string): Promise<Message[]> {
  const out: Message[] = [];
  for (;;) {
    const got = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }))).Messages;
    if (!got?.length) return out;
    out.push(...got);
  }
}

/** Receive (and keep hidden) messages until `n` arrived or the time is up. */
async function collect(sqs: SQSClient, url: string, n: number, timeoutMs = 20_000): Promise<Message[]> {
  const out: Message[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < n && Date.now() < deadline) {
    const got = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 300, WaitTimeSeconds: 1 }),
    );
    out.push(...(got.Messages ?? []));
  }
  return out;
}

async function counts(sqs: SQSClient, url: string): Promise<{ visible: number; inflight: number }> {
  const a = (
    await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    )
  ).Attributes!;
  return { visible: Number(a.ApproximateNumberOfMessages), inflight: Number(a.ApproximateNumberOfMessagesNotVisible) };
}

describe('SQS event source mappings', () => {
  let t: TestGust;
  let sqs: SQSClient;
  const file = (n: string): string => path.join(t.home, `${n}.jsonl`);
  const queue = async (name: string, Attributes: Record<string, string> = {}): Promise<string> =>
    (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes }))).QueueUrl!;
  const sendBodies = async (url: string, bodies: string[]): Promise<void> => {
    for (let i = 0; i < bodies.length; i += 10) {
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: bodies.slice(i, i + 10).map((b, j) => ({ Id: `m${i + j}`, MessageBody: b })),
        }),
      );
    }
  };

  before(async () => {
    t = await startTestGust();
    sqs = sqsClient(t.url);
  });
  after(async () => {
    sqs.destroy();
    await t.stop();
  });

  it('creates, gets, lists, updates and deletes mappings with Lambda shapes and errors', async () => {
    await createFunction(t.lambda, 'api-fn', file('api-fn'), { recorder: true });
    await queue('api-q');
    await queue('api-q2');
    const created = await t.lambda.send(
      new CreateEventSourceMappingCommand({ EventSourceArn: arnOf('api-q'), FunctionName: 'api-fn', Enabled: false }),
    );
    assert.equal(created.$metadata.httpStatusCode, 202);
    assert.match(created.UUID ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(created.State, 'Creating');
    assert.equal(created.BatchSize, 10);
    assert.equal(created.MaximumBatchingWindowInSeconds, 0);
    assert.equal(created.EventSourceArn, arnOf('api-q'));
    assert.equal(created.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:api-fn');
    assert.equal(created.StateTransitionReason, 'USER_INITIATED');
    assert.deepEqual(created.FunctionResponseTypes, []);
    assert.ok(created.LastModified instanceof Date);
    assert.ok(Math.abs(created.LastModified.getTime() - Date.now()) < 60_000);
    const uuid = created.UUID!;

    const got = await t.lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }));
    assert.equal(got.State, 'Disabled');
    const second = await t.lambda.send(
      new CreateEventSourceMappingCommand({
        EventSourceArn: arnOf('api-q2'),
        FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:api-fn',
        BatchSize: 100,
        MaximumBatchingWindowInSeconds: 5,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 3 },
        Enabled: false,
      }),
    );
    assert.deepEqual(second.ScalingConfig, { MaximumConcurrency: 3 });
    assert.deepEqual(second.FunctionResponseTypes, ['ReportBatchItemFailures']);

    const byQueue = await t.lambda.send(new ListEventSourceMappingsCommand({ EventSourceArn: arnOf('api-q') }));
    assert.deepEqual(
      byQueue.EventSourceMappings?.map((m) => m.UUID),
      [uuid],
    );
    const byFn = await t.lambda.send(new ListEventSourceMappingsCommand({ FunctionName: 'api-fn' }));
    assert.equal(byFn.EventSourceMappings?.length, 2);
    const p1 = await t.lambda.send(new ListEventSourceMappingsCommand({ FunctionName: 'api-fn', MaxItems: 1 }));
    assert.equal(p1.EventSourceMappings?.length, 1);
    assert.ok(p1.NextMarker);
    const p2 = await t.lambda.send(
      new ListEventSourceMappingsCommand({ FunctionName: 'api-fn', MaxItems: 1, Marker: p1.NextMarker }),
    );
    assert.notEqual(p2.EventSourceMappings?.[0]?.UUID, p1.EventSourceMappings?.[0]?.UUID);
    assert.equal(p2.NextMarker, undefined);

    const upd = await t.lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, BatchSize: 5, Enabled: true }));
    assert.equal(upd.$metadata.httpStatusCode, 202);
    assert.equal(upd.State, 'Enabling');
    assert.equal(upd.BatchSize, 5);
    assert.equal((await t.lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }))).State, 'Enabled');
    const upd2 = await t.lambda.send(
      new UpdateEventSourceMappingCommand({ UUID: uuid, MaximumBatchingWindowInSeconds: 2 }),
    );
    assert.equal(upd2.State, 'Updating');
    assert.equal(upd2.BatchSize, 5, 'update merges');
    assert.equal(upd2.MaximumBatchingWindowInSeconds, 2);

    const del = await t.lambda.send(new DeleteEventSourceMappingCommand({ UUID: uuid }));
    assert.equal(del.State, 'Deleting');
    await assert.rejects(
      t.lambda.send(new GetEventSourceMappingCommand({ UUID: uuid })),
      (e: Error) => e.name === 'ResourceNotFoundException',
    );
    await t.lambda.send(new DeleteEventSourceMappingCommand({ UUID: second.UUID }));
  });

  it('validates mappings like Lambda does for SQS', async () => {
    await createFunction(t.lambda, 'val-fn', file('val-fn'), { recorder: true, extra: { Timeout: 60 } });
    await queue('val-q', { VisibilityTimeout: '60' });
    await queue('val-short');
    await queue('val.fifo', { FifoQueue: 'true', VisibilityTimeout: '60' });
    const create = (input: Record<string, unknown>): Promise<unknown> =>
      t.lambda.send(
        new CreateEventSourceMappingCommand({ EventSourceArn: arnOf('val-q'), FunctionName: 'val-fn', ...input }),
      );
    const rejects = async (input: Record<string, unknown>, name: string): Promise<void> =>
      assert.rejects(create(input), (e: Error) => {
        assert.equal(e.name, name, `${JSON.stringify(input)}: ${e.message}`);
        return true;
      });
    await rejects({ FunctionName: 'ghost' }, 'ResourceNotFoundException');
    await rejects({ EventSourceArn: arnOf('ghost') }, 'InvalidParameterValueException');
    await rejects(
      { EventSourceArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/s' },
      'InvalidParameterValueException',
    );
    await rejects({ BatchSize: 11 }, 'InvalidParameterValueException');
    await rejects({ BatchSize: 10001, MaximumBatchingWindowInSeconds: 1 }, 'InvalidParameterValueException');
    await rejects({ BatchSize: 0 }, 'InvalidParameterValueException');
    await rejects({ MaximumBatchingWindowInSeconds: 301 }, 'InvalidParameterValueException');
    await rejects({ ScalingConfig: { MaximumConcurrency: 1 } }, 'ValidationException');
    await rejects({ FunctionResponseTypes: ['Nope'] }, 'ValidationException');
    await rejects({ StartingPosition: 'LATEST' }, 'InvalidParameterValueException');
    await rejects({ EventSourceArn: arnOf('val-short') }, 'InvalidParameterValueException'); // VT 30 < timeout 60
    await rejects({ EventSourceArn: arnOf('val.fifo'), BatchSize: 11 }, 'InvalidParameterValueException');
    await rejects(
      { EventSourceArn: arnOf('val.fifo'), MaximumBatchingWindowInSeconds: 1 },
      'InvalidParameterValueException',
    );
    const ok = (await create({ Enabled: false })) as { UUID: string };
    await rejects({}, 'ResourceConflictException');
    await assert.rejects(
      t.lambda.send(new UpdateEventSourceMappingCommand({ UUID: ok.UUID, BatchSize: 20 })),
      (e: Error) => e.name === 'InvalidParameterValueException',
    );
    await assert.rejects(
      t.lambda.send(
        new UpdateEventSourceMappingCommand({ UUID: '00000000-0000-0000-0000-000000000000', BatchSize: 2 }),
      ),
      (e: Error) => e.name === 'ResourceNotFoundException',
    );
    await t.lambda.send(new DeleteEventSourceMappingCommand({ UUID: ok.UUID }));
  });

  it('delivers messages to a function with the SQS event shape and deletes them', async () => {
    await createFunction(t.lambda, 'rec', file('rec'), { recorder: true });
    const url = await queue('deliver');
    await t.lambda.send(new CreateEventSourceMappingCommand({ EventSourceArn: arnOf('deliver'), FunctionName: 'rec' }));
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: 'first',
        MessageAttributes: {
          color: { DataType: 'String', StringValue: 'blue' },
          raw: { DataType: 'Binary', BinaryValue: Buffer.from('bytes') },
        },
      }),
    );
    const bodies = Array.from({ length: 24 }, (_, i) => `m${i}`);
    await sendBodies(url, bodies);
    assert.ok(await waitFor(() => bodiesOf(file('rec')).length >= 25, 20_000));
    await sleep(300);
    const all = bodiesOf(file('rec'));
    assert.equal(all.length, 25, 'each message delivered once');
    assert.deepEqual(new Set(all), new Set(['first', ...bodies]));
    for (const r of records(file('rec'))) assert.ok(r.event.Records.length <= 10, 'BatchSize 10');

    const rec = records(file('rec'))
      .flatMap((r) => r.event.Records)
      .find((x) => x.body === 'first');
    assert.equal(rec.messageId, sent.MessageId);
    assert.equal(typeof rec.receiptHandle, 'string');
    assert.equal(rec.md5OfBody, createHash('md5').update('first').digest('hex'));
    assert.equal(rec.md5OfMessageAttributes, sent.MD5OfMessageAttributes);
    assert.equal(
      rec.md5OfMessageAttributes,
      md5OfAttributes({
        color: { DataType: 'String', StringValue: 'blue' },
        raw: { DataType: 'Binary', BinaryValue: Buffer.from('bytes').toString('base64') },
      }),
    );
    assert.equal(rec.eventSource, 'aws:sqs');
    assert.equal(rec.eventSourceARN, arnOf('deliver'));
    assert.equal(rec.awsRegion, 'us-east-1');
    assert.equal(rec.attributes.ApproximateReceiveCount, '1');
    assert.equal(rec.attributes.SenderId, 'test');
    assert.match(rec.attributes.SentTimestamp, /^\d{13}$/);
    assert.match(rec.attributes.ApproximateFirstReceiveTimestamp, /^\d{13}$/);
    assert.deepEqual(rec.messageAttributes.color, {
      stringValue: 'blue',
      stringListValues: [],
      binaryListValues: [],
      dataType: 'String',
    });
    assert.deepEqual(rec.messageAttributes.raw, {
      binaryValue: Buffer.from('bytes').toString('base64'),
      stringListValues: [],
      binaryListValues: [],
      dataType: 'Binary',
    });
    assert.deepEqual(await counts(sqs, url), { visible: 0, inflight: 0 }, 'successful batches are deleted');
  });

  it('honours BatchSize 1, and gathers larger batches within the batching window', async () => {
    await createFunction(t.lambda, 'one', file('one'), { recorder: true });
    const q1 = await queue('one-at-a-time');
    await t.lambda.send(
      new CreateEventSourceMappingCommand({
        EventSourceArn: arnOf('one-at-a-time'),
        FunctionName: 'one',
        BatchSize: 1,
      }),
    );
    await sendBodies(q1, ['a', 'b', 'c', 'd', 'e']);
    assert.ok(await waitFor(() => bodiesOf(file('one')).length === 5, 15_000));
    assert.ok(records(file('one')).every((r) => r.event.Records.length === 1));

    await createFunction(t.lambda, 'big', file('big'));
    const q2 = await queue('windowed');
    await t.lambda.send(
      new CreateEventSourceMappingCommand({
        EventSourceArn: arnOf('windowed'),
        FunctionName: 'big',
        BatchSize: 50,
        MaximumBatchingWindowInSeconds: 2,
      }),
    );
    await sleep(200);
    const start = Date.now();
    await sendBodies(
      q2,
      Array.from({ length: 30 }, (_, i) => `w${i}`),
    );
    assert.ok(await waitFor(() => bodiesOf(file('big')).length === 30, 15_000));
    const sizes = records(file('big')).map((r) => r.event.Records.length);
    assert.ok(Math.max(...sizes) > 10, `one invocation got more than 10 records (${sizes})`);
    assert.ok(sizes.every((n) => n <= 50));
    assert.ok(records(file('big'))[0]!.start - start >= 1500, 'waited for the window to gather the batch');
  });

  it('FIFO queues: records carry group, deduplication id and sequence number; order kept per group', async () => {
    await createFunction(t.lambda, 'fifo-fn', file('fifo-fn'));
    const url = await queue('mapped.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
    await t.lambda.send(
      new CreateEventSourceMappingCommand({
        EventSourceArn: arnOf('mapped.fifo'),
        FunctionName: 'fifo-fn',
        BatchSize: 3,
      }),
    );
    for (let i = 0; i < 6; i++) {
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: ['a', 'b'].map((g) => ({ Id: g, MessageBody: `${g}${i}`, MessageGroupId: g })),
        }),
      );
    }
    assert.ok(await waitFor(() => bodiesOf(file('fifo-fn')).length === 12, 15_000));
    const recs = records(file('fifo-fn')).flatMap((r) => r.event.Records);
    for (const g of ['a', 'b']) {
      const mine = recs.filter((x) => x.attributes.MessageGroupId === g);
      assert.deepEqual(
        mine.map((x) => x.body),
        Array.from({ length: 6 }, (_, i) => `${g}${i}`),
        `group ${g} in order`,
      );
      const seqs = mine.map((x) => BigInt(x.attributes.SequenceNumber));
      assert.ok(seqs.every((v, i) => i === 0 || v > seqs[i - 1]!));
      assert.equal(mine[0].attributes.MessageDeduplicationId, createHash('sha256').update(`${g}0`).digest('hex'));
    }
    assert.ok(records(file('fifo-fn')).every((r) => r.event.Records.length <= 3));
  });

  it('ReportBatchItemFailures: deletes the rest, retries the failures, then redrives them to the DLQ', async () => {
    await createFunction(t.lambda, 'partial', file('partial'), { extra: { Timeout: 1 } });
    const dlq = await queue('partial-dlq');
    const url = await queue('partial-q', {
      VisibilityTimeout: '2',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arnOf('partial-dlq'), maxReceiveCount: 2 }),
    });
    await t.lambda.send(
      new CreateEventSourceMappingCommand({
        EventSourceArn: arnOf('partial-q'),
        FunctionName: 'partial',
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      }),
    );
    const bodies = [{ id: 1 }, { id: 2, partial: true }, { id: 3 }, { id: 4, partial: true }, { id: 5 }].map((b) =>
      JSON.stringify(b),
    );
    await sendBodies(url, bodies);
    const dead = await collect(sqs, dlq, 2);
    assert.deepEqual(dead.map((m) => JSON.parse(m.Body!).id).sort(), [2, 4]);
    const seen = bodiesOf(file('partial')).map((b) => JSON.parse(b).id as number);
    for (const id of [1, 3, 5]) assert.equal(seen.filter((x) => x === id).length, 1, `message ${id} delivered once`);
    for (const id of [2, 4])
      assert.equal(seen.filter((x) => x === id).length, 2, `message ${id} tried maxReceiveCount times`);
    assert.deepEqual(await counts(sqs, url), { visible: 0, inflight: 0 });
  });

  it('a malformed batchItemFailures response fails the whole batch', async () => {
    await createFunction(t.lambda, 'malformed', file('malformed'), {
      env: { MODE: 'malformed' },
      extra: { Timeout: 1 },
    });
    const dlq = await queue('malformed-dlq');
    const url = await queue('malformed-q', {
      VisibilityTimeout: '2',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arnOf('malformed-dlq'), maxReceiveCount: 1 }),
    });
    await t.lambda.send(
      new CreateEventSourceMappingCommand({
        EventSourceArn: arnOf('malformed-q'),
        FunctionName: 'malformed',
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      }),
    );
    await sendBodies(url, ['{"id":1}', '{"id":2,"partial":true}', '{"id":3}']);
    assert.ok(await waitFor(() => bodiesOf(file('malformed')).length >= 3, 15_000));
    // Nothing was deleted: after the visibility timeout the next receive moves all three to the DLQ.
    const dead = await collect(sqs, dlq, 3);
    assert.deepEqual(dead.map((m) => JSON.parse(m.Body!).id).sort(), [1, 2, 3]);
  });

  it('function errors leave messages to be retried until redrive moves them to the DLQ', async () => {
    await createFunction(t.lambda, 'failing', file('failing'), { extra: { Timeout: 1 } });
    const dlq = await queue('failing-dlq');
    const url = await queue('failing-q', {
      VisibilityTimeout: '1',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arnOf('failing-dlq'), maxReceiveCount: 2 }),
    });
    await t.lambda.send(
      new CreateEventSourceMappingCommand({
        EventSourceArn: arnOf('failing-q'),
        FunctionName: 'failing',
        BatchSize: 1,
      }),
    );
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: '{"fail":true,"id":"boom"}' }));
    const got = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq, WaitTimeSeconds: 15 }))).Messages ?? [];
    assert.equal(got.length, 1, 'redriven to the DLQ');
    assert.equal(JSON.parse(got[0]!.Body!).id, 'boom');
    const tries = records(file('failing')).flatMap((r) => r.event.Records);
    assert.deepEqual(
      tries.map((x) => x.attributes.ApproximateReceiveCount),
      ['1', '2'],
    );
    assert.deepEqual(await counts(sqs, url), { visible: 0, inflight: 0 });
  });

  it('a throttled function loses nothing: messages wait, none is redriven, all arrive once allowed', async () => {
    await createFunction(t.lambda, 'throttled', file('throttled'), { extra: { Timeout: 2 } });
    const dlq = await queue('throttled-dlq');
    const url = await queue('throttled-q', {
      VisibilityTimeout: '20',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arnOf('throttled-dlq'), maxReceiveCount: 1 }),
    });
    await t.lambda.send(
      new PutFunctionConcurrencyCommand({ FunctionName: 'throttled', ReservedConcurrentExecutions: 0 }),
    );
    await t.lambda.send(
      new CreateEventSourceMappingCommand({
        EventSourceArn: arnOf('throttled-q'),
        FunctionName: 'throttled',
        BatchSize: 1,
        ScalingConfig: { MaximumConcurrency: 5 },
      }),
    );
    const bodies = Array.from({ length: 20 }, (_, i) => JSON.stringify({ id: i, sleepMs: 50 }));
    await sendBodies(url, bodies);
    await sleep(1000);
    assert.equal(records(file('throttled')).length, 0, 'nothing ran');
    assert.deepEqual(await counts(sqs, url), { visible: 20, inflight: 0 }, 'all still queued');
    // Now one at a time while five pollers compete for it: invoke-time throttles put batches back.
    await t.lambda.send(
      new PutFunctionConcurrencyCommand({ FunctionName: 'throttled', ReservedConcurrentExecutions: 1 }),
    );
    await sleep(500);
    await t.lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'throttled' }));
    assert.ok(await waitFor(() => bodiesOf(file('throttled')).length >= 20, 20_000));
    await sleep(300);
    const ids = bodiesOf(file('throttled')).map((b) => JSON.parse(b).id as number);
    assert.deepEqual(
      [...ids].sort((a, b) => a - b),
      Array.from({ length: 20 }, (_, i) => i),
      'every message exactly once',
    );
    assert.equal((await drain(sqs, dlq)).length, 0, 'no throttled message was redriven');
  });

  it('scales pollers up to MaximumConcurrency while there is a backlog', async () => {
    await createFunction(t.lambda, 'scaled', file('scaled'), { extra: { Timeout: 3 } });
    const url = await queue('scaled-q');
    await sendBodies(
      url,
      Array.from({ length: 40 }, (_, i) => JSON.stringify({ id: i, sleepMs: 150 })),
    );
    await t.lambda.send(
      new CreateEventSourceMappingCommand({
        EventSourceArn: arnOf('scaled-q'),
        FunctionName: 'scaled',
        BatchSize: 1,
        ScalingConfig: { MaximumConcurrency: 3 },
      }),
    );
    assert.ok(await waitFor(() => bodiesOf(file('scaled')).length === 40, 30_000));
    const spans = records(file('scaled')).map((r) => [r.start, r.end] as const);
    let peak = 0;
    for (const [s] of spans) peak = Math.max(peak, spans.filter(([a, b]) => a <= s && s < b).length);
    assert.ok(peak >= 2, `ran concurrently (peak ${peak})`);
    assert.ok(peak <= 3, `never above MaximumConcurrency (peak ${peak})`);
  });

  it('a disabled mapping leaves messages in the queue until enabled again', async () => {
    await createFunction(t.lambda, 'toggle', file('toggle'), { recorder: true });
    const url = await queue('toggle-q');
    const m = await t.lambda.send(
      new CreateEventSourceMappingCommand({
        EventSourceArn: arnOf('toggle-q'),
        FunctionName: 'toggle',
        Enabled: false,
      }),
    );
    await sendBodies(url, ['t1', 't2']);
    await sleep(500);
    assert.equal(records(file('toggle')).length, 0);
    assert.deepEqual(await counts(sqs, url), { visible: 2, inflight: 0 });
    await t.lambda.send(new UpdateEventSourceMappingCommand({ UUID: m.UUID, Enabled: true }));
    assert.ok(await waitFor(() => bodiesOf(file('toggle')).length === 2, 10_000));
  });

  it('the AWS CLI manages mappings', { skip: skipWithoutAwsCli }, async () => {
    await createFunction(t.lambda, 'cli-fn', file('cli-fn'), { recorder: true });
    await queue('cli-map');
    const run = (args: string[]): Promise<CliResult> => awsCli(t.url, 'lambda', args);
    const c = await run([
      'create-event-source-mapping',
      '--function-name',
      'cli-fn',
      '--event-source-arn',
      arnOf('cli-map'),
      '--batch-size',
      '5',
    ]);
    assert.equal(c.code, 0, c.stderr);
    assert.equal(c.json.BatchSize, 5);
    const l = await run(['list-event-source-mappings', '--function-name', 'cli-fn']);
    assert.equal((l.json.EventSourceMappings as { UUID: string }[])[0]!.UUID, c.json.UUID);
    const d = await run(['delete-event-source-mapping', '--uuid', String(c.json.UUID)]);
    assert.equal(d.json.State, 'Deleting');
  });
});

describe('SQS event source mappings: durability', () => {
  it('delivers queued messages and keeps mappings across kill -9 and restart', async () => {
    const home = tempHome();
    const file = path.join(home, 'durable.jsonl');
    let server = await spawnServer(home);
    let lambda = lambdaClient(server.url);
    let sqs = sqsClient(server.url);
    try {
      await createFunction(lambda, 'durable', file, { extra: { Timeout: 1 } });
      const url = (await sqs.send(new CreateQueueCommand({ QueueName: 'dq', Attributes: { VisibilityTimeout: '2' } })))
        .QueueUrl!;
      const N = 30;
      for (let i = 0; i < N; i += 10) {
        await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: url,
            Entries: Array.from({ length: 10 }, (_, j) => ({
              Id: `m${i + j}`,
              MessageBody: JSON.stringify({ id: i + j, sleepMs: 100 }),
            })),
          }),
        );
      }
      const m = await lambda.send(
        new CreateEventSourceMappingCommand({
          EventSourceArn: arnOf('dq'),
          FunctionName: 'durable',
          BatchSize: 1,
          ScalingConfig: { MaximumConcurrency: 2 },
        }),
      );
      assert.ok(await waitFor(() => records(file).length >= 3, 15_000), 'delivery started');
      server.proc.kill('SIGKILL');
      await new Promise((r) => server.proc.once('exit', r));
      lambda.destroy();
      sqs.destroy();
      const before = new Set(bodiesOf(file).map((b) => JSON.parse(b).id as number));
      assert.ok(before.size < N, `some messages were still queued at the kill (${before.size} done)`);

      server = await spawnServer(home);
      lambda = lambdaClient(server.url);
      sqs = sqsClient(server.url);
      const got = await lambda.send(new GetEventSourceMappingCommand({ UUID: m.UUID }));
      assert.equal(got.State, 'Enabled');
      assert.equal(got.BatchSize, 1);
      const done = await waitFor(() => new Set(bodiesOf(file).map((b) => JSON.parse(b).id)).size === N, 30_000, 100);
      assert.ok(done, `all ${N} delivered after restart, got ${new Set(bodiesOf(file)).size}`);
      // The resumed mapping also takes new messages.
      await sqs.send(
        new SendMessageCommand({ QueueUrl: `${server.url}/${ACCOUNT}/dq`, MessageBody: '{"id":"after"}' }),
      );
      assert.ok(await waitFor(() => bodiesOf(file).some((b) => JSON.parse(b).id === 'after'), 10_000));
    } finally {
      lambda.destroy();
      sqs.destroy();
      server.proc.kill('SIGTERM');
      await new Promise((r) => server.proc.once('exit', r));
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
