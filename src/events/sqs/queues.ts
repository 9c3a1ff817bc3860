/**
 * The queue engine: SQS semantics over the store. Queues (create/attributes/purge/delete/tags),
 * sends (delays, FIFO deduplication), receives (visibility timeout, long polling, redrive to the
 * dead-letter queue after maxReceiveCount receives, FIFO group order), deletes and visibility
 * changes by receipt handle. Protocol-neutral: the API modules translate requests to these calls.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { GustError } from '../../errors.ts';
import { ALL_ATTRIBUTES, READ_ONLY, effectiveAttributes, queueConfig, validateAttributes } from './attributes.ts';
import { DEDUP_WINDOW_MS, dedupKey, fifoSendIds, selectFifo } from './fifo.ts';
import { md5Hex, md5OfAttributes } from './md5.ts';
import {
  sequenceNumber,
  type NewMessage,
  type QueueConfig,
  type QueueRecord,
  type ReceivedMessage,
  type SendResult,
  type StoredMessage,
} from './model.ts';
import { nameFromArn, queueArn, validateQueueName } from './names.ts';
import type { NewRow, SqsStore } from './store.ts';
import { intParam, messageSize, validateBody, validateMessageAttributes } from './validate.ts';
import { Waiters } from './waiters.ts';

export interface EngineOptions {
  region: string;
  accountId: string;
  /** Base URL of the server, for queue URLs. */
  url: () => string;
}

export interface ReceiveOptions {
  max: number;
  /** Seconds; the queue's VisibilityTimeout when absent. */
  visibilityTimeout?: number;
  /** Seconds; the queue's ReceiveMessageWaitTimeSeconds when absent. */
  waitSeconds?: number;
  signal?: AbortSignal;
}

/** A message checked against its queue, ready to commit. */
export interface PreparedMessage {
  row: Omit<NewRow, 'messageId' | 'sentAt' | 'visibleAt'>;
  delayMs: number;
  dedupKey?: string;
  md5OfSystemAttributes?: string;
}

const notFound = (): GustError => new GustError('GUST_SQS_QUEUE_NOT_FOUND', 'The specified queue does not exist.');

const invalidHandle = (h: string): GustError =>
  new GustError('GUST_SQS_RECEIPT_HANDLE_INVALID', `The input receipt handle "${h}" is not a valid receipt handle.`);

export class QueueEngine {
  readonly waiters = new Waiters();
  private queues = new Map<string, QueueRecord>();
  private configs = new Map<string, QueueConfig>();

  constructor(
    private store: SqsStore,
    private o: EngineOptions,
  ) {
    for (const q of store.loadQueues()) this.cache(q);
  }

  // ---------------------------------------------------------------- queues

  urlOf(name: string): string {
    return `${this.o.url()}/${this.o.accountId}/${name}`;
  }

  arnOf(name: string): string {
    return queueArn(this.o.region, this.o.accountId, name);
  }

  getQueue(name: string): QueueRecord {
    const q = this.queues.get(name);
    if (!q) throw notFound();
    return q;
  }

  config(name: string): QueueConfig {
    this.getQueue(name);
    return this.configs.get(name)!;
  }

  queueByArn(arn: string): QueueRecord | undefined {
    const name = nameFromArn(arn);
    if (!name || arn !== this.arnOf(name)) return undefined;
    return this.queues.get(name);
  }

  listQueues(prefix = ''): QueueRecord[] {
    return [...this.queues.values()]
      .filter((q) => q.name.startsWith(prefix))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  createQueue(name: string, attributes: Record<string, string>, tags: Record<string, string>): QueueRecord {
    const fifo = attributes.FifoQueue === 'true';
    validateQueueName(name, fifo);
    const attrs = validateAttributes(attributes, {
      fifo,
      creating: true,
      queueByArn: (arn) => this.queueByArn(arn),
    });
    const existing = this.queues.get(name);
    if (existing) {
      const current = effectiveAttributes(existing);
      for (const [k, v] of Object.entries(attrs)) {
        if ((current[k] ?? '') !== v) {
          throw new GustError(
            'GUST_SQS_QUEUE_EXISTS',
            `A queue already exists with the same name and a different value for attribute ${k}`,
          );
        }
      }
      return existing;
    }
    const now = Date.now();
    const q: QueueRecord = { name, fifo, attributes: attrs, tags, createdAt: now, modifiedAt: now };
    this.store.putQueue(q);
    this.cache(q);
    return q;
  }

  setAttributes(name: string, attributes: Record<string, string>): void {
    const q = this.getQueue(name);
    const attrs = validateAttributes(attributes, {
      fifo: q.fifo,
      creating: false,
      queueByArn: (arn) => this.queueByArn(arn),
    });
    const next: QueueRecord = { ...q, attributes: { ...q.attributes, ...attrs }, modifiedAt: Date.now() };
    this.store.putQueue(next);
    this.cache(next);
    // A shorter wait or delay may let waiting receivers return sooner.
    this.waiters.wake(name);
  }

  getAttributes(name: string, requested: string[]): Record<string, string> {
    const q = this.getQueue(name);
    for (const n of requested) {
      if (n !== 'All' && !ALL_ATTRIBUTES.has(n)) {
        throw new GustError('GUST_SQS_INVALID_ATTRIBUTE_NAME', `Unknown Attribute ${n}.`);
      }
    }
    if (requested.length === 0) return {};
    const now = Date.now();
    const all: Record<string, string> = { ...effectiveAttributes(q) };
    const wants = (n: string): boolean => requested.includes('All') || requested.includes(n);
    if (READ_ONLY.some(wants)) {
      const c = this.store.counts(name, now, now - this.configs.get(name)!.retentionSeconds * 1000);
      all.ApproximateNumberOfMessages = String(c.visible);
      all.ApproximateNumberOfMessagesNotVisible = String(c.notVisible);
      all.ApproximateNumberOfMessagesDelayed = String(c.delayed);
      all.CreatedTimestamp = String(Math.floor(q.createdAt / 1000));
      all.LastModifiedTimestamp = String(Math.floor(q.modifiedAt / 1000));
      all.QueueArn = this.arnOf(name);
    }
    return Object.fromEntries(Object.entries(all).filter(([k]) => wants(k)));
  }

  deleteQueue(name: string): void {
    this.getQueue(name);
    this.store.deleteQueue(name);
    this.queues.delete(name);
    this.configs.delete(name);
    this.waiters.wake(name);
  }

  purge(name: string): number {
    this.getQueue(name);
    return this.store.purge(name);
  }

  tag(name: string, tags: Record<string, string>): void {
    const q = this.getQueue(name);
    const next = { ...q, tags: { ...q.tags, ...tags } };
    if (Object.keys(next.tags).length > 50) {
      throw new GustError('GUST_INVALID_PARAMETER', 'Too many tags added for queue (at most 50).');
    }
    this.store.putQueue(next);
    this.cache(next);
  }

  untag(name: string, keys: string[]): void {
    const q = this.getQueue(name);
    const tags = { ...q.tags };
    for (const k of keys) delete tags[k];
    const next = { ...q, tags };
    this.store.putQueue(next);
    this.cache(next);
  }

  /** Queues whose RedrivePolicy targets this one. */
  deadLetterSources(name: string): QueueRecord[] {
    this.getQueue(name);
    return this.listQueues().filter((q) => this.configs.get(q.name)?.redrive?.targetName === name);
  }

  private cache(q: QueueRecord): void {
    this.queues.set(q.name, q);
    this.configs.set(q.name, queueConfig(q));
  }

  // ---------------------------------------------------------------- send

  /** Check one message against its queue (throws the error a client should see for it). */
  prepare(name: string, input: NewMessage & { delaySeconds?: number }): PreparedMessage {
    const q = this.getQueue(name);
    const cfg = this.configs.get(name)!;
    const body = validateBody(input.body);
    const attributes = validateMessageAttributes(input.attributes, 'MessageAttributes');
    const sys = validateMessageAttributes(
      input.systemAttributes
        ? Object.fromEntries(
            Object.entries(input.systemAttributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }]),
          )
        : undefined,
      'MessageSystemAttributes',
    );
    const size = messageSize(body, attributes);
    if (size > cfg.maximumMessageSize) {
      throw new GustError(
        'GUST_INVALID_PARAMETER',
        `One or more parameters are invalid. Reason: Message must be shorter than ${cfg.maximumMessageSize} bytes.`,
      );
    }
    let delaySeconds = intParam(input.delaySeconds, 'DelaySeconds', 0, 900, 'DelaySeconds must be >= 0 and <= 900');
    const prepared: PreparedMessage = {
      row: {
        queue: name,
        body,
        md5OfBody: md5Hex(body),
        senderId: input.senderId ?? this.o.accountId,
      },
      delayMs: 0,
    };
    if (attributes) {
      prepared.row.attributes = attributes;
      prepared.row.md5OfAttributes = md5OfAttributes(attributes);
    }
    if (sys) {
      prepared.row.systemAttributes = { AWSTraceHeader: sys.AWSTraceHeader!.StringValue! };
      prepared.md5OfSystemAttributes = md5OfAttributes(sys);
    }
    if (q.fifo) {
      if (delaySeconds !== undefined) {
        throw new GustError(
          'GUST_INVALID_PARAMETER',
          `Value ${delaySeconds} for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.`,
        );
      }
      const ids = fifoSendIds(cfg, body, input.groupId, input.deduplicationId);
      prepared.row.groupId = ids.groupId;
      prepared.row.deduplicationId = ids.deduplicationId;
      prepared.dedupKey = dedupKey(cfg, ids.groupId, ids.deduplicationId);
    } else if (input.groupId !== undefined || input.deduplicationId !== undefined) {
      const p = input.groupId !== undefined ? 'MessageGroupId' : 'MessageDeduplicationId';
      throw new GustError(
        'GUST_INVALID_PARAMETER',
        `Value for parameter ${p} is invalid. Reason: The request include parameter that is not valid for this queue type.`,
      );
    }
    delaySeconds ??= cfg.delaySeconds;
    prepared.delayMs = delaySeconds * 1000;
    return prepared;
  }

  /** Durably enqueue prepared messages of one queue in one transaction. */
  commit(name: string, messages: PreparedMessage[]): SendResult[] {
    this.getQueue(name);
    const now = Date.now();
    const results = this.store.transaction(() =>
      messages.map((p): SendResult => {
        const base = {
          md5OfBody: p.row.md5OfBody,
          ...(p.row.md5OfAttributes ? { md5OfAttributes: p.row.md5OfAttributes } : {}),
          ...(p.md5OfSystemAttributes ? { md5OfSystemAttributes: p.md5OfSystemAttributes } : {}),
        };
        if (p.dedupKey !== undefined) {
          const dup = this.store.dedup(name, p.dedupKey, now);
          if (dup) return { ...base, messageId: dup.messageId, sequenceNumber: sequenceNumber(dup.seq) };
        }
        const messageId = randomUUID();
        const seq = this.store.insert({ ...p.row, messageId, sentAt: now, visibleAt: now + p.delayMs });
        if (p.dedupKey === undefined) return { ...base, messageId };
        this.store.putDedup(name, p.dedupKey, messageId, seq, now + DEDUP_WINDOW_MS);
        return { ...base, messageId, sequenceNumber: sequenceNumber(seq) };
      }),
    );
    this.waiters.wake(name);
    return results;
  }

  send(name: string, input: NewMessage): SendResult {
    return this.commit(name, [this.prepare(name, input)])[0]!;
  }

  // ---------------------------------------------------------------- receive

  /** Receive up to `max` messages, long polling up to the wait time for the first to arrive. */
  async receive(name: string, opts: ReceiveOptions): Promise<ReceivedMessage[]> {
    const cfg = this.config(name);
    const deadline = Date.now() + (opts.waitSeconds ?? cfg.waitSeconds) * 1000;
    for (;;) {
      if (!this.queues.has(name)) return [];
      // One instant for both looks: a message not receivable at `now` is one visible after it.
      const now = Date.now();
      const got = this.receiveNow(name, opts.max, opts.visibilityTimeout, now);
      if (got.length) return got;
      if (now >= deadline || opts.signal?.aborted || this.waiters.isClosed) return [];
      const next = this.store.nextVisibleAt(name, now) ?? Infinity;
      await this.waiters.wait(name, Math.min(deadline, next) - Date.now(), opts.signal);
    }
  }

  /** Receive what is available now, moving messages past maxReceiveCount to the dead-letter queue. */
  receiveNow(name: string, max: number, visibilityTimeout?: number, now = Date.now()): ReceivedMessage[] {
    const q = this.getQueue(name);
    const cfg = this.configs.get(name)!;
    const sentAfter = now - cfg.retentionSeconds * 1000;
    const vtMs = (visibilityTimeout ?? cfg.visibilityTimeout) * 1000;
    const redrive = cfg.redrive && this.queues.has(cfg.redrive.targetName) ? cfg.redrive : undefined;
    const due = (m: StoredMessage): boolean => !!redrive && m.receiveCount >= redrive.maxReceiveCount;
    let moved = 0;
    const out = this.store.transaction(() => {
      let take: StoredMessage[] = [];
      const moveOut = (ms: StoredMessage[]): void => {
        for (const m of ms) {
          this.store.move(m.seq, redrive!.targetName, now, {
            ...m.systemAttributes,
            DeadLetterQueueSourceArn: this.arnOf(name),
          });
        }
        moved += ms.length;
      };
      if (q.fifo) {
        const inflight = this.store.inflightGroups(name, now);
        const sel = selectFifo(this.store.ordered(name, sentAfter), inflight, now, max, due);
        moveOut(sel.move);
        take = sel.take;
      } else {
        for (;;) {
          const rows = this.store.visible(name, now, sentAfter, max - take.length);
          const move = rows.filter(due);
          take.push(...rows.filter((m) => !due(m)));
          moveOut(move);
          if (move.length === 0 || take.length >= max) break;
        }
      }
      return take.map((m): ReceivedMessage => {
        const receipt = randomBytes(12).toString('base64url');
        this.store.markReceived(m.seq, now + vtMs, receipt, now);
        return {
          ...m,
          visibleAt: now + vtMs,
          receiveCount: m.receiveCount + 1,
          firstReceiveAt: m.firstReceiveAt ?? now,
          receipt,
          receiptHandle: encodeHandle(name, m.seq, receipt),
        };
      });
    });
    if (moved) this.waiters.wake(redrive!.targetName);
    return out;
  }

  /** Approximate number of visible messages (poller scaling). */
  backlog(name: string): number {
    return this.queues.has(name) ? this.store.countVisible(name, Date.now()) : 0;
  }

  // ---------------------------------------------------------------- delete / visibility

  deleteMessage(name: string, receiptHandle: string): void {
    const q = this.getQueue(name);
    const h = decodeHandle(name, receiptHandle);
    const m = this.store.get(h.seq);
    if (!m || m.queue !== name) return; // already deleted: succeeds, as in SQS
    if (m.receipt !== h.receipt || (q.fifo && m.visibleAt <= Date.now())) {
      if (q.fifo) {
        throw new GustError(
          'GUST_INVALID_PARAMETER',
          `Value ${receiptHandle} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.`,
        );
      }
      return; // a stale handle of a standard queue: succeeds, message stays (SQS)
    }
    this.store.delete(h.seq);
    if (q.fifo) this.waiters.wake(name); // the group may be unblocked
  }

  changeVisibility(name: string, receiptHandle: string, seconds: unknown): void {
    this.getQueue(name);
    const timeout = intParam(seconds, 'VisibilityTimeout', 0, 43200);
    if (timeout === undefined) {
      throw new GustError('GUST_SQS_MISSING_PARAMETER', 'The request must contain the parameter VisibilityTimeout.');
    }
    const h = decodeHandle(name, receiptHandle);
    const m = this.store.get(h.seq);
    if (!m || m.queue !== name) throw invalidHandle(receiptHandle);
    const now = Date.now();
    if (m.receipt !== h.receipt || m.visibleAt <= now) {
      throw new GustError(
        'GUST_SQS_MESSAGE_NOT_INFLIGHT',
        'Message does not exist or is not available for visibility timeout change.',
      );
    }
    if (now + timeout * 1000 > (m.firstReceiveAt ?? now) + 43_200_000) {
      throw new GustError(
        'GUST_INVALID_PARAMETER',
        `Value ${timeout} for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is beyond the limit [43200 seconds]`,
      );
    }
    this.store.setVisibleAt(h.seq, now + timeout * 1000);
    if (timeout === 0) this.waiters.wake(name);
  }

  /** Put received messages back as if never received (a poller that could not invoke its function). */
  release(name: string, messages: ReceivedMessage[]): void {
    if (!messages.length) return;
    const now = Date.now();
    this.store.transaction(() => {
      for (const m of messages) this.store.release(m.seq, m.receipt!, now);
    });
    this.waiters.wake(name);
  }

  /** Delete received messages by their receipts (a poller's successful batch). */
  deleteReceived(name: string, messages: ReceivedMessage[]): void {
    if (!messages.length) return;
    const q = this.queues.get(name);
    this.store.transaction(() => {
      for (const m of messages) {
        const cur = this.store.get(m.seq);
        if (cur && cur.queue === name && cur.receipt === m.receipt) this.store.delete(m.seq);
      }
    });
    if (q?.fifo) this.waiters.wake(name);
  }

  /** Run several operations in one transaction (batch requests: one commit, not one per entry). */
  batch<T>(fn: () => T): T {
    return this.store.transaction(fn);
  }

  // ---------------------------------------------------------------- housekeeping

  /** Drop messages past their queue's retention period and expired deduplication ids. */
  sweep(now = Date.now()): number {
    let n = 0;
    for (const [name, cfg] of this.configs) n += this.store.expire(name, now - cfg.retentionSeconds * 1000);
    this.store.expireDedup(now);
    return n;
  }

  close(): void {
    this.waiters.close();
  }
}

function encodeHandle(queue: string, seq: number, receipt: string): string {
  return Buffer.from(`${seq}:${receipt}:${queue}`, 'utf8').toString('base64');
}

function decodeHandle(queue: string, handle: string): { seq: number; receipt: string } {
  if (typeof handle !== 'string' || handle === '') {
    throw new GustError('GUST_SQS_MISSING_PARAMETER', 'The request must contain the parameter ReceiptHandle.');
  }
  const m = /^(\d+):([A-Za-z0-9_-]+):(.+)$/.exec(Buffer.from(handle, 'base64').toString('utf8'));
  if (!m || m[3] !== queue) throw invalidHandle(handle);
  return { seq: Number(m[1]), receipt: m[2]! };
}
