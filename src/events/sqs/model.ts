/** The SQS service's domain types. */
import type { MessageAttributeValue } from '../contracts.ts';

export type { MessageAttributeValue };

export interface QueueRecord {
  name: string;
  fifo: boolean;
  /** Attributes set explicitly (normalized AWS string values); defaults fill in the rest. */
  attributes: Record<string, string>;
  tags: Record<string, string>;
  /** Unix ms. */
  createdAt: number;
  modifiedAt: number;
}

/** A queue's effective settings, parsed from its attributes. */
export interface QueueConfig {
  visibilityTimeout: number;
  delaySeconds: number;
  maximumMessageSize: number;
  retentionSeconds: number;
  waitSeconds: number;
  redrive?: { targetName: string; targetArn: string; maxReceiveCount: number };
  contentBasedDeduplication: boolean;
  deduplicationScope: 'queue' | 'messageGroup';
}

/** One stored message. */
export interface StoredMessage {
  seq: number;
  queue: string;
  messageId: string;
  body: string;
  md5OfBody: string;
  attributes?: Record<string, MessageAttributeValue>;
  md5OfAttributes?: string;
  /** AWSTraceHeader, DeadLetterQueueSourceArn, ... */
  systemAttributes?: Record<string, string>;
  senderId: string;
  sentAt: number;
  visibleAt: number;
  receiveCount: number;
  firstReceiveAt?: number;
  /** Nonce of the latest receive: receipt handles of older receives are stale. */
  receipt?: string;
  groupId?: string;
  deduplicationId?: string;
}

/** A message handed out by a receive, with the receipt handle of that receive. */
export interface ReceivedMessage extends StoredMessage {
  receiptHandle: string;
}

export interface NewMessage {
  body: string;
  attributes?: Record<string, MessageAttributeValue>;
  systemAttributes?: Record<string, string>;
  /** Per-message delay (standard queues); the queue's DelaySeconds otherwise. */
  delaySeconds?: number;
  groupId?: string;
  deduplicationId?: string;
  senderId?: string;
}

export interface SendResult {
  messageId: string;
  md5OfBody: string;
  md5OfAttributes?: string;
  md5OfSystemAttributes?: string;
  sequenceNumber?: string;
}

/** Sequence numbers of FIFO messages: 20 digits, increasing with the store's row id. */
export function sequenceNumber(seq: number): string {
  return (10n ** 19n + BigInt(seq)).toString();
}

/** A received message's system attributes (ReceiveMessage `Attributes`, the Lambda record's `attributes`). */
export function systemAttributesOf(m: StoredMessage): Record<string, string> {
  const a: Record<string, string> = {
    SenderId: m.senderId,
    SentTimestamp: String(m.sentAt),
    ApproximateReceiveCount: String(m.receiveCount),
    ApproximateFirstReceiveTimestamp: String(m.firstReceiveAt ?? m.sentAt),
  };
  if (m.systemAttributes?.AWSTraceHeader) a.AWSTraceHeader = m.systemAttributes.AWSTraceHeader;
  if (m.systemAttributes?.DeadLetterQueueSourceArn) {
    a.DeadLetterQueueSourceArn = m.systemAttributes.DeadLetterQueueSourceArn;
  }
  if (m.groupId !== undefined) {
    a.SequenceNumber = sequenceNumber(m.seq);
    a.MessageGroupId = m.groupId;
    if (m.deduplicationId !== undefined) a.MessageDeduplicationId = m.deduplicationId;
  }
  return a;
}
