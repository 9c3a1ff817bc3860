/** The registry's domain model: one function version's configuration, as Gust stores it. */

export const LATEST = '$LATEST';

export interface LoggingConfig {
  LogFormat: 'Text' | 'JSON';
  ApplicationLogLevel?: string;
  SystemLogLevel?: string;
  LogGroup: string;
}

/** The configuration of one function version ($LATEST or a published number). */
export interface FunctionVersion {
  functionName: string;
  version: string;
  runtime: string;
  handler: string;
  role: string;
  description: string;
  memorySize: number;
  timeout: number;
  environment: Record<string, string>;
  /** hex sha256 of the zip: the code store key. */
  codeSha256: string;
  codeSize: number;
  lastModified: string;
  revisionId: string;
  architectures: string[];
  ephemeralStorageSize: number;
  loggingConfig: LoggingConfig;
  layers: string[];
  /** Unix ms when this version's config/code last changed (pool key component). */
  revision: number;
}

export interface FunctionRecord {
  name: string;
  createdAt: string;
  latest: FunctionVersion;
}

/** One row of the metering ledger: every invocation leaves one. */
export interface MeteringRecord {
  requestId: string;
  functionName: string;
  version: string;
  startTime: number;
  durationMs: number;
  billedDurationMs: number;
  memorySizeMb: number;
  maxMemoryUsedMb: number;
  initDurationMs: number | null;
  cold: boolean;
  outcome: 'success' | 'error' | 'timeout' | 'crash' | 'oom' | 'throttle' | 'init_error';
  errorType: string | null;
}

export interface LogRecord {
  id?: number;
  functionName: string;
  version: string;
  requestId: string | null;
  timestamp: number;
  message: string;
}
