/**
 * Publish and PublishBatch: validate, then in one transaction store the message and one delivery
 * per confirmed subscription whose filter policy matches (FIFO: deduplicate within 5 minutes and
 * number the message). Returns only after the commit; the delivery worker fans out from there.
 */
import { createHash, randomUUID } from 'node:crypto';
import { GustError } from '../../errors.ts';
import type { MessageAttributeValue } from '../contracts.ts';
import { isFifoTopic } from './attributes.ts';
import { invalidParameter, requireTopic, type OpsContext } from './context.ts';
import { messageFor } from './envelope.ts';
import { matchesFilterPolicy, parseFilterPolicy, type FilterPolicy, type FilterPolicyScope } from './filter-policy.ts';
import {
  MAX_MESSAGE_BYTES,
  messageSize,
  validateFifoId,
  validateMessage,
  validateMessageAttributes,
  validateSize,
  validateStructure,
  validateSubject,
} from './message-validation.ts';
import type { StoredMessage, Subscription, Topic } from './store.ts';

const DEDUP_WINDOW_MS = 5 * 60_000;

export interface PublishInput {
  topicArn?: string;
  targetArn?: string;
  phoneNumber?: string;
  message?: string;
  subject?: string;
  messageStructure?: string;
  attributes: Record<string, MessageAttributeValue>;
  messageGroupId?: string;
  messageDeduplicationId?: string;
}

export interface PublishResult {
  MessageId: string;
  SequenceNumber?: string;
}

export function publish(ctx: OpsContext, input: PublishInput): PublishResult {
  const targets = [input.topicArn, input.targetArn, input.phoneNumber].filter((x) => x !== undefined && x !== '');
  if (targets.length !== 1) {
    throw invalidParameter(
      'TopicArn or TargetArn Reason: exactly one of TopicArn, TargetArn or PhoneNumber must be specified',
    );
  }
  if (input.phoneNumber) throw invalidParameter('PhoneNumber Reason: Gust does not send SMS');
  const topic = requireTopic(ctx, input.topicArn || input.targetArn, input.topicArn ? 'TopicArn' : 'TargetArn');
  const result = publishToTopic(ctx, topic, input);
  ctx.wake();
  return result;
}

function publishToTopic(ctx: OpsContext, topic: Topic, input: PublishInput): PublishResult {
  const message = validateMessage(input.message);
  const subject = validateSubject(input.subject);
  const structure = validateStructure(input.messageStructure, message);
  const attributes = validateMessageAttributes(input.attributes);
  validateSize(message, attributes);
  validateFifoId('MessageGroupId', input.messageGroupId);
  validateFifoId('MessageDeduplicationId', input.messageDeduplicationId);
  const fifo = isFifoTopic(topic);
  let dedupId: string | null = null;
  if (fifo) {
    if (!input.messageGroupId) throw invalidParameter('The MessageGroupId parameter is required for FIFO topics');
    dedupId = input.messageDeduplicationId ?? null;
    if (!dedupId) {
      if (topic.attributes.ContentBasedDeduplication !== 'true') {
        throw invalidParameter(
          'The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
        );
      }
      dedupId = createHash('sha256').update(message).digest('hex');
    }
  } else if (input.messageDeduplicationId) {
    throw invalidParameter(
      'MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type',
    );
  }
  const { store } = ctx;
  return store.tx(() => {
    const now = Date.now();
    if (fifo && dedupId) {
      const seen = store.findDedup(topic.arn, dedupId, now);
      if (seen) return { MessageId: seen.messageId, ...(seen.sequence ? { SequenceNumber: seen.sequence } : {}) };
    }
    const msg: StoredMessage = {
      id: randomUUID(),
      topicArn: topic.arn,
      message,
      subject,
      attributes,
      structure,
      groupId: fifo ? input.messageGroupId! : null,
      dedupId,
      sequence: fifo ? store.nextSequence(topic.arn) : null,
      publishedAt: now,
    };
    const receivers = store.subscriptionsOf(topic.arn).filter((s) => s.confirmed && accepts(s, msg));
    if (receivers.length) {
      store.insertMessage(msg);
      for (const s of receivers) {
        store.enqueueDelivery({
          kind: 'notification',
          messageId: msg.id,
          subscriptionArn: s.arn,
          groupId: msg.groupId,
          at: now,
        });
      }
    }
    if (fifo && dedupId) store.putDedup(topic.arn, dedupId, msg.id, msg.sequence, now + DEDUP_WINDOW_MS);
    return { MessageId: msg.id, ...(msg.sequence ? { SequenceNumber: msg.sequence } : {}) };
  });
}

const policyCache = new Map<string, FilterPolicy>();

function policyOf(sub: Subscription): FilterPolicy | undefined {
  const json = sub.attributes.FilterPolicy;
  if (!json) return undefined;
  const scope = (sub.attributes.FilterPolicyScope as FilterPolicyScope | undefined) ?? 'MessageAttributes';
  const key = `${scope}\n${json}`;
  let p = policyCache.get(key);
  if (!p) {
    p = parseFilterPolicy(json, scope); // validated when set
    if (policyCache.size >= 1000) policyCache.clear();
    policyCache.set(key, p);
  }
  return p;
}

/** Does this subscription's filter policy let the message through? */
function accepts(sub: Subscription, msg: StoredMessage): boolean {
  const policy = policyOf(sub);
  return !policy || matchesFilterPolicy(policy, { attributes: msg.attributes, body: messageFor(msg, sub.protocol) });
}

export interface BatchEntryInput extends Omit<PublishInput, 'topicArn' | 'targetArn' | 'phoneNumber'> {
  id?: string;
}

export interface PublishBatchResult {
  Successful: { Id: string; MessageId: string; SequenceNumber?: string }[];
  Failed: { Id: string; Code: string; Message: string; SenderFault: boolean }[];
}

/** PublishBatch: batch-level checks fail the call; each entry then succeeds or fails on its own. */
export function publishBatch(
  ctx: OpsContext,
  topicArn: string | undefined,
  entries: BatchEntryInput[],
  errorCode: (e: GustError) => string,
): PublishBatchResult {
  const topic = requireTopic(ctx, topicArn);
  if (!entries.length) throw new GustError('GUST_SNS_EMPTY_BATCH', "The batch request doesn't contain any entries.");
  if (entries.length > 10) {
    throw new GustError('GUST_SNS_TOO_MANY_ENTRIES', 'The batch request contains more entries than permissible.');
  }
  const ids = new Set<string>();
  for (const e of entries) {
    if (!e.id || !/^[A-Za-z0-9_-]{1,80}$/.test(e.id)) {
      throw new GustError(
        'GUST_SNS_INVALID_BATCH_ENTRY_ID',
        "The Id of a batch entry in a batch request doesn't abide by the specification.",
      );
    }
    if (ids.has(e.id)) {
      throw new GustError(
        'GUST_SNS_BATCH_IDS_NOT_DISTINCT',
        'Two or more batch entries in the request have the same Id.',
      );
    }
    ids.add(e.id);
  }
  const total = entries.reduce((n, e) => n + messageSize(e.message ?? '', e.attributes), 0);
  if (total > MAX_MESSAGE_BYTES) {
    throw new GustError(
      'GUST_SNS_BATCH_TOO_LONG',
      'The length of all the messages put together is more than the limit.',
    );
  }
  const result: PublishBatchResult = { Successful: [], Failed: [] };
  for (const e of entries) {
    try {
      const r = publishToTopic(ctx, topic, e);
      result.Successful.push({ Id: e.id!, ...r });
    } catch (err) {
      if (!(err instanceof GustError)) throw err;
      result.Failed.push({ Id: e.id!, Code: errorCode(err), Message: err.message, SenderFault: err.kind === 'user' });
    }
  }
  if (result.Successful.length) ctx.wake();
  return result;
}

/** Publish from inside Gust (TopicSink, async destinations). FIFO topics need a group id. */
export function publishInternal(
  ctx: OpsContext,
  topicArn: string,
  input: Omit<PublishInput, 'topicArn' | 'targetArn' | 'phoneNumber'>,
): PublishResult {
  const topic = requireTopic(ctx, topicArn);
  const result = publishToTopic(ctx, topic, input);
  ctx.wake();
  return result;
}
