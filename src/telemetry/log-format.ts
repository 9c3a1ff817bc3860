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
