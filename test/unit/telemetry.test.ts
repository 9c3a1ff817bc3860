/** Telemetry units: log levels, JSON platform lines, the provisioned ledger, level back-fill, metrics. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { FunctionVersion, MeteringRecord } from '../../src/control/model.ts';
import { openDatabase } from '../../src/store/sqlite/db.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { jsonPlatformLines, platformLines, textPlatformLines } from '../../src/telemetry/log-format.ts';
import { levelsAtLeast, normalizeLevel, parseLogLevel } from '../../src/telemetry/log-level.ts';
import { Metrics } from '../../src/telemetry/metrics.ts';
import { ProvisionedMeter } from '../../src/telemetry/provisioned-meter.ts';
import type { ProvisionedInterval } from '../../src/telemetry/telemetry-store.ts';
import { parseTime } from '../../src/telemetry/time.ts';

const RID = '0f5b7c52-3c1e-4a8e-9a55-3f5b2d1e7c11';

describe('log levels', () => {
  it("parses Lambda's text formats, JSON lines and Gust's platform errors", () => {
    assert.equal(parseLogLevel(`2025-01-01T00:00:00.000Z\t${RID}\tINFO\thello`), 'INFO');
    assert.equal(parseLogLevel(`2025-01-01T00:00:00.000Z\t${RID}\tERROR\tInvoke Error \t{}`), 'ERROR');
    assert.equal(parseLogLevel(`2025-01-01T00:00:00.000Z\tundefined\tWARN\tbefore any request`), 'WARN');
    assert.equal(parseLogLevel(`[WARNING]\t2025-01-01T00:00:00.000Z\t${RID}\tcareful`), 'WARN');
    assert.equal(parseLogLevel('[ERROR] ValueError: python went wrong'), 'ERROR');
    assert.equal(parseLogLevel('[CRITICAL]\t2025\tid\tboom'), 'FATAL');
    assert.equal(parseLogLevel('{"timestamp":"x","level":"debug","message":"m"}'), 'DEBUG');
    assert.equal(parseLogLevel('{"timestamp":"x","log_level":"ERROR","errorType":"E"}'), 'ERROR');
    assert.equal(parseLogLevel(`RequestId: ${RID} Error: Runtime exited with error: exit status 3`), 'ERROR');
    assert.equal(parseLogLevel(`2025-01-01T00:00:00.000Z ${RID} Task timed out after 1.00 seconds`), 'ERROR');
    for (const none of [
      'hello from python',
      `START RequestId: ${RID} Version: $LATEST`,
      `REPORT RequestId: ${RID}\tDuration: 1.00 ms\t`,
      '{"level": 3}',
      '{"type":"platform.start","record":{}}',
      '{not json level',
      `2025-01-01T00:00:00.000Z\t${RID}\tNOTICE\tx`,
      '',
    ]) {
      assert.equal(parseLogLevel(none), null, none);
    }
  });

  it('filters at a level or above', () => {
    assert.deepEqual(levelsAtLeast('WARN'), ['WARN', 'ERROR', 'FATAL']);
    assert.deepEqual(levelsAtLeast('FATAL'), ['FATAL']);
    assert.equal(normalizeLevel('warning'), 'WARN');
    assert.equal(normalizeLevel('verbose'), undefined);
  });

  it('back-fills the level of log lines stored before the column existed', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'gust-levels-'));
    try {
      const old = openDatabase(home); // core schema only: no telemetry migrations yet
      const ins = old.prepare('INSERT INTO logs (function_name, version, request_id, ts, message) VALUES (?,?,?,?,?)');
      ins.run('f', '$LATEST', RID, 1, `2025-01-01T00:00:00.000Z\t${RID}\tERROR\tbad`);
      ins.run('f', '$LATEST', RID, 2, 'plain line');
      ins.run('f', '$LATEST', RID, 3, '{"level":"WARN","message":"w"}');
      old.close();
      const store = openSqliteStore(home);
      try {
        assert.deepEqual(
          store.logs.query({ functionName: 'f', levels: levelsAtLeast('WARN') }).map((r) => [r.timestamp, r.level]),
          [
            [1, 'ERROR'],
            [3, 'WARN'],
          ],
        );
        assert.equal(store.logs.query({ functionName: 'f' }).length, 3);
        assert.equal(store.logs.query({ levels: [] }).length, 0);
      } finally {
        store.close();
      }
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('platform lines', () => {
  const report = {
    requestId: RID,
    durationMs: 12.3456,
    billedDurationMs: 113,
    memorySizeMb: 256,
    maxMemoryUsedMb: 60,
    initDurationMs: 100.1234,
  };

  it("writes AWS's JSON system log records for LogFormat JSON", () => {
    const ts = Date.UTC(2025, 0, 2, 3, 4, 5, 6);
    assert.equal(platformLines('JSON'), jsonPlatformLines);
    assert.equal(platformLines('Text'), textPlatformLines);
    assert.equal(platformLines(undefined), textPlatformLines);
    assert.deepEqual(JSON.parse(jsonPlatformLines.start(RID, '$LATEST', ts)), {
      time: '2025-01-02T03:04:05.006Z',
      type: 'platform.start',
      record: { requestId: RID, version: '$LATEST' },
    });
    assert.deepEqual(JSON.parse(jsonPlatformLines.report(report, ts, 'success')), {
      time: '2025-01-02T03:04:05.006Z',
      type: 'platform.report',
      record: {
        requestId: RID,
        metrics: {
          durationMs: 12.346,
          billedDurationMs: 113,
          memorySizeMB: 256,
          maxMemoryUsedMB: 60,
          initDurationMs: 100.123,
        },
        status: 'success',
      },
    });
    const timeout = JSON.parse(
      jsonPlatformLines.report(
        { ...report, initDurationMs: undefined, status: 'timeout', errorType: 'Sandbox.Timedout' },
        ts,
        'timeout',
      ),
    ) as { record: { metrics: Record<string, number>; status: string; errorType: string } };
    assert.equal(timeout.record.status, 'timeout');
    assert.equal(timeout.record.errorType, 'Sandbox.Timedout');
    assert.equal('initDurationMs' in timeout.record.metrics, false);
    const init = JSON.parse(
      jsonPlatformLines.initStart({ runtime: 'nodejs20.x', functionName: 'f', version: '3' }, ts),
    ) as { type: string; record: Record<string, string> };
    assert.equal(init.type, 'platform.initStart');
    assert.equal(init.record.initializationType, 'on-demand');
    assert.equal(init.record.runtimeVersion, 'nodejs20.x');
    assert.equal(init.record.functionVersion, '3');
    const done = JSON.parse(jsonPlatformLines.end(RID, ts, 'error', 5, 'TypeError')) as {
      type: string;
      record: { requestId: string; status: string; errorType: string };
    };
    assert.deepEqual(
      [done.type, done.record.requestId, done.record.status, done.record.errorType],
      ['platform.runtimeDone', RID, 'error', 'TypeError'],
    );
  });

  it('keeps the text lines for the Text format', () => {
    assert.equal(textPlatformLines.start(RID, '$LATEST', 0), `START RequestId: ${RID} Version: $LATEST`);
    assert.equal(textPlatformLines.end(RID, 0, 'success', 1), `END RequestId: ${RID}`);
    assert.match(textPlatformLines.report(report, 0, 'success'), /^REPORT RequestId: .*\tInit Duration: 100\.12 ms\t$/);
  });
});

describe('provisioned-concurrency ledger', () => {
  const fn = { functionName: 'p', version: '1', architectures: ['arm64'], memorySize: 2048 } as FunctionVersion;

  it('integrates allocated and busy environments over the interval and writes one record', () => {
    let now = 1_000;
    let state = { allocated: 2, busy: 0 };
    const written: ProvisionedInterval[][] = [];
    const meter = new ProvisionedMeter({
      usage: () => [{ fn, ...state }],
      store: { recordProvisioned: (rows) => written.push(rows) },
      intervalMs: 60_000,
      now: () => now,
    });
    meter.start();
    meter.stop(); // no timers in this test: drive samples by hand
    written.length = 0;
    now = 1_000;
    meter.sample(now);
    now += 10_000; // 2 allocated, 0 busy for 10 s
    state = { allocated: 2, busy: 1 };
    meter.sample(now);
    now += 5_000; // 2 allocated, 1 busy for 5 s
    state = { allocated: 0, busy: 0 };
    meter.sample(now);
    now += 5_000; // nothing for 5 s
    const rows = meter.flush(now);
    assert.equal(rows.length, 1);
    assert.deepEqual(written, [rows]);
    const r = rows[0]!;
    assert.equal(r.functionName, 'p');
    assert.equal(r.architecture, 'arm64');
    assert.equal(r.memoryMb, 2048);
    assert.equal(r.allocatedMs, 2 * 15_000);
    assert.equal(r.busyMs, 5_000);
    assert.equal(r.allocatedMax, 2);
    assert.equal(r.endTime, now);
    assert.deepEqual(meter.flush(now + 1000), [], 'nothing allocated: no record');
  });
});

describe('metrics', () => {
  it('counts invocations, errors by type, throttles and cold starts with function and version labels', async () => {
    const m = new Metrics({
      functionNames: () => ['f'],
      functionConcurrency: () => 3,
      accountConcurrency: () => 4,
      accountLimit: () => 10,
      provisioned: () => [
        { functionName: 'f', version: '1', allocated: 4, busy: 1 },
        { functionName: 'f', version: '1', allocated: 0, busy: 0 },
      ],
      asyncQueue: () => [{ functionName: 'f', depth: 2, oldestEnqueuedAt: Date.now() - 30_000 }],
      environments: () => ({ total: 5, idle: 2 }),
    });
    const rec = (o: Partial<MeteringRecord>): MeteringRecord => ({
      requestId: 'r',
      functionName: 'f',
      version: '1',
      startTime: 0,
      durationMs: 20,
      billedDurationMs: 1000,
      memorySizeMb: 1024,
      maxMemoryUsedMb: 1,
      initDurationMs: null,
      cold: false,
      outcome: 'success',
      errorType: null,
      ...o,
    });
    m.observe(rec({ cold: true, initDurationMs: 150 }));
    m.observe(rec({}));
    m.observe(rec({ outcome: 'error', errorType: 'TypeError' }));
    m.observe(rec({ outcome: 'timeout', errorType: 'Sandbox.Timedout', version: '$LATEST' }));
    m.observe(rec({ outcome: 'throttle', errorType: 'TooManyRequestsException', billedDurationMs: 0 }));
    const text = await m.text();
    const has = (line: string): void => assert.ok(text.split('\n').includes(line), `missing: ${line}`);
    has('gust_invocations_total{function="f",version="1"} 3');
    has('gust_invocations_total{function="f",version="$LATEST"} 1');
    has('gust_errors_total{function="f",version="1",error_type="TypeError"} 1');
    has('gust_errors_total{function="f",version="$LATEST",error_type="Sandbox.Timedout"} 1');
    has('gust_throttles_total{function="f",version="1"} 1');
    has('gust_cold_starts_total{function="f",version="1"} 1');
    has('gust_billed_gb_seconds_total{function="f",version="1"} 3');
    has('gust_invocation_duration_seconds_count{function="f",version="1"} 3');
    has('gust_invocation_duration_seconds_bucket{le="0.025",function="f",version="1"} 3');
    has('gust_init_duration_seconds_count{function="f",version="1"} 1');
    has('gust_concurrent_executions{function="f"} 3');
    has('gust_account_concurrent_executions 4');
    has('gust_provisioned_concurrency_allocated{function="f",version="1"} 4');
    has('gust_provisioned_concurrency_utilization{function="f",version="1"} 0.25');
    has('gust_async_queue_depth{function="f"} 2');
    has('gust_environments{state="busy"} 3');
    const age = /gust_async_oldest_event_age_seconds\{function="f"\} ([\d.]+)/.exec(text);
    assert.ok(age && Number(age[1]) >= 30 && Number(age[1]) < 60, age?.[0]);
    assert.match(text, /^gust_process_cpu_seconds_total/m, 'process metrics too');
  });
});

it('parses telemetry times: unix ms, ISO, ages', () => {
  assert.equal(parseTime('1700000000000'), 1_700_000_000_000);
  assert.equal(parseTime('2025-01-01T00:00:00Z'), Date.UTC(2025, 0, 1));
  assert.equal(parseTime('30d', 100 * 86_400_000), 70 * 86_400_000);
  assert.equal(parseTime('90s', 100_000), 10_000);
  assert.equal(parseTime(''), undefined);
  assert.ok(Number.isNaN(parseTime('yesterday')));
});
