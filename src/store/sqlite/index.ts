/** SQLite implementation of the Store interfaces: the embedded default. */
import type Database from 'better-sqlite3';
import {
  defaultSettings,
  type AliasRecord,
  type AsyncEvent,
  type DeadLetter,
  type FunctionRecord,
  type FunctionSettings,
  type FunctionVersion,
  type LogRecord,
  type MeteringRecord,
} from '../../control/model.ts';
import type {
  AsyncQueueStore,
  FunctionStore,
  InvocationLedger,
  LogQuery,
  LogStore,
  MeteringQuery,
  MeteringStore,
  Store,
} from '../types.ts';
import { migrateTelemetry } from '../../telemetry/schema.ts';
import { openDatabase } from './db.ts';
import { startCheckpointer } from './checkpointer.ts';

/** Append `clause` with its argument when the value is given. */
function add(where: string[], args: unknown[], clause: string, value: unknown): void {
  if (value === undefined) return;
  where.push(clause);
  args.push(value);
}

interface FnRow {
  name: string;
  created_at: string;
  latest: string;
  settings: string;
}

class SqliteFunctionStore implements FunctionStore {
  private getStmt;
  private listStmt;
  private insertStmt;
  private updateStmt;
  private settingsStmt;
  private deleteTx;
  private insertVersionStmt;
  private getVersionStmt;
  private listVersionsStmt;
  private deleteVersionStmt;
  private putAliasStmt;
  private getAliasStmt;
  private listAliasesStmt;
  private deleteAliasStmt;

  constructor(db: Database.Database) {
    this.getStmt = db.prepare<[string], FnRow>('SELECT * FROM functions WHERE name = ?');
    this.listStmt = db.prepare<[], FnRow>('SELECT * FROM functions ORDER BY name');
    this.insertStmt = db.prepare(
      'INSERT OR IGNORE INTO functions (name, created_at, latest, settings) VALUES (?, ?, ?, ?)',
    );
    this.updateStmt = db.prepare('UPDATE functions SET latest = ? WHERE name = ?');
    this.settingsStmt = db.prepare('UPDATE functions SET settings = ? WHERE name = ?');
    const delFn = db.prepare('DELETE FROM functions WHERE name = ?');
    const delVersions = db.prepare('DELETE FROM versions WHERE function_name = ?');
    const delAliases = db.prepare('DELETE FROM aliases WHERE function_name = ?');
    this.deleteTx = db.transaction((name: string): boolean => {
      delVersions.run(name);
      delAliases.run(name);
      return delFn.run(name).changes === 1;
    });
    this.insertVersionStmt = db.prepare('INSERT INTO versions (function_name, version, config) VALUES (?, ?, ?)');
    this.getVersionStmt = db.prepare<[string, number], { config: string }>(
      'SELECT config FROM versions WHERE function_name = ? AND version = ?',
    );
    this.listVersionsStmt = db.prepare<[string], { config: string }>(
      'SELECT config FROM versions WHERE function_name = ? ORDER BY version',
    );
    this.deleteVersionStmt = db.prepare('DELETE FROM versions WHERE function_name = ? AND version = ?');
    this.putAliasStmt = db.prepare('INSERT OR REPLACE INTO aliases (function_name, name, data) VALUES (?, ?, ?)');
    this.getAliasStmt = db.prepare<[string, string], { data: string }>(
      'SELECT data FROM aliases WHERE function_name = ? AND name = ?',
    );
    this.listAliasesStmt = db.prepare<[string], { data: string }>(
      'SELECT data FROM aliases WHERE function_name = ? ORDER BY name',
    );
    this.deleteAliasStmt = db.prepare('DELETE FROM aliases WHERE function_name = ? AND name = ?');
  }
  private row(r: FnRow): FunctionRecord {
    return {
      name: r.name,
      createdAt: r.created_at,
      latest: JSON.parse(r.latest) as FunctionVersion,
      settings: { ...defaultSettings(), ...(JSON.parse(r.settings) as Partial<FunctionSettings>) },
    };
  }
  get(name: string): FunctionRecord | undefined {
    const r = this.getStmt.get(name);
    return r ? this.row(r) : undefined;
  }
  list(): FunctionRecord[] {
    return this.listStmt.all().map((r) => this.row(r));
  }
  insert(record: FunctionRecord): boolean {
    return (
      this.insertStmt.run(record.name, record.createdAt, JSON.stringify(record.latest), JSON.stringify(record.settings))
        .changes === 1
    );
  }
  updateLatest(name: string, latest: FunctionVersion): void {
    this.updateStmt.run(JSON.stringify(latest), name);
  }
  updateSettings(name: string, settings: FunctionSettings): void {
    this.settingsStmt.run(JSON.stringify(settings), name);
  }
  delete(name: string): boolean {
    return this.deleteTx(name);
  }
  insertVersion(v: FunctionVersion): void {
    this.insertVersionStmt.run(v.functionName, Number(v.version), JSON.stringify(v));
  }
  getVersion(name: string, version: string): FunctionVersion | undefined {
    if (!/^\d+$/.test(version)) return undefined;
    const r = this.getVersionStmt.get(name, Number(version));
    return r ? (JSON.parse(r.config) as FunctionVersion) : undefined;
  }
  listVersions(name: string): FunctionVersion[] {
    return this.listVersionsStmt.all(name).map((r) => JSON.parse(r.config) as FunctionVersion);
  }
  deleteVersion(name: string, version: string): boolean {
    return this.deleteVersionStmt.run(name, Number(version)).changes === 1;
  }
  putAlias(a: AliasRecord): void {
    this.putAliasStmt.run(a.functionName, a.name, JSON.stringify(a));
  }
  getAlias(name: string, alias: string): AliasRecord | undefined {
    const r = this.getAliasStmt.get(name, alias);
    return r ? (JSON.parse(r.data) as AliasRecord) : undefined;
  }
  listAliases(name: string): AliasRecord[] {
    return this.listAliasesStmt.all(name).map((r) => JSON.parse(r.data) as AliasRecord);
  }
  deleteAlias(name: string, alias: string): boolean {
    return this.deleteAliasStmt.run(name, alias).changes === 1;
  }
}

interface AsyncRow {
  id: string;
  function_name: string;
  qualifier: string | null;
  payload: Buffer;
  enqueued_at: number;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
}

class SqliteAsyncQueue implements AsyncQueueStore {
  private insertStmt;
  private claimTx;
  private rescheduleStmt;
  private completeTx;
  private deadTx;
  private db: Database.Database;

  constructor(db: Database.Database) {
    this.db = db;
    this.insertStmt = db.prepare(
      `INSERT INTO async_events (id, function_name, qualifier, payload, enqueued_at, attempts, next_attempt_at, claimed, last_error)
       VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)`,
    );
    const claim = db.prepare('UPDATE async_events SET claimed = 1 WHERE id = ?');
    this.claimTx = db.transaction((now: number, limit: number, skip: string[], only?: string[]): AsyncEvent[] => {
      let sql = 'SELECT * FROM async_events WHERE claimed = 0 AND next_attempt_at <= ?';
      const args: unknown[] = [now];
      if (skip.length) {
        sql += ` AND function_name NOT IN (${skip.map(() => '?').join(',')})`;
        args.push(...skip);
      }
      if (only) {
        sql += ` AND function_name IN (${only.map(() => '?').join(',') || "''"})`;
        args.push(...only);
      }
      sql += ' ORDER BY next_attempt_at LIMIT ?';
      args.push(limit);
      const rows = db.prepare<unknown[], AsyncRow>(sql).all(...args);
      for (const r of rows) claim.run(r.id);
      return rows.map((r) => ({
        id: r.id,
        functionName: r.function_name,
        qualifier: r.qualifier,
        payload: r.payload,
        enqueuedAt: r.enqueued_at,
        attempts: r.attempts,
        nextAttemptAt: r.next_attempt_at,
        lastError: r.last_error,
      }));
    });
    this.rescheduleStmt = db.prepare(
      'UPDATE async_events SET claimed = 0, next_attempt_at = ?, attempts = ?, last_error = ? WHERE id = ?',
    );
    const del = db.prepare('DELETE FROM async_events WHERE id = ?');
    this.completeTx = db.transaction((id: string, followUps: AsyncEvent[]) => {
      del.run(id);
      for (const f of followUps) this.enqueue(f);
    });
    const insDead = db.prepare(
      `INSERT OR REPLACE INTO dead_letters (id, function_name, qualifier, payload, enqueued_at, failed_at, attempts, condition, error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.deadTx = db.transaction((id: string, d: DeadLetter) => {
      del.run(id);
      insDead.run(
        d.id,
        d.functionName,
        d.qualifier,
        d.payload,
        d.enqueuedAt,
        d.failedAt,
        d.attempts,
        d.condition,
        d.error,
      );
    });
  }
  deadLetter(id: string, d: DeadLetter): void {
    this.deadTx(id, d);
  }
  listDeadLetters(q: { functionName?: string; limit?: number }): DeadLetter[] {
    const limit = Math.min(Math.max(q.limit ?? 100, 1), 10_000);
    const rows = (
      q.functionName
        ? this.db
            .prepare('SELECT * FROM dead_letters WHERE function_name = ? ORDER BY failed_at DESC LIMIT ?')
            .all(q.functionName, limit)
        : this.db.prepare('SELECT * FROM dead_letters ORDER BY failed_at DESC LIMIT ?').all(limit)
    ) as {
      id: string;
      function_name: string;
      qualifier: string | null;
      payload: Buffer;
      enqueued_at: number;
      failed_at: number;
      attempts: number;
      condition: DeadLetter['condition'];
      error: string | null;
    }[];
    return rows.map((r) => ({
      id: r.id,
      functionName: r.function_name,
      qualifier: r.qualifier,
      payload: r.payload,
      enqueuedAt: r.enqueued_at,
      failedAt: r.failed_at,
      attempts: r.attempts,
      condition: r.condition,
      error: r.error,
    }));
  }
  enqueue(e: AsyncEvent): void {
    this.insertStmt.run(
      e.id,
      e.functionName,
      e.qualifier,
      e.payload,
      e.enqueuedAt,
      e.attempts,
      e.nextAttemptAt,
      e.lastError,
    );
  }
  claimDue(now: number, limit: number, filter: { skip?: string[]; only?: string[] } = {}): AsyncEvent[] {
    return this.claimTx(now, limit, filter.skip ?? [], filter.only);
  }
  reschedule(id: string, nextAttemptAt: number, attempts: number, lastError: string | null): void {
    this.rescheduleStmt.run(nextAttemptAt, attempts, lastError, id);
  }
  complete(id: string, followUps: AsyncEvent[] = []): void {
    this.completeTx(id, followUps);
  }
  releaseClaims(): number {
    return this.db.prepare('UPDATE async_events SET claimed = 0 WHERE claimed = 1').run().changes;
  }
  depth(functionName?: string): number {
    const r = functionName
      ? this.db
          .prepare<[string], { n: number }>('SELECT count(*) AS n FROM async_events WHERE function_name = ?')
          .get(functionName)
      : this.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM async_events').get();
    return r?.n ?? 0;
  }
  stats(): { functionName: string; depth: number; oldestEnqueuedAt: number }[] {
    return this.db
      .prepare<[], { functionName: string; depth: number; oldestEnqueuedAt: number }>(
        `SELECT function_name AS functionName, count(*) AS depth, min(enqueued_at) AS oldestEnqueuedAt
         FROM async_events GROUP BY function_name`,
      )
      .all();
  }
  deleteForFunction(functionName: string): number {
    return this.db.prepare('DELETE FROM async_events WHERE function_name = ?').run(functionName).changes;
  }
}

interface LogRow {
  id: number;
  function_name: string;
  version: string;
  request_id: string | null;
  ts: number;
  message: string;
  level: string | null;
}

class SqliteLogStore implements LogStore {
  private insertStmt;
  constructor(private db: Database.Database) {
    this.insertStmt = db.prepare(
      'INSERT INTO logs (function_name, version, request_id, ts, message, level) VALUES (?, ?, ?, ?, ?, ?)',
    );
  }
  insertMany(records: LogRecord[]): void {
    for (const r of records)
      this.insertStmt.run(r.functionName, r.version, r.requestId, r.timestamp, r.message, r.level ?? null);
  }
  append(records: LogRecord[]): void {
    this.db.transaction(() => this.insertMany(records))();
  }
  query(q: LogQuery): LogRecord[] {
    const where: string[] = [];
    const args: unknown[] = [];
    add(where, args, 'function_name = ?', q.functionName);
    add(where, args, 'request_id = ?', q.requestId);
    add(where, args, 'ts >= ?', q.since);
    add(where, args, 'ts <= ?', q.until);
    add(where, args, 'id > ?', q.afterId);
    add(where, args, 'instr(message, ?) > 0', q.contains);
    if (q.levels) {
      where.push(`level IN (${q.levels.map(() => '?').join(',') || 'NULL'})`);
      args.push(...q.levels);
    }
    const limit = Math.min(Math.max(q.limit ?? 1000, 1), 10_000);
    // Newest `limit` rows, returned oldest first; when paging forward (afterId) take the oldest.
    const order = q.afterId !== undefined ? 'ASC' : 'DESC';
    const sql = `SELECT * FROM logs ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id ${order} LIMIT ${limit}`;
    const rows = this.db.prepare<unknown[], LogRow>(sql).all(...args);
    if (order === 'DESC') rows.reverse();
    return rows.map((r) => ({
      id: r.id,
      functionName: r.function_name,
      version: r.version,
      requestId: r.request_id,
      timestamp: r.ts,
      message: r.message,
      ...(r.level ? { level: r.level } : {}),
    }));
  }
  deleteOlderThan(ts: number): number {
    return this.db.prepare('DELETE FROM logs WHERE ts < ?').run(ts).changes;
  }
}

interface MeteringRow {
  request_id: string;
  function_name: string;
  version: string;
  start_time: number;
  duration_ms: number;
  billed_duration_ms: number;
  memory_size_mb: number;
  max_memory_used_mb: number;
  init_duration_ms: number | null;
  cold: number;
  outcome: MeteringRecord['outcome'];
  error_type: string | null;
  provisioned: number | null;
  concurrency: number | null;
  account_concurrency: number | null;
  architecture: string | null;
}

class SqliteMeteringStore implements MeteringStore {
  private insertStmt;
  constructor(private db: Database.Database) {
    this.insertStmt = db.prepare(
      `INSERT INTO metering (request_id, function_name, version, start_time, duration_ms, billed_duration_ms,
        memory_size_mb, max_memory_used_mb, init_duration_ms, cold, outcome, error_type,
        provisioned, concurrency, account_concurrency, architecture)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }
  record(m: MeteringRecord): void {
    this.insertStmt.run(
      m.requestId,
      m.functionName,
      m.version,
      m.startTime,
      m.durationMs,
      m.billedDurationMs,
      m.memorySizeMb,
      m.maxMemoryUsedMb,
      m.initDurationMs,
      m.cold ? 1 : 0,
      m.outcome,
      m.errorType,
      m.provisioned === undefined ? null : m.provisioned ? 1 : 0,
      m.concurrency ?? null,
      m.accountConcurrency ?? null,
      m.architecture ?? null,
    );
  }
  list(q: MeteringQuery): MeteringRecord[] {
    const where: string[] = [];
    const args: unknown[] = [];
    add(where, args, 'function_name = ?', q.functionName);
    add(where, args, 'request_id = ?', q.requestId);
    add(where, args, 'start_time >= ?', q.since);
    add(where, args, 'start_time <= ?', q.until);
    const limit = Math.min(Math.max(q.limit ?? 1000, 1), 100_000);
    const sql = `SELECT * FROM metering ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY start_time DESC, id DESC LIMIT ${limit}`;
    return this.db
      .prepare<unknown[], MeteringRow>(sql)
      .all(...args)
      .map((r) => ({
        requestId: r.request_id,
        functionName: r.function_name,
        version: r.version,
        startTime: r.start_time,
        durationMs: r.duration_ms,
        billedDurationMs: r.billed_duration_ms,
        memorySizeMb: r.memory_size_mb,
        maxMemoryUsedMb: r.max_memory_used_mb,
        initDurationMs: r.init_duration_ms,
        cold: r.cold === 1,
        outcome: r.outcome,
        errorType: r.error_type,
        // Telemetry columns (schema telemetry-001), present when the writer knew them.
        ...(r.provisioned !== null ? { provisioned: r.provisioned === 1 } : {}),
        ...(r.concurrency !== null ? { concurrency: r.concurrency } : {}),
        ...(r.account_concurrency !== null ? { accountConcurrency: r.account_concurrency } : {}),
        ...(r.architecture !== null ? { architecture: r.architecture } : {}),
      }));
  }
}

/**
 * Group commit: invocations that end in the same turn of the event loop share one transaction,
 * committed on the next turn (setImmediate), and each caller's promise resolves after it. Under
 * load this writes the shared index and table pages to the WAL once per group instead of once per
 * invocation; alone, an invocation waits one loop turn.
 */
class GroupCommitLedger implements InvocationLedger {
  private pending: { lines: LogRecord[]; m: MeteringRecord; done: () => void; fail: (e: Error) => void }[] = [];
  private scheduled = false;
  private tx;

  constructor(db: Database.Database, logs: SqliteLogStore, metering: SqliteMeteringStore) {
    this.tx = db.transaction((group: { lines: LogRecord[]; m: MeteringRecord }[]) => {
      for (const g of group) {
        logs.insertMany(g.lines);
        metering.record(g.m);
      }
    });
  }

  commit(lines: LogRecord[], m: MeteringRecord): Promise<void> {
    return new Promise((done, fail) => {
      this.pending.push({ lines, m, done, fail });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commit everything pending now (also called before the database closes). */
  flush(): void {
    this.scheduled = false;
    const group = this.pending;
    if (!group.length) return;
    this.pending = [];
    try {
      this.tx(group);
    } catch (e) {
      for (const g of group) g.fail(e as Error);
      return;
    }
    for (const g of group) g.done();
  }
}

/** The embedded store; `db` is for modules that keep their own tables (see applyNamedMigrations). */
export interface SqliteStore extends Store {
  db: Database.Database;
}

export function openSqliteStore(home: string): SqliteStore {
  const db = openDatabase(home);
  migrateTelemetry(db);
  const functions = new SqliteFunctionStore(db);
  const logs = new SqliteLogStore(db);
  const metering = new SqliteMeteringStore(db);
  const ledger = new GroupCommitLedger(db, logs, metering);
  const asyncQueue = new SqliteAsyncQueue(db);
  const checkpoints = startCheckpointer(db);
  return {
    db,
    functions,
    logs,
    metering,
    ledger,
    asyncQueue,
    close: () => {
      ledger.flush();
      checkpoints.stop();
      db.close();
    },
  };
}
