/** The log collector's budget for lines written outside any invocation. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { LogRecord } from '../../src/control/model.ts';
import type { LogStore } from '../../src/store/types.ts';
import { LogCollector, MAX_IDLE_LOG_BYTES_PER_SECOND } from '../../src/telemetry/log-collector.ts';

function memoryStore(): LogStore & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  return { records, append: (r) => void records.push(...r), query: () => records, deleteOlderThan: () => 0 };
}

it('caps idle output per function and second, counting the dropped lines in one marker', async () => {
  const store = memoryStore();
  const logs = new LogCollector(store);
  const line = 'x'.repeat(1024);
  const n = MAX_IDLE_LOG_BYTES_PER_SECOND / 1024 + 100;
  // Within one second (the loop takes far less; start early in a second), from a background
  // process: no request id.
  while (Date.now() % 1000 > 800) await new Promise((r) => setTimeout(r, 10));
  for (let i = 0; i < n; i++) logs.line('noisy', '$LATEST', null, line, Date.now());
  logs.line('quiet', '$LATEST', null, 'hello', Date.now());
  logs.flush(true);
  const noisy = store.records.filter((r) => r.functionName === 'noisy');
  const kept = noisy.filter((r) => r.message === line).length;
  assert.ok(
    kept <= MAX_IDLE_LOG_BYTES_PER_SECOND / 1024 && kept >= MAX_IDLE_LOG_BYTES_PER_SECOND / 1024 / 2,
    `${kept}`,
  );
  const marker = noisy.find((r) => r.message.startsWith('Gust: '));
  assert.ok(marker, 'a marker line');
  assert.match(marker.message, new RegExp(`^Gust: ${n - kept} log lines written outside any invocation dropped`));
  assert.deepEqual(
    store.records.filter((r) => r.functionName === 'quiet').map((r) => r.message),
    ['hello'],
    'other functions keep their own budget',
  );
  // After the final flush nothing more is accepted (the store is closing).
  logs.line('noisy', '$LATEST', null, 'late', Date.now());
  logs.flush();
  assert.equal(
    store.records.some((r) => r.message === 'late'),
    false,
  );
});

it('invocation lines are not limited by the idle budget', () => {
  const store = memoryStore();
  const logs = new LogCollector(store);
  logs.begin('r1');
  const line = 'y'.repeat(1024);
  const n = MAX_IDLE_LOG_BYTES_PER_SECOND / 1024 + 100;
  for (let i = 0; i < n; i++) logs.line('f', '$LATEST', 'r1', line, Date.now());
  assert.equal(logs.end('r1').invoke.length, n);
});
