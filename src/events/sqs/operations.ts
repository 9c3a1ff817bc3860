/**
 * The SQS operations over the queue engine, protocol-neutral: each takes the input the protocol
 * layer (src/aws/) parsed from the request by SQS's schema (the SDK's input type) and returns the
 * output it renders.
 */
import { GustError } from '../../errors.ts';
import { attributesFromWire, attributesToWire } from '../message-attributes.ts';
import { sqsErrorShape } from './error-shapes.ts';
import { md5OfAttributes } from './md5.ts';
import { systemAttributesOf, type MessageAttributeValue, type ReceivedMessage, type SendResult } from './model.ts';
import { nameFromUrl } from './names.ts';
import type { PreparedMessage, QueueEngine } from './queues.ts';
import {
  intParam,
  messageSize,
  optionalString,
  requiredString,
  stringList,
  stringMap,
  validateBatch,
} from './validate.ts';

export interface OpContext {
  /** The caller's access key id (SenderId of the messages it sends). */
  senderId: string;
  /** Aborted when the client goes away (ends long polls). */
  signal?: AbortSignal;
  /** The queue when the request was posted to its URL. */
  pathQueue?: string;
}

type Input = Record<string, unknown>;
type Output = Record<string, unknown>;
export type Operation = (input: Input, ctx: OpContext) => Output | Promise<Output>;

const SYSTEM_ATTRIBUTE_NAMES = new Set([
  'All',
  'SenderId',
  'SentTimestamp',
  'ApproximateReceiveCount',
  'ApproximateFirstReceiveTimestamp',
  'AWSTraceHeader',
  'SqsManagedSseEnabled',
  'MessageDeduplicationId',
  'MessageGroupId',
  'SequenceNumber',
  'DeadLetterQueueSourceArn',
]);

function queueOf(input: Input, ctx: OpContext): string {
  const url = optionalString(input.QueueUrl, 'QueueUrl');
  if (url) return nameFromUrl(url);
  if (ctx.pathQueue) return ctx.pathQueue;
  throw new GustError('GUST_SQS_MISSING_PARAMETER', 'The request must contain the parameter QueueUrl.');
}

function sendOutput(r: SendResult): Output {
  return {
    MessageId: r.messageId,
    MD5OfMessageBody: r.md5OfBody,
    ...(r.md5OfAttributes ? { MD5OfMessageAttributes: r.md5OfAttributes } : {}),
    ...(r.md5OfSystemAttributes ? { MD5OfMessageSystemAttributes: r.md5OfSystemAttributes } : {}),
    ...(r.sequenceNumber ? { SequenceNumber: r.sequenceNumber } : {}),
  };
}

function failure(id: string, e: unknown): Output {
  if (!(e instanceof GustError)) throw e;
  const shape = sqsErrorShape(e);
  return { Id: id, SenderFault: shape.fault === 'Sender', Code: shape.code, Message: e.message };
}

/** Apply `fn` to each entry of a batch in one transaction; entries that fail are reported, not thrown. */
function eachEntry(
  engine: QueueEngine,
  entries: Record<string, unknown>[],
  fn: (e: Record<string, unknown>) => void,
): { Successful: Output[]; Failed: Output[] } {
  const successful: Output[] = [];
  const failed: Output[] = [];
  engine.batch(() => {
    for (const e of entries) {
      try {
        fn(e);
        successful.push({ Id: e.Id });
      } catch (err) {
        failed.push(failure(e.Id as string, err));
      }
    }
  });
  return { Successful: successful, Failed: failed };
}

function wantedAttributes(
  all: Record<string, MessageAttributeValue> | undefined,
  names: string[],
): Record<string, MessageAttributeValue> | undefined {
  if (!all || names.length === 0) return undefined;
  const picked = Object.entries(all).filter(([n]) =>
    names.some((w) => w === 'All' || w === '.*' || w === n || (w.endsWith('.*') && n.startsWith(w.slice(0, -1)))),
  );
  return picked.length ? Object.fromEntries(picked) : undefined;
}

function messageOutput(m: ReceivedMessage, systemNames: string[], attributeNames: string[]): Output {
  const out: Output = { MessageId: m.messageId, ReceiptHandle: m.receiptHandle, MD5OfBody: m.md5OfBody, Body: m.body };
  if (systemNames.length) {
    const sys = systemAttributesOf(m);
    const all = systemNames.includes('All');
    const picked = Object.fromEntries(Object.entries(sys).filter(([k]) => all || systemNames.includes(k)));
    if (Object.keys(picked).length) out.Attributes = picked;
  }
  const attrs = wantedAttributes(m.attributes, attributeNames);
  if (attrs) {
    out.MD5OfMessageAttributes = md5OfAttributes(attrs);
    out.MessageAttributes = attributesToWire(attrs);
  }
  return out;
}

function page<T>(items: T[], key: (t: T) => string, input: Input): { items: T[]; NextToken?: string } {
  const max = intParam(input.MaxResults, 'MaxResults', 1, 1000);
  const token = optionalString(input.NextToken, 'NextToken');
  let start = 0;
  if (token) {
    const after = Buffer.from(token, 'base64url').toString('utf8');
    start = items.findIndex((t) => key(t) > after);
    if (start < 0) start = items.length;
  }
  if (max === undefined) return { items: items.slice(start, start + 1000) };
  const slice = items.slice(start, start + max);
  return start + max < items.length
    ? { items: slice, NextToken: Buffer.from(key(slice.at(-1)!)).toString('base64url') }
    : { items: slice };
}

export function sqsOperations(engine: QueueEngine, accountId: string): Record<string, Operation> {
  const prepareEntry = (queue: string, e: Input, senderId: string): PreparedMessage =>
    engine.prepare(queue, {
      body: e.MessageBody as string,
      attributes: attributesFromWire(e.MessageAttributes) as Record<string, MessageAttributeValue> | undefined,
      systemAttributes: e.MessageSystemAttributes
        ? Object.fromEntries(
            Object.entries(e.MessageSystemAttributes as Record<string, MessageAttributeValue>).map(([k, v]) => [
              k,
              v?.StringValue ?? '',
            ]),
          )
        : undefined,
      delaySeconds: e.DelaySeconds as number | undefined,
      groupId: optionalString(e.MessageGroupId, 'MessageGroupId'),
      deduplicationId: optionalString(e.MessageDeduplicationId, 'MessageDeduplicationId'),
      senderId,
    });

  return {
    CreateQueue: (input) => {
      const name = requiredString(input.QueueName, 'QueueName');
      const q = engine.createQueue(
        name,
        stringMap(input.Attributes, 'Attributes'),
        stringMap(input.tags ?? input.Tags, 'tags'),
      );
      return { QueueUrl: engine.urlOf(q.name) };
    },

    GetQueueUrl: (input) => {
      const name = requiredString(input.QueueName, 'QueueName');
      const owner = optionalString(input.QueueOwnerAWSAccountId, 'QueueOwnerAWSAccountId');
      if (owner && owner !== accountId) {
        throw new GustError('GUST_SQS_QUEUE_NOT_FOUND', 'The specified queue does not exist.');
      }
      return { QueueUrl: engine.urlOf(engine.getQueue(name).name) };
    },

    ListQueues: (input) => {
      const prefix = optionalString(input.QueueNamePrefix, 'QueueNamePrefix') ?? '';
      const p = page(engine.listQueues(prefix), (q) => q.name, input);
      return {
        ...(p.items.length ? { QueueUrls: p.items.map((q) => engine.urlOf(q.name)) } : {}),
        ...(p.NextToken ? { NextToken: p.NextToken } : {}),
      };
    },

    DeleteQueue: (input, ctx) => {
      engine.deleteQueue(queueOf(input, ctx));
      return {};
    },

    GetQueueAttributes: (input, ctx) => {
      const attrs = engine.getAttributes(queueOf(input, ctx), stringList(input.AttributeNames, 'AttributeNames'));
      return Object.keys(attrs).length ? { Attributes: attrs } : {};
    },

    SetQueueAttributes: (input, ctx) => {
      const queue = queueOf(input, ctx);
      if (input.Attributes === undefined || input.Attributes === null) {
        throw new GustError('GUST_SQS_MISSING_PARAMETER', 'The request must contain the parameter Attributes.');
      }
      engine.setAttributes(queue, stringMap(input.Attributes, 'Attributes'));
      return {};
    },

    PurgeQueue: (input, ctx) => {
      engine.purge(queueOf(input, ctx));
      return {};
    },

    TagQueue: (input, ctx) => {
      engine.tag(queueOf(input, ctx), stringMap(input.Tags, 'Tags'));
      return {};
    },

    UntagQueue: (input, ctx) => {
      engine.untag(queueOf(input, ctx), stringList(input.TagKeys, 'TagKeys'));
      return {};
    },

    ListQueueTags: (input, ctx) => {
      const tags = engine.getQueue(queueOf(input, ctx)).tags;
      return Object.keys(tags).length ? { Tags: tags } : {};
    },

    ListDeadLetterSourceQueues: (input, ctx) => {
      const p = page(engine.deadLetterSources(queueOf(input, ctx)), (q) => q.name, input);
      return {
        queueUrls: p.items.map((q) => engine.urlOf(q.name)),
        ...(p.NextToken ? { NextToken: p.NextToken } : {}),
      };
    },

    SendMessage: (input, ctx) => {
      const queue = queueOf(input, ctx);
      const [r] = engine.commit(queue, [prepareEntry(queue, input, ctx.senderId)]);
      return sendOutput(r!);
    },

    SendMessageBatch: (input, ctx) => {
      const queue = queueOf(input, ctx);
      const cfg = engine.config(queue);
      const entries = validateBatch(input.Entries);
      const total = entries.reduce(
        (n, e) =>
          n +
          (typeof e.MessageBody === 'string'
            ? messageSize(
                e.MessageBody,
                attributesFromWire(e.MessageAttributes) as Record<string, MessageAttributeValue> | undefined,
              )
            : 0),
        0,
      );
      if (total > cfg.maximumMessageSize) {
        throw new GustError(
          'GUST_SQS_BATCH_TOO_LONG',
          `Batch requests cannot be longer than ${cfg.maximumMessageSize} bytes. You have sent ${total} bytes.`,
        );
      }
      const failed: Output[] = [];
      const ok: { id: string; p: PreparedMessage }[] = [];
      for (const e of entries) {
        try {
          ok.push({ id: e.Id as string, p: prepareEntry(queue, e, ctx.senderId) });
        } catch (err) {
          failed.push(failure(e.Id as string, err));
        }
      }
      const results = engine.commit(
        queue,
        ok.map((x) => x.p),
      );
      return { Successful: results.map((r, i) => ({ Id: ok[i]!.id, ...sendOutput(r) })), Failed: failed };
    },

    ReceiveMessage: async (input, ctx) => {
      const queue = queueOf(input, ctx);
      const max = intParam(input.MaxNumberOfMessages, 'MaxNumberOfMessages', 1, 10) ?? 1;
      const visibilityTimeout = intParam(input.VisibilityTimeout, 'VisibilityTimeout', 0, 43200);
      const waitSeconds = intParam(
        input.WaitTimeSeconds,
        'WaitTimeSeconds',
        0,
        20,
        'Must be >= 0 and <= 20, if provided.',
      );
      const systemNames = [
        ...stringList(input.AttributeNames, 'AttributeNames'),
        ...stringList(input.MessageSystemAttributeNames, 'MessageSystemAttributeNames'),
      ];
      for (const n of systemNames) {
        if (!SYSTEM_ATTRIBUTE_NAMES.has(n)) {
          throw new GustError('GUST_SQS_INVALID_ATTRIBUTE_NAME', `Unknown Attribute ${n}.`);
        }
      }
      const attributeNames = stringList(input.MessageAttributeNames, 'MessageAttributeNames');
      const messages = await engine.receive(queue, { max, visibilityTimeout, waitSeconds, signal: ctx.signal });
      return messages.length ? { Messages: messages.map((m) => messageOutput(m, systemNames, attributeNames)) } : {};
    },

    DeleteMessage: (input, ctx) => {
      engine.deleteMessage(queueOf(input, ctx), requiredString(input.ReceiptHandle, 'ReceiptHandle'));
      return {};
    },

    DeleteMessageBatch: (input, ctx) => {
      const queue = queueOf(input, ctx);
      engine.getQueue(queue);
      return eachEntry(engine, validateBatch(input.Entries), (e) =>
        engine.deleteMessage(queue, requiredString(e.ReceiptHandle, 'ReceiptHandle')),
      );
    },

    ChangeMessageVisibility: (input, ctx) => {
      engine.changeVisibility(
        queueOf(input, ctx),
        requiredString(input.ReceiptHandle, 'ReceiptHandle'),
        input.VisibilityTimeout,
      );
      return {};
    },

    ChangeMessageVisibilityBatch: (input, ctx) => {
      const queue = queueOf(input, ctx);
      engine.getQueue(queue);
      return eachEntry(engine, validateBatch(input.Entries), (e) =>
        engine.changeVisibility(queue, requiredString(e.ReceiptHandle, 'ReceiptHandle'), e.VisibilityTimeout),
      );
    },
  };
}
