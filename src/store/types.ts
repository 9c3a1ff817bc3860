/**
 * Persistence interfaces. The embedded default implements them on SQLite (store/sqlite/); a cluster
 * implementation (Postgres) will implement the same interfaces and pass the same contract tests.
 */
import type {
  AliasRecord,
  AsyncEvent,
  DeadLetter,
  FunctionRecord,
  FunctionSettings,
  FunctionVersion,
  LogRecord,
  MeteringRecord,
} from '../control/model.ts';

export interface FunctionStore {
  get(name: string): FunctionRecord | undefined;
  list(): FunctionRecord[];
  /** Insert a new function; returns false if the name is taken. */
  insert(record: FunctionRecord): boolean;
  updateLatest(name: string, latest: FunctionVersion): void;
  updateSettings(name: string, settings: FunctionSettings): void;
  /** Delete the function with its versions and aliases. */
  delete(name: string): boolean;

  insertVersion(v: FunctionVersion): void;
  getVersion(name: string, version: string): FunctionVersion | undefined;
  listVersions(name: string): FunctionVersion[];
  deleteVersion(name: string, version: string): boolean;

  putAlias(a: AliasRecord): void;
  getAlias(name: string, alias: string): AliasRecord | undefined;
  listAliases(name: string): AliasRecord[];
  deleteAlias(name: string, alias: string): boolean;
}

/** The durable queue of accepted asynchronous invocations. */
export interface AsyncQueueStore {
  enqueue(e: AsyncEvent): void;
  /**
   * Events due at `now`, oldest first, marked as claimed so no other poller takes them.
   * `skip` leaves out functions that cannot run now; `only` (when set) limits to these functions.
   */
  claimDue(now: number, limit: number, filter?: { skip?: string[]; only?: string[] }): AsyncEvent[];
  /** Put a claimed event back with a new due time (after a failure or a throttle). */
  reschedule(id: string, nextAttemptAt: number, attempts: number, lastError: string | null): void;
  /** Remove a finished event, optionally enqueuing follow-up events (destinations) atomically. */
  complete(id: string, followUps?: AsyncEvent[]): void;
  /** Remove a failed event and keep it in Gust's dead-letter store, atomically. */
  deadLetter(id: string, letter: DeadLetter): void;
  listDeadLetters(q: { functionName?: string; limit?: number }): DeadLetter[];
  /** Return events claimed by a previous (crashed) process to the queue. Returns how many. */
  releaseClaims(): number;
  depth(functionName?: string): number;
  /** Queue depth and oldest accepted event per function (metrics). */
  stats(): { functionName: string; depth: number; oldestEnqueuedAt: number }[];
  deleteForFunction(functionName: string): number;
}

export interface LogQuery {
  functionName?: string;
  requestId?: string;
  since?: number;
  until?: number;
  afterId?: number;
  contains?: string;
  /** Only lines with one of these levels (telemetry/log-level.ts). */
  levels?: string[];
  limit?: number;
}

export interface LogStore {
  append(records: LogRecord[]): void;
  query(q: LogQuery): LogRecord[];
  deleteOlderThan(ts: number): number;
}

export interface MeteringQuery {
  functionName?: string;
  /** An async event's attempts share its request id. */
  requestId?: string;
  since?: number;
  until?: number;
  limit?: number;
}

export interface MeteringStore {
  record(rec: MeteringRecord): void;
  list(q: MeteringQuery): MeteringRecord[];
}

/**
 * Atomically record an invocation's log lines and its metering row. Resolves once they are
 * committed; commits made close together may share one transaction (group commit).
 */
export interface InvocationLedger {
  commit(logs: LogRecord[], metering: MeteringRecord): Promise<void>;
}

export interface Store {
  functions: FunctionStore;
  logs: LogStore;
  metering: MeteringStore;
  ledger: InvocationLedger;
  asyncQueue: AsyncQueueStore;
  close(): void;
}
