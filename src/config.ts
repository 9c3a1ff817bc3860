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

type Env = NodeJS.ProcessEnv;

/**
 * One row per GUST_* environment variable: the only list of them. loadConfig reads the ones with a
 * `key`; others are read where they are used (`reader`). The README's configuration table is rendered
 * from this list (`npm run docs:config`) and a test keeps the two the same.
 */
export interface Setting {
  env: string;
  /** Where loadConfig puts the value. */
  key?: keyof GustConfig;
  /** The `gust serve` flag (or other command) that overrides it, as Markdown. */
  flag?: string;
  /** The default as the README shows it. */
  shown: string;
  doc: string;
  /** Whole numbers: the default and the accepted range. */
  int?: { default: number; min: number; max: number };
  /** Other values: how loadConfig computes the value from the environment. */
  read?: (env: Env) => unknown;
  /** Variables read elsewhere (CLI, logger): which module. */
  reader?: string;
}

const int = (d: number, min: number, max: number): Setting['int'] => ({ default: d, min, max });

export const SETTINGS: Setting[] = [
  {
    env: 'GUST_HOME',
    key: 'home',
    flag: '`--home`',
    shown: '`./.gust`',
    doc: 'state: `gust.db` (SQLite, WAL), `code/`, `envs/`',
    read: (e) => e.GUST_HOME ?? '.gust',
  },
  {
    env: 'GUST_PORT',
    key: 'port',
    flag: '`--port`',
    shown: '`9000`',
    doc: 'AWS APIs, `/gust/v1`, console, metrics',
    int: int(9000, 0, 65535),
  },
  {
    env: 'GUST_HOST',
    key: 'host',
    flag: '`--host`',
    shown: '`127.0.0.1`',
    doc: 'address both ports listen on',
    read: (e) => e.GUST_HOST ?? '127.0.0.1',
  },
  {
    env: 'GUST_GATEWAY_PORT',
    key: 'gatewayPort',
    flag: '`--gateway-port`',
    shown: '`9001`',
    doc: 'HTTP routes and function URLs (random when `--port 0`)',
    int: int(-1, 0, 65535),
  },
  {
    env: 'GUST_REGION',
    key: 'region',
    shown: '`$AWS_REGION`, else `us-east-1`',
    doc: 'the region in ARNs, queue URLs and SigV4 scopes',
    read: (e) => e.GUST_REGION ?? e.AWS_REGION ?? 'us-east-1',
  },
  {
    env: 'GUST_ACCOUNT_ID',
    key: 'accountId',
    shown: '`000000000000`',
    doc: 'the account id in ARNs and queue URLs',
    read: (e) => e.GUST_ACCOUNT_ID ?? '000000000000',
  },
  {
    env: 'GUST_OTLP_ENDPOINT',
    key: 'otlpEndpoint',
    shown: '`$OTEL_EXPORTER_OTLP_ENDPOINT`, else unset',
    doc: 'OTLP/HTTP collector for invocation traces, e.g. `http://127.0.0.1:4318`',
    read: (e) => e.GUST_OTLP_ENDPOINT || e.OTEL_EXPORTER_OTLP_ENDPOINT || undefined,
  },
  {
    env: 'GUST_KEEP_ALIVE_MS',
    key: 'keepAliveMs',
    flag: '`--keep-alive <s>`',
    shown: '`300000`',
    doc: 'idle environments are reaped after this',
    int: int(300_000, 0, 7 * 86_400_000),
  },
  {
    env: 'GUST_ACCOUNT_CONCURRENCY',
    key: 'accountConcurrency',
    flag: '`--concurrency`',
    shown: '`1000`',
    doc: 'busy environments across all functions',
    int: int(1000, 1, 100_000),
  },
  {
    env: 'GUST_CGROUPS',
    key: 'cgroups',
    shown: '`auto`',
    doc: '`off` disables memory limits',
    read: (e) => (e.GUST_CGROUPS === 'off' ? 'off' : 'auto'),
  },
  {
    env: 'GUST_NODE_PATH',
    key: 'nodePath',
    shown: 'this node',
    doc: 'interpreter of the `nodejs*` runtimes',
    read: (e) => e.GUST_NODE_PATH ?? process.execPath,
  },
  {
    env: 'GUST_PYTHON_PATH',
    key: 'pythonPath',
    shown: '`python3`',
    doc: 'interpreter of the `python3.*` runtimes',
    read: (e) => e.GUST_PYTHON_PATH ?? 'python3',
  },
  {
    env: 'GUST_LOG_RETENTION_DAYS',
    key: 'logRetentionDays',
    shown: '`30`',
    doc: 'days of function logs kept (0 = forever)',
    int: int(30, 0, 36_500),
  },
  {
    env: 'GUST_METERING_RETENTION_DAYS',
    key: 'meteringRetentionDays',
    shown: '`400`',
    doc: 'metering and provisioned-concurrency ledger (billing reads them; 0 = forever)',
    int: int(400, 0, 36_500),
  },
  {
    env: 'GUST_PRICES',
    key: 'pricesFile',
    flag: '`gust cost --prices`',
    shown: 'AWS us-east-1',
    doc: 'price table JSON ([docs/BILLING.md](docs/BILLING.md))',
    read: (e) => e.GUST_PRICES || undefined,
  },
  {
    env: 'GUST_TELEMETRY_INTERVAL_MS',
    key: 'telemetryIntervalMs',
    shown: '`60000`',
    doc: 'provisioned-concurrency ledger interval',
    int: int(60_000, 100, 86_400_000),
  },
  {
    env: 'GUST_ASYNC_RETRY_BASE_MS',
    key: 'asyncRetryBaseMs',
    shown: '`60000`',
    doc: 'async retry n waits n × this (Lambda: 1 min, 2 min)',
    int: int(60_000, 1, 3_600_000),
  },
  {
    env: 'GUST_ASYNC_THROTTLE_BASE_MS',
    key: 'asyncThrottleBaseMs',
    shown: '`1000`',
    doc: 'first wait of a throttled async event (grows with its age, up to 5 min)',
    int: int(1000, 1, 3_600_000),
  },
  {
    env: 'GUST_ASYNC_POLL_MS',
    key: 'asyncPollMs',
    shown: '`100`',
    doc: 'how often the async queue looks for due events when idle',
    int: int(100, 1, 60_000),
  },
  {
    env: 'GUST_SNS_POLL_MS',
    key: 'snsPollMs',
    shown: '`100`',
    doc: 'how often SNS looks for due deliveries when idle',
    int: int(100, 1, 60_000),
  },
  {
    env: 'GUST_SNS_RETRY_UNIT_MS',
    key: 'snsRetryUnitMs',
    shown: '`1000`',
    doc: 'length of one second of an SNS delivery retry policy',
    int: int(1000, 1, 60_000),
  },
  {
    env: 'GUST_SNS_HTTP_TIMEOUT_MS',
    key: 'snsHttpTimeoutMs',
    shown: '`15000`',
    doc: 'per-request timeout of SNS HTTP/S deliveries',
    int: int(15_000, 1, 900_000),
  },
  {
    env: 'GUST_SNS_CONCURRENCY',
    key: 'snsDeliveryConcurrency',
    shown: '`32`',
    doc: 'SNS deliveries in flight at once',
    int: int(32, 1, 10_000),
  },
  {
    env: 'GUST_LOG_LEVEL',
    flag: '`--quiet` (no request log)',
    shown: '`warn`',
    doc: "server log level (pino JSON); one access line per request unless `--quiet`; `debug` adds Fastify's JSON request records",
    reader: 'api/app.ts',
  },
  {
    env: 'GUST_ENDPOINT',
    flag: '`gust -e`',
    shown: '`http://127.0.0.1:9000`',
    doc: 'where the CLI talks to',
    reader: 'cli/main.ts',
  },
];

export function loadConfig(overrides: Partial<GustConfig> = {}, env: Env = process.env): GustConfig {
  const base: Record<string, unknown> = {};
  for (const s of SETTINGS) {
    if (!s.key) continue;
    const raw = env[s.env];
    base[s.key] = s.int ? (raw !== undefined && raw !== '' ? Number(raw) : s.int.default) : s.read!(env);
  }
  const cfg = {
    ...(base as unknown as GustConfig),
    ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)),
  } as GustConfig;
  cfg.home = path.resolve(cfg.home);
  if (cfg.gatewayPort < 0) cfg.gatewayPort = cfg.port === 0 ? 0 : 9001;
  for (const { env: name, key, int: range } of SETTINGS) {
    if (!key || !range) continue;
    const v = cfg[key] as unknown;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < range.min || v > range.max) {
      const given = key in overrides && overrides[key] !== undefined ? String(overrides[key]) : env[name];
      throw new ConfigError(
        `${name}: expected a whole number from ${range.min} to ${range.max}, got ${JSON.stringify(given)}`,
      );
    }
  }
  return cfg;
}

/** The README's configuration table. */
export function renderSettingsTable(): string {
  const rows = SETTINGS.map((s) => `| \`${s.env}\` | ${s.flag ?? ''} | ${s.shown} | ${s.doc} |`);
  return ['| env var | flag (`gust serve`) | default | |', '|---|---|---|---|', ...rows].join('\n');
}
