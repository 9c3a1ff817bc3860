/** Server configuration: defaults, overridden by environment variables and CLI flags. */
import path from 'node:path';

export interface GustConfig {
  /** State directory (SQLite database, code store, environment scratch space). */
  home: string;
  host: string;
  port: number;
  region: string;
  accountId: string;
  /** Idle execution environments are reaped after this many milliseconds. */
  keepAliveMs: number;
  /** Account-wide concurrency limit (busy environments). */
  accountConcurrency: number;
  /** Executables used for managed runtimes. */
  nodePath: string;
  pythonPath: string;
  /** 'auto' uses a writable cgroup v1/v2 memory controller if present; 'off' disables limits. */
  cgroups: 'auto' | 'off';
  /** Days of logs to keep (0 = forever). */
  logRetentionDays: number;
  /** Days of metering and provisioned-concurrency ledger to keep (0 = forever); billing reads these. */
  meteringRetentionDays: number;
  /** How often the provisioned-concurrency ledger writes an interval record. */
  telemetryIntervalMs: number;
  /** JSON price table overriding the default AWS prices (docs/BILLING.md). */
  pricesFile?: string;
  /** Async retries wait n × this before retry n (Lambda: 60 s). */
  asyncRetryBaseMs: number;
  /** First wait after an async event is throttled (grows with the event's age up to 5 min). */
  asyncThrottleBaseMs: number;
  /** How often the async queue looks for due events when idle. */
  asyncPollMs: number;
  /** OTLP/HTTP endpoint for trace export (e.g. http://127.0.0.1:4318); unset = no tracing. */
  otlpEndpoint?: string;
  /** HTTP gateway port (routes, function URLs); 0 = random. Default 9001, or random when `port` is 0. */
  gatewayPort: number;
  /** SNS: how often the delivery worker looks for due deliveries when idle. */
  snsPollMs: number;
  /** SNS: length of one "second" of a delivery retry policy (AWS's policies are in seconds; tests shrink it). */
  snsRetryUnitMs: number;
  /** SNS: per-request timeout of HTTP/S deliveries (AWS: 15 s). */
  snsHttpTimeoutMs: number;
  /** SNS: deliveries in flight at once. */
  snsDeliveryConcurrency: number;
}

/** A setting that cannot be used: the message names it and says what it expects. */
export class ConfigError extends Error {}

/** Integer settings: [environment variable, GustConfig key, minimum, maximum]. */
const INTEGER_SETTINGS: [string, keyof GustConfig, number, number][] = [
  ['GUST_PORT', 'port', 0, 65535],
  ['GUST_GATEWAY_PORT', 'gatewayPort', 0, 65535],
  ['GUST_KEEP_ALIVE_MS', 'keepAliveMs', 0, 7 * 86_400_000],
  ['GUST_ACCOUNT_CONCURRENCY', 'accountConcurrency', 1, 100_000],
  ['GUST_LOG_RETENTION_DAYS', 'logRetentionDays', 0, 36_500],
  ['GUST_METERING_RETENTION_DAYS', 'meteringRetentionDays', 0, 36_500],
  ['GUST_TELEMETRY_INTERVAL_MS', 'telemetryIntervalMs', 100, 86_400_000],
  ['GUST_ASYNC_RETRY_BASE_MS', 'asyncRetryBaseMs', 1, 3_600_000],
  ['GUST_ASYNC_THROTTLE_BASE_MS', 'asyncThrottleBaseMs', 1, 3_600_000],
  ['GUST_ASYNC_POLL_MS', 'asyncPollMs', 1, 60_000],
  ['GUST_SNS_POLL_MS', 'snsPollMs', 1, 60_000],
  ['GUST_SNS_RETRY_UNIT_MS', 'snsRetryUnitMs', 1, 60_000],
  ['GUST_SNS_HTTP_TIMEOUT_MS', 'snsHttpTimeoutMs', 1, 900_000],
  ['GUST_SNS_CONCURRENCY', 'snsDeliveryConcurrency', 1, 10_000],
];

export function loadConfig(overrides: Partial<GustConfig> = {}, env: NodeJS.ProcessEnv = process.env): GustConfig {
  const num = (v: string | undefined, d: number): number => (v !== undefined && v !== '' ? Number(v) : d);
  const base: GustConfig = {
    home: path.resolve(env.GUST_HOME ?? '.gust'),
    host: env.GUST_HOST ?? '127.0.0.1',
    port: num(env.GUST_PORT, 9000),
    region: env.GUST_REGION ?? env.AWS_REGION ?? 'us-east-1',
    accountId: env.GUST_ACCOUNT_ID ?? '000000000000',
    keepAliveMs: num(env.GUST_KEEP_ALIVE_MS, 300_000),
    accountConcurrency: num(env.GUST_ACCOUNT_CONCURRENCY, 1000),
    nodePath: env.GUST_NODE_PATH ?? process.execPath,
    pythonPath: env.GUST_PYTHON_PATH ?? 'python3',
    cgroups: env.GUST_CGROUPS === 'off' ? 'off' : 'auto',
    logRetentionDays: num(env.GUST_LOG_RETENTION_DAYS, 30),
    meteringRetentionDays: num(env.GUST_METERING_RETENTION_DAYS, 400),
    telemetryIntervalMs: num(env.GUST_TELEMETRY_INTERVAL_MS, 60_000),
    pricesFile: env.GUST_PRICES || undefined,
    asyncRetryBaseMs: num(env.GUST_ASYNC_RETRY_BASE_MS, 60_000),
    asyncThrottleBaseMs: num(env.GUST_ASYNC_THROTTLE_BASE_MS, 1000),
    asyncPollMs: num(env.GUST_ASYNC_POLL_MS, 100),
    otlpEndpoint: env.GUST_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined,
    gatewayPort: num(env.GUST_GATEWAY_PORT, -1),
    snsPollMs: num(env.GUST_SNS_POLL_MS, 100),
    snsRetryUnitMs: num(env.GUST_SNS_RETRY_UNIT_MS, 1000),
    snsHttpTimeoutMs: num(env.GUST_SNS_HTTP_TIMEOUT_MS, 15_000),
    snsDeliveryConcurrency: num(env.GUST_SNS_CONCURRENCY, 32),
  };
  const cfg = { ...base, ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) };
  cfg.home = path.resolve(cfg.home);
  if (cfg.gatewayPort < 0) cfg.gatewayPort = cfg.port === 0 ? 0 : 9001;
  for (const [name, key, min, max] of INTEGER_SETTINGS) {
    const v = cfg[key] as unknown;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      const given = key in overrides && overrides[key] !== undefined ? String(overrides[key]) : env[name];
      throw new ConfigError(`${name}: expected a whole number from ${min} to ${max}, got ${JSON.stringify(given)}`);
    }
  }
  return cfg;
}
