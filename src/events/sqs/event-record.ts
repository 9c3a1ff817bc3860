/**
 * What a function mapped to a queue receives (Lambda's SQS event: `{Records: [...]}`) and how its
 * answer is read with ReportBatchItemFailures.
 */
import { systemAttributesOf, type ReceivedMessage } from './model.ts';

export function sqsRecord(m: ReceivedMessage, queueArn: string, region: string): Record<string, unknown> {
  const { DeadLetterQueueSourceArn: _dlq, ...attributes } = systemAttributesOf(m);
  const messageAttributes = Object.fromEntries(
    Object.entries(m.attributes ?? {}).map(([name, a]) => [
      name,
      {
        ...(a.StringValue !== undefined ? { stringValue: a.StringValue } : {}),
        ...(a.BinaryValue !== undefined ? { binaryValue: a.BinaryValue } : {}),
        stringListValues: [],
        binaryListValues: [],
        dataType: a.DataType,
      },
    ]),
  );
  return {
    messageId: m.messageId,
    receiptHandle: m.receiptHandle,
    body: m.body,
    attributes,
    messageAttributes,
    md5OfBody: m.md5OfBody,
    ...(m.md5OfAttributes ? { md5OfMessageAttributes: m.md5OfAttributes } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

/** Bytes a record adds to the invocation payload (close enough to keep batches under 6 MB). */
export function recordSize(m: ReceivedMessage): number {
  let n = 1024 + Buffer.byteLength(m.body) * 1.1;
  for (const [k, a] of Object.entries(m.attributes ?? {})) {
    n += 100 + k.length + (a.StringValue?.length ?? 0) + (a.BinaryValue?.length ?? 0);
  }
  return n;
}

/**
 * The message ids a function reported as failed (ReportBatchItemFailures), or 'all' when its
 * response is malformed: not JSON, batchItemFailures not a list, or an itemIdentifier that is
 * missing, empty or not in the batch. An empty or null response (or list) is full success.
 */
export function reportedFailures(payload: Buffer, batchIds: Set<string>): Set<string> | 'all' {
  const text = payload.toString('utf8').trim();
  if (text === '') return new Set();
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return 'all';
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return new Set();
  const list = (v as { batchItemFailures?: unknown }).batchItemFailures;
  if (list === undefined || list === null) return new Set();
  if (!Array.isArray(list)) return 'all';
  const failed = new Set<string>();
  for (const item of list) {
    const id = (item as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '' || !batchIds.has(id)) return 'all';
    failed.add(id);
  }
  return failed;
}
