/** Opens the embedded SQLite database (WAL) and applies schema migrations in order. */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';

const MIGRATIONS: string[] = [
  `CREATE TABLE functions (
     name TEXT PRIMARY KEY,
     created_at TEXT NOT NULL,
     latest TEXT NOT NULL
   );
   CREATE TABLE logs (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     function_name TEXT NOT NULL,
     version TEXT NOT NULL,
     request_id TEXT,
     ts INTEGER NOT NULL,
     message TEXT NOT NULL
   );
   CREATE INDEX logs_fn ON logs(function_name, id);
   CREATE INDEX logs_req ON logs(request_id);
   CREATE INDEX logs_ts ON logs(ts);
   CREATE TABLE metering (
     request_id TEXT PRIMARY KEY,
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
     error_type TEXT
   );
   CREATE INDEX metering_fn ON metering(function_name, start_time);`,
  `ALTER TABLE functions ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
   CREATE TABLE versions (
     function_name TEXT NOT NULL,
     version INTEGER NOT NULL,
     config TEXT NOT NULL,
     PRIMARY KEY (function_name, version)
   );
   CREATE TABLE aliases (
     function_name TEXT NOT NULL,
     name TEXT NOT NULL,
     data TEXT NOT NULL,
     PRIMARY KEY (function_name, name)
   );
   CREATE TABLE async_events (
     id TEXT PRIMARY KEY,
     function_name TEXT NOT NULL,
     qualifier TEXT,
     payload BLOB NOT NULL,
     enqueued_at INTEGER NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     next_attempt_at INTEGER NOT NULL,
     claimed INTEGER NOT NULL DEFAULT 0,
     last_error TEXT
   );
   CREATE INDEX async_due ON async_events(claimed, next_attempt_at);
   CREATE INDEX async_fn ON async_events(function_name);
   CREATE TABLE dead_letters (
     id TEXT PRIMARY KEY,
     function_name TEXT NOT NULL,
     qualifier TEXT,
     payload BLOB NOT NULL,
     enqueued_at INTEGER NOT NULL,
     failed_at INTEGER NOT NULL,
     attempts INTEGER NOT NULL,
     condition TEXT NOT NULL,
     error TEXT
   );
   CREATE INDEX dead_letters_fn ON dead_letters(function_name, failed_at);`,
];

export function openDatabase(home: string): Database.Database {
  fs.mkdirSync(home, { recursive: true });
  const db = new Database(path.join(home, 'gust.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}

function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

/**
 * Named migrations for modules outside the core schema (event sources, services). Each module
 * passes its own ordered list; ids are global and applied once, each in its own transaction.
 * Example: applyNamedMigrations(db, [{ id: 'sqs-001-queues', sql: 'CREATE TABLE ...' }]).
 */
export interface NamedMigration {
  id: string;
  sql: string;
}

export function applyNamedMigrations(db: Database.Database, migrations: NamedMigration[]): void {
  db.exec('CREATE TABLE IF NOT EXISTS named_migrations (id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)');
  const has = db.prepare<[string], { id: string }>('SELECT id FROM named_migrations WHERE id = ?');
  const mark = db.prepare('INSERT INTO named_migrations (id, applied_at) VALUES (?, ?)');
  for (const m of migrations) {
    if (has.get(m.id)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      mark.run(m.id, Date.now());
    })();
  }
}
