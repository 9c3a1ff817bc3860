/**
 * Pollers of the event source mappings: each enabled mapping has one runner with 1..N workers.
 * A worker long-polls the queue, gathers a batch (BatchSize, MaximumBatchingWindowInSeconds, 6 MB),
 * invokes the function synchronously with Lambda's SQS event, then deletes what succeeded: the
 * whole batch, or all but the reported batchItemFailures. Function errors leave the messages to
 * reappear after the visibility timeout (and reach the dead-letter queue by maxReceiveCount).
 * Throttles never cost a message: the batch is put back as if never received, and the worker
 * backs off. Workers are added while batches come back full, up to the mapping's maximum
 * concurrency, and extra workers leave when the queue is empty.
 */
import { isGustError } from '../../errors.ts';
import type { Invoker } from '../../invoke/invoker.ts';
import { recordSize, reportedFailures, sqsRecord } from './event-record.ts';
import { DEFAULT_MAXIMUM_CONCURRENCY, type MappingRecord } from './mappings.ts';
import type { ReceivedMessage } from './model.ts';
import { nameFromArn } from './names.ts';
import type { QueueEngine } from './queues.ts';

/** Stay below Lambda's 6 MB synchronous payload limit. */
const MAX_BATCH_BYTES = 6 * 1024 * 1024 - 64 * 1024;
const MAX_BACKOFF_MS = 2000;

export interface PollerDeps {
  engine: QueueEngine;
  invoker: Pick<Invoker, 'invoke'>;
  /** Whether the function could start an invocation now (concurrency). */
  canInvoke(functionName: string): boolean;
  region: string;
  log(msg: string): void;
}

export class MappingPollers {
  private runners = new Map<string, MappingRunner>();
  private started = false;

  constructor(private d: PollerDeps) {}

  start(mappings: MappingRecord[]): void {
    this.started = true;
    for (const m of mappings) this.apply(m.uuid, m);
  }

  /** A mapping was created, changed or deleted (undefined): restart its runner. */
  apply(uuid: string, m: MappingRecord | undefined): void {
    if (!this.started) return;
    const old = this.runners.get(uuid);
    this.runners.delete(uuid);
    const next = m?.enabled ? new MappingRunner(m, this.d) : undefined;
    if (next) this.runners.set(uuid, next);
    void (async () => {
      await old?.stop();
      // Started only after the old runner has put back what it held.
      if (next && this.runners.get(uuid) === next) next.start();
    })();
  }

  async stop(): Promise<void> {
    this.started = false;
    const all = [...this.runners.values()];
    this.runners.clear();
    await Promise.allSettled(all.map((r) => r.stop()));
  }
}

class MappingRunner {
  private aborter = new AbortController();
  private tasks = new Set<Promise<void>>();
  private workers = 0;
  private stopped = false;
  private queue: string;
  private problem?: string;

  constructor(
    private m: MappingRecord,
    private d: PollerDeps,
  ) {
    this.queue = nameFromArn(m.queueArn)!;
  }

  private get maxWorkers(): number {
    return this.m.maximumConcurrency ?? DEFAULT_MAXIMUM_CONCURRENCY;
  }

  start(): void {
    if (!this.stopped) this.spawn(true);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.aborter.abort();
    while (this.tasks.size) await Promise.allSettled([...this.tasks]);
  }

  private spawn(primary: boolean): void {
    this.workers++;
    const p = this.work(primary)
      .catch((e: unknown) => this.d.log(`sqs mapping ${this.m.uuid}: worker failed: ${(e as Error).message}`))
      .finally(() => {
        this.workers--;
        this.tasks.delete(p);
        // The primary worker only ends on stop; if anything else ended it, start over.
        if (primary && !this.stopped) setTimeout(() => this.start(), 1000).unref();
      });
    this.tasks.add(p);
  }

  private async work(primary: boolean): Promise<void> {
    const signal = this.aborter.signal;
    let backoff = 0;
    while (!signal.aborted) {
      if (backoff) await sleep(backoff, signal);
      if (signal.aborted) return;
      if (!this.d.canInvoke(this.m.functionName)) {
        // Throttled (e.g. reserved concurrency 0): leave the messages in the queue.
        backoff = nextBackoff(backoff);
        continue;
      }
      let batch: ReceivedMessage[];
      try {
        batch = await this.collect(primary, signal);
      } catch (e) {
        this.report(`receive failed: ${(e as Error).message}`);
        backoff = Math.max(1000, nextBackoff(backoff));
        continue;
      }
      if (signal.aborted) {
        this.d.engine.release(this.queue, batch);
        return;
      }
      if (batch.length === 0) {
        if (!primary) return; // scale down
        backoff = 0;
        continue;
      }
      if (batch.length >= Math.min(10, this.m.batchSize) && this.workers < this.maxWorkers) this.spawn(false);
      backoff = await this.process(batch);
    }
  }

  /** Gather one batch: a long poll, then more within the batching window, up to BatchSize and 6 MB. */
  private async collect(primary: boolean, signal: AbortSignal): Promise<ReceivedMessage[]> {
    const { engine } = this.d;
    const batch = await engine.receive(this.queue, {
      max: Math.min(10, this.m.batchSize),
      waitSeconds: primary ? 20 : 1,
      signal,
    });
    if (!batch.length) return batch;
    const deadline = Date.now() + this.m.maximumBatchingWindowInSeconds * 1000;
    let bytes = batch.reduce((n, x) => n + recordSize(x), 0);
    while (batch.length < this.m.batchSize && bytes < MAX_BATCH_BYTES && !signal.aborted) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      const more = await engine.receive(this.queue, {
        max: Math.min(10, this.m.batchSize - batch.length),
        waitSeconds: left / 1000,
        signal,
      });
      batch.push(...more);
      bytes += more.reduce((n, x) => n + recordSize(x), 0);
    }
    // Over the payload limit: keep what fits (at least one), put the rest back.
    let size = 0;
    const keep = batch.findIndex((x, i) => (size += recordSize(x)) > MAX_BATCH_BYTES && i > 0);
    if (keep > 0) engine.release(this.queue, batch.splice(keep));
    return batch;
  }

  /** Invoke the function with one batch; returns the back-off before the next receive. */
  private async process(batch: ReceivedMessage[]): Promise<number> {
    const { engine, invoker, region } = this.d;
    const payload = Buffer.from(
      JSON.stringify({ Records: batch.map((x) => sqsRecord(x, this.m.queueArn, region)) }),
      'utf8',
    );
    let result;
    try {
      result = await invoker.invoke({ functionName: this.m.functionName, qualifier: this.m.qualifier, payload });
    } catch (e) {
      if (isGustError(e) && (e.code === 'GUST_THROTTLED' || e.code === 'GUST_SERVICE_STOPPING')) {
        engine.release(this.queue, batch);
        return e.code === 'GUST_THROTTLED' ? 100 : 0;
      }
      if (isGustError(e) && e.code === 'GUST_FUNCTION_NOT_FOUND') {
        engine.release(this.queue, batch);
        this.report(`function not found: ${e.message}`);
        return 5000;
      }
      // Anything else counts as a failed invocation: the messages come back after the timeout.
      this.report(`invoke failed: ${(e as Error).message}`);
      return 1000;
    }
    this.problem = undefined;
    if (result.functionError) return 0;
    if (!this.m.reportBatchItemFailures) {
      engine.deleteReceived(this.queue, batch);
      return 0;
    }
    const failed = reportedFailures(result.payload, new Set(batch.map((x) => x.messageId)));
    if (failed === 'all') {
      this.report('the function returned a malformed batchItemFailures response: the whole batch failed');
      return 0;
    }
    engine.deleteReceived(
      this.queue,
      batch.filter((x) => !failed.has(x.messageId)),
    );
    return 0;
  }

  private report(problem: string): void {
    if (problem !== this.problem) this.d.log(`sqs mapping ${this.m.uuid} (${this.m.functionName}): ${problem}`);
    this.problem = problem;
  }
}

function nextBackoff(ms: number): number {
  return Math.min(MAX_BACKOFF_MS, ms ? ms * 2 : 50);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
