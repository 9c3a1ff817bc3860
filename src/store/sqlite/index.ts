/** SQLite implementation of the Store interfaces: the embedded default. */
import type Database from 'better-sqlite3';
import type { FunctionRecord, FunctionVersion, LogRecord, MeteringRecord } from '../../control/model.ts';
import type { FunctionStore, InvocationLedger, LogQuery, LogStore, MeteringStore, Store } from '../types.ts';
import { openDatabase } from './db.ts';

/** Append `clause` with its argument when the value is given. */
function add(where: string[], args: unknown[], clause: string, value: unknown): void {
  if (value === undefined) return;
  where.push(clause);
  args.push(value);
}

class SqliteFunctionStore implements FunctionStore {
  private getStmt;
  private listStmt;
  private insertStmt;
  private updateStmt;
  private deleteStmt;
  constructor(db: Database.Database) {
    this.getStmt = db.prepare<[string], { name: string; created_at: string; latest: string }>(
      'SELECT name, created_at, latest FROM functions WHERE name = ?',
    );
    this.listStmt = db.prepare<[], { name: string; created_at: string; latest: string }>(
      'SELECT name, created_at, latest FROM functions ORDER BY name',
    );
    this.insertStmt = db.prepare('INSERT OR IGNORE INTO functions (name, created_at, latest) VALUES (?, ?, ?)');
    this.updateStmt = db.prepare('UPDATE functions SET latest = ? WHERE name = ?');
    this.deleteStmt = db.prepare('DELETE FROM functions WHERE name = ?');
  }
  private row(r: { name: string; created_at: string; latest: string }): FunctionRecord {
    return { name: r.name, createdAt: r.created_at, latest: JSON.parse(r.latest) as FunctionVersion };
  }
  get(name: string): FunctionRecord | undefined {
    const r = this.getStmt.get(name);
    return r ? this.row(r) : undefined;
  }
  list(): FunctionRecord[] {
    return this.listStmt.all().map((r) => this.row(r));
  }
  insert(record: FunctionRecord): boolean {
    return this.insertStmt.run(record.name, record.createdAt, JSON.stringify(record.latest)).changes === 1;
  }
  updateLatest(name: string, latest: FunctionVersion): void {
    this.updateStmt.run(JSON.stringify(latest), name);
  }
  delete(name: string): boolean {
    return this.deleteStmt.run(name).changes === 1;
  }
}

interface LogRow {
  id: number;
  function_name: string;
  version: string;
  request_id: string | null;
  ts: number;
  message: string;
}

class SqliteLogStore implements LogStore {
  private insertStmt;
  constructor(private db: Database.Database) {
    this.insertStmt = db.prepare(
      'INSERT INTO logs (function_name, version, request_id, ts, message) VALUES (?, ?, ?, ?, ?)',
    );
  }
  insertMany(records: LogRecord[]): void {
    for (const r of records) this.insertStmt.run(r.functionName, r.version, r.requestId, r.timestamp, r.message);
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
}

class SqliteMeteringStore implements MeteringStore {
  private insertStmt;
  constructor(private db: Database.Database) {
    this.insertStmt = db.prepare(
      `INSERT OR REPLACE INTO metering (request_id, function_name, version, start_time, duration_ms, billed_duration_ms,
        memory_size_mb, max_memory_used_mb, init_duration_ms, cold, outcome, error_type)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
    );
  }
  list(q: { functionName?: string; since?: number; until?: number; limit?: number }): MeteringRecord[] {
    const where: string[] = [];
    const args: unknown[] = [];
    add(where, args, 'function_name = ?', q.functionName);
    add(where, args, 'start_time >= ?', q.since);
    add(where, args, 'start_time <= ?', q.until);
    const limit = Math.min(Math.max(q.limit ?? 1000, 1), 100_000);
    const sql = `SELECT * FROM metering ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY start_time DESC LIMIT ${limit}`;
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
      }));
  }
}

export function openSqliteStore(home: string): Store {
  const db = openDatabase(home);
  const functions = new SqliteFunctionStore(db);
  const logs = new SqliteLogStore(db);
  const metering = new SqliteMeteringStore(db);
  const commitTx = db.transaction((lines: LogRecord[], m: MeteringRecord) => {
    logs.insertMany(lines);
    metering.record(m);
  });
  const ledger: InvocationLedger = { commit: (lines, m) => commitTx(lines, m) };
  return { functions, logs, metering, ledger, close: () => db.close() };
}
