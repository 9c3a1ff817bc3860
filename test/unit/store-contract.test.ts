/**
 * One contract suite for every Store implementation (SQLite today; Postgres in cluster mode later
 * registers itself in IMPLEMENTATIONS and must pass the same assertions).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { defaultSettings, type FunctionRecord, type MeteringRecord } from '../../src/control/model.ts';
import { applyNamedMigrations, openDatabase } from '../../src/store/sqlite/db.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { TELEMETRY_MIGRATIONS } from '../../src/telemetry/schema.ts';
import type { Store } from '../../src/store/types.ts';

const IMPLEMENTATIONS: { name: string; open: () => { store: Store; reopen: () => Store; cleanup: () => void } }[] = [
  {
    name: 'sqlite',
    open: () => {
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'gust-store-'));
      return {
        store: openSqliteStore(home),
        reopen: () => openSqliteStore(home),
        cleanup: () => fs.rmSync(home, { recursive: true, force: true }),
      };
    },
  },
];

const fnRecord = (name: string): FunctionRecord => ({
  name,
  createdAt: new Date().toISOString(),
  latest: {
    functionName: name,
    version: '$LATEST',
    runtime: 'nodejs20.x',
    handler: 'index.handler',
    role: '',
    description: '',
    memorySize: 128,
    timeout: 3,
    environment: { A: '1' },
    codeSha256: 'ab'.repeat(32),
    codeSize: 10,
    lastModified: '2026-01-01T00:00:00.000+0000',
    revisionId: 'r1',
    architectures: ['x86_64'],
    ephemeralStorageSize: 512,
    loggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${name}` },
    layers: [],
    revision: 1,
  },
  settings: defaultSettings(),
});

const meter = (requestId: string, functionName: string, startTime: number): MeteringRecord => ({
  requestId,
  functionName,
  version: '$LATEST',
  startTime,
  durationMs: 1.5,
  billedDurationMs: 2,
  memorySizeMb: 128,
  maxMemoryUsedMb: 30,
  initDurationMs: null,
  cold: false,
  outcome: 'success',
  errorType: null,
});

for (const impl of IMPLEMENTATIONS) {
  describe(`Store contract: ${impl.name}`, () => {
    it('functions: insert, get, list, update, delete; names are unique', () => {
      const { store, cleanup } = impl.open();
      try {
        assert.equal(store.functions.insert(fnRecord('b')), true);
        assert.equal(store.functions.insert(fnRecord('a')), true);
        assert.equal(store.functions.insert(fnRecord('a')), false);
        assert.deepEqual(
          store.functions.list().map((f) => f.name),
          ['a', 'b'],
        );
        const a = store.functions.get('a')!;
        store.functions.updateLatest('a', { ...a.latest, memorySize: 256 });
        assert.equal(store.functions.get('a')!.latest.memorySize, 256);
        assert.equal(store.functions.delete('a'), true);
        assert.equal(store.functions.delete('a'), false);
        assert.equal(store.functions.get('a'), undefined);
      } finally {
        store.close();
        cleanup();
      }
    });

    it('ledger: logs and metering commit together and survive reopening', async () => {
      const { store, reopen, cleanup } = impl.open();
      try {
        await store.ledger.commit(
          [
            { functionName: 'f', version: '$LATEST', requestId: 'r1', timestamp: 1000, message: 'START' },
            { functionName: 'f', version: '$LATEST', requestId: 'r1', timestamp: 1001, message: 'hello world' },
          ],
          meter('r1', 'f', 1000),
        );
        store.logs.append([
          { functionName: 'g', version: '$LATEST', requestId: null, timestamp: 2000, message: 'other' },
        ]);
        store.close();
        const s2 = reopen();
        try {
          assert.deepEqual(
            s2.logs.query({ functionName: 'f' }).map((l) => l.message),
            ['START', 'hello world'],
          );
          assert.deepEqual(
            s2.logs.query({ requestId: 'r1', contains: 'world' }).map((l) => l.message),
            ['hello world'],
          );
          assert.equal(s2.logs.query({ since: 1500 }).length, 1);
          const first = s2.logs.query({ functionName: 'f' })[0]!;
          assert.deepEqual(
            s2.logs.query({ afterId: first.id }).map((l) => l.message),
            ['hello world', 'other'],
          );
          assert.deepEqual(
            s2.logs.query({ limit: 1 }).map((l) => l.message),
            ['other'],
            'limit keeps the newest',
          );
          const m = s2.metering.list({ functionName: 'f' });
          assert.deepEqual(m, [meter('r1', 'f', 1000)]);
          assert.equal(s2.logs.deleteOlderThan(1500), 2);
          // An async event's retries share its request id: each attempt is its own metering record.
          await s2.ledger.commit([], meter('r1', 'f', 1100));
          assert.deepEqual(
            s2.metering.list({ functionName: 'f' }).map((x) => [x.requestId, x.startTime]),
            [
              ['r1', 1100],
              ['r1', 1000],
            ],
          );
        } finally {
          s2.close();
        }
      } finally {
        cleanup();
      }
    });
  });
}

describe('sqlite schema upgrades', () => {
  it('keeps metering rows written before metering became one row per attempt', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'gust-store-'));
    try {
      // The schema as it was before telemetry-004, with one row in it.
      const db = openDatabase(home);
      applyNamedMigrations(db, TELEMETRY_MIGRATIONS.slice(0, 3));
      db.prepare(
        `INSERT INTO metering (request_id, function_name, version, start_time, duration_ms, billed_duration_ms,
           memory_size_mb, max_memory_used_mb, init_duration_ms, cold, outcome, error_type, architecture)
         VALUES ('old', 'f', '$LATEST', 500, 1.5, 2, 128, 40, NULL, 0, 'success', NULL, 'arm64')`,
      ).run();
      db.close();
      const store = openSqliteStore(home);
      try {
        const rows = store.metering.list({ functionName: 'f' });
        assert.equal(rows.length, 1);
        assert.equal(rows[0]!.requestId, 'old');
        assert.equal(rows[0]!.billedDurationMs, 2);
        assert.equal(rows[0]!.architecture, 'arm64');
        await store.ledger.commit([], meter('old', 'f', 600));
        assert.equal(store.metering.list({ functionName: 'f' }).length, 2);
      } finally {
        store.close();
      }
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  it('group commit: commits of one loop turn share a transaction; close() commits what is pending', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'gust-store-'));
    try {
      const store = openSqliteStore(home);
      const changes = (): number => (store.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
      const before = changes();
      const done = Promise.all([1, 2, 3].map((i) => store.ledger.commit([], meter(`g${i}`, 'f', i))));
      assert.equal(store.metering.list({ functionName: 'f' }).length, 0, 'not committed within the same turn');
      await done;
      assert.equal(changes() - before, 3);
      assert.equal(store.metering.list({ functionName: 'f' }).length, 3);
      void store.ledger.commit([], meter('g4', 'f', 4));
      store.close();
      const again = openSqliteStore(home);
      assert.equal(again.metering.list({ functionName: 'f' }).length, 4, 'pending commit flushed on close');
      again.close();
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
