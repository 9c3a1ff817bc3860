/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside whichever commit
 * crosses the threshold (1000 pages), on the committing thread, and fsyncs the WAL and the
 * database: with better-sqlite3 that blocks Gust's event loop for milliseconds every few dozen
 * invocations. Instead, the main connection turns automatic checkpoints off and a worker thread,
 * with its own connection, runs PASSIVE checkpoints (they never block writers) every `everyMs`;
 * when the WAL grows past `truncateBytes` anyway (a long-lived reader kept it from being reused),
 * it tries a TRUNCATE checkpoint, which waits for readers at most its busy timeout.
 * If the worker cannot start, automatic checkpoints stay on.
 */
import type Database from 'better-sqlite3';
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
    if (size === 0) return;
    db.pragma(size > workerData.truncateBytes ? 'wal_checkpoint(TRUNCATE)' : 'wal_checkpoint(PASSIVE)');
  } catch (e) {
    // SQLITE_BUSY and friends: try again on the next tick.
  }
};
setInterval(tick, workerData.everyMs);
`;

export function startCheckpointer(
  db: Database.Database,
  opts: { everyMs?: number; truncateBytes?: number } = {},
): Checkpointer {
  if (db.memory) return { stop: () => {} };
  let worker: Worker;
  try {
    worker = new Worker(WORKER, {
      eval: true,
      workerData: {
        file: db.name,
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        everyMs: opts.everyMs ?? 500,
        truncateBytes: opts.truncateBytes ?? 64 * 1024 * 1024,
      },
    });
  } catch {
    return { stop: () => {} };
  }
  db.pragma('wal_autocheckpoint = 0');
  worker.unref();
  let stopped = false;
  worker.on('error', () => {
    // The worker died: fall back to SQLite's automatic checkpoints.
    if (!stopped && db.open) db.pragma('wal_autocheckpoint = 1000');
  });
  return {
    /** Stop the worker; the caller closes its connection after a final checkpoint. */
    stop: () => {
      stopped = true;
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
