/**
 * The SQS service through the AWS SDK v3 (JSON protocol) and the AWS CLI (query protocol): every
 * operation, message attributes and their checksums, visibility, delays, long polling, redrive,
 * FIFO order and deduplication, AWS's error shapes, async destinations and function dead-letter
 * queues (DeadLetterConfig) on a queue, and no loss
 * across kill -9 + restart.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ListQueueTagsCommand,
  ListQueuesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SQSClient,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  TagQueueCommand,
  UntagQueueCommand,
  type Message,
  type QueueAttributeName,
} from '@aws-sdk/client-sqs';
import {
  GetFunctionConfigurationCommand,
  InvokeCommand,
  PutFunctionEventInvokeConfigCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { md5OfAttributes } from '../../src/events/sqs/md5.ts';
import { deployFixture, readRecords, spawnServer, startTestGust, tempHome, type TestGust } from '../helpers/gust.ts';
import { awsCli, skipWithoutAwsCli, type CliResult } from '../helpers/aws-cli.ts';

const ACCOUNT = '000000000000';
const arnOf = (name: string): string => `arn:aws:sqs:us-east-1:${ACCOUNT}:${name}`;
const md5 = (s: string | Buffer): string => createHash('md5').update(s).digest('hex');

function sqsClient(url: string): SQSClient {
  return new SQSClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
}

/** Rejects with the SDK error of this name (and, when given, query-compatible Code). */
async function rejectsWith(p: Promise<unknown>, name: string, code?: string): Promise<void> {
  await assert.rejects(p, (e: Error & { Code?: string }) => {
    assert.equal(e.name, name, e.message);
    if (code) assert.equal(e.Code, code);
    return true;
  });
}

describe('SQS (SDK v3, JSON protocol)', () => {
  let t: TestGust;
  let sqs: SQSClient;
  const create = async (name: string, Attributes: Record<string, string> = {}): Promise<string> =>
    (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes }))).QueueUrl!;
  const receive = async (QueueUrl: string, extra: Record<string, unknown> = {}): Promise<Message[]> =>
    (
      await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl,
          MaxNumberOfMessages: 10,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
          ...extra,
        }),
      )
    ).Messages ?? [];
  const attrs = async (QueueUrl: string, names: QueueAttributeName[] = ['All']): Promise<Record<string, string>> =>
    (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: names }))).Attributes ?? {};

  before(async () => {
    t = await startTestGust();
    sqs = sqsClient(t.url);
  });
  after(async () => {
    sqs.destroy();
    await t.stop();
  });

  it('creates queues idempotently, lists, finds and deletes them', async () => {
    const url = await create('alpha', { VisibilityTimeout: '45', DelaySeconds: '0' });
    assert.equal(url, `${t.url}/${ACCOUNT}/alpha`);
    assert.equal(await create('alpha', { VisibilityTimeout: '45' }), url, 'same attributes: same queue');
    await rejectsWith(create('alpha', { VisibilityTimeout: '46' }), 'QueueNameExists', 'QueueAlreadyExists');
    await create('alphabet');
    await create('beta');
    const got = await sqs.send(new GetQueueUrlCommand({ QueueName: 'beta' }));
    assert.equal(got.QueueUrl, `${t.url}/${ACCOUNT}/beta`);
    const all = await sqs.send(new ListQueuesCommand({}));
    assert.deepEqual(
      all.QueueUrls,
      ['alpha', 'alphabet', 'beta'].map((n) => `${t.url}/${ACCOUNT}/${n}`),
    );
    const prefixed = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'alpha' }));
    assert.equal(prefixed.QueueUrls?.length, 2);
    const p1 = await sqs.send(new ListQueuesCommand({ MaxResults: 2 }));
    assert.equal(p1.QueueUrls?.length, 2);
    assert.ok(p1.NextToken);
    const p2 = await sqs.send(new ListQueuesCommand({ MaxResults: 2, NextToken: p1.NextToken }));
    assert.deepEqual(p2.QueueUrls, [`${t.url}/${ACCOUNT}/beta`]);
    assert.equal(p2.NextToken, undefined);

    await sqs.send(new DeleteQueueCommand({ QueueUrl: got.QueueUrl }));
    await rejectsWith(
      sqs.send(new GetQueueUrlCommand({ QueueName: 'beta' })),
      'QueueDoesNotExist',
      'AWS.SimpleQueueService.NonExistentQueue',
    );
    await rejectsWith(
      sqs.send(new SendMessageCommand({ QueueUrl: got.QueueUrl, MessageBody: 'x' })),
      'QueueDoesNotExist',
    );
  });

  it('validates queue names and attributes', async () => {
    await rejectsWith(create('bad name'), 'InvalidParameterValue');
    await rejectsWith(create('x'.repeat(81)), 'InvalidParameterValue');
    await rejectsWith(create('plain.fifo'), 'InvalidParameterValue', 'InvalidParameterValue');
    await rejectsWith(create('nofifo', { FifoQueue: 'true' }), 'InvalidParameterValue');
    await rejectsWith(create('q1', { VisibilityTimeout: '43201' }), 'InvalidAttributeValue');
    await rejectsWith(create('q1', { Bogus: '1' } as Record<string, string>), 'InvalidAttributeName');
    await rejectsWith(create('q1', { ContentBasedDeduplication: 'true' }), 'InvalidAttributeName');
    await rejectsWith(
      create('q1', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arnOf('missing'), maxReceiveCount: 3 }) }),
      'InvalidAttributeValue',
    );
  });

  it('gets and sets queue attributes', async () => {
    const url = await create('attrs', { MessageRetentionPeriod: '600' });
    const a = await attrs(url);
    assert.equal(a.QueueArn, arnOf('attrs'));
    assert.equal(a.VisibilityTimeout, '30');
    assert.equal(a.MessageRetentionPeriod, '600');
    assert.equal(a.DelaySeconds, '0');
    assert.equal(a.ReceiveMessageWaitTimeSeconds, '0');
    assert.equal(a.ApproximateNumberOfMessages, '0');
    assert.equal(a.FifoQueue, undefined);
    assert.ok(Math.abs(Number(a.CreatedTimestamp) - Date.now() / 1000) < 60);
    await sqs.send(
      new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { VisibilityTimeout: '5', DelaySeconds: '2' } }),
    );
    assert.deepEqual(await attrs(url, ['VisibilityTimeout', 'DelaySeconds']), {
      VisibilityTimeout: '5',
      DelaySeconds: '2',
    });
    await rejectsWith(
      sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { QueueArn: 'x' } })),
      'InvalidAttributeName',
    );
    await rejectsWith(
      sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Nope' as QueueAttributeName] })),
      'InvalidAttributeName',
    );
  });

  it('sends and receives with message attributes and AWS checksums', async () => {
    const url = await create('msgs');
    const MessageAttributes = {
      ordinal: { DataType: 'Number', StringValue: '1' },
      category: { DataType: 'String', StringValue: 'test' },
      'bin.data': { DataType: 'Binary', BinaryValue: Buffer.from([0, 1, 2, 255]) },
    };
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'héllo ✓', MessageAttributes }));
    assert.equal(sent.MD5OfMessageBody, md5('héllo ✓'));
    // Known vector: {ordinal: Number 1, category: String test} -> d21ae90c49061e927f57df5f5d72be1f.
    assert.equal(
      md5OfAttributes({
        ordinal: { DataType: 'Number', StringValue: '1' },
        category: { DataType: 'String', StringValue: 'test' },
      }),
      'd21ae90c49061e927f57df5f5d72be1f',
    );
    assert.equal(
      md5OfAttributes({ SellerName: { DataType: 'String', StringValue: 'Example Store' } }),
      'cd28f3b68aeee4b2eac9c66f2f694b58',
    );
    assert.equal(
      sent.MD5OfMessageAttributes,
      md5OfAttributes({
        ordinal: { DataType: 'Number', StringValue: '1' },
        category: { DataType: 'String', StringValue: 'test' },
        'bin.data': { DataType: 'Binary', BinaryValue: Buffer.from([0, 1, 2, 255]).toString('base64') },
      }),
    );
    const [m] = await receive(url);
    assert.ok(m);
    assert.equal(m.MessageId, sent.MessageId);
    assert.equal(m.Body, 'héllo ✓');
    assert.equal(m.MD5OfBody, sent.MD5OfMessageBody);
    assert.equal(m.MD5OfMessageAttributes, sent.MD5OfMessageAttributes);
    assert.equal(m.MessageAttributes?.ordinal?.StringValue, '1');
    assert.deepEqual([...(m.MessageAttributes?.['bin.data']?.BinaryValue ?? [])], [0, 1, 2, 255]);
    assert.equal(m.Attributes?.ApproximateReceiveCount, '1');
    assert.equal(m.Attributes?.SenderId, 'AKIDTEST');
    assert.ok(Math.abs(Number(m.Attributes?.SentTimestamp) - Date.now()) < 10_000);
    assert.ok(m.Attributes?.ApproximateFirstReceiveTimestamp);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));

    // Attribute selection by name and prefix; the checksum covers what is returned.
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'two', MessageAttributes }));
    const [m2] = await receive(url, { MessageAttributeNames: ['bin.*'], MessageSystemAttributeNames: ['SenderId'] });
    assert.deepEqual(Object.keys(m2!.MessageAttributes ?? {}), ['bin.data']);
    assert.deepEqual(Object.keys(m2!.Attributes ?? {}), ['SenderId']);
    assert.equal(
      m2!.MD5OfMessageAttributes,
      md5OfAttributes({
        'bin.data': { DataType: 'Binary', BinaryValue: Buffer.from([0, 1, 2, 255]).toString('base64') },
      }),
    );
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m2!.ReceiptHandle }));
    assert.equal((await attrs(url)).ApproximateNumberOfMessages, '0');
    assert.equal((await attrs(url)).ApproximateNumberOfMessagesNotVisible, '0');
  });

  it('rejects bad messages and parameters with AWS errors', async () => {
    const url = await create('bad', { MaximumMessageSize: '1024' });
    await rejectsWith(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: '' })), 'MissingParameter');
    await rejectsWith(
      sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'a\u0000b' })),
      'InvalidMessageContents',
    );
    await rejectsWith(
      sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x'.repeat(1025) })),
      'InvalidParameterValue',
    );
    await rejectsWith(
      sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', DelaySeconds: 901 })),
      'InvalidParameterValue',
    );
    await rejectsWith(
      sqs.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: 'x',
          MessageAttributes: { n: { DataType: 'Number', StringValue: 'abc' } },
        }),
      ),
      'InvalidParameterValue',
    );
    await rejectsWith(
      sqs.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: 'x',
          MessageAttributes: { 'AWS.x': { DataType: 'String', StringValue: 'v' } },
        }),
      ),
      'InvalidAttributeName',
    );
    await rejectsWith(
      sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageGroupId: 'g' })),
      'InvalidParameterValue',
    );
    await rejectsWith(
      sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 11 })),
      'InvalidParameterValue',
    );
    await rejectsWith(
      sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 21 })),
      'InvalidParameterValue',
    );
    await rejectsWith(
      sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: 'garbage' })),
      'ReceiptHandleIsInvalid',
    );
    assert.equal((await attrs(url)).ApproximateNumberOfMessages, '0', 'nothing was enqueued');
  });

  it('sends and deletes in batches, with per-entry failures and batch errors', async () => {
    const url = await create('batch');
    const r = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'a', MessageBody: 'A' },
          { Id: 'b', MessageBody: 'B', MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } } },
          { Id: 'c', MessageBody: 'C', DelaySeconds: 1000 },
        ],
      }),
    );
    assert.deepEqual(
      r.Successful?.map((s) => s.Id),
      ['a', 'b'],
    );
    assert.equal(
      r.Successful?.[1]?.MD5OfMessageAttributes,
      md5OfAttributes({ k: { DataType: 'String', StringValue: 'v' } }),
    );
    assert.equal(r.Failed?.length, 1);
    assert.equal(r.Failed?.[0]?.Id, 'c');
    assert.equal(r.Failed?.[0]?.Code, 'InvalidParameterValue');
    assert.equal(r.Failed?.[0]?.SenderFault, true);

    await rejectsWith(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [] })), 'EmptyBatchRequest');
    await rejectsWith(
      sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: Array.from({ length: 11 }, (_, i) => ({ Id: `m${i}`, MessageBody: 'x' })),
        }),
      ),
      'TooManyEntriesInBatchRequest',
    );
    await rejectsWith(
      sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: [
            { Id: 'same', MessageBody: '1' },
            { Id: 'same', MessageBody: '2' },
          ],
        }),
      ),
      'BatchEntryIdsNotDistinct',
    );
    await rejectsWith(
      sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'bad id!', MessageBody: '1' }] })),
      'InvalidBatchEntryId',
    );
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { MaximumMessageSize: '1024' } }));
    await rejectsWith(
      sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: [
            { Id: '1', MessageBody: 'x'.repeat(600) },
            { Id: '2', MessageBody: 'x'.repeat(600) },
          ],
        }),
      ),
      'BatchRequestTooLong',
    );

    const got = await receive(url);
    assert.deepEqual(got.map((m) => m.Body).sort(), ['A', 'B']);
    const del = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          ...got.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })),
          { Id: 'bad', ReceiptHandle: 'nonsense' },
        ],
      }),
    );
    assert.deepEqual(del.Successful?.map((s) => s.Id).sort(), ['d0', 'd1']);
    assert.equal(del.Failed?.[0]?.Id, 'bad');
    assert.equal(del.Failed?.[0]?.Code, 'ReceiptHandleIsInvalid');
    const a = await attrs(url);
    assert.equal(a.ApproximateNumberOfMessages, '0');
    assert.equal(a.ApproximateNumberOfMessagesNotVisible, '0');
  });

  it('hides received messages for the visibility timeout and counts receives', async () => {
    const url = await create('vis', { VisibilityTimeout: '30' });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'v' }));
    const [m1] = await receive(url, { VisibilityTimeout: 1 });
    assert.ok(m1);
    assert.equal((await receive(url)).length, 0, 'invisible while in flight');
    const a = await attrs(url);
    assert.equal(a.ApproximateNumberOfMessagesNotVisible, '1');
    assert.equal(a.ApproximateNumberOfMessages, '0');
    await new Promise((r) => setTimeout(r, 1100));
    const [m2] = await receive(url);
    assert.equal(m2?.MessageId, m1.MessageId);
    assert.equal(m2?.Attributes?.ApproximateReceiveCount, '2');
    assert.notEqual(m2?.ReceiptHandle, m1.ReceiptHandle);

    // A stale receipt handle succeeds on a standard queue but deletes nothing.
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m1.ReceiptHandle }));
    assert.equal((await attrs(url)).ApproximateNumberOfMessagesNotVisible, '1');

    // ChangeMessageVisibility to 0: visible again at once.
    await sqs.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m2!.ReceiptHandle, VisibilityTimeout: 0 }),
    );
    const [m3] = await receive(url);
    assert.equal(m3?.MessageId, m1.MessageId);
    await rejectsWith(
      sqs.send(
        new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m2!.ReceiptHandle, VisibilityTimeout: 10 }),
      ),
      'MessageNotInflight',
    );
    await rejectsWith(
      sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: url,
          ReceiptHandle: m3!.ReceiptHandle,
          VisibilityTimeout: 43201,
        }),
      ),
      'InvalidParameterValue',
    );
    const batch = await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'ok', ReceiptHandle: m3!.ReceiptHandle, VisibilityTimeout: 0 },
          { Id: 'stale', ReceiptHandle: m1.ReceiptHandle, VisibilityTimeout: 0 },
        ],
      }),
    );
    assert.deepEqual(
      batch.Successful?.map((s) => s.Id),
      ['ok'],
    );
    assert.equal(batch.Failed?.[0]?.Id, 'stale');
    assert.equal(batch.Failed?.[0]?.Code, 'AWS.SimpleQueueService.MessageNotInflight');
    const [m4] = await receive(url);
    assert.equal(m4?.Attributes?.ApproximateReceiveCount, '4');
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m4!.ReceiptHandle }));
    assert.equal((await attrs(url)).ApproximateNumberOfMessagesNotVisible, '0');
  });

  it('delays messages per message and per queue', async () => {
    const url = await create('delay');
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'later', DelaySeconds: 2 }));
    assert.equal((await attrs(url)).ApproximateNumberOfMessagesDelayed, '1');
    assert.equal((await receive(url)).length, 0);
    await new Promise((r) => setTimeout(r, 2100));
    assert.deepEqual(
      (await receive(url)).map((m) => m.Body),
      ['later'],
    );
    const q2 = await create('delay-queue', { DelaySeconds: '1' });
    const start = Date.now();
    await sqs.send(new SendMessageCommand({ QueueUrl: q2, MessageBody: 'q' }));
    const got = await receive(q2, { WaitTimeSeconds: 5 });
    assert.deepEqual(
      got.map((m) => m.Body),
      ['q'],
    );
    assert.ok(Date.now() - start >= 950, 'held back by the queue delay');
  });

  it('long polls: a waiting receive returns as soon as a message arrives', async () => {
    const url = await create('long');
    const t0 = Date.now();
    const empty = await receive(url, { WaitTimeSeconds: 1 });
    assert.equal(empty.length, 0);
    assert.ok(Date.now() - t0 >= 950, 'waited the full second');

    const start = Date.now();
    const waiting = receive(url, { WaitTimeSeconds: 5 });
    await new Promise((r) => setTimeout(r, 300));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'wake' }));
    const got = await waiting;
    const took = Date.now() - start;
    assert.deepEqual(
      got.map((m) => m.Body),
      ['wake'],
    );
    assert.ok(took < 2000, `returned after ${took} ms, not after the 5 s wait`);

    // A client that hangs up mid-poll receives nothing: the next message stays in the queue.
    const aborter = new AbortController();
    const gone = fetch(`${t.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ReceiveMessage' },
      body: JSON.stringify({ QueueUrl: url, WaitTimeSeconds: 10 }),
      signal: aborter.signal,
    }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 200));
    aborter.abort();
    await gone;
    await new Promise((r) => setTimeout(r, 100));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'kept' }));
    assert.deepEqual(
      (await receive(url)).map((m) => m.Body),
      ['kept'],
    );

    // The queue's ReceiveMessageWaitTimeSeconds applies when the request does not say.
    await sqs.send(
      new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { ReceiveMessageWaitTimeSeconds: '1' } }),
    );
    const t1 = Date.now();
    await receive(url);
    assert.ok(Date.now() - t1 >= 950);
  });

  it('moves messages past maxReceiveCount to the dead-letter queue', async () => {
    const dlq = await create('dead');
    const src = await create('source', {
      VisibilityTimeout: '0',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arnOf('dead'), maxReceiveCount: '2' }),
    });
    assert.deepEqual(JSON.parse((await attrs(src)).RedrivePolicy!), {
      deadLetterTargetArn: arnOf('dead'),
      maxReceiveCount: 2,
    });
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: src, MessageBody: 'poison' }));
    assert.equal((await receive(src))[0]?.Attributes?.ApproximateReceiveCount, '1');
    assert.equal((await receive(src))[0]?.Attributes?.ApproximateReceiveCount, '2');
    assert.equal((await receive(src)).length, 0, 'third receive moves it instead');
    const [dead] = await receive(dlq);
    assert.equal(dead?.MessageId, sent.MessageId);
    assert.equal(dead?.Body, 'poison');
    assert.equal(dead?.Attributes?.DeadLetterQueueSourceArn, arnOf('source'));
    const sources = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq }));
    assert.deepEqual(sources.queueUrls, [src]);
    // Removing the policy stops redrive.
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: src, Attributes: { RedrivePolicy: '' } }));
    assert.equal((await attrs(src)).RedrivePolicy, undefined);
  });

  it('purges a queue', async () => {
    const url = await create('purge');
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [1, 2, 3].map((i) => ({ Id: `m${i}`, MessageBody: `${i}` })),
      }),
    );
    await receive(url, { MaxNumberOfMessages: 1 });
    await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
    const a = await attrs(url);
    assert.equal(a.ApproximateNumberOfMessages, '0');
    assert.equal(a.ApproximateNumberOfMessagesNotVisible, '0');
  });

  it('tags queues', async () => {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: 'tagged', tags: { team: 'a' } }))).QueueUrl!;
    await sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: { env: 'test', tier: '1' } }));
    await sqs.send(new UntagQueueCommand({ QueueUrl: url, TagKeys: ['tier'] }));
    const tags = await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }));
    assert.deepEqual(tags.Tags, { team: 'a', env: 'test' });
  });

  it('FIFO: order per message group, blocked groups, sequence numbers', async () => {
    const url = await create('orders.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
    assert.equal((await attrs(url)).FifoQueue, 'true');
    const seqs: string[] = [];
    for (const [g, body] of [
      ['A', 'A1'],
      ['A', 'A2'],
      ['B', 'B1'],
      ['A', 'A3'],
    ]) {
      const r = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageGroupId: g }));
      assert.match(r.SequenceNumber ?? '', /^\d{20}$/);
      seqs.push(r.SequenceNumber!);
    }
    assert.deepEqual([...seqs].sort(), seqs, 'sequence numbers increase');
    const [a1] = await receive(url, { MaxNumberOfMessages: 1 });
    assert.equal(a1?.Body, 'A1');
    assert.equal(a1?.Attributes?.MessageGroupId, 'A');
    assert.equal(a1?.Attributes?.SequenceNumber, seqs[0]);
    assert.equal(a1?.Attributes?.MessageDeduplicationId, createHash('sha256').update('A1').digest('hex'));
    const next = await receive(url);
    assert.deepEqual(
      next.map((m) => m.Body),
      ['B1'],
      'group A is blocked while A1 is in flight',
    );
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: a1!.ReceiptHandle }));
    const rest = await receive(url);
    assert.deepEqual(
      rest.map((m) => m.Body),
      ['A2', 'A3'],
    );
    // A failed (visible again) message keeps its place at the head of its group.
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: url,
        ReceiptHandle: rest[0]!.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    assert.deepEqual(
      (await receive(url)).map((m) => m.Body),
      [],
      'A3 is still in flight: group A stays blocked',
    );
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: url,
        ReceiptHandle: rest[1]!.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    assert.deepEqual(
      (await receive(url)).map((m) => m.Body),
      ['A2', 'A3'],
    );
  });

  it('FIFO: deduplication by id and by content, FIFO-only parameters', async () => {
    const url = await create('dedup.fifo', { FifoQueue: 'true' });
    const a = await sqs.send(
      new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId: 'd1' }),
    );
    const b = await sqs.send(
      new SendMessageCommand({ QueueUrl: url, MessageBody: 'y', MessageGroupId: 'g', MessageDeduplicationId: 'd1' }),
    );
    assert.equal(b.MessageId, a.MessageId, 'duplicate accepted but not enqueued');
    assert.equal(b.SequenceNumber, a.SequenceNumber);
    const batch = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: '1', MessageBody: 'z', MessageGroupId: 'g', MessageDeduplicationId: 'd2' },
          { Id: '2', MessageBody: 'z', MessageGroupId: 'g', MessageDeduplicationId: 'd2' },
        ],
      }),
    );
    assert.equal(batch.Successful?.[0]?.MessageId, batch.Successful?.[1]?.MessageId);
    assert.equal((await attrs(url)).ApproximateNumberOfMessages, '2');
    await rejectsWith(
      sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageDeduplicationId: 'd9' })),
      'MissingParameter',
    );
    await rejectsWith(
      sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageGroupId: 'g' })),
      'InvalidParameterValue',
    );
    await rejectsWith(
      sqs.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: 'x',
          MessageGroupId: 'g',
          MessageDeduplicationId: 'd3',
          DelaySeconds: 1,
        }),
      ),
      'InvalidParameterValue',
    );
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { ContentBasedDeduplication: 'true' } }));
    const c1 = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'same', MessageGroupId: 'h' }));
    const c2 = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'same', MessageGroupId: 'h' }));
    assert.equal(c1.MessageId, c2.MessageId);
    assert.equal((await attrs(url)).ApproximateNumberOfMessages, '3');
  });

  it('answers requests posted to the queue URL (query and JSON protocols) and AWS error shapes', async () => {
    const url = await create('by-url');
    const form = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ Action: 'SendMessage', Version: '2012-11-05', MessageBody: 'via url' }),
    });
    assert.equal(form.status, 200);
    const xml = await form.text();
    assert.match(
      xml,
      /^<\?xml version="1\.0"\?><SendMessageResponse xmlns="http:\/\/queue\.amazonaws\.com\/doc\/2012-11-05\/">/,
    );
    assert.ok(xml.includes(`<MD5OfMessageBody>${md5('via url')}</MD5OfMessageBody>`));
    const json = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ReceiveMessage' },
      body: '{}',
    });
    const body = (await json.json()) as { Messages: { Body: string }[] };
    assert.equal(body.Messages[0]!.Body, 'via url');

    const missing = await fetch(`${t.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.GetQueueUrl' },
      body: JSON.stringify({ QueueName: 'nope' }),
    });
    assert.equal(missing.status, 400);
    assert.equal(missing.headers.get('x-amzn-query-error'), 'AWS.SimpleQueueService.NonExistentQueue;Sender');
    assert.deepEqual(await missing.json(), {
      __type: 'com.amazonaws.sqs#QueueDoesNotExist',
      message: 'The specified queue does not exist.',
    });
    const missingXml = await fetch(`${t.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ Action: 'GetQueueUrl', Version: '2012-11-05', QueueName: 'nope' }),
    });
    assert.equal(missingXml.status, 400);
    const err = await missingXml.text();
    assert.ok(err.includes('<Type>Sender</Type><Code>AWS.SimpleQueueService.NonExistentQueue</Code>'), err);
  });
});

// ------------------------------------------------------------------------------------------ CLI

const aws = (url: string, args: string[]): Promise<CliResult> => awsCli(url, 'sqs', args);

describe('SQS (AWS CLI, query protocol)', { skip: skipWithoutAwsCli }, () => {
  let t: TestGust;
  let url: string;
  const ok = async (args: string[]): Promise<CliResult> => {
    const r = await aws(t.url, args);
    assert.equal(r.code, 0, `aws sqs ${args.join(' ')}\n${r.stderr}`);
    return r;
  };

  before(async () => {
    t = await startTestGust();
  });
  after(() => t.stop());

  it('create-queue, get-queue-url, list-queues, get/set-queue-attributes', async () => {
    const c = await ok([
      'create-queue',
      '--queue-name',
      'cli',
      '--attributes',
      'VisibilityTimeout=20',
      '--tags',
      'k=v',
    ]);
    url = c.json.QueueUrl;
    assert.equal(url, `${t.url}/${ACCOUNT}/cli`);
    const [g, l, tags] = await Promise.all([
      ok(['get-queue-url', '--queue-name', 'cli']),
      ok(['list-queues']),
      ok(['list-queue-tags', '--queue-url', url]),
      ok(['set-queue-attributes', '--queue-url', url, '--attributes', 'DelaySeconds=0,MaximumMessageSize=2048']),
    ]);
    assert.equal(g.json.QueueUrl, url);
    assert.deepEqual(l.json.QueueUrls, [url]);
    assert.deepEqual(tags.json.Tags, { k: 'v' });
    const a = await ok(['get-queue-attributes', '--queue-url', url, '--attribute-names', 'All']);
    assert.equal(a.json.Attributes.VisibilityTimeout, '20');
    assert.equal(a.json.Attributes.MaximumMessageSize, '2048');
    assert.equal(a.json.Attributes.QueueArn, arnOf('cli'));
    await Promise.all([
      ok(['tag-queue', '--queue-url', url, '--tags', 'x=1']),
      ok(['untag-queue', '--queue-url', url, '--tag-keys', 'k']),
    ]);
    assert.deepEqual((await ok(['list-queue-tags', '--queue-url', url])).json.Tags, { x: '1' });
  });

  it('send-message(-batch), receive-message, delete-message(-batch), change-message-visibility(-batch)', async () => {
    const body = 'line1\r\nline2 <&> "q" \'s\' ✓';
    const s = await ok([
      'send-message',
      '--queue-url',
      url,
      '--message-body',
      body,
      '--message-attributes',
      '{"n":{"DataType":"Number","StringValue":"42"},"s":{"DataType":"String","StringValue":"v"}}',
    ]);
    assert.equal(s.json.MD5OfMessageBody, md5(body));
    assert.equal(
      s.json.MD5OfMessageAttributes,
      md5OfAttributes({ n: { DataType: 'Number', StringValue: '42' }, s: { DataType: 'String', StringValue: 'v' } }),
    );
    const b = await ok([
      'send-message-batch',
      '--queue-url',
      url,
      '--entries',
      'Id=a,MessageBody=one',
      'Id=b,MessageBody=two',
    ]);
    assert.deepEqual(
      b.json.Successful.map((x: { Id: string }) => x.Id),
      ['a', 'b'],
    );
    const r = await ok([
      'receive-message',
      '--queue-url',
      url,
      '--max-number-of-messages',
      '10',
      '--attribute-names',
      'All',
      '--message-attribute-names',
      'All',
    ]);
    const msgs = r.json.Messages as Message[];
    assert.equal(msgs.length, 3);
    const first = msgs.find((m) => m.MessageId === s.json.MessageId)!;
    assert.equal(first.Body, body, 'body round-trips through XML, CR included');
    assert.equal(first.MD5OfBody, md5(body));
    assert.equal(first.MessageAttributes?.n?.StringValue, '42');
    assert.equal(first.MD5OfMessageAttributes, s.json.MD5OfMessageAttributes);
    assert.equal(first.Attributes?.ApproximateReceiveCount, '1');
    assert.equal(first.Attributes?.SenderId, 'test');

    await ok([
      'change-message-visibility',
      '--queue-url',
      url,
      '--receipt-handle',
      first.ReceiptHandle!,
      '--visibility-timeout',
      '0',
    ]);
    const again = await ok(['receive-message', '--queue-url', url]);
    assert.equal(again.json.Messages[0].MessageId, first.MessageId);
    const others = msgs.filter((m) => m !== first);
    const cv = await ok([
      'change-message-visibility-batch',
      '--queue-url',
      url,
      '--entries',
      ...others.map((m, i) => `Id=e${i},ReceiptHandle=${m.ReceiptHandle},VisibilityTimeout=0`),
    ]);
    assert.equal(cv.json.Successful.length, 2);
    const rest = (await ok(['receive-message', '--queue-url', url, '--max-number-of-messages', '10'])).json
      .Messages as Message[];
    assert.deepEqual(rest.map((m) => m.Body).sort(), ['one', 'two']);
    await ok(['delete-message', '--queue-url', url, '--receipt-handle', again.json.Messages[0].ReceiptHandle]);
    const db = await ok([
      'delete-message-batch',
      '--queue-url',
      url,
      '--entries',
      ...rest.map((m, i) => `Id=d${i},ReceiptHandle=${m.ReceiptHandle}`),
    ]);
    assert.equal(db.json.Successful.length, 2);
    const a = await ok([
      'get-queue-attributes',
      '--queue-url',
      url,
      '--attribute-names',
      'ApproximateNumberOfMessages',
      'ApproximateNumberOfMessagesNotVisible',
    ]);
    assert.deepEqual(a.json.Attributes, {
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
    });
  });

  it('long polls with --wait-time-seconds', async () => {
    const start = Date.now();
    const p = aws(t.url, ['receive-message', '--queue-url', url, '--wait-time-seconds', '5']);
    await new Promise((r) => setTimeout(r, 1500));
    await ok(['send-message', '--queue-url', url, '--message-body', 'late']);
    const r = await p;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json.Messages[0].Body, 'late');
    assert.ok(Date.now() - start < 4500, 'returned before the 5 s wait ended');
    await ok(['delete-message', '--queue-url', url, '--receipt-handle', r.json.Messages[0].ReceiptHandle]);
  });

  it('FIFO queues, redrive and list-dead-letter-source-queues, purge-queue, delete-queue', async () => {
    const f = await ok([
      'create-queue',
      '--queue-name',
      'cli.fifo',
      '--attributes',
      'FifoQueue=true,ContentBasedDeduplication=true',
    ]);
    const fifo = f.json.QueueUrl;
    for (const body of ['f1', 'f2', 'f2']) {
      await ok(['send-message', '--queue-url', fifo, '--message-body', body, '--message-group-id', 'g']);
    }
    const r = await ok([
      'receive-message',
      '--queue-url',
      fifo,
      '--max-number-of-messages',
      '10',
      '--attribute-names',
      'All',
    ]);
    assert.deepEqual(
      r.json.Messages.map((m: Message) => m.Body),
      ['f1', 'f2'],
      'in order, duplicate dropped',
    );
    assert.equal(r.json.Messages[0].Attributes.MessageGroupId, 'g');

    await ok(['create-queue', '--queue-name', 'cli-dlq']);
    const src = (
      await ok([
        'create-queue',
        '--queue-name',
        'cli-src',
        '--attributes',
        JSON.stringify({
          VisibilityTimeout: '0',
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arnOf('cli-dlq'), maxReceiveCount: 1 }),
        }),
      ])
    ).json.QueueUrl;
    const dlq = (await ok(['get-queue-url', '--queue-name', 'cli-dlq'])).json.QueueUrl;
    assert.deepEqual((await ok(['list-dead-letter-source-queues', '--queue-url', dlq])).json.queueUrls, [src]);
    await ok(['send-message', '--queue-url', src, '--message-body', 'poison']);
    await ok(['receive-message', '--queue-url', src]);
    const none = await ok(['receive-message', '--queue-url', src]);
    assert.equal(none.json, undefined, 'moved away on the second receive');
    const dead = await ok(['receive-message', '--queue-url', dlq, '--attribute-names', 'All']);
    assert.equal(dead.json.Messages[0].Body, 'poison');

    await ok(['purge-queue', '--queue-url', dlq]);
    const after = await ok([
      'get-queue-attributes',
      '--queue-url',
      dlq,
      '--attribute-names',
      'ApproximateNumberOfMessagesNotVisible',
    ]);
    assert.equal(after.json.Attributes.ApproximateNumberOfMessagesNotVisible, '0');
    await ok(['delete-queue', '--queue-url', dlq]);
    assert.equal((await ok(['list-queues', '--queue-name-prefix', 'cli-'])).json.QueueUrls.length, 1);
  });

  it('prints AWS error codes', async () => {
    const r = await aws(t.url, ['get-queue-url', '--queue-name', 'missing']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /\(AWS\.SimpleQueueService\.NonExistentQueue\) when calling the GetQueueUrl operation/);
    const b = await aws(t.url, ['receive-message', '--queue-url', url, '--max-number-of-messages', '11']);
    assert.match(b.stderr, /\(InvalidParameterValue\).*MaxNumberOfMessages/);
    const c = await aws(t.url, ['create-queue', '--queue-name', 'cli', '--attributes', 'VisibilityTimeout=21']);
    assert.match(c.stderr, /\(QueueAlreadyExists\)/);
    const d = await aws(t.url, ['delete-message', '--queue-url', url, '--receipt-handle', 'bogus']);
    assert.match(d.stderr, /\(ReceiptHandleIsInvalid\)/);
  });
});

// ------------------------------------------------------------------------------ destinations

describe('SQS as an async invocation destination', () => {
  it('delivers OnFailure and OnSuccess invocation records to queues', async () => {
    const t = await startTestGust({ asyncRetryBaseMs: 100, asyncPollMs: 20 });
    const sqs = sqsClient(t.url);
    try {
      await deployFixture(t, 'dest-fn', 'node/recorder', 'nodejs20.x', 'index.handler', {
        Environment: { Variables: { RECORD_FILE: `${t.home}/dest.jsonl` } },
      });
      const fail = (await sqs.send(new CreateQueueCommand({ QueueName: 'failures' }))).QueueUrl!;
      const okq = (await sqs.send(new CreateQueueCommand({ QueueName: 'successes' }))).QueueUrl!;
      await t.lambda.send(
        new PutFunctionEventInvokeConfigCommand({
          FunctionName: 'dest-fn',
          MaximumRetryAttempts: 0,
          DestinationConfig: {
            OnFailure: { Destination: arnOf('failures') },
            OnSuccess: { Destination: arnOf('successes') },
          },
        }),
      );
      const inv = await t.lambda.send(
        new InvokeCommand({
          FunctionName: 'dest-fn',
          InvocationType: 'Event',
          Payload: Buffer.from('{"id":"bad","fail":true}'),
        }),
      );
      await t.lambda.send(
        new InvokeCommand({ FunctionName: 'dest-fn', InvocationType: 'Event', Payload: Buffer.from('{"id":"good"}') }),
      );
      const [f] = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: fail, WaitTimeSeconds: 15 }))).Messages ?? [];
      assert.ok(f, 'a failure record arrived');
      const rec = JSON.parse(f.Body!);
      assert.equal(rec.requestContext.condition, 'RetriesExhausted');
      assert.equal(rec.requestContext.requestId, inv.$metadata.requestId);
      assert.equal(rec.requestContext.functionArn, 'arn:aws:lambda:us-east-1:000000000000:function:dest-fn:$LATEST');
      assert.deepEqual(rec.requestPayload, { id: 'bad', fail: true });
      assert.equal(rec.responseContext.functionError, 'Unhandled');
      assert.equal(rec.responsePayload.errorMessage, 'asked to fail');
      const [s] = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: okq, WaitTimeSeconds: 15 }))).Messages ?? [];
      assert.ok(s, 'a success record arrived');
      assert.equal(JSON.parse(s.Body!).requestContext.condition, 'Success');
      assert.deepEqual(JSON.parse(s.Body!).responsePayload, { ok: true, id: 'good', tag: null });
    } finally {
      sqs.destroy();
      await t.stop();
    }
  });
});

describe('async destinations that do not exist', () => {
  it('do not run the function again; a failed event is kept; both are counted in /metrics', async () => {
    const t = await startTestGust({ asyncRetryBaseMs: 50, asyncPollMs: 20 });
    try {
      const file = `${t.home}/gone.jsonl`;
      await deployFixture(t, 'gone-dest', 'node/recorder', 'nodejs20.x', 'index.handler', {
        Environment: { Variables: { RECORD_FILE: file } },
      });
      await t.lambda.send(
        new PutFunctionEventInvokeConfigCommand({
          FunctionName: 'gone-dest',
          MaximumRetryAttempts: 0,
          DestinationConfig: {
            OnSuccess: { Destination: arnOf('never-made-ok') },
            OnFailure: { Destination: arnOf('never-made-fail') },
          },
        }),
      );
      for (const p of ['{"id":"ok"}', '{"id":"bad","fail":true}']) {
        await t.lambda.send(
          new InvokeCommand({ FunctionName: 'gone-dest', InvocationType: 'Event', Payload: Buffer.from(p) }),
        );
      }
      const kept = async (): Promise<{ id: string; payload: { id: string } }[]> =>
        (
          (await (await fetch(`${t.url}/gust/v1/dead-letters?function=gone-dest`)).json()) as {
            records: { id: string; payload: { id: string } }[];
          }
        ).records;
      for (let i = 0; i < 100 && (await kept()).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(
        (await kept()).map((r) => r.payload.id),
        ['bad'],
        'the failed event is not lost',
      );
      await new Promise((r) => setTimeout(r, 300)); // retries, if any, would have happened by now
      assert.deepEqual(
        readRecords(file)
          .map((x) => x.event.id)
          .sort(),
        ['bad', 'ok'],
        'each ran once: a missing destination does not re-run the function',
      );
      const metrics = await (await fetch(`${t.url}/metrics`)).text();
      const count = (event: string): number =>
        Number(
          new RegExp(`^gust_async_events_total\\{function="gone-dest",event="${event}"\\} (\\d+)`, 'm').exec(
            metrics,
          )?.[1] ?? 0,
        );
      assert.equal(count('received'), 2);
      assert.equal(count('dropped'), 1);
      assert.equal(count('destination_delivery_failure'), 2);
    } finally {
      await t.stop();
    }
  });
});

describe('SQS as a function dead-letter queue (DeadLetterConfig)', () => {
  it('receives failed async events with RequestID, ErrorCode and ErrorMessage; config round-trips', async () => {
    const t = await startTestGust({ asyncRetryBaseMs: 50, asyncPollMs: 20 });
    const sqs = sqsClient(t.url);
    try {
      const dlq = (await sqs.send(new CreateQueueCommand({ QueueName: 'fn-dlq' }))).QueueUrl!;
      await deployFixture(t, 'dlq-fn', 'node/recorder', 'nodejs20.x', 'index.handler', {
        Environment: { Variables: { RECORD_FILE: `${t.home}/dlq.jsonl` } },
        DeadLetterConfig: { TargetArn: arnOf('fn-dlq') },
      });
      const cfg = await t.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'dlq-fn' }));
      assert.deepEqual(cfg.DeadLetterConfig, { TargetArn: arnOf('fn-dlq') });
      await t.lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'dlq-fn', MaximumRetryAttempts: 1 }));

      const inv = await t.lambda.send(
        new InvokeCommand({
          FunctionName: 'dlq-fn',
          InvocationType: 'Event',
          Payload: Buffer.from('{"id":"dead","fail":true}'),
        }),
      );
      const r = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: dlq, WaitTimeSeconds: 15, MessageAttributeNames: ['All'] }),
      );
      const [m] = r.Messages ?? [];
      assert.ok(m, 'the event reached the dead-letter queue');
      assert.deepEqual(JSON.parse(m.Body!), { id: 'dead', fail: true }, 'the original event, unmodified');
      assert.equal(m.MessageAttributes?.RequestID?.StringValue, inv.$metadata.requestId);
      assert.deepEqual(m.MessageAttributes?.ErrorCode, { DataType: 'Number', StringValue: '200' });
      assert.equal(m.MessageAttributes?.ErrorMessage?.StringValue, 'asked to fail');
      const attempts = readRecords(`${t.home}/dlq.jsonl`).filter((x) => x.event.id === 'dead');
      assert.equal(attempts.length, 2, 'retried first');
      const dead = await fetch(`${t.url}/gust/v1/dead-letters?function=dlq-fn`);
      assert.deepEqual(((await dead.json()) as { records: unknown[] }).records, [], 'handed over, not kept');

      // Removing it (empty TargetArn), and a bad ARN.
      const cleared = await t.lambda.send(
        new UpdateFunctionConfigurationCommand({ FunctionName: 'dlq-fn', DeadLetterConfig: { TargetArn: '' } }),
      );
      assert.equal(cleared.DeadLetterConfig, undefined);
      const bad = await t.lambda
        .send(
          new UpdateFunctionConfigurationCommand({
            FunctionName: 'dlq-fn',
            DeadLetterConfig: { TargetArn: 'arn:aws:lambda:us-east-1:000000000000:function:x' },
          }),
        )
        .catch((e: unknown) => e);
      assert.ok(bad instanceof Error && bad.name === 'InvalidParameterValueException', String(bad));
    } finally {
      sqs.destroy();
      await t.stop();
    }
  });

  it('keeps the event in the dead-letter store when the queue does not exist', async () => {
    const t = await startTestGust({ asyncRetryBaseMs: 50, asyncPollMs: 20 });
    try {
      await deployFixture(t, 'dlq-missing', 'node/recorder', 'nodejs20.x', 'index.handler', {
        Environment: { Variables: { RECORD_FILE: `${t.home}/m.jsonl` } },
        DeadLetterConfig: { TargetArn: arnOf('never-created') },
      });
      await t.lambda.send(
        new PutFunctionEventInvokeConfigCommand({ FunctionName: 'dlq-missing', MaximumRetryAttempts: 0 }),
      );
      await t.lambda.send(
        new InvokeCommand({
          FunctionName: 'dlq-missing',
          InvocationType: 'Event',
          Payload: Buffer.from('{"fail":true}'),
        }),
      );
      const kept = async (): Promise<boolean> => {
        const r = await fetch(`${t.url}/gust/v1/dead-letters?function=dlq-missing`);
        return ((await r.json()) as { records: unknown[] }).records.length === 1;
      };
      let ok = false;
      for (let i = 0; i < 100 && !ok; i++) {
        ok = await kept();
        if (!ok) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(ok, 'not lost');
      const metrics = await (await fetch(`${t.url}/metrics`)).text();
      assert.match(metrics, /^gust_async_events_total\{function="dlq-missing",event="dead_letter_error"\} 1$/m);
    } finally {
      await t.stop();
    }
  });
});

// -------------------------------------------------------------------------------- durability

describe('SQS durability', () => {
  it('loses no acknowledged message, attribute or receive state across kill -9 and restart', async () => {
    const home = tempHome();
    let server = await spawnServer(home);
    let sqs = sqsClient(server.url);
    try {
      const url = (
        await sqs.send(
          new CreateQueueCommand({ QueueName: 'durable', Attributes: { VisibilityTimeout: '2', DelaySeconds: '0' } }),
        )
      ).QueueUrl!;
      const fifo = (
        await sqs.send(
          new CreateQueueCommand({
            QueueName: 'durable.fifo',
            Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' },
          }),
        )
      ).QueueUrl!;
      const N = 40;
      for (let i = 0; i < N; i += 10) {
        await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: url,
            Entries: Array.from({ length: 10 }, (_, j) => ({ Id: `m${i + j}`, MessageBody: `msg-${i + j}` })),
          }),
        );
      }
      for (const b of ['f1', 'f2', 'f3']) {
        await sqs.send(new SendMessageCommand({ QueueUrl: fifo, MessageBody: b, MessageGroupId: 'g' }));
      }
      // Some in flight at the kill: they come back after their visibility timeout.
      const inflight = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 5 }))).Messages!;
      assert.equal(inflight.length, 5);
      server.proc.kill('SIGKILL');
      await new Promise((r) => server.proc.once('exit', r));
      sqs.destroy();

      server = await spawnServer(home);
      sqs = sqsClient(server.url);
      const url2 = (await sqs.send(new GetQueueUrlCommand({ QueueName: 'durable' }))).QueueUrl!;
      const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url2, AttributeNames: ['All'] })))
        .Attributes!;
      assert.equal(a.VisibilityTimeout, '2');
      // (The 5 in flight may already be visible again if the restart took longer than their timeout.)
      assert.equal(Number(a.ApproximateNumberOfMessages) + Number(a.ApproximateNumberOfMessagesNotVisible), N);
      assert.ok(Number(a.ApproximateNumberOfMessagesNotVisible) <= 5);
      const seen = new Map<string, number>();
      const deadline = Date.now() + 15_000;
      while (seen.size < N && Date.now() < deadline) {
        const got = (
          await sqs.send(new ReceiveMessageCommand({ QueueUrl: url2, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }))
        ).Messages;
        for (const m of got ?? []) {
          seen.set(m.Body!, (seen.get(m.Body!) ?? 0) + 1);
          await sqs.send(new DeleteMessageCommand({ QueueUrl: url2, ReceiptHandle: m.ReceiptHandle }));
        }
      }
      assert.equal(seen.size, N, 'every message is still there');
      for (const m of inflight) assert.ok(seen.has(m.Body!), `in-flight ${m.Body} came back`);
      // FIFO order and deduplication state survive too.
      const again = await sqs.send(
        new SendMessageCommand({
          QueueUrl: `${server.url}/${ACCOUNT}/durable.fifo`,
          MessageBody: 'f1',
          MessageGroupId: 'g',
        }),
      );
      const fifoMsgs = (
        await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: `${server.url}/${ACCOUNT}/durable.fifo`, MaxNumberOfMessages: 10 }),
        )
      ).Messages!;
      assert.deepEqual(
        fifoMsgs.map((m) => m.Body),
        ['f1', 'f2', 'f3'],
      );
      assert.equal(again.MessageId, fifoMsgs[0]!.MessageId, 'the deduplication window survived the restart');
    } finally {
      sqs.destroy();
      server.proc.kill('SIGTERM');
      await new Promise((r) => server.proc.once('exit', r));
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
