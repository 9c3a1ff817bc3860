/**
 * Asynchronous invocation (InvocationType: Event). An accepted event is committed to the durable
 * queue (SQLite) before the 202 is sent. A poller claims due events as concurrency allows and
 * invokes them; function errors are retried (MaximumRetryAttempts, with backoff), throttles wait in
 * the queue without using an attempt, events older than MaximumEventAgeInSeconds expire. Each event
 * ends in success (OnSuccess destination), or in its OnFailure destination, or in Gust's
 * dead-letter store with its reason: nothing is dropped. Claims left by a killed server are
 * released on start, so every event is processed at least once.
 */
import { randomUUID } from 'node:crypto';
import type { FunctionSettingsService } from '../control/function-settings.ts';
import type { AsyncEvent, DeadLetter, EventInvokeConfig, FunctionRecord } from '../control/model.ts';
import { parseFunctionRef } from '../control/names.ts';
import type { Registry } from '../control/registry.ts';
import { GustError, isGustError } from '../errors.ts';
import type { ConcurrencyGate } from '../placement/concurrency.ts';
import type { AsyncQueueStore } from '../store/types.ts';
import type { DestinationRegistry } from './destinations.ts';
import type { InvokeResult, Invoker } from './invoker.ts';

/** Lambda's asynchronous payload limit (1 MB since 2025). */
export const MAX_ASYNC_PAYLOAD = 1024 * 1024;

export interface AsyncQueueOptions {
  store: AsyncQueueStore;
  registry: Registry;
  settings: FunctionSettingsService;
  invoker: Invoker;
  gate: ConcurrencyGate;
  destinations: DestinationRegistry;
  /** Delay before retry n is n × this (Lambda: 1 min, then 2 min). */
  retryBaseMs: number;
  /** First delay after a throttle; it grows with the event's age, up to 5 minutes. */
  throttleBaseMs: number;
  pollMs: number;
  log?: (msg: string) => void;
  /** Counts for metrics (AWS's AsyncEventsReceived, AsyncEventsDropped, DeadLetterErrors, DestinationDeliveryFailures). */
  onEvent?: (functionName: string, event: AsyncEventMetric) => void;
}

export type AsyncEventMetric = 'received' | 'dropped' | 'dead_letter_error' | 'destination_delivery_failure';

type Condition = 'Success' | 'RetriesExhausted' | 'EventAgeExceeded';

export class AsyncQueue {
  private inflight = new Set<Promise<void>>();
  private timer?: NodeJS.Timeout;
  private stopped = true;
  private ticking = false;

  constructor(private o: AsyncQueueOptions) {}

  /** Durably accept an event; returns its request id. Throws for unknown functions or large payloads. */
  enqueue(functionName: string, qualifier: string | undefined, payload: Buffer): string {
    if (payload.length > MAX_ASYNC_PAYLOAD) {
      throw new GustError(
        'GUST_REQUEST_TOO_LARGE',
        `Request must be smaller than ${MAX_ASYNC_PAYLOAD} bytes for the InvokeFunction operation`,
      );
    }
    const rec = this.o.registry.require(functionName, this.o.registry.arn(functionName, qualifier));
    this.o.registry.resolveVersion(rec, qualifier);
    const id = randomUUID();
    const now = Date.now();
    this.o.store.enqueue({
      id,
      functionName,
      qualifier: qualifier ?? null,
      payload: payload.length ? payload : Buffer.from('{}'),
      enqueuedAt: now,
      attempts: 0,
      nextAttemptAt: now,
      lastError: null,
    });
    this.o.onEvent?.(functionName, 'received');
    this.wake();
    return id;
  }

  start(): void {
    const released = this.o.store.releaseClaims();
    if (released) this.o.log?.(`async queue: ${released} event(s) from a previous run returned to the queue`);
    this.stopped = false;
    this.wake();
  }

  /** Stop claiming; wait for events in progress (they finish or go back to the queue). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.allSettled([...this.inflight]);
  }

  depth(functionName?: string): number {
    return this.o.store.depth(functionName);
  }

  private wake(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), 0);
  }

  private tick(): void {
    if (this.stopped || this.ticking) return;
    this.ticking = true;
    try {
      // Leave events of functions whose concurrency is all busy in the queue: they are claimed
      // when a slot frees (every finished invocation wakes the poller). Functions with reserved
      // concurrency 0 are still claimed, so their events age out to a destination.
      const room = Math.min(100, this.o.gate.accountLimit - this.o.gate.current);
      const sat = this.o.gate.saturation();
      const events =
        room > 0
          ? this.o.store.claimDue(
              Date.now(),
              room,
              sat.unreservedFull ? { only: sat.otherReserved } : { skip: sat.busyReserved },
            )
          : [];
      for (const ev of events) {
        // Busy now (its slots filled earlier in this batch): back to the queue untouched, no backoff.
        if (!this.o.gate.canAcquire(ev.functionName) && !this.o.gate.disabled(ev.functionName)) {
          this.o.store.reschedule(ev.id, ev.nextAttemptAt, ev.attempts, ev.lastError);
          continue;
        }
        const p = this.process(ev).catch((e: unknown) => {
          this.o.log?.(`async queue: event ${ev.id} failed unexpectedly: ${(e as Error).message}`);
          this.o.store.reschedule(ev.id, Date.now() + this.o.retryBaseMs, ev.attempts, String(e));
        });
        this.inflight.add(p);
        void p.finally(() => {
          this.inflight.delete(p);
          this.wake();
        });
      }
    } finally {
      this.ticking = false;
    }
    if (!this.stopped) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => this.tick(), this.o.pollMs);
      this.timer.unref();
    }
  }

  private async process(ev: AsyncEvent): Promise<void> {
    const { registry, settings, store } = this.o;
    const rec = registry.get(ev.functionName);
    if (!rec) {
      this.deadLetter(ev, 'FunctionDeleted', 'the function was deleted before the event was processed');
      return;
    }
    const cfg = settings.effectiveEventConfig(rec, ev.qualifier);
    if (Date.now() - ev.enqueuedAt > cfg.maximumEventAgeInSeconds * 1000) {
      await this.fail(rec, ev, cfg, 'EventAgeExceeded', undefined);
      return;
    }
    let result: InvokeResult;
    try {
      result = await this.o.invoker.invoke({
        functionName: ev.functionName,
        qualifier: ev.qualifier ?? undefined,
        payload: ev.payload,
        requestId: ev.id,
        async: true,
        trace: { enqueuedAt: ev.enqueuedAt, attempt: ev.attempts + 1, trigger: 'pubsub' },
      });
    } catch (e) {
      // A throttled attempt is recorded by the invoker (Throttles metric, ledger) and waits here.
      if (isGustError(e) && e.code === 'GUST_THROTTLED') {
        store.reschedule(ev.id, this.throttleRetryAt(ev, cfg), ev.attempts, 'throttled');
      } else if (isGustError(e) && e.code === 'GUST_FUNCTION_NOT_FOUND') {
        this.deadLetter(ev, 'FunctionDeleted', e.message);
      } else {
        store.reschedule(ev.id, Date.now() + this.o.retryBaseMs, ev.attempts, (e as Error).message);
      }
      return;
    }
    const attempts = ev.attempts + 1;
    if (!result.functionError) {
      await this.finish(rec, { ...ev, attempts }, cfg, 'Success', result);
      return;
    }
    if (attempts <= cfg.maximumRetryAttempts) {
      store.reschedule(ev.id, Date.now() + this.o.retryBaseMs * attempts, attempts, result.errorType ?? 'Unhandled');
      return;
    }
    await this.fail(rec, { ...ev, attempts }, cfg, 'RetriesExhausted', result);
  }

  /** Throttled: back off with the event's age (up to 5 min), but look again when it would expire. */
  private throttleRetryAt(ev: AsyncEvent, cfg: EventInvokeConfig): number {
    const now = Date.now();
    const delay = Math.min(300_000, Math.max(this.o.throttleBaseMs, Math.floor((now - ev.enqueuedAt) / 2)));
    return Math.min(now + delay, ev.enqueuedAt + cfg.maximumEventAgeInSeconds * 1000 + 1);
  }

  private async fail(
    rec: FunctionRecord,
    ev: AsyncEvent,
    cfg: EventInvokeConfig,
    condition: Condition,
    result?: InvokeResult,
  ): Promise<void> {
    // The function's dead-letter queue (DeadLetterConfig) gets the event itself, besides any
    // OnFailure destination; with neither, the event stays in Gust's dead-letter store.
    this.o.onEvent?.(ev.functionName, 'dropped');
    const toDlq = await this.sendToDeadLetterQueue(rec, ev, condition, result);
    if (cfg.onFailure) {
      await this.finish(rec, ev, cfg, condition, result);
      return;
    }
    if (toDlq) {
      this.o.store.complete(ev.id, []);
      return;
    }
    const error = result?.errorType ?? (condition === 'EventAgeExceeded' ? 'maximum event age exceeded' : null);
    this.deadLetter(ev, condition as DeadLetter['condition'], error);
  }

  /**
   * Lambda's DLQ message: the original event as the body, with RequestID, ErrorCode (the 3-digit
   * HTTP status of the last attempt: 200 for a function error) and ErrorMessage (≤ 1 KB).
   * Returns whether a queue or topic took it.
   */
  private async sendToDeadLetterQueue(
    rec: FunctionRecord,
    ev: AsyncEvent,
    condition: Condition,
    result?: InvokeResult,
  ): Promise<boolean> {
    let arn: string | undefined;
    try {
      arn = this.o.registry.resolveVersion(
        rec,
        result?.executedVersion ?? ev.qualifier ?? undefined,
      ).deadLetterTargetArn;
    } catch {
      arn = rec.latest.deadLetterTargetArn; // the version is gone: the function's current setting
    }
    const deliver = arn ? this.o.destinations.deliverer(arn) : undefined;
    if (!arn || !deliver) return false;
    const code = result ? '200' : ev.lastError === 'throttled' ? '429' : '500';
    const message = result
      ? errorMessageOf(result)
      : condition === 'EventAgeExceeded'
        ? `Event age exceeded the maximum (last error: ${ev.lastError ?? 'none'})`
        : (ev.lastError ?? condition);
    try {
      await deliver(arn, {
        body: ev.payload.toString('utf8'),
        attributes: {
          RequestID: { DataType: 'String', StringValue: ev.id },
          ErrorCode: { DataType: 'Number', StringValue: code },
          ErrorMessage: { DataType: 'String', StringValue: truncateUtf8(message, 1024) || condition },
        },
        groupId: messageGroupOf(this.o.registry.arn(rec.name)),
        deduplicationId: `${ev.id}-dlq`,
      });
      return true;
    } catch (e) {
      this.o.onEvent?.(ev.functionName, 'dead_letter_error');
      this.o.log?.(
        `async queue: event ${ev.id} could not be sent to the dead-letter queue ${arn}: ${(e as Error).message}`,
      );
      return false;
    }
  }

  /** Complete the event, delivering the invocation record to the destination for its outcome. */
  private async finish(
    rec: FunctionRecord,
    ev: AsyncEvent,
    cfg: EventInvokeConfig,
    condition: Condition,
    result?: InvokeResult,
  ): Promise<void> {
    const destination = condition === 'Success' ? cfg.onSuccess : cfg.onFailure;
    const followUps: AsyncEvent[] = [];
    const deliver =
      destination && !this.o.destinations.isFunction(destination)
        ? this.o.destinations.deliverer(destination)
        : undefined;
    if (destination && deliver) {
      // Queue/topic destination: deliver first (durable there), then complete. At least once.
      const record = this.invocationRecord(rec, ev, condition, result);
      try {
        await deliver(destination, {
          body: JSON.stringify(record),
          groupId: messageGroupOf(this.o.registry.arn(rec.name, ev.qualifier ?? '$LATEST')),
          deduplicationId: `${ev.id}-${condition}`,
        });
      } catch (e) {
        // A service shutting down: the event is tried again later (at least once).
        if (isGustError(e) && e.code === 'GUST_SERVICE_STOPPING') throw e;
        // The queue or topic is gone: as on AWS the record is not delivered (DestinationDeliveryFailures),
        // and the function is not run again. A failed event is kept in Gust's dead-letter store.
        this.o.onEvent?.(ev.functionName, 'destination_delivery_failure');
        this.o.log?.(`async queue: event ${ev.id}: destination ${destination} failed: ${(e as Error).message}`);
        if (condition !== 'Success') {
          this.deadLetter(ev, condition, `destination ${destination} failed: ${(e as Error).message}`);
          return;
        }
      }
    } else if (destination) {
      const record = this.invocationRecord(rec, ev, condition, result);
      const target = parseFunctionRef(destination);
      const now = Date.now();
      followUps.push({
        id: randomUUID(),
        functionName: target.name,
        qualifier: target.qualifier ?? null,
        payload: Buffer.from(JSON.stringify(record)),
        enqueuedAt: now,
        attempts: 0,
        nextAttemptAt: now,
        lastError: null,
      });
    }
    this.o.store.complete(ev.id, followUps);
    if (followUps.length) this.wake();
  }

  private deadLetter(ev: AsyncEvent, condition: DeadLetter['condition'], error: string | null): void {
    this.o.store.deadLetter(ev.id, {
      id: ev.id,
      functionName: ev.functionName,
      qualifier: ev.qualifier,
      payload: ev.payload,
      enqueuedAt: ev.enqueuedAt,
      failedAt: Date.now(),
      attempts: ev.attempts,
      condition,
      error,
    });
    this.o.log?.(
      `async queue: event ${ev.id} for ${ev.functionName} dead-lettered (${condition}${error ? `: ${error}` : ''})`,
    );
  }

  /** Lambda's invocation record, as destinations receive it. */
  private invocationRecord(rec: FunctionRecord, ev: AsyncEvent, condition: Condition, result?: InvokeResult): unknown {
    const parse = (b: Buffer): unknown => {
      try {
        return JSON.parse(b.toString('utf8'));
      } catch {
        return b.toString('utf8');
      }
    };
    const record: Record<string, unknown> = {
      version: '1.0',
      timestamp: new Date().toISOString(),
      requestContext: {
        requestId: ev.id,
        functionArn: this.o.registry.arn(rec.name, ev.qualifier ?? '$LATEST'),
        condition,
        approximateInvokeCount: ev.attempts,
      },
      requestPayload: parse(ev.payload),
    };
    if (result) {
      record.responseContext = {
        statusCode: 200,
        executedVersion: result.executedVersion,
        ...(result.functionError ? { functionError: result.functionError } : {}),
      };
      record.responsePayload = parse(result.payload);
    }
    return record;
  }
}

/** A FIFO message group id from an ARN (printable ASCII, ≤ 128 characters). */
function messageGroupOf(arn: string): string {
  return arn.replace(/[^\x21-\x7e]/g, '').slice(0, 128);
}

/** The errorMessage of a function error's payload, else the payload itself. */
function errorMessageOf(result: InvokeResult): string {
  const text = result.payload.toString('utf8');
  try {
    const p = JSON.parse(text) as { errorMessage?: unknown };
    if (typeof p.errorMessage === 'string') return p.errorMessage;
  } catch {
    /* not JSON */
  }
  return text || (result.errorType ?? 'Unhandled');
}

function truncateUtf8(s: string, maxBytes: number): string {
  const b = Buffer.from(s, 'utf8');
  if (b.length <= maxBytes) return s;
  return b
    .subarray(0, maxBytes)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
}
