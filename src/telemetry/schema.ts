/**
 * Telemetry's SQLite schema, as named migrations ('telemetry-*') on top of the core schema:
 * - metering gains the placement facts billing and metrics need: whether the invocation ran on a
 *   provisioned environment, the function's and the account's concurrent executions when it
 *   started, and the architecture it ran on (NULL in rows written before: on-demand, x86_64);
 * - logs gain a `level` column (parsed at write time; existing rows are back-filled once);
 * - telemetry_provisioned: the provisioned-concurrency ledger, one row per function version and
 *   metering interval (environment-milliseconds allocated and busy).
 * - metering keeps one row per invocation attempt: an async event's retries (and its throttled
 *   attempts) share its request id, and each is billed, so request_id is no longer the key.
 * Applied by openSqliteStore before it prepares its statements.
 */
import type Database from 'better-sqlite3';
import { applyNamedMigrations, type NamedMigration } from '../store/sqlite/db.ts';
import { parseLogLevel } from './log-level.ts';

export const TELEMETRY_MIGRATIONS: NamedMigration[] = [
  {
    id: 'telemetry-001-metering-placement',
    sql: `ALTER TABLE metering ADD COLUMN provisioned INTEGER;
          ALTER TABLE metering ADD COLUMN concurrency INTEGER;
          ALTER TABLE metering ADD COLUMN account_concurrency INTEGER;
          ALTER TABLE metering ADD COLUMN architecture TEXT;
          CREATE INDEX metering_time ON metering(start_time);`,
  },
  {
    id: 'telemetry-002-log-level',
    sql: `ALTER TABLE logs ADD COLUMN level TEXT;
          CREATE INDEX logs_fn_level ON logs(function_name, level, id);`,
  },
  {
    id: 'telemetry-003-provisioned-ledger',
    sql: `CREATE TABLE telemetry_provisioned (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            function_name TEXT NOT NULL,
            version TEXT NOT NULL,
            architecture TEXT NOT NULL,
            memory_mb INTEGER NOT NULL,
            start_time INTEGER NOT NULL,
            end_time INTEGER NOT NULL,
            allocated_max INTEGER NOT NULL,
            allocated_ms INTEGER NOT NULL,
            busy_ms INTEGER NOT NULL
          );
          CREATE INDEX telemetry_provisioned_time ON telemetry_provisioned(start_time);
          CREATE INDEX telemetry_provisioned_fn ON telemetry_provisioned(function_name, start_time);`,
  },
  {
    id: 'telemetry-004-metering-per-attempt',
    sql: `CREATE TABLE metering_new (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            request_id TEXT NOT NULL,
            function_name TEXT NOT NULL,
            version TEXT NOT NULL,
            start_time INTEGER NOT NULL,
            duration_ms REAL NOT NULL,
            billed_duration_ms INTEGER NOT NULL,
            memory_size_mb INTEGER NOT NULL,
            max_memory_used_mb INTEGER NOT NULL,
            init_duration_ms REAL,
            cold INTEGER NOT NULL,
            outcome TEXT NOT NULL,
            error_type TEXT,
            provisioned INTEGER,
            concurrency INTEGER,
            account_concurrency INTEGER,
            architecture TEXT
          );
          INSERT INTO metering_new (request_id, function_name, version, start_time, duration_ms, billed_duration_ms,
            memory_size_mb, max_memory_used_mb, init_duration_ms, cold, outcome, error_type, provisioned,
            concurrency, account_concurrency, architecture)
          SELECT request_id, function_name, version, start_time, duration_ms, billed_duration_ms, memory_size_mb,
            max_memory_used_mb, init_duration_ms, cold, outcome, error_type, provisioned, concurrency,
            account_concurrency, architecture
          FROM metering ORDER BY start_time;
          DROP TABLE metering;
          ALTER TABLE metering_new RENAME TO metering;
          CREATE INDEX metering_fn ON metering(function_name, start_time);
          CREATE INDEX metering_time ON metering(start_time);
          CREATE INDEX metering_request ON metering(request_id);`,
  },
];

export function migrateTelemetry(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS named_migrations (id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)');
  const hadLevel = db.prepare("SELECT 1 FROM named_migrations WHERE id = 'telemetry-002-log-level'").get();
  applyNamedMigrations(db, TELEMETRY_MIGRATIONS);
  if (!hadLevel) backfillLogLevels(db);
}

/** Parse the level of log lines stored before the column existed (once, in batches). */
function backfillLogLevels(db: Database.Database): void {
  const page = db.prepare<[number], { id: number; message: string }>(
    'SELECT id, message FROM logs WHERE id > ? ORDER BY id LIMIT 5000',
  );
  const set = db.prepare('UPDATE logs SET level = ? WHERE id = ?');
  let after = 0;
  for (;;) {
    const rows = page.all(after);
    if (!rows.length) return;
    db.transaction(() => {
      for (const r of rows) {
        const level = parseLogLevel(r.message);
        if (level) set.run(level, r.id);
      }
    })();
    after = rows.at(-1)!.id;
  }
}
