/**
 * FIFO queue rules: deduplication (5-minute window, by MessageDeduplicationId or the body's
 * SHA-256 with ContentBasedDeduplication, per queue or per message group) and delivery order
 * (messages of a group in send order; a group is blocked while its oldest message is in flight).
 */
import { createHash } from 'node:crypto';
import { GustError } from '../../errors.ts';
import type { QueueConfig, StoredMessage } from './model.ts';

export const DEDUP_WINDOW_MS = 5 * 60 * 1000;

const ID_RE = /^[\x21-\x7e]{1,128}$/;

/** Check FIFO send parameters; returns the deduplication id to use. */
export function fifoSendIds(
  cfg: QueueConfig,
  body: string,
  groupId: string | undefined,
  deduplicationId: string | undefined,
): { groupId: string; deduplicationId: string } {
  if (!groupId) {
    throw new GustError('GUST_SQS_MISSING_PARAMETER', 'The request must contain the parameter MessageGroupId.');
  }
  if (!ID_RE.test(groupId)) {
    throw new GustError(
      'GUST_INVALID_PARAMETER',
      `Value ${groupId} for parameter MessageGroupId is invalid. Reason: MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.`,
    );
  }
  if (deduplicationId !== undefined) {
    if (!ID_RE.test(deduplicationId)) {
      throw new GustError(
        'GUST_INVALID_PARAMETER',
        `Value ${deduplicationId} for parameter MessageDeduplicationId is invalid. Reason: MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length.`,
      );
    }
    return { groupId, deduplicationId };
  }
  if (!cfg.contentBasedDeduplication) {
    throw new GustError(
      'GUST_INVALID_PARAMETER',
      'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
    );
  }
  return { groupId, deduplicationId: createHash('sha256').update(body, 'utf8').digest('hex') };
}

/** The key a deduplication id is remembered under. */
export function dedupKey(cfg: QueueConfig, groupId: string, deduplicationId: string): string {
  return cfg.deduplicationScope === 'messageGroup' ? `${groupId}\u0000${deduplicationId}` : deduplicationId;
}

/**
 * Pick up to `max` receivable messages from a FIFO queue's messages in send order. A group with a
 * message in flight (`inflight`) yields nothing, nor does one whose oldest message is still
 * delayed; messages due for the dead-letter queue are set aside (they do not count).
 */
export function selectFifo(
  ordered: Iterable<StoredMessage>,
  inflight: Set<string>,
  now: number,
  max: number,
  dueForRedrive: (m: StoredMessage) => boolean,
): { take: StoredMessage[]; move: StoredMessage[] } {
  const blocked = new Set(inflight);
  const take: StoredMessage[] = [];
  const move: StoredMessage[] = [];
  for (const m of ordered) {
    const group = m.groupId ?? '';
    if (blocked.has(group)) continue;
    if (m.visibleAt > now) {
      blocked.add(group);
      continue;
    }
    if (dueForRedrive(m)) {
      move.push(m);
      continue;
    }
    take.push(m);
    if (take.length >= max) break;
  }
  return { take, move };
}
