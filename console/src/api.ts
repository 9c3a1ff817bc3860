/**
 * Thin client for Gust's HTTP APIs (same origin). Every call is defensive: endpoints that other
 * parts of Gust are still growing (metrics, billing, triggers) may answer 404, and the console
 * then shows "not available" instead of failing.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** AWS error type (x-amzn-ErrorType), e.g. ResourceNotFoundException, UnknownOperationException. */
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
  /** The route does not exist on this server (not the resource). */
  get unavailable(): boolean {
    return this.status === 404 && (this.type === '' || this.type.startsWith('UnknownOperation'));
  }
  get notFound(): boolean {
    return this.status === 404 && !this.unavailable;
  }
}

async function errorOf(res: Response): Promise<ApiError> {
  const type = (res.headers.get('x-amzn-errortype') ?? '').split(':')[0] ?? '';
  let message = `${res.status} ${res.statusText}`;
  try {
    const body = (await res.json()) as { Message?: string; message?: string; error?: string };
    message = body.Message ?? body.message ?? body.error ?? message;
  } catch {
    /* not JSON */
  }
  return new ApiError(res.status, type, message);
}

export async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: { accept: 'application/json' } });
  if (!res.ok) throw await errorOf(res);
  return (await res.json()) as T;
}

/** Outcome of an optional endpoint: data, "none" (resource not found), or "unavailable" (route missing). */
export type Optional<T> = { state: 'ok'; data: T } | { state: 'none' } | { state: 'unavailable'; reason: string };

export async function optional<T>(path: string): Promise<Optional<T>> {
  try {
    return { state: 'ok', data: await getJson<T>(path) };
  } catch (e) {
    if (e instanceof ApiError && e.unavailable) return { state: 'unavailable', reason: e.message };
    if (e instanceof ApiError && e.notFound) return { state: 'none' };
    throw e;
  }
}

const enc = encodeURIComponent;

// ---- Lambda REST API shapes (the fields the console reads) ----

export interface FunctionConfiguration {
  FunctionName: string;
  FunctionArn: string;
  Runtime: string;
  Handler: string;
  Role: string;
  CodeSize: number;
  Description: string;
  Timeout: number;
  MemorySize: number;
  LastModified: string;
  CodeSha256: string;
  Version: string;
  Environment?: { Variables?: Record<string, string> };
  Architectures?: string[];
  EphemeralStorage?: { Size: number };
  State?: string;
  RevisionId?: string;
  DeadLetterConfig?: { TargetArn?: string };
}

export interface Alias {
  AliasArn: string;
  Name: string;
  FunctionVersion: string;
  Description?: string;
  RoutingConfig?: { AdditionalVersionWeights?: Record<string, number> };
}

export interface ProvisionedConfig {
  FunctionArn: string;
  RequestedProvisionedConcurrentExecutions: number;
  AvailableProvisionedConcurrentExecutions: number;
  AllocatedProvisionedConcurrentExecutions: number;
  Status: string;
  StatusReason?: string;
}

export interface EventInvokeConfig {
  FunctionArn: string;
  MaximumRetryAttempts?: number;
  MaximumEventAgeInSeconds?: number;
  DestinationConfig?: { OnSuccess?: { Destination?: string }; OnFailure?: { Destination?: string } };
}

export interface EventSourceMapping {
  UUID: string;
  EventSourceArn?: string;
  State?: string;
  BatchSize?: number;
  FunctionArn?: string;
}

export interface FunctionUrlConfig {
  FunctionUrl: string;
  AuthType?: string;
  InvokeMode?: string;
}

// ---- Gust API shapes ----

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
  outcome: string;
  errorType: string | null;
  /** Not recorded by every Gust version; shown when present. */
  provisioned?: boolean;
  /** The function's concurrent executions when this invocation started (this one included). */
  concurrency?: number;
  queueWaitMs?: number | null;
}

export interface LogRecord {
  id?: number;
  functionName: string;
  version: string;
  requestId: string | null;
  timestamp: number;
  message: string;
}

/** An async event that failed without an on-failure destination; `id` is its request id. */
export interface DeadLetter {
  id: string;
  functionName: string;
  qualifier: string | null;
  payload: unknown;
  enqueuedAt: number;
  failedAt: number;
  attempts: number;
  condition: string;
  error: string | null;
}

export interface Health {
  status: string;
  version: string;
  placement?: Record<string, unknown>;
}

// ---- calls ----

export async function listFunctions(): Promise<FunctionConfiguration[]> {
  const all: FunctionConfiguration[] = [];
  let marker: string | undefined;
  do {
    const r = await getJson<{ Functions: FunctionConfiguration[]; NextMarker?: string }>(
      `/2015-03-31/functions/?MaxItems=50${marker ? `&Marker=${enc(marker)}` : ''}`,
    );
    all.push(...r.Functions);
    marker = r.NextMarker;
  } while (marker);
  return all;
}

export const getFunction = (name: string) =>
  getJson<{ Configuration: FunctionConfiguration; Concurrency?: { ReservedConcurrentExecutions?: number } }>(
    `/2015-03-31/functions/${enc(name)}`,
  );
export const listVersions = (name: string) =>
  getJson<{ Versions: FunctionConfiguration[] }>(`/2015-03-31/functions/${enc(name)}/versions?MaxItems=50`);
export const listAliases = (name: string) =>
  getJson<{ Aliases: Alias[] }>(`/2015-03-31/functions/${enc(name)}/aliases?MaxItems=50`);
export const getReservedConcurrency = (name: string) =>
  getJson<{ ReservedConcurrentExecutions?: number }>(`/2019-09-30/functions/${enc(name)}/concurrency`);
export const listProvisioned = (name: string) =>
  getJson<{ ProvisionedConcurrencyConfigs: ProvisionedConfig[] }>(
    `/2019-09-30/functions/${enc(name)}/provisioned-concurrency?List=ALL`,
  );
export const listEventInvokeConfigs = (name: string) =>
  optional<{ FunctionEventInvokeConfigs: EventInvokeConfig[] }>(
    `/2019-09-25/functions/${enc(name)}/event-invoke-config/list`,
  );
export const listEventSourceMappings = (name: string) =>
  optional<{ EventSourceMappings: EventSourceMapping[] }>(
    `/2015-03-31/event-source-mappings/?FunctionName=${enc(name)}`,
  );
export const getFunctionUrl = (name: string) => optional<FunctionUrlConfig>(`/2021-10-31/functions/${enc(name)}/url`);

export interface Schedule {
  name: string;
  expression: string;
  timezone?: string | null;
  functionName: string;
  qualifier?: string | null;
  state: string;
  nextFireAt?: string | null;
  lastFireAt?: string | null;
  lastError?: string | null;
}

export interface HttpRoute {
  routeId: string;
  routeKey: string;
  functionName: string;
  qualifier?: string | null;
}

export const listSchedules = (name: string) =>
  optional<{ schedules: Schedule[] }>(`/gust/v1/schedules?function=${enc(name)}`);
export const httpGateway = () => optional<{ url: string }>('/gust/v1/http');
export const httpRoutes = () => optional<{ routes: HttpRoute[] }>('/gust/v1/http/routes');

export const health = () => getJson<Health>('/gust/v1/health');

export async function metering(q: {
  function?: string;
  requestId?: string;
  since?: number;
  until?: number;
  limit?: number;
}): Promise<MeteringRecord[]> {
  const p = new URLSearchParams();
  if (q.function) p.set('function', q.function);
  if (q.requestId) p.set('requestId', q.requestId);
  if (q.since !== undefined) p.set('since', String(Math.floor(q.since)));
  if (q.until !== undefined) p.set('until', String(Math.ceil(q.until)));
  if (q.limit !== undefined) p.set('limit', String(q.limit));
  return (await getJson<{ records: MeteringRecord[] }>(`/gust/v1/metering?${p}`)).records;
}

export async function logsOf(requestId: string): Promise<LogRecord[]> {
  return (await getJson<{ records: LogRecord[] }>(`/gust/v1/logs?requestId=${enc(requestId)}&limit=1000`)).records;
}

export async function deadLetters(fn: string): Promise<Optional<{ records: DeadLetter[] }>> {
  return optional<{ records: DeadLetter[] }>(`/gust/v1/dead-letters?function=${enc(fn)}&limit=20`);
}

export const metrics = (q: { function?: string; period: number; since: number; until: number }) =>
  optional<unknown>(
    `/gust/v1/metrics?${new URLSearchParams({
      ...(q.function ? { function: q.function } : {}),
      period: String(q.period),
      since: String(q.since),
      until: String(q.until),
    })}`,
  );

export const billing = (q: { since: number; until: number }) =>
  optional<unknown>(`/gust/v1/billing?since=${Math.floor(q.since)}&until=${Math.ceil(q.until)}`);

// ---- invoke ----

export interface InvokeResult {
  status: number;
  requestId: string;
  executedVersion?: string;
  functionError?: string;
  body: string;
  logTail?: string;
  ms: number;
}

export function decodeBase64Utf8(s: string): string {
  const bin = atob(s);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new TextDecoder().decode(bytes);
}

export async function invokeFunction(
  name: string,
  payload: string,
  opts: { qualifier?: string; type?: 'RequestResponse' | 'Event' } = {},
): Promise<InvokeResult> {
  const t0 = performance.now();
  const q = opts.qualifier ? `?Qualifier=${enc(opts.qualifier)}` : '';
  const res = await fetch(`/2015-03-31/functions/${enc(name)}/invocations${q}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-amz-invocation-type': opts.type ?? 'RequestResponse',
      'x-amz-log-type': 'Tail',
    },
    body: payload,
  });
  if (res.status >= 400) throw await errorOf(res);
  const log = res.headers.get('x-amz-log-result');
  return {
    status: res.status,
    requestId: res.headers.get('x-amzn-requestid') ?? '',
    executedVersion: res.headers.get('x-amz-executed-version') ?? undefined,
    functionError: res.headers.get('x-amz-function-error') ?? undefined,
    body: await res.text(),
    logTail: log ? decodeBase64Utf8(log) : undefined,
    ms: performance.now() - t0,
  };
}
