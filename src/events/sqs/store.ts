/**
 * The SQS service's tables in the embedded SQLite database: queues, messages, FIFO
 * deduplication ids and event source mappings. Every write is committed before the caller
 * answers its client, so nothing acknowledged is lost across a crash.
 */
import type Database from 'better-sqlite3';
import { applyNamedMigrations } from '../../store/sqlite/db.ts';
import type { MessageAttributeValue, QueueRecord, StoredMessage } from './model.ts';

const MIGRATIONS = [
  {
    id: 'sqs-001-queues-messages',
    sql: `CREATE TABLE sqs_queues (
            name TEXT PRIMARY KEY,
            fifo INTEGER NOT NULL,
            attributes TEXT NOT NULL,
            tags TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            modified_at INTEGER NOT NULL
          );
          CREATE TABLE sqs_messages (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            queue TEXT NOT NULL,
            message_id TEXT NOT NULL,
            body TEXT NOT NULL,
            md5_body TEXT NOT NULL,
            attributes TEXT,
            md5_attributes TEXT,
            system_attributes TEXT,
            sender_id TEXT NOT NULL,
            sent_at INTEGER NOT NULL,
            visible_at INTEGER NOT NULL,
            receive_count INTEGER NOT NULL DEFAULT 0,
            first_receive_at INTEGER,
            receipt TEXT,
            group_id TEXT,
            dedup_id TEXT
          );
          CREATE INDEX sqs_messages_visible ON sqs_messages(queue, visible_at, seq);
          CREATE INDEX sqs_messages_order ON sqs_messages(queue, seq);
          CREATE TABLE sqs_dedup (
            queue TEXT NOT NULL,
            dedup_key TEXT NOT NULL,
            message_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            PRIMARY KEY (queue, dedup_key)
          );
          CREATE TABLE sqs_event_source_mappings (
            uuid TEXT PRIMARY KEY,
            queue_arn TEXT NOT NULL,
            function_name TEXT NOT NULL,
            data TEXT NOT NULL
          );`,
  },
];

interface QueueRow {
  name: string;
  fifo: number;
  attributes: string;
  tags: string;
  created_at: number;
  modified_at: number;
}

interface MessageRow {
  seq: number;
  queue: string;
  message_id: string;
  body: string;
  md5_body: string;
  attributes: string | null;
  md5_attributes: string | null;
  system_attributes: string | null;
  sender_id: string;
  sent_at: number;
  visible_at: number;
  receive_count: number;
  first_receive_at: number | null;
  receipt: string | null;
  group_id: string | null;
  dedup_id: string | null;
}

function toMessage(r: MessageRow): StoredMessage {
  const m: StoredMessage = {
    seq: r.seq,
    queue: r.queue,
    messageId: r.message_id,
    body: r.body,
    md5OfBody: r.md5_body,
    senderId: r.sender_id,
    sentAt: r.sent_at,
    visibleAt: r.visible_at,
    receiveCount: r.receive_count,
  };
  if (r.attributes) m.attributes = JSON.parse(r.attributes) as Record<string, MessageAttributeValue>;
  if (r.md5_attributes) m.md5OfAttributes = r.md5_attributes;
  if (r.system_attributes) m.systemAttributes = JSON.parse(r.system_attributes) as Record<string, string>;
  if (r.first_receive_at !== null) m.firstReceiveAt = r.first_receive_at;
  if (r.receipt !== null) m.receipt = r.receipt;
  if (r.group_id !== null) m.groupId = r.group_id;
  if (r.dedup_id !== null) m.deduplicationId = r.dedup_id;
  return m;
}

export type NewRow = Omit<StoredMessage, 'seq' | 'receiveCount'>;

export interface Counts {
  visible: number;
  notVisible: number;
  delayed: number;
}

export class SqsStore {
  readonly transaction: <T>(fn: () => T) => T;
  private s;

  constructor(private db: Database.Database) {
    applyNamedMigrations(db, MIGRATIONS);
    this.transaction = <T>(fn: () => T): T => db.transaction(fn)();
    this.s = {
      queues: db.prepare<[], QueueRow>('SELECT * FROM sqs_queues ORDER BY name'),
      putQueue: db.prepare(
        `INSERT INTO sqs_queues (name, fifo, attributes, tags, created_at, modified_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(name) DO UPDATE SET attributes = excluded.attributes, tags = excluded.tags, modified_at = excluded.modified_at`,
      ),
      deleteQueue: db.prepare('DELETE FROM sqs_queues WHERE name = ?'),
      purge: db.prepare('DELETE FROM sqs_messages WHERE queue = ?'),
      purgeDedup: db.prepare('DELETE FROM sqs_dedup WHERE queue = ?'),
      insert: db.prepare(
        `INSERT INTO sqs_messages (queue, message_id, body, md5_body, attributes, md5_attributes, system_attributes,
           sender_id, sent_at, visible_at, group_id, dedup_id)
         VALUES (@queue, @messageId, @body, @md5OfBody, @attributes, @md5OfAttributes, @systemAttributes,
           @senderId, @sentAt, @visibleAt, @groupId, @deduplicationId)`,
      ),
      visible: db.prepare<[string, number, number, number], MessageRow>(
        `SELECT * FROM sqs_messages WHERE queue = ? AND visible_at <= ? AND sent_at > ?
         ORDER BY visible_at, seq LIMIT ?`,
      ),
      ordered: db.prepare<[string, number], MessageRow>(
        'SELECT * FROM sqs_messages WHERE queue = ? AND sent_at > ? ORDER BY seq',
      ),
      inflightGroups: db.prepare<[string, number], { group_id: string | null }>(
        'SELECT DISTINCT group_id FROM sqs_messages WHERE queue = ? AND visible_at > ? AND receive_count > 0',
      ),
      get: db.prepare<[number], MessageRow>('SELECT * FROM sqs_messages WHERE seq = ?'),
      markReceived: db.prepare(
        `UPDATE sqs_messages SET visible_at = ?, receipt = ?, receive_count = receive_count + 1,
           first_receive_at = COALESCE(first_receive_at, ?) WHERE seq = ?`,
      ),
      setVisibleAt: db.prepare('UPDATE sqs_messages SET visible_at = ? WHERE seq = ?'),
      release: db.prepare(
        `UPDATE sqs_messages SET visible_at = ?, receipt = NULL, receive_count = MAX(receive_count - 1, 0),
           first_receive_at = CASE WHEN receive_count <= 1 THEN NULL ELSE first_receive_at END
         WHERE seq = ? AND receipt = ?`,
      ),
      delete: db.prepare('DELETE FROM sqs_messages WHERE seq = ?'),
      move: db.prepare(
        `UPDATE sqs_messages SET queue = ?, visible_at = ?, receive_count = 0, first_receive_at = NULL,
           receipt = NULL, system_attributes = ? WHERE seq = ?`,
      ),
      count: db.prepare<[number, number, number, string, number], Counts>(
        `SELECT COALESCE(SUM(visible_at <= ?), 0) AS visible,
                COALESCE(SUM(visible_at > ? AND receive_count > 0), 0) AS notVisible,
                COALESCE(SUM(visible_at > ? AND receive_count = 0), 0) AS delayed
         FROM sqs_messages WHERE queue = ? AND sent_at > ?`,
      ),
      countVisible: db.prepare<[string, number], { n: number }>(
        'SELECT COUNT(*) AS n FROM sqs_messages WHERE queue = ? AND visible_at <= ?',
      ),
      nextVisible: db.prepare<[string, number], { t: number | null }>(
        'SELECT MIN(visible_at) AS t FROM sqs_messages WHERE queue = ? AND visible_at > ?',
      ),
      expire: db.prepare('DELETE FROM sqs_messages WHERE queue = ? AND sent_at <= ?'),
      getDedup: db.prepare<[string, string, number], { message_id: string; seq: number }>(
        'SELECT message_id, seq FROM sqs_dedup WHERE queue = ? AND dedup_key = ? AND expires_at > ?',
      ),
      putDedup: db.prepare(
        'INSERT OR REPLACE INTO sqs_dedup (queue, dedup_key, message_id, seq, expires_at) VALUES (?, ?, ?, ?, ?)',
      ),
      expireDedup: db.prepare('DELETE FROM sqs_dedup WHERE expires_at <= ?'),
      mappings: db.prepare<[], { data: string }>('SELECT data FROM sqs_event_source_mappings ORDER BY uuid'),
      putMapping: db.prepare(
        'INSERT OR REPLACE INTO sqs_event_source_mappings (uuid, queue_arn, function_name, data) VALUES (?, ?, ?, ?)',
      ),
      deleteMapping: db.prepare('DELETE FROM sqs_event_source_mappings WHERE uuid = ?'),
    };
  }

  // ---- queues

  loadQueues(): QueueRecord[] {
    return this.s.queues.all().map((r) => ({
      name: r.name,
      fifo: r.fifo === 1,
      attributes: JSON.parse(r.attributes) as Record<string, string>,
      tags: JSON.parse(r.tags) as Record<string, string>,
      createdAt: r.created_at,
      modifiedAt: r.modified_at,
    }));
  }

  putQueue(q: QueueRecord): void {
    this.s.putQueue.run(
      q.name,
      q.fifo ? 1 : 0,
      JSON.stringify(q.attributes),
      JSON.stringify(q.tags),
      q.createdAt,
      q.modifiedAt,
    );
  }

  deleteQueue(name: string): void {
    this.transaction(() => {
      this.s.deleteQueue.run(name);
      this.s.purge.run(name);
      this.s.purgeDedup.run(name);
    });
  }

  purge(name: string): number {
    return this.s.purge.run(name).changes;
  }

  // ---- messages

  /** Insert one message; returns its row id (the FIFO sequence). Call inside a transaction for batches. */
  insert(m: NewRow): number {
    const r = this.s.insert.run({
      queue: m.queue,
      messageId: m.messageId,
      body: m.body,
      md5OfBody: m.md5OfBody,
      attributes: m.attributes ? JSON.stringify(m.attributes) : null,
      md5OfAttributes: m.md5OfAttributes ?? null,
      systemAttributes: m.systemAttributes ? JSON.stringify(m.systemAttributes) : null,
      senderId: m.senderId,
      sentAt: m.sentAt,
      visibleAt: m.visibleAt,
      groupId: m.groupId ?? null,
      deduplicationId: m.deduplicationId ?? null,
    });
    return Number(r.lastInsertRowid);
  }

  /** Visible, unexpired messages of a standard queue, oldest visible first. */
  visible(queue: string, now: number, sentAfter: number, limit: number): StoredMessage[] {
    return this.s.visible.all(queue, now, sentAfter, limit).map(toMessage);
  }

  /** All unexpired messages of a queue in send order (FIFO selection walks this lazily). */
  *ordered(queue: string, sentAfter: number): Generator<StoredMessage> {
    for (const r of this.s.ordered.iterate(queue, sentAfter)) yield toMessage(r);
  }

  /** Message groups of a FIFO queue with a message in flight. */
  inflightGroups(queue: string, now: number): Set<string> {
    return new Set(this.s.inflightGroups.all(queue, now).map((r) => r.group_id ?? ''));
  }

  get(seq: number): StoredMessage | undefined {
    const r = this.s.get.get(seq);
    return r ? toMessage(r) : undefined;
  }

  markReceived(seq: number, visibleAt: number, receipt: string, now: number): void {
    this.s.markReceived.run(visibleAt, receipt, now, seq);
  }

  setVisibleAt(seq: number, visibleAt: number): void {
    this.s.setVisibleAt.run(visibleAt, seq);
  }

  /** Undo a receive (the message was never handed to a consumer): visible now, receive count restored. */
  release(seq: number, receipt: string, now: number): boolean {
    return this.s.release.run(now, seq, receipt).changes > 0;
  }

  delete(seq: number): boolean {
    return this.s.delete.run(seq).changes > 0;
  }

  /** Move a message to another queue (dead-letter redrive), as a fresh unreceived message. */
  move(seq: number, target: string, now: number, systemAttributes: Record<string, string>): void {
    this.s.move.run(target, now, JSON.stringify(systemAttributes), seq);
  }

  counts(queue: string, now: number, sentAfter: number): Counts {
    return this.s.count.get(now, now, now, queue, sentAfter)!;
  }

  countVisible(queue: string, now: number): number {
    return this.s.countVisible.get(queue, now)!.n;
  }

  /** When the next invisible message of the queue becomes visible (undefined: none waiting). */
  nextVisibleAt(queue: string, now: number): number | undefined {
    return this.s.nextVisible.get(queue, now)?.t ?? undefined;
  }

  expire(queue: string, sentAtOrBefore: number): number {
    return this.s.expire.run(queue, sentAtOrBefore).changes;
  }

  // ---- FIFO deduplication

  dedup(queue: string, key: string, now: number): { messageId: string; seq: number } | undefined {
    const r = this.s.getDedup.get(queue, key, now);
    return r ? { messageId: r.message_id, seq: r.seq } : undefined;
  }

  putDedup(queue: string, key: string, messageId: string, seq: number, expiresAt: number): void {
    this.s.putDedup.run(queue, key, messageId, seq, expiresAt);
  }

  expireDedup(now: number): number {
    return this.s.expireDedup.run(now).changes;
  }

  // ---- event source mappings (opaque JSON to this module)

  loadMappings<T>(): T[] {
    return this.s.mappings.all().map((r) => JSON.parse(r.data) as T);
  }

  putMapping(uuid: string, queueArn: string, functionName: string, data: unknown): void {
    this.s.putMapping.run(uuid, queueArn, functionName, JSON.stringify(data));
  }

  deleteMapping(uuid: string): void {
    this.s.deleteMapping.run(uuid);
  }
}
