/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside whichever commit
 * crosses the threshold (1000 pages), on the committing thread, and fsyncs the WAL and the
 * database: with better-sqlite3 that blocks Gust's event loop for milliseconds every few dozen
 * invocations. Instead, the main connection turns automatic checkpoints off and a worker thread,
 * with its own connection, runs PASSIVE checkpoints every `everyMs`: they never take the writer
 * lock, so commits go on meanwhile. Once every frame is checkpointed, the next writer starts the
 * WAL over from its beginning (SQLite does this by itself), and `journal_size_limit` then cuts the
 * file back. Never RESTART or TRUNCATE from the worker: resetting the WAL under the main
 * connection's open read snapshot makes its next write fail at once with SQLITE_BUSY_SNAPSHOT
 * ("database is locked"), busy timeout or not.
 * Under sustained writes the worker may never catch up at the instant a transaction begins, and
 * the WAL would grow without bound; so the main thread looks at the WAL's size on the same
 * timer and, past `walLimitBytes`, runs one PASSIVE checkpoint itself (the worker has already
 * copied most frames, so it is short): the next commit then starts the WAL over.
 * If the worker cannot start, automatic checkpoints stay on.
 */
import type Database from 'better-sqlite3';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface Checkpointer {
  stop(): void;
}

// Plain JavaScript, evaluated in the worker (no TypeScript loader needed there).
const WORKER = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 100');
const tick = () => {
  try {
    let size = 0;
    try { size = fs.statSync(workerData.file + '-wal').size; } catch {}
    if (size > 0) db.pragma('wal_checkpoint(PASSIVE)');
  } catch (e) {
    // SQLITE_BUSY and friends: try again on the next tick.
  }
};
setInterval(tick, workerData.everyMs);
`;

export function startCheckpointer(
  db: Database.Database,
  opts: { everyMs?: number; walLimitBytes?: number } = {},
): Checkpointer {
  if (db.memory) return { stop: () => {} };
  const everyMs = opts.everyMs ?? 500;
  const limit = opts.walLimitBytes ?? 64 * 1024 * 1024;
  let worker: Worker;
  try {
    worker = new Worker(WORKER, {
      eval: true,
      workerData: {
        file: db.name,
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        everyMs,
      },
    });
  } catch {
    return { stop: () => {} };
  }
  db.pragma('wal_autocheckpoint = 0');
  db.pragma(`journal_size_limit = ${limit}`);
  worker.unref();
  const catchUp = setInterval(() => {
    try {
      if (db.open && fs.statSync(`${db.name}-wal`).size > limit) db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      /* no WAL file yet, or busy: next time */
    }
  }, everyMs);
  catchUp.unref();
  let stopped = false;
  worker.on('error', () => {
    // The worker died: fall back to SQLite's automatic checkpoints.
    if (!stopped && db.open) db.pragma('wal_autocheckpoint = 1000');
  });
  return {
    /** Stop the worker; the caller closes its connection after a final checkpoint. */
    stop: () => {
      stopped = true;
      clearInterval(catchUp);
      void worker.terminate();
      if (db.open) {
        try {
          db.pragma('wal_checkpoint(TRUNCATE)');
        } catch {
          /* busy: the WAL is recovered on the next open */
        }
      }
    },
  };
}
