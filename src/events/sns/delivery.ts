/**
 * The delivery worker: claims due rows of the per-subscription delivery queue, hands each to the
 * target of its protocol (targets.ts), and completes, retries (the subscription's retry policy) or
 * gives up on it (to the subscription's dead-letter queue if it has one, else the row stays with
 * status 'failed'). Claims of a killed server are released on start: deliveries are at least once.
 */
import type { Delivery, Protocol, SnsStore, StoredMessage, Subscription, Topic } from './store.ts';
import { httpRetryPolicy, managedRetryPolicy, retryDelaySeconds } from './retry-policy.ts';

export interface DeliveryJob {
  delivery: Delivery;
  sub: Subscription;
  topic: Topic;
  /** The published message (notifications only). */
  message?: StoredMessage;
}

export type Outcome = { ok: true } | { ok: false; retry: boolean; error: string };

export type DeliveryTarget = (job: DeliveryJob, signal: AbortSignal) => Promise<Outcome>;

export interface DeliveryWorkerOptions {
  store: SnsStore;
  targets: Record<Protocol, DeliveryTarget>;
  /** Called when a notification is given up; returns true if it went to a dead-letter queue. */
  deadLetter?: (job: DeliveryJob, error: string) => boolean;
  pollMs: number;
  retryUnitMs: number;
  concurrency: number;
  log?: (msg: string) => void;
}

export class DeliveryWorker {
  private inflight = new Set<Promise<void>>();
  private timer?: NodeJS.Timeout;
  private stopped = true;
  private abort = new AbortController();
  private lastPurge = 0;

  constructor(private o: DeliveryWorkerOptions) {}

  start(): void {
    const released = this.o.store.releaseClaims();
    if (released) this.o.log?.(`sns: ${released} delivery(ies) from a previous run returned to the queue`);
    this.stopped = false;
    this.abort = new AbortController();
    this.wake();
  }

  /** Stop claiming, abort HTTP requests in flight (their deliveries go back to the queue), wait. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.abort.abort();
    await Promise.allSettled([...this.inflight]);
  }

  /** Look for due deliveries now (after a publish or subscribe). */
  wake(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), 0);
  }

  private tick(): void {
    if (this.stopped) return;
    const now = Date.now();
    if (now - this.lastPurge > 60_000) {
      this.lastPurge = now;
      this.o.store.purgeDedup(now);
    }
    const room = this.o.concurrency - this.inflight.size;
    const due = room > 0 ? this.o.store.claimDue(now, room) : [];
    for (const d of due) {
      const p = this.process(d).catch((e: unknown) => {
        this.o.log?.(`sns: delivery ${d.id} failed unexpectedly: ${(e as Error).message}`);
        this.o.store.reschedule(d.id, Date.now() + this.o.retryUnitMs, d.attempts, String(e));
      });
      this.inflight.add(p);
      void p.finally(() => {
        this.inflight.delete(p);
        this.wake();
      });
    }
    if (!this.stopped) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => this.tick(), this.o.pollMs);
      this.timer.unref();
    }
  }

  private async process(d: Delivery): Promise<void> {
    const { store } = this.o;
    const sub = store.getSubscription(d.subscriptionArn);
    const topic = sub && store.getTopic(sub.topicArn);
    const message = d.messageId ? store.getMessage(d.messageId) : undefined;
    if (!sub || !topic || (d.kind === 'notification' && !message)) {
      store.complete(d.id); // unsubscribed or topic deleted meanwhile
      return;
    }
    const job: DeliveryJob = { delivery: d, sub, topic, message };
    const outcome = await this.o.targets[sub.protocol](job, this.abort.signal);
    if (outcome.ok) {
      store.complete(d.id);
      return;
    }
    if (this.stopped && this.abort.signal.aborted) {
      store.release(d.id);
      return;
    }
    const attempts = d.attempts + 1;
    const policy =
      sub.protocol === 'http' || sub.protocol === 'https'
        ? httpRetryPolicy(topic.attributes, sub.attributes)
        : managedRetryPolicy();
    const delay = outcome.retry ? retryDelaySeconds(policy, attempts) : undefined;
    if (delay !== undefined) {
      store.reschedule(d.id, Date.now() + Math.round(delay * this.o.retryUnitMs), attempts, outcome.error);
      return;
    }
    const reason = outcome.retry ? `retries exhausted: ${outcome.error}` : outcome.error;
    if (d.kind === 'notification' && this.o.deadLetter?.(job, reason)) {
      store.complete(d.id);
      return;
    }
    store.markFailed(d.id, attempts, reason);
    this.o.log?.(`sns: delivery of ${d.messageId ?? d.kind} to ${sub.arn} failed: ${reason}`);
  }
}
