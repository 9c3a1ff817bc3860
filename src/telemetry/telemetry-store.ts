/**
 * Telemetry queries over the durable ledger (SQLite): per-period time series of the metering table
 * (counts, errors by type, throttles, exact p50/p90/p99 with window functions, cold starts, max
 * concurrency), usage aggregates for billing, and the provisioned-concurrency ledger.
 * Tables and indexes: schema.ts (named migrations 'telemetry-*').
 */
import type Database from 'better-sqlite3';
import { asArchitecture, monthStart, type UsageRow } from './billing.ts';

export interface SeriesQuery {
  functionName?: string;
  version?: string;
  since: number;
  until: number;
  periodMs: number;
}

export interface SeriesBucket {
  /** Bucket start, unix ms (a multiple of the period). */
  start: number;
  /** Invocations that ran (throttles excluded, errors included), as AWS's Invocations metric. */
  invocations: number;
  errors: number;
  errorTypes: Record<string, number>;
  throttles: number;
  coldStarts: number;
  /** Invocation duration in ms (init excluded): nearest-rank percentiles, mean, max. */
  p50: number | null;
  p90: number | null;
  p99: number | null;
  avgDuration: number | null;
  maxDuration: number | null;
  avgInitDuration: number | null;
  /** Highest concurrent executions seen at an invocation start: the function's, or the account's. */
  maxConcurrency: number | null;
  billedMs: number;
  gbSeconds: number;
  /** Provisioned environments busy / allocated over the bucket (provisioned ledger). */
  provisionedUtilization: number | null;
}

export interface ProvisionedInterval {
  functionName: string;
  version: string;
  architecture: string;
  memoryMb: number;
  startTime: number;
  endTime: number;
  allocatedMax: number;
  /** Σ allocated environments × ms over the interval. */
  allocatedMs: number;
  /** Σ busy provisioned environments × ms over the interval. */
  busyMs: number;
}

export interface TelemetryStore {
  /** Buckets that have data, oldest first. */
  series(q: SeriesQuery): SeriesBucket[];
  /** Billing usage rows for [since, until), plus the same month's usage before `since` (prior). */
  usage(since: number, until: number): UsageRow[];
  recordProvisioned(rows: ProvisionedInterval[]): void;
  listProvisioned(q: { functionName?: string; since?: number; until?: number }): ProvisionedInterval[];
  /** Retention: drop metering rows and provisioned intervals older than ts. */
  deleteOlderThan(ts: number): number;
}

interface ProvRow {
  function_name: string;
  version: string;
  architecture: string;
  memory_mb: number;
  start_time: number;
  end_time: number;
  allocated_max: number;
  allocated_ms: number;
  busy_ms: number;
}

export class SqliteTelemetryStore implements TelemetryStore {
  private insertProv;

  constructor(private db: Database.Database) {
    this.insertProv = db.prepare(
      `INSERT INTO telemetry_provisioned (function_name, version, architecture, memory_mb, start_time, end_time,
         allocated_max, allocated_ms, busy_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  series(q: SeriesQuery): SeriesBucket[] {
    const { where, params } = filter(q);
    params.p = q.periodMs;
    const w = where.join(' AND ');
    // better-sqlite3 binds numbers as REAL: bucket with an explicit integer cast.
    const bucket = 'CAST(start_time / @p AS INTEGER) * @p';
    const concurrency = q.functionName !== undefined ? 'concurrency' : 'account_concurrency';
    const agg = this.db
      .prepare(
        `SELECT ${bucket} AS t,
           SUM(outcome != 'throttle') AS invocations,
           SUM(outcome NOT IN ('success', 'throttle')) AS errors,
           SUM(outcome = 'throttle') AS throttles,
           SUM(cold) AS coldStarts,
           AVG(CASE WHEN outcome != 'throttle' THEN duration_ms END) AS avgDuration,
           MAX(CASE WHEN outcome != 'throttle' THEN duration_ms END) AS maxDuration,
           AVG(init_duration_ms) AS avgInitDuration,
           MAX(${concurrency}) AS maxConcurrency,
           TOTAL(CASE WHEN outcome != 'throttle' THEN billed_duration_ms END) AS billedMs,
           TOTAL(CASE WHEN outcome != 'throttle' THEN billed_duration_ms * memory_size_mb END) / 1024000.0 AS gbSeconds
         FROM metering WHERE ${w} GROUP BY t ORDER BY t`,
      )
      .all(params) as (Omit<SeriesBucket, 'start' | 'p50' | 'p90' | 'p99' | 'errorTypes' | 'provisionedUtilization'> & {
      t: number;
    })[];
    // Nearest-rank percentiles: the ceil(p·n)-th smallest duration of the bucket.
    const pct = this.db
      .prepare(
        `SELECT t,
           MIN(CASE WHEN rn >= (n * 50 + 99) / 100 THEN d END) AS p50,
           MIN(CASE WHEN rn >= (n * 90 + 99) / 100 THEN d END) AS p90,
           MIN(CASE WHEN rn >= (n * 99 + 99) / 100 THEN d END) AS p99
         FROM (SELECT ${bucket} AS t, duration_ms AS d,
                 ROW_NUMBER() OVER (PARTITION BY ${bucket} ORDER BY duration_ms) AS rn,
                 COUNT(*) OVER (PARTITION BY ${bucket}) AS n
               FROM metering WHERE ${w} AND outcome != 'throttle')
         GROUP BY t`,
      )
      .all(params) as { t: number; p50: number; p90: number; p99: number }[];
    const types = this.db
      .prepare(
        `SELECT ${bucket} AS t, COALESCE(error_type, outcome) AS type, count(*) AS n
         FROM metering WHERE ${w} AND outcome NOT IN ('success', 'throttle') GROUP BY t, type`,
      )
      .all(params) as { t: number; type: string; n: number }[];
    const prov = this.provisionedUtilization(q);

    const byT = new Map(pct.map((r) => [r.t, r]));
    return agg.map(({ t, ...a }) => {
      const p = byT.get(t);
      const errorTypes: Record<string, number> = {};
      for (const e of types) if (e.t === t) errorTypes[e.type] = e.n;
      return {
        start: t,
        invocations: a.invocations,
        errors: a.errors,
        errorTypes,
        throttles: a.throttles,
        coldStarts: a.coldStarts,
        p50: p?.p50 ?? null,
        p90: p?.p90 ?? null,
        p99: p?.p99 ?? null,
        avgDuration: a.avgDuration,
        maxDuration: a.maxDuration,
        avgInitDuration: a.avgInitDuration,
        maxConcurrency: a.maxConcurrency,
        billedMs: a.billedMs,
        gbSeconds: a.gbSeconds,
        provisionedUtilization: prov.get(t) ?? null,
      };
    });
  }

  private provisionedUtilization(q: SeriesQuery): Map<number, number> {
    const { where, params } = filter(q);
    where.push('allocated_ms > 0');
    params.p = q.periodMs;
    const rows = this.db
      .prepare(
        `SELECT CAST(start_time / @p AS INTEGER) * @p AS t, TOTAL(busy_ms) / TOTAL(allocated_ms) AS u
         FROM telemetry_provisioned WHERE ${where.join(' AND ')} GROUP BY t`,
      )
      .all(params) as { t: number; u: number }[];
    return new Map(rows.map((r) => [r.t, r.u]));
  }

  usage(since: number, until: number): UsageRow[] {
    const params = { from: monthStart(since), since, until };
    const month = "strftime('%Y-%m', start_time / 1000, 'unixepoch')";
    const metered = this.db
      .prepare(
        `SELECT ${month} AS month, function_name AS functionName, COALESCE(architecture, 'x86_64') AS architecture,
           (start_time < @since) AS prior,
           SUM(outcome != 'throttle' AND COALESCE(provisioned, 0) = 0) AS requests,
           SUM(outcome != 'throttle' AND COALESCE(provisioned, 0) = 1) AS provisionedRequests,
           SUM(outcome = 'throttle') AS throttles,
           TOTAL(CASE WHEN outcome != 'throttle' THEN billed_duration_ms END) AS billedMs,
           TOTAL(CASE WHEN outcome != 'throttle' AND COALESCE(provisioned, 0) = 0
                      THEN billed_duration_ms * memory_size_mb END) / 1024000.0 AS gbSeconds,
           TOTAL(CASE WHEN outcome != 'throttle' AND COALESCE(provisioned, 0) = 1
                      THEN billed_duration_ms * memory_size_mb END) / 1024000.0 AS provisionedDurationGbSeconds
         FROM metering WHERE start_time >= @from AND start_time < @until
         GROUP BY month, functionName, architecture, prior`,
      )
      .all(params) as (Omit<UsageRow, 'prior' | 'provisionedGbSeconds'> & { prior: number })[];
    const provisioned = this.db
      .prepare(
        `SELECT ${month} AS month, function_name AS functionName, architecture, (start_time < @since) AS prior,
           TOTAL(allocated_ms * memory_mb) / 1024000.0 AS provisionedGbSeconds
         FROM telemetry_provisioned WHERE start_time >= @from AND start_time < @until
         GROUP BY month, functionName, architecture, prior`,
      )
      .all(params) as {
      month: string;
      functionName: string;
      architecture: string;
      prior: number;
      provisionedGbSeconds: number;
    }[];

    const rows = new Map<string, UsageRow>();
    const row = (month: string, functionName: string, arch: string, prior: number): UsageRow => {
      const architecture = asArchitecture(arch);
      const key = `${month}\0${functionName}\0${architecture}\0${prior}`;
      let r = rows.get(key);
      if (!r) {
        r = {
          month,
          functionName,
          architecture,
          prior: prior === 1,
          requests: 0,
          provisionedRequests: 0,
          throttles: 0,
          billedMs: 0,
          gbSeconds: 0,
          provisionedDurationGbSeconds: 0,
          provisionedGbSeconds: 0,
        };
        rows.set(key, r);
      }
      return r;
    };
    for (const m of metered) {
      const r = row(m.month, m.functionName, m.architecture, m.prior);
      r.requests += m.requests;
      r.provisionedRequests += m.provisionedRequests;
      r.throttles += m.throttles;
      r.billedMs += m.billedMs;
      r.gbSeconds += m.gbSeconds;
      r.provisionedDurationGbSeconds += m.provisionedDurationGbSeconds;
    }
    for (const p of provisioned)
      row(p.month, p.functionName, p.architecture, p.prior).provisionedGbSeconds += p.provisionedGbSeconds;
    return [...rows.values()];
  }

  recordProvisioned(rows: ProvisionedInterval[]): void {
    this.db.transaction(() => {
      for (const r of rows) {
        this.insertProv.run(
          r.functionName,
          r.version,
          r.architecture,
          r.memoryMb,
          r.startTime,
          r.endTime,
          r.allocatedMax,
          Math.round(r.allocatedMs),
          Math.round(r.busyMs),
        );
      }
    })();
  }

  listProvisioned(q: { functionName?: string; since?: number; until?: number }): ProvisionedInterval[] {
    const { where, params } = filter(q);
    const rows = this.db
      .prepare(
        `SELECT * FROM telemetry_provisioned ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY start_time, id LIMIT 10000`,
      )
      .all(params) as ProvRow[];
    return rows.map((r) => ({
      functionName: r.function_name,
      version: r.version,
      architecture: r.architecture,
      memoryMb: r.memory_mb,
      startTime: r.start_time,
      endTime: r.end_time,
      allocatedMax: r.allocated_max,
      allocatedMs: r.allocated_ms,
      busyMs: r.busy_ms,
    }));
  }

  deleteOlderThan(ts: number): number {
    return this.db.transaction(
      () =>
        this.db.prepare('DELETE FROM metering WHERE start_time < ?').run(ts).changes +
        this.db.prepare('DELETE FROM telemetry_provisioned WHERE start_time < ?').run(ts).changes,
    )();
  }
}

/** WHERE terms and named parameters for the optional function, version and [since, until) filters. */
function filter(q: { functionName?: string; version?: string; since?: number; until?: number }): {
  where: string[];
  params: Record<string, unknown>;
} {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  const terms: [keyof typeof q, string][] = [
    ['since', 'start_time >= @since'],
    ['until', 'start_time < @until'],
    ['functionName', 'function_name = @functionName'],
    ['version', 'version = @version'],
  ];
  for (const [key, term] of terms) {
    if (q[key] === undefined) continue;
    where.push(term);
    params[key] = q[key];
  }
  return { where, params };
}
