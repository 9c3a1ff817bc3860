/** WAL checkpoints on a worker thread: commits never fail because of them, and the WAL is reused. */
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { it } from 'node:test';
import { startCheckpointer } from '../../src/store/sqlite/checkpointer.ts';

it('keeps committing read-then-write transactions while checkpoints run, and bounds the WAL', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gust-ckpt-'));
  const file = path.join(dir, 'db.sqlite');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)');
  const ckpt = startCheckpointer(db, { everyMs: 2, walLimitBytes: 1024 * 1024 });
  try {
    assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 0, 'automatic checkpoints are off');
    const count = db.prepare('SELECT count(*) AS n FROM t');
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    // Deferred transactions that read first, then write: the kind a WAL reset under them would break.
    const tx = db.transaction((blob: Buffer) => {
      count.get();
      insert.run(blob);
    });
    const blob = Buffer.alloc(16 * 1024, 7);
    let maxWal = 0;
    for (let i = 0; i < 3000; i++) {
      tx(blob);
      if (i % 10 === 0) {
        await new Promise((r) => setTimeout(r, 1));
        maxWal = Math.max(maxWal, fs.statSync(`${file}-wal`).size);
      }
    }
    assert.equal((count.get() as { n: number }).n, 3000);
    // ~48 MB were written; without checkpoints the WAL would hold all of it.
    assert.ok(maxWal < 12 * 1024 * 1024, `the WAL was reused (max ${maxWal} bytes)`);
  } finally {
    ckpt.stop();
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
