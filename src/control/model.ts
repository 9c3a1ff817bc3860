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
  /** DeadLetterConfig.TargetArn: where failed async events go (SQS queue or SNS topic ARN); absent = none. */
  deadLetterTargetArn?: string;
  /** Unix ms when this version's config/code last changed (pool key component). */
  revision: number;
}

export interface FunctionRecord {
  name: string;
  createdAt: string;
  latest: FunctionVersion;
  settings: FunctionSettings;
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
  /** Ran on a provisioned-concurrency environment (billed at the provisioned duration rate). */
  provisioned?: boolean;
  /** The function's concurrent executions when this invocation started (this one included). */
  concurrency?: number;
  /** The account's concurrent executions when this invocation started. */
  accountConcurrency?: number;
  /** x86_64 or arm64 (prices differ). */
  architecture?: string;
}

export interface LogRecord {
  id?: number;
  functionName: string;
  version: string;
  requestId: string | null;
  timestamp: number;
  message: string;
  /** TRACE..FATAL when the line carries one (telemetry/log-level.ts), else null/absent. */
  level?: string | null;
}

export interface AliasRoutingConfig {
  AdditionalVersionWeights: Record<string, number>;
}

export interface AliasRecord {
  functionName: string;
  name: string;
  functionVersion: string;
  description: string;
  routingConfig?: AliasRoutingConfig;
  revisionId: string;
}

export interface EventInvokeConfig {
  maximumRetryAttempts: number;
  maximumEventAgeInSeconds: number;
  onSuccess?: string;
  onFailure?: string;
  lastModified: number;
}

/** Per-function settings that are not part of a version's configuration. */
export interface FunctionSettings {
  /** Reserved concurrency; 0 disables the function. Undefined = uses the unreserved pool. */
  reservedConcurrency?: number;
  /** Keyed by qualifier ($LATEST, a version or an alias). */
  eventInvokeConfigs: Record<string, EventInvokeConfig>;
  /** Provisioned concurrency requested, keyed by qualifier (a version or an alias). */
  provisioned: Record<string, { requested: number; lastModified: string }>;
  /** Next number PublishVersion will use. */
  nextVersion: number;
}

export const defaultSettings = (): FunctionSettings => ({ eventInvokeConfigs: {}, provisioned: {}, nextVersion: 1 });

/** An accepted asynchronous invocation, durable in the queue until it is done. */
export interface AsyncEvent {
  id: string;
  functionName: string;
  qualifier: string | null;
  payload: Buffer;
  enqueuedAt: number;
  /** Invocation attempts made so far (throttled attempts are not counted). */
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
}

/** An async event that ended without success and without an on-failure destination. */
export interface DeadLetter {
  id: string;
  functionName: string;
  qualifier: string | null;
  payload: Buffer;
  enqueuedAt: number;
  failedAt: number;
  attempts: number;
  condition: 'RetriesExhausted' | 'EventAgeExceeded' | 'FunctionDeleted';
  error: string | null;
}
