/**
 * Gust's own API (/gust/v1): health, code package download, log search and live log follow
 * (newline-delimited JSON), metering records.
 */
import type { FastifyInstance } from 'fastify';
import type { CodeStore } from '../../control/code-store.ts';
import type { LogRecord } from '../../control/model.ts';
import { GustError } from '../../errors.ts';
import type { Placement } from '../../placement/manager.ts';
import type { LogQuery, Store } from '../../store/types.ts';
import type { LogCollector } from '../../telemetry/log-collector.ts';
import { LOG_LEVELS, levelsAtLeast, normalizeLevel } from '../../telemetry/log-level.ts';
import { MAX_DATE_MS } from '../../telemetry/time.ts';

export interface GustApiDeps {
  store: Store;
  code: CodeStore;
  logs: LogCollector;
  placement: Placement;
  version: string;
  /** Where this server says it is (ARNs): for clients that build ARNs, e.g. `gust apply`. */
  ctx: { region: string; accountId: string };
}

/** A time parameter: unix time in ms or an ISO date, within the range of a Date. */
const time = (v: string | undefined, field: string): number | undefined => {
  if (v === undefined || v === '') return undefined;
  const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!(Math.abs(n) <= MAX_DATE_MS))
    throw new GustError('GUST_INVALID_PARAMETER', `${field} must be a unix time in ms or an ISO date`);
  return n;
};

/** A count or id parameter: a whole number (no sign, no exponent, at most 2^53 - 1). */
const whole = (v: string | undefined, field: string): number | undefined => {
  if (v === undefined || v === '') return undefined;
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v)))
    throw new GustError('GUST_INVALID_PARAMETER', `${field} must be a whole number`);
  return Number(v);
};

function matches(r: LogRecord, q: LogQuery): boolean {
  return (
    (q.functionName === undefined || r.functionName === q.functionName) &&
    (q.requestId === undefined || r.requestId === q.requestId) &&
    (q.contains === undefined || r.message.includes(q.contains)) &&
    (q.levels === undefined || (!!r.level && q.levels.includes(r.level)))
  );
}

/** `level=WARN`: lines at that level or more severe (WARN, ERROR, FATAL). */
function logLevels(v: string | undefined): string[] | undefined {
  if (!v) return undefined;
  const level = normalizeLevel(v);
  if (!level) throw new GustError('GUST_INVALID_PARAMETER', `level must be one of ${LOG_LEVELS.join(', ')}`);
  return levelsAtLeast(level);
}

export function registerGustRoutes(app: FastifyInstance, d: GustApiDeps): void {
  app.get('/gust/v1/health', async () => ({
    status: 'ok',
    version: d.version,
    region: d.ctx.region,
    accountId: d.ctx.accountId,
    placement: d.placement.stats(),
  }));

  app.get('/gust/v1/code/:file', async (req, reply) => {
    const file = (req.params as { file: string }).file;
    const m = /^([0-9a-f]{64})\.zip$/.exec(file);
    if (!m || !d.code.has(m[1]!)) throw new GustError('GUST_FUNCTION_NOT_FOUND', 'Code package not found');
    return reply.type('application/zip').send(d.code.readBlob(m[1]!));
  });

  app.get('/gust/v1/logs', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const query: LogQuery = {
      functionName: q.function || undefined,
      requestId: q.requestId || undefined,
      since: time(q.since, 'since'),
      until: time(q.until, 'until'),
      contains: q.contains || undefined,
      levels: logLevels(q.level),
      afterId: whole(q.afterId, 'afterId'),
      limit: whole(q.limit, 'limit'),
    };
    const records = d.store.logs.query(query);
    if (q.follow !== '1' && q.follow !== 'true') return { records };

    // Follow: stream NDJSON, first the matching history, then every new record as it is stored.
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-cache' });
    res.flushHeaders(); // the client sees the stream open even when there is no history yet
    for (const r of records) res.write(JSON.stringify(r) + '\n');
    const unsubscribe = d.logs.subscribe((batch) => {
      for (const r of batch) if (matches(r, query)) res.write(JSON.stringify(r) + '\n');
    });
    const ping = setInterval(() => res.write('\n'), 15_000);
    req.raw.on('close', () => {
      clearInterval(ping);
      unsubscribe();
    });
  });

  app.get('/gust/v1/dead-letters', async (req) => {
    const q = req.query as Record<string, string | undefined>;
    const records = d.store.asyncQueue.listDeadLetters({
      functionName: q.function || undefined,
      limit: whole(q.limit, 'limit'),
    });
    return {
      records: records.map((r) => {
        let payload: unknown = r.payload.toString('utf8');
        try {
          payload = JSON.parse(payload as string);
        } catch {
          /* keep as text */
        }
        return { ...r, payload };
      }),
    };
  });

  app.get('/gust/v1/metering', async (req) => {
    const q = req.query as Record<string, string | undefined>;
    return {
      records: d.store.metering.list({
        functionName: q.function || undefined,
        requestId: q.requestId || undefined,
        since: time(q.since, 'since'),
        until: time(q.until, 'until'),
        limit: whole(q.limit, 'limit'),
      }),
    };
  });
}
