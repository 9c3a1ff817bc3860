/**
 * Routes the lines environments write to the invocation they belong to. Lines of an invocation in
 * progress are held until it ends and are then committed with its metering record in one
 * transaction. Lines outside any invocation (idle output, late lines) are written in small batches.
 */
import type { LogRecord } from '../control/model.ts';
import type { LogStore } from '../store/types.ts';
import { parseLogLevel } from './log-level.ts';

/** Per-invocation cap on stored log text; the rest is dropped with one marker line. */
const MAX_INVOCATION_LOG_BYTES = 5 * 1024 * 1024;

/**
 * Lines outside any invocation (a background process writing while its environment is idle) have
 * no invocation to cap them: per function, at most this much text per second is stored; the rest
 * is dropped and counted in one marker line per second.
 */
export const MAX_IDLE_LOG_BYTES_PER_SECOND = 256 * 1024;

interface IdleBudget {
  second: number;
  bytes: number;
  dropped: number;
  version: string;
}

interface Active {
  lines: LogRecord[];
  bytes: number;
  dropped: number;
  /** Index of the first line after the invocation started (lines before it are init lines). */
  invokeStart: number;
}

export type LogListener = (records: LogRecord[]) => void;

export class LogCollector {
  private active = new Map<string, Active>();
  private orphans: LogRecord[] = [];
  private timer?: NodeJS.Timeout;
  private listeners = new Set<LogListener>();
  private idle = new Map<string, IdleBudget>();
  /** After the final flush (shutdown) the store is closing: nothing more is accepted. */
  private closed = false;

  constructor(private store: LogStore) {}

  /** Subscribe to every record as it is stored (for `logs --follow`). */
  subscribe(fn: LogListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  published(records: LogRecord[]): void {
    if (records.length) for (const l of this.listeners) l(records);
  }

  begin(requestId: string): void {
    this.active.set(requestId, { lines: [], bytes: 0, dropped: 0, invokeStart: 0 });
  }

  /** Mark the end of the init phase and the start of the invocation proper. */
  markInvokeStart(requestId: string): void {
    const a = this.active.get(requestId);
    if (a) a.invokeStart = a.lines.length;
  }

  line(functionName: string, version: string, requestId: string | null, message: string, timestamp: number): void {
    if (this.closed) return;
    const rec: LogRecord = { functionName, version, requestId, timestamp, message, level: parseLogLevel(message) };
    const a = requestId ? this.active.get(requestId) : undefined;
    if (a) {
      if (a.bytes + message.length > MAX_INVOCATION_LOG_BYTES) {
        a.dropped++;
        return;
      }
      a.bytes += message.length;
      a.lines.push(rec);
      return;
    }
    if (!this.withinIdleBudget(functionName, version, message.length)) {
      this.schedule();
      return;
    }
    this.orphans.push(rec);
    if (this.orphans.length >= 500) this.flush();
    else this.schedule();
  }

  private schedule(): void {
    if (!this.timer) this.timer = setTimeout(() => this.flush(), 100);
  }

  private withinIdleBudget(functionName: string, version: string, bytes: number): boolean {
    const second = Math.floor(Date.now() / 1000);
    let b = this.idle.get(functionName);
    if (!b || b.second !== second) {
      if (b) this.dropMarker(functionName, b);
      b = { second, bytes: 0, dropped: 0, version };
      this.idle.set(functionName, b);
    }
    if (b.bytes + bytes > MAX_IDLE_LOG_BYTES_PER_SECOND) {
      b.dropped++;
      return false;
    }
    b.bytes += bytes;
    return true;
  }

  private dropMarker(functionName: string, b: IdleBudget): void {
    if (!b.dropped) return;
    const message = `Gust: ${b.dropped} log lines written outside any invocation dropped (over ${MAX_IDLE_LOG_BYTES_PER_SECOND} bytes/s)`;
    this.orphans.push({ functionName, version: b.version, requestId: null, timestamp: Date.now(), message });
    b.dropped = 0;
  }

  /** Finish an invocation: returns its init lines and invocation lines. */
  end(requestId: string): { init: LogRecord[]; invoke: LogRecord[]; dropped: number } {
    const a = this.active.get(requestId);
    this.active.delete(requestId);
    if (!a) return { init: [], invoke: [], dropped: 0 };
    return { init: a.lines.slice(0, a.invokeStart), invoke: a.lines.slice(a.invokeStart), dropped: a.dropped };
  }

  /** Store the pending idle lines; `final` (shutdown) also writes the current second's drop markers. */
  flush(final = false): void {
    if (final) this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const second = final ? Number.POSITIVE_INFINITY : Math.floor(Date.now() / 1000);
    for (const [fn, b] of this.idle) {
      if (b.second === second && b.dropped) {
        this.schedule(); // the second is not over: its marker comes on a later flush
        continue;
      }
      this.dropMarker(fn, b);
      if (b.second !== second) this.idle.delete(fn);
    }
    if (!this.orphans.length) return;
    const batch = this.orphans.splice(0);
    this.store.append(batch);
    this.published(batch);
  }
}
