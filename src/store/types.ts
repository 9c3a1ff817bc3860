/**
 * Persistence interfaces. The embedded default implements them on SQLite (store/sqlite/); a cluster
 * implementation (Postgres) will implement the same interfaces and pass the same contract tests.
 */
import type { FunctionRecord, FunctionVersion, LogRecord, MeteringRecord } from '../control/model.ts';

export interface FunctionStore {
  get(name: string): FunctionRecord | undefined;
  list(): FunctionRecord[];
  /** Insert a new function; returns false if the name is taken. */
  insert(record: FunctionRecord): boolean;
  updateLatest(name: string, latest: FunctionVersion): void;
  delete(name: string): boolean;
}

export interface LogQuery {
  functionName?: string;
  requestId?: string;
  since?: number;
  until?: number;
  afterId?: number;
  contains?: string;
  limit?: number;
}

export interface LogStore {
  append(records: LogRecord[]): void;
  query(q: LogQuery): LogRecord[];
  deleteOlderThan(ts: number): number;
}

export interface MeteringStore {
  record(rec: MeteringRecord): void;
  list(q: { functionName?: string; since?: number; until?: number; limit?: number }): MeteringRecord[];
}

/** Atomically record an invocation's log lines and its metering row. */
export interface InvocationLedger {
  commit(logs: LogRecord[], metering: MeteringRecord): void;
}

export interface Store {
  functions: FunctionStore;
  logs: LogStore;
  metering: MeteringStore;
  ledger: InvocationLedger;
  close(): void;
}
