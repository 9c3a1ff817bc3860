/**
 * The synchronous invocation path: resolve the function version, lease an environment from
 * placement (cold start if needed), run the invocation, hand the environment back, then commit the
 * invocation's log lines (INIT_START/START/END/REPORT around the function's own) and its metering
 * record to the ledger in one transaction.
 */
import { randomUUID } from 'node:crypto';
import type { FunctionVersion, LogRecord, MeteringRecord } from '../control/model.ts';
import { functionArn } from '../control/names.ts';
import type { Registry } from '../control/registry.ts';
import { GustError, isGustError } from '../errors.ts';
import type { Placement } from '../placement/manager.ts';
import type { Lease } from '../placement/pool.ts';
import { InitError, type FailureReason, type InvocationOutcome } from '../sandbox/environment.ts';
import type { InvocationLedger } from '../store/types.ts';
import type { LogCollector } from '../telemetry/log-collector.ts';
import { billedDuration, logTail, platformLines } from '../telemetry/log-format.ts';
import { newTraceId } from './trace-id.ts';
import type { InvocationTrace } from '../telemetry/tracing.ts';

/** Lambda's synchronous request payload limit. */
export const MAX_SYNC_PAYLOAD = 6 * 1024 * 1024;

export interface InvokeInput {
  functionName: string;
  /** Reused across the retries of one async event. */
  requestId?: string;
  /** Payload limit already checked (async events are checked at enqueue time). */
  async?: boolean;
  qualifier?: string;
  payload: Buffer;
  /** Decoded client context JSON (X-Amz-Client-Context is base64 on the wire). */
  clientContext?: string;
  tail?: boolean;
  /** For traces: when an async event was accepted, which attempt this is, what triggered it. */
  trace?: { enqueuedAt?: number; attempt?: number; trigger?: InvocationTrace['trigger'] };
}

export interface InvokeResult {
  requestId: string;
  executedVersion: string;
  payload: Buffer;
  /** Set when the function failed: Lambda reports 'Unhandled' for every runtime-reported error. */
  functionError?: 'Unhandled' | 'Handled';
  errorType?: string;
  logResult?: string;
  cold: boolean;
  durationMs: number;
}

export interface InvokerDeps {
  registry: Registry;
  placement: Placement;
  logs: LogCollector;
  ledger: InvocationLedger;
  region: string;
  accountId: string;
  /** Called with every committed metering record (in-memory metrics only: no I/O here). */
  onCommit?: (m: MeteringRecord) => void;
  /** Called after each invocation with its timings (OpenTelemetry export). */
  onTrace?: (t: InvocationTrace) => void;
}

/** Where an invocation ran: provisioned environment, concurrency when it started (metering). */
type Placed = Pick<MeteringRecord, 'provisioned' | 'concurrency' | 'accountConcurrency'>;

const outcomeKind = (reason: FailureReason): MeteringRecord['outcome'] =>
  reason === 'function' || reason === 'too_large'
    ? 'error'
    : reason === 'init'
      ? 'init_error'
      : reason === 'timeout'
        ? 'timeout'
        : reason === 'oom'
          ? 'oom'
          : 'crash';

export class Invoker {
  private inflight = new Set<Promise<unknown>>();

  constructor(private deps: InvokerDeps) {}

  /** Resolve name + qualifier to the version to run (throws ResourceNotFoundException). */
  resolve(functionName: string, qualifier?: string): FunctionVersion {
    const { registry } = this.deps;
    const rec = registry.require(functionName, registry.arn(functionName, qualifier));
    return registry.resolveForInvoke(rec, qualifier).fn;
  }

  invoke(input: InvokeInput): Promise<InvokeResult> {
    const p = this.run(input);
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p)).catch(() => {});
    return p;
  }

  /** Wait for every invocation in progress (graceful shutdown). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.inflight]);
  }

  private async run(input: InvokeInput): Promise<InvokeResult> {
    const { placement, logs, region, accountId } = this.deps;
    if (!input.async && input.payload.length > MAX_SYNC_PAYLOAD) {
      throw new GustError(
        'GUST_REQUEST_TOO_LARGE',
        `Request must be smaller than ${MAX_SYNC_PAYLOAD} bytes for the InvokeFunction operation`,
      );
    }
    const fn = this.resolve(input.functionName, input.qualifier);
    const requestId = input.requestId ?? randomUUID();
    const invokedArn = functionArn(region, accountId, fn.functionName, input.qualifier);
    const startTime = Date.now();
    logs.begin(requestId);

    let lease: Lease | undefined;
    let outcome: InvocationOutcome;
    let cold = false;
    let initDurationMs: number | undefined;
    let placed: Placed = {};
    try {
      lease = await placement.acquire(fn, requestId);
      placed = {
        provisioned: lease.provisioned === true,
        concurrency: placement.gate.functionCurrent(fn.functionName),
        accountConcurrency: placement.gate.current,
      };
      cold = lease.cold;
      if (cold) initDurationMs = lease.env.initDurationMs;
      logs.markInvokeStart(requestId);
      outcome = await lease.env.invoke({
        requestId,
        payload: input.payload.length ? input.payload : Buffer.from('{}'),
        invokedFunctionArn: invokedArn,
        traceId: newTraceId(),
        clientContext: input.clientContext,
      });
    } catch (e) {
      if (e instanceof InitError) {
        cold = true;
        initDurationMs = e.initDurationMs;
        logs.markInvokeStart(requestId);
        outcome = {
          status: 'error',
          reason: e.reason === 'init' ? 'init' : e.reason,
          errorType: e.errorType,
          payload: e.payload,
          durationMs: 0,
          maxMemoryUsedMb: 0,
        };
      } else {
        logs.end(requestId);
        if (isGustError(e) && e.code === 'GUST_THROTTLED') await this.recordThrottle(fn, requestId, startTime);
        throw e;
      }
    } finally {
      if (lease) placement.release(lease);
    }

    // Let output already in the pipes reach the collector before the END line.
    await new Promise((r) => setImmediate(r));
    const lines = await this.commit(fn, requestId, startTime, cold, initDurationMs, outcome, placed);
    this.deps.onTrace?.({
      requestId,
      functionName: fn.functionName,
      version: fn.version,
      functionArn: functionArn(this.deps.region, this.deps.accountId, fn.functionName, fn.version),
      startTime,
      enqueuedAt: input.trace?.enqueuedAt,
      attempt: input.trace?.attempt,
      initDurationMs: cold ? initDurationMs : undefined,
      durationMs: outcome.durationMs,
      cold,
      outcome: outcome.status === 'success' ? 'success' : outcomeKind(outcome.reason),
      errorType: outcome.status === 'error' ? outcome.errorType : null,
      trigger: input.trace?.trigger ?? (input.async ? 'other' : 'http'),
    });
    const result: InvokeResult = {
      requestId,
      executedVersion: fn.version,
      payload: outcome.payload,
      cold,
      durationMs: outcome.durationMs,
    };
    if (outcome.status === 'error') {
      result.functionError = 'Unhandled';
      result.errorType = outcome.errorType;
    }
    if (input.tail) result.logResult = logTail(lines);
    return result;
  }

  private async commit(
    fn: FunctionVersion,
    requestId: string,
    startTime: number,
    cold: boolean,
    initDurationMs: number | undefined,
    outcome: InvocationOutcome,
    placed: Placed,
  ): Promise<string[]> {
    const { logs, ledger } = this.deps;
    const lf = platformLines(fn.loggingConfig?.LogFormat);
    const { init, invoke, dropped } = logs.end(requestId);
    const billed = billedDuration(outcome.durationMs, cold ? initDurationMs : undefined);
    const failure = outcome.status === 'error' ? outcome.reason : undefined;
    const platformFailure = failure && failure !== 'function' && failure !== 'too_large';
    const rec = (message: string, timestamp: number): LogRecord => ({
      functionName: fn.functionName,
      version: fn.version,
      requestId,
      timestamp,
      message,
    });
    const endTs = Date.now();
    const status = outcome.status === 'success' ? 'success' : failure === 'timeout' ? 'timeout' : 'error';
    const errorType = outcome.status === 'error' ? outcome.errorType : undefined;
    const startTs = init.at(-1)?.timestamp ?? startTime;
    const records: LogRecord[] = [];
    if (cold) records.push(rec(lf.initStart(fn, startTime), startTime));
    records.push(...init);
    records.push(rec(lf.start(requestId, fn.version, startTs), startTs));
    records.push(...invoke);
    if (dropped) records.push(rec(`Gust: ${dropped} log lines dropped (per-invocation log limit reached)`, endTs));
    records.push(rec(lf.end(requestId, endTs, status, outcome.durationMs, errorType), endTs));
    records.push(
      rec(
        lf.report(
          {
            requestId,
            durationMs: outcome.durationMs,
            billedDurationMs: billed,
            memorySizeMb: fn.memorySize,
            maxMemoryUsedMb: outcome.maxMemoryUsedMb,
            initDurationMs: cold ? initDurationMs : undefined,
            status: failure === 'timeout' ? 'timeout' : platformFailure ? 'error' : undefined,
            errorType,
          },
          endTs,
          status,
        ),
        endTs,
      ),
    );
    const metering: MeteringRecord = {
      requestId,
      functionName: fn.functionName,
      version: fn.version,
      startTime,
      durationMs: outcome.durationMs,
      billedDurationMs: billed,
      memorySizeMb: fn.memorySize,
      maxMemoryUsedMb: outcome.maxMemoryUsedMb,
      initDurationMs: cold ? (initDurationMs ?? null) : null,
      cold,
      outcome: outcome.status === 'success' ? 'success' : outcomeKind(outcome.reason),
      errorType: outcome.status === 'error' ? outcome.errorType : null,
      ...placed,
      architecture: fn.architectures[0] ?? 'x86_64',
    };
    await ledger.commit(records, metering);
    this.deps.onCommit?.(metering);
    logs.published(records);
    return records.map((r) => r.message);
  }

  private async recordThrottle(fn: FunctionVersion, requestId: string, startTime: number): Promise<void> {
    const metering: MeteringRecord = {
      requestId,
      functionName: fn.functionName,
      version: fn.version,
      startTime,
      durationMs: 0,
      billedDurationMs: 0,
      memorySizeMb: fn.memorySize,
      maxMemoryUsedMb: 0,
      initDurationMs: null,
      cold: false,
      outcome: 'throttle',
      errorType: 'TooManyRequestsException',
      concurrency: this.deps.placement.gate.functionCurrent(fn.functionName),
      accountConcurrency: this.deps.placement.gate.current,
      architecture: fn.architectures[0] ?? 'x86_64',
    };
    await this.deps.ledger.commit([], metering);
    this.deps.onCommit?.(metering);
  }
}
