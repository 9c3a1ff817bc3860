/**
 * SNS state in the embedded SQLite: topics, subscriptions, published messages, the per-subscription
 * delivery queue, FIFO deduplication and the signing key. A Publish commits its message and one
 * delivery row per matching subscription in one transaction before it answers.
 */
import type Database from 'better-sqlite3';
import { applyNamedMigrations } from '../../store/sqlite/db.ts';
import type { MessageAttributeValue } from '../contracts.ts';
import type { SigningMaterial } from './signing.ts';

const MIGRATIONS = [
  {
    id: 'sns-001-tables',
    sql: `CREATE TABLE sns_topics (
       arn TEXT PRIMARY KEY,
       name TEXT NOT NULL,
       attributes TEXT NOT NULL,
       seq INTEGER NOT NULL DEFAULT 0,
       subs_deleted INTEGER NOT NULL DEFAULT 0,
       created_at INTEGER NOT NULL
     );
     CREATE TABLE sns_subscriptions (
       arn TEXT PRIMARY KEY,
       topic_arn TEXT NOT NULL,
       protocol TEXT NOT NULL,
       endpoint TEXT NOT NULL,
       attributes TEXT NOT NULL,
       confirmed INTEGER NOT NULL,
       token TEXT,
       token_expires_at INTEGER,
       created_at INTEGER NOT NULL
     );
     CREATE INDEX sns_subs_topic ON sns_subscriptions(topic_arn);
     CREATE UNIQUE INDEX sns_subs_target ON sns_subscriptions(topic_arn, protocol, endpoint);
     CREATE TABLE sns_messages (
       id TEXT PRIMARY KEY,
       topic_arn TEXT NOT NULL,
       message TEXT NOT NULL,
       subject TEXT,
       attributes TEXT NOT NULL,
       structure TEXT,
       group_id TEXT,
       dedup_id TEXT,
       sequence TEXT,
       published_at INTEGER NOT NULL
     );
     CREATE TABLE sns_deliveries (
       id INTEGER PRIMARY KEY AUTOINCREMENT,
       kind TEXT NOT NULL,
       message_id TEXT,
       subscription_arn TEXT NOT NULL,
       group_id TEXT,
       attempts INTEGER NOT NULL DEFAULT 0,
       next_attempt_at INTEGER NOT NULL,
       claimed INTEGER NOT NULL DEFAULT 0,
       status TEXT NOT NULL DEFAULT 'pending',
       last_error TEXT,
       created_at INTEGER NOT NULL
     );
     CREATE INDEX sns_deliveries_due ON sns_deliveries(status, claimed, next_attempt_at);
     CREATE INDEX sns_deliveries_group ON sns_deliveries(subscription_arn, group_id, id);
     CREATE INDEX sns_deliveries_msg ON sns_deliveries(message_id);
     CREATE TABLE sns_dedup (
       topic_arn TEXT NOT NULL,
       dedup_id TEXT NOT NULL,
       message_id TEXT NOT NULL,
       sequence TEXT,
       expires_at INTEGER NOT NULL,
       PRIMARY KEY (topic_arn, dedup_id)
     );
     CREATE TABLE sns_signing (
       id INTEGER PRIMARY KEY CHECK (id = 1),
       private_key TEXT NOT NULL,
       certificate TEXT NOT NULL
     );`,
  },
];

export interface Topic {
  arn: string;
  name: string;
  attributes: Record<string, string>;
  subsDeleted: number;
  createdAt: number;
}

export type Protocol = 'lambda' | 'sqs' | 'http' | 'https';

export interface Subscription {
  arn: string;
  topicArn: string;
  protocol: Protocol;
  endpoint: string;
  attributes: Record<string, string>;
  confirmed: boolean;
  token: string | null;
  tokenExpiresAt: number | null;
  createdAt: number;
}

export interface StoredMessage {
  id: string;
  topicArn: string;
  message: string;
  subject: string | null;
  attributes: Record<string, MessageAttributeValue>;
  structure: 'json' | null;
  groupId: string | null;
  dedupId: string | null;
  sequence: string | null;
  publishedAt: number;
}

export interface Delivery {
  id: number;
  kind: 'notification' | 'confirmation';
  messageId: string | null;
  subscriptionArn: string;
  groupId: string | null;
  attempts: number;
  nextAttemptAt: number;
  status: 'pending' | 'failed';
  lastError: string | null;
  createdAt: number;
}

interface TopicRow {
  arn: string;
  name: string;
  attributes: string;
  subs_deleted: number;
  created_at: number;
}
interface SubRow {
  arn: string;
  topic_arn: string;
  protocol: string;
  endpoint: string;
  attributes: string;
  confirmed: number;
  token: string | null;
  token_expires_at: number | null;
  created_at: number;
}
interface MsgRow {
  id: string;
  topic_arn: string;
  message: string;
  subject: string | null;
  attributes: string;
  structure: string | null;
  group_id: string | null;
  dedup_id: string | null;
  sequence: string | null;
  published_at: number;
}
interface DeliveryRow {
  id: number;
  kind: string;
  message_id: string | null;
  subscription_arn: string;
  group_id: string | null;
  attempts: number;
  next_attempt_at: number;
  status: string;
  last_error: string | null;
  created_at: number;
}

const toTopic = (r: TopicRow): Topic => ({
  arn: r.arn,
  name: r.name,
  attributes: JSON.parse(r.attributes) as Record<string, string>,
  subsDeleted: r.subs_deleted,
  createdAt: r.created_at,
});
const toSub = (r: SubRow): Subscription => ({
  arn: r.arn,
  topicArn: r.topic_arn,
  protocol: r.protocol as Protocol,
  endpoint: r.endpoint,
  attributes: JSON.parse(r.attributes) as Record<string, string>,
  confirmed: r.confirmed === 1,
  token: r.token,
  tokenExpiresAt: r.token_expires_at,
  createdAt: r.created_at,
});
const toMsg = (r: MsgRow): StoredMessage => ({
  id: r.id,
  topicArn: r.topic_arn,
  message: r.message,
  subject: r.subject,
  attributes: JSON.parse(r.attributes) as Record<string, MessageAttributeValue>,
  structure: r.structure === 'json' ? 'json' : null,
  groupId: r.group_id,
  dedupId: r.dedup_id,
  sequence: r.sequence,
  publishedAt: r.published_at,
});
const toDelivery = (r: DeliveryRow): Delivery => ({
  id: r.id,
  kind: r.kind === 'confirmation' ? 'confirmation' : 'notification',
  messageId: r.message_id,
  subscriptionArn: r.subscription_arn,
  groupId: r.group_id,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  status: r.status === 'failed' ? 'failed' : 'pending',
  lastError: r.last_error,
  createdAt: r.created_at,
});

export class SnsStore {
  constructor(private db: Database.Database) {
    applyNamedMigrations(db, MIGRATIONS);
  }

  /** Run `fn` in one SQLite transaction. */
  tx<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  // ---- topics ----

  getTopic(arn: string): Topic | undefined {
    const r = this.db.prepare<[string], TopicRow>('SELECT * FROM sns_topics WHERE arn = ?').get(arn);
    return r && toTopic(r);
  }

  insertTopic(t: Topic): void {
    this.db
      .prepare('INSERT INTO sns_topics (arn, name, attributes, created_at) VALUES (?, ?, ?, ?)')
      .run(t.arn, t.name, JSON.stringify(t.attributes), t.createdAt);
  }

  setTopicAttributes(arn: string, attributes: Record<string, string>): void {
    this.db.prepare('UPDATE sns_topics SET attributes = ? WHERE arn = ?').run(JSON.stringify(attributes), arn);
  }

  /** Topics in ARN order after `after`. */
  listTopics(after: string | undefined, limit: number): Topic[] {
    return this.db
      .prepare<[string, number], TopicRow>('SELECT * FROM sns_topics WHERE arn > ? ORDER BY arn LIMIT ?')
      .all(after ?? '', limit)
      .map(toTopic);
  }

  /** Delete a topic with its subscriptions and their pending deliveries. */
  deleteTopic(arn: string): boolean {
    return this.tx(() => {
      const n = this.db.prepare('DELETE FROM sns_topics WHERE arn = ?').run(arn).changes;
      this.db
        .prepare(
          'DELETE FROM sns_deliveries WHERE subscription_arn IN (SELECT arn FROM sns_subscriptions WHERE topic_arn = ?)',
        )
        .run(arn);
      this.db.prepare('DELETE FROM sns_subscriptions WHERE topic_arn = ?').run(arn);
      this.db.prepare('DELETE FROM sns_dedup WHERE topic_arn = ?').run(arn);
      this.deleteOrphanMessages();
      return n > 0;
    });
  }

  /** Next FIFO sequence number of a topic (call inside the publish transaction). */
  nextSequence(arn: string): string {
    const r = this.db
      .prepare<[string], { seq: number }>('UPDATE sns_topics SET seq = seq + 1 WHERE arn = ? RETURNING seq')
      .get(arn);
    return (10_000_000_000_000_000_000n + BigInt(r?.seq ?? 0)).toString();
  }

  subscriptionCounts(topicArn: string): { confirmed: number; pending: number } {
    const r = this.db
      .prepare<[string], { confirmed: number | null; pending: number | null }>(
        'SELECT sum(confirmed) AS confirmed, sum(1 - confirmed) AS pending FROM sns_subscriptions WHERE topic_arn = ?',
      )
      .get(topicArn);
    return { confirmed: r?.confirmed ?? 0, pending: r?.pending ?? 0 };
  }

  // ---- subscriptions ----

  getSubscription(arn: string): Subscription | undefined {
    const r = this.db.prepare<[string], SubRow>('SELECT * FROM sns_subscriptions WHERE arn = ?').get(arn);
    return r && toSub(r);
  }

  findSubscription(topicArn: string, protocol: string, endpoint: string): Subscription | undefined {
    const r = this.db
      .prepare<[string, string, string], SubRow>(
        'SELECT * FROM sns_subscriptions WHERE topic_arn = ? AND protocol = ? AND endpoint = ?',
      )
      .get(topicArn, protocol, endpoint);
    return r && toSub(r);
  }

  insertSubscription(s: Subscription): void {
    this.db
      .prepare(
        `INSERT INTO sns_subscriptions (arn, topic_arn, protocol, endpoint, attributes, confirmed, token, token_expires_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        s.arn,
        s.topicArn,
        s.protocol,
        s.endpoint,
        JSON.stringify(s.attributes),
        s.confirmed ? 1 : 0,
        s.token,
        s.tokenExpiresAt,
        s.createdAt,
      );
  }

  setSubscriptionAttributes(arn: string, attributes: Record<string, string>): void {
    this.db.prepare('UPDATE sns_subscriptions SET attributes = ? WHERE arn = ?').run(JSON.stringify(attributes), arn);
  }

  setToken(arn: string, token: string, expiresAt: number): void {
    this.db
      .prepare('UPDATE sns_subscriptions SET token = ?, token_expires_at = ? WHERE arn = ?')
      .run(token, expiresAt, arn);
  }

  confirm(arn: string, attributes: Record<string, string>): void {
    this.db
      .prepare('UPDATE sns_subscriptions SET confirmed = 1, attributes = ? WHERE arn = ?')
      .run(JSON.stringify(attributes), arn);
  }

  /** The subscription of a topic that was sent this confirmation token. */
  findByToken(topicArn: string, token: string): Subscription | undefined {
    const r = this.db
      .prepare<[string, string], SubRow>('SELECT * FROM sns_subscriptions WHERE topic_arn = ? AND token = ?')
      .get(topicArn, token);
    return r && toSub(r);
  }

  /** Delete a subscription and its pending deliveries. */
  deleteSubscription(arn: string): boolean {
    return this.tx(() => {
      const sub = this.getSubscription(arn);
      if (!sub) return false;
      this.db.prepare('DELETE FROM sns_subscriptions WHERE arn = ?').run(arn);
      this.db.prepare('DELETE FROM sns_deliveries WHERE subscription_arn = ?').run(arn);
      this.db.prepare('UPDATE sns_topics SET subs_deleted = subs_deleted + 1 WHERE arn = ?').run(sub.topicArn);
      this.deleteOrphanMessages();
      return true;
    });
  }

  subscriptionsOf(topicArn: string): Subscription[] {
    return this.db
      .prepare<[string], SubRow>('SELECT * FROM sns_subscriptions WHERE topic_arn = ? ORDER BY created_at, arn')
      .all(topicArn)
      .map(toSub);
  }

  /** Subscriptions in ARN order after `after`, optionally of one topic. */
  listSubscriptions(after: string | undefined, limit: number, topicArn?: string): Subscription[] {
    const rows = topicArn
      ? this.db
          .prepare<[string, string, number], SubRow>(
            'SELECT * FROM sns_subscriptions WHERE topic_arn = ? AND arn > ? ORDER BY arn LIMIT ?',
          )
          .all(topicArn, after ?? '', limit)
      : this.db
          .prepare<[string, number], SubRow>('SELECT * FROM sns_subscriptions WHERE arn > ? ORDER BY arn LIMIT ?')
          .all(after ?? '', limit);
    return rows.map(toSub);
  }

  // ---- messages and deliveries ----

  insertMessage(m: StoredMessage): void {
    this.db
      .prepare(
        `INSERT INTO sns_messages (id, topic_arn, message, subject, attributes, structure, group_id, dedup_id, sequence, published_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        m.id,
        m.topicArn,
        m.message,
        m.subject,
        JSON.stringify(m.attributes),
        m.structure,
        m.groupId,
        m.dedupId,
        m.sequence,
        m.publishedAt,
      );
  }

  getMessage(id: string): StoredMessage | undefined {
    const r = this.db.prepare<[string], MsgRow>('SELECT * FROM sns_messages WHERE id = ?').get(id);
    return r && toMsg(r);
  }

  enqueueDelivery(d: {
    kind: Delivery['kind'];
    messageId: string | null;
    subscriptionArn: string;
    groupId: string | null;
    at: number;
  }): void {
    this.db
      .prepare(
        `INSERT INTO sns_deliveries (kind, message_id, subscription_arn, group_id, next_attempt_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(d.kind, d.messageId, d.subscriptionArn, d.groupId, d.at, d.at);
  }

  /**
   * Claim due deliveries. Within a FIFO message group of a subscription only the oldest pending
   * delivery is eligible, so groups are delivered in order.
   */
  claimDue(now: number, limit: number): Delivery[] {
    return this.tx(() => {
      const rows = this.db
        .prepare<[number, number], DeliveryRow>(
          `SELECT * FROM sns_deliveries d
           WHERE d.status = 'pending' AND d.claimed = 0 AND d.next_attempt_at <= ?
             AND (d.group_id IS NULL OR NOT EXISTS (
               SELECT 1 FROM sns_deliveries e
               WHERE e.subscription_arn = d.subscription_arn AND e.group_id = d.group_id
                 AND e.status = 'pending' AND e.id < d.id))
           ORDER BY d.next_attempt_at, d.id LIMIT ?`,
        )
        .all(now, limit);
      const claim = this.db.prepare('UPDATE sns_deliveries SET claimed = 1 WHERE id = ?');
      for (const r of rows) claim.run(r.id);
      return rows.map(toDelivery);
    });
  }

  /** The delivery is done: remove it, and its message once no delivery needs it. */
  complete(id: number): void {
    this.tx(() => {
      const r = this.db
        .prepare<[number], { message_id: string | null }>(
          'DELETE FROM sns_deliveries WHERE id = ? RETURNING message_id',
        )
        .get(id);
      if (r?.message_id) {
        this.db
          .prepare(
            'DELETE FROM sns_messages WHERE id = ? AND NOT EXISTS (SELECT 1 FROM sns_deliveries WHERE message_id = ?)',
          )
          .run(r.message_id, r.message_id);
      }
    });
  }

  reschedule(id: number, nextAttemptAt: number, attempts: number, error: string | null): void {
    this.db
      .prepare('UPDATE sns_deliveries SET claimed = 0, next_attempt_at = ?, attempts = ?, last_error = ? WHERE id = ?')
      .run(nextAttemptAt, attempts, error, id);
  }

  /** Give the claim back untouched (shutdown mid-delivery). */
  release(id: number): void {
    this.db.prepare('UPDATE sns_deliveries SET claimed = 0 WHERE id = ?').run(id);
  }

  /** Retries exhausted or a permanent error: keep the row, out of the queue, for inspection. */
  markFailed(id: number, attempts: number, error: string): void {
    this.db
      .prepare(`UPDATE sns_deliveries SET claimed = 0, status = 'failed', attempts = ?, last_error = ? WHERE id = ?`)
      .run(attempts, error, id);
  }

  releaseClaims(): number {
    return this.db.prepare('UPDATE sns_deliveries SET claimed = 0 WHERE claimed = 1').run().changes;
  }

  listDeliveries(filter: { status?: Delivery['status']; subscriptionArn?: string } = {}): Delivery[] {
    return this.db
      .prepare<[string | null, string | null, string | null, string | null], DeliveryRow>(
        `SELECT * FROM sns_deliveries WHERE (? IS NULL OR status = ?) AND (? IS NULL OR subscription_arn = ?) ORDER BY id`,
      )
      .all(filter.status ?? null, filter.status ?? null, filter.subscriptionArn ?? null, filter.subscriptionArn ?? null)
      .map(toDelivery);
  }

  private deleteOrphanMessages(): void {
    this.db
      .prepare(
        'DELETE FROM sns_messages WHERE id NOT IN (SELECT message_id FROM sns_deliveries WHERE message_id IS NOT NULL)',
      )
      .run();
  }

  // ---- FIFO deduplication ----

  findDedup(
    topicArn: string,
    dedupId: string,
    now: number,
  ): { messageId: string; sequence: string | null } | undefined {
    const r = this.db
      .prepare<[string, string, number], { message_id: string; sequence: string | null }>(
        'SELECT message_id, sequence FROM sns_dedup WHERE topic_arn = ? AND dedup_id = ? AND expires_at > ?',
      )
      .get(topicArn, dedupId, now);
    return r && { messageId: r.message_id, sequence: r.sequence };
  }

  putDedup(topicArn: string, dedupId: string, messageId: string, sequence: string | null, expiresAt: number): void {
    this.db
      .prepare(
        'INSERT OR REPLACE INTO sns_dedup (topic_arn, dedup_id, message_id, sequence, expires_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(topicArn, dedupId, messageId, sequence, expiresAt);
  }

  purgeDedup(now: number): void {
    this.db.prepare('DELETE FROM sns_dedup WHERE expires_at <= ?').run(now);
  }

  // ---- signing key ----

  signingMaterial(create: () => SigningMaterial): SigningMaterial {
    const r = this.db
      .prepare<[], { private_key: string; certificate: string }>('SELECT private_key, certificate FROM sns_signing')
      .get();
    if (r) return { privateKeyPem: r.private_key, certificatePem: r.certificate };
    const m = create();
    this.db
      .prepare('INSERT OR IGNORE INTO sns_signing (id, private_key, certificate) VALUES (1, ?, ?)')
      .run(m.privateKeyPem, m.certificatePem);
    return this.signingMaterial(() => m);
  }
}
