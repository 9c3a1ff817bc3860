/** Lambda's platform log lines (INIT_START, START, END, REPORT) in AWS's exact text format. */

export interface ReportFields {
  requestId: string;
  durationMs: number;
  billedDurationMs: number;
  memorySizeMb: number;
  maxMemoryUsedMb: number;
  initDurationMs?: number;
  /** Set for platform-level failures: timeout, crash (error) with their error type. */
  status?: 'timeout' | 'error';
  errorType?: string;
}

export const initStartLine = (runtime: string, version: string): string =>
  `INIT_START Runtime Version: ${runtime}\tRuntime Version ARN: gust:runtime:${runtime}\tFunction Version: ${version}`;

export const startLine = (requestId: string, version: string): string =>
  `START RequestId: ${requestId} Version: ${version}`;

export const endLine = (requestId: string): string => `END RequestId: ${requestId}`;

export function reportLine(f: ReportFields): string {
  let s =
    `REPORT RequestId: ${f.requestId}\tDuration: ${f.durationMs.toFixed(2)} ms\t` +
    `Billed Duration: ${f.billedDurationMs} ms\tMemory Size: ${f.memorySizeMb} MB\t` +
    `Max Memory Used: ${f.maxMemoryUsedMb} MB\t`;
  if (f.initDurationMs !== undefined) s += `Init Duration: ${f.initDurationMs.toFixed(2)} ms\t`;
  if (f.status) s += `Status: ${f.status}\t`;
  if (f.status === 'error' && f.errorType) s += `Error Type: ${f.errorType}\t`;
  return s;
}

/** How an invocation ended, for the JSON platform records (`status` of runtimeDone/report). */
export type PlatformStatus = 'success' | 'error' | 'timeout';

const iso = (ts: number): string => new Date(ts).toISOString();
const ms = (n: number): number => Math.round(n * 1000) / 1000;

/**
 * The platform lines of one invocation in the function's log format. Functions with
 * LoggingConfig.LogFormat = JSON get AWS's JSON system log records instead of the text lines:
 * platform.initStart / platform.start / platform.runtimeDone (END) / platform.report.
 */
export interface PlatformLines {
  initStart(fn: { runtime: string; functionName: string; version: string }, ts: number): string;
  start(requestId: string, version: string, ts: number): string;
  end(requestId: string, ts: number, status: PlatformStatus, durationMs: number, errorType?: string): string;
  report(f: ReportFields, ts: number, status: PlatformStatus): string;
}

export const textPlatformLines: PlatformLines = {
  initStart: (fn) => initStartLine(fn.runtime, fn.version),
  start: (requestId, version) => startLine(requestId, version),
  end: (requestId) => endLine(requestId),
  report: (f) => reportLine(f),
};

export const jsonPlatformLines: PlatformLines = {
  initStart: (fn, ts) =>
    JSON.stringify({
      time: iso(ts),
      type: 'platform.initStart',
      record: {
        initializationType: 'on-demand',
        phase: 'init',
        runtimeVersion: fn.runtime,
        runtimeVersionArn: `gust:runtime:${fn.runtime}`,
        functionName: fn.functionName,
        functionVersion: fn.version,
      },
    }),
  start: (requestId, version, ts) =>
    JSON.stringify({ time: iso(ts), type: 'platform.start', record: { requestId, version } }),
  end: (requestId, ts, status, durationMs, errorType) =>
    JSON.stringify({
      time: iso(ts),
      type: 'platform.runtimeDone',
      record: {
        requestId,
        status,
        ...(status !== 'success' && errorType ? { errorType } : {}),
        metrics: { durationMs: ms(durationMs) },
      },
    }),
  report: (f, ts, status) =>
    JSON.stringify({
      time: iso(ts),
      type: 'platform.report',
      record: {
        requestId: f.requestId,
        metrics: {
          durationMs: ms(f.durationMs),
          billedDurationMs: f.billedDurationMs,
          memorySizeMB: f.memorySizeMb,
          maxMemoryUsedMB: f.maxMemoryUsedMb,
          ...(f.initDurationMs !== undefined ? { initDurationMs: ms(f.initDurationMs) } : {}),
        },
        status,
        ...(status !== 'success' && f.errorType ? { errorType: f.errorType } : {}),
      },
    }),
};

export const platformLines = (logFormat: string | undefined): PlatformLines =>
  logFormat === 'JSON' ? jsonPlatformLines : textPlatformLines;

/**
 * Billed duration, rounded up to 1 ms. Since August 2025 AWS bills the INIT phase of on-demand
 * environments too, so a cold start bills duration + init duration.
 */
export function billedDuration(durationMs: number, initDurationMs?: number): number {
  return Math.max(1, Math.ceil(durationMs + (initDurationMs ?? 0)));
}

/** Base64 of the last 4 KB of an invocation's log, as X-Amz-Log-Result carries it. */
export function logTail(lines: string[]): string {
  const buf = Buffer.from(lines.join('\n') + '\n', 'utf8');
  return (buf.length > 4096 ? buf.subarray(buf.length - 4096) : buf).toString('base64');
}
