import assert from 'node:assert/strict';
import { it } from 'node:test';
import { billedDuration, endLine, logTail, reportLine, startLine } from '../../src/telemetry/log-format.ts';

it('formats START/END/REPORT like Lambda', () => {
  assert.equal(startLine('abc', '$LATEST'), 'START RequestId: abc Version: $LATEST');
  assert.equal(endLine('abc'), 'END RequestId: abc');
  assert.equal(
    reportLine({ requestId: 'abc', durationMs: 12.345, billedDurationMs: 13, memorySizeMb: 128, maxMemoryUsedMb: 40 }),
    'REPORT RequestId: abc\tDuration: 12.35 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t',
  );
  assert.equal(
    reportLine({
      requestId: 'a',
      durationMs: 1,
      billedDurationMs: 101,
      memorySizeMb: 256,
      maxMemoryUsedMb: 50,
      initDurationMs: 99.5,
    }),
    'REPORT RequestId: a\tDuration: 1.00 ms\tBilled Duration: 101 ms\tMemory Size: 256 MB\tMax Memory Used: 50 MB\tInit Duration: 99.50 ms\t',
  );
  assert.match(
    reportLine({
      requestId: 'a',
      durationMs: 3000,
      billedDurationMs: 3000,
      memorySizeMb: 128,
      maxMemoryUsedMb: 50,
      status: 'timeout',
    }),
    /\tStatus: timeout\t$/,
  );
  assert.match(
    reportLine({
      requestId: 'a',
      durationMs: 3,
      billedDurationMs: 3,
      memorySizeMb: 128,
      maxMemoryUsedMb: 50,
      status: 'error',
      errorType: 'Runtime.ExitError',
    }),
    /\tStatus: error\tError Type: Runtime.ExitError\t$/,
  );
});

it('bills duration rounded up to 1 ms, including init on cold starts', () => {
  assert.equal(billedDuration(0.2), 1);
  assert.equal(billedDuration(12.0001), 13);
  assert.equal(billedDuration(12), 12);
  assert.equal(billedDuration(10.5, 100.6), 112);
});

it('tails the last 4 KB of the log, base64', () => {
  const lines = Array.from({ length: 200 }, (_, i) => `line ${i} ${'x'.repeat(40)}`);
  const tail = Buffer.from(logTail(lines), 'base64').toString();
  assert.equal(Buffer.byteLength(tail), 4096);
  assert.ok(tail.endsWith(`line 199 ${'x'.repeat(40)}\n`));
  assert.equal(Buffer.from(logTail(['a', 'b']), 'base64').toString(), 'a\nb\n');
});
