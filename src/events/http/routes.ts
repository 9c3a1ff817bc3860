/**
 * Route and CORS configuration of the HTTP API: validation, durable writes (HttpStore), and the
 * compiled in-memory RouteTable the gateway reads (rebuilt on every change, never read from SQLite
 * on the request path).
 */
import { randomBytes } from 'node:crypto';
import { parseFunctionRef } from '../../control/names.ts';
import { GustError, isGustError } from '../../errors.ts';
import type { CorsConfig } from './cors.ts';
import { parseRouteKey } from './route-key.ts';
import { RouteTable, type RouteRecord } from './route-table.ts';
import type { HttpStore } from './store.ts';

/** API Gateway HTTP API integration timeout range (TimeoutInMillis). */
export const MIN_TIMEOUT_MS = 50;
export const MAX_TIMEOUT_MS = 30_000;

export interface RouteInput {
  routeKey?: string;
  functionName?: string;
  /** null removes the qualifier. */
  qualifier?: string | null;
  timeoutMs?: number;
}

const ID_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789';
export function randomId(length: number): string {
  const bytes = randomBytes(length);
  let s = '';
  for (const b of bytes) s += ID_CHARS[b % ID_CHARS.length];
  return s;
}

export class HttpRoutes {
  private records = new Map<string, RouteRecord>();
  private compiled = new RouteTable([]);
  private corsConfig: CorsConfig | undefined;
  readonly apiId: string;

  /** `resolve` throws GUST_FUNCTION_NOT_FOUND when the function or qualifier does not exist. */
  constructor(
    private store: HttpStore,
    private resolve: (functionName: string, qualifier?: string) => void,
  ) {
    for (const r of store.listRoutes()) this.records.set(r.routeId, r);
    this.rebuild();
    const cors = store.getSetting('cors');
    this.corsConfig = cors ? (JSON.parse(cors) as CorsConfig) : undefined;
    let apiId = store.getSetting('api_id');
    if (!apiId) {
      apiId = randomId(10);
      store.setSetting('api_id', apiId);
    }
    this.apiId = apiId;
  }

  /** The compiled table (replaced, not mutated, on change). */
  get table(): RouteTable {
    return this.compiled;
  }

  get cors(): CorsConfig | undefined {
    return this.corsConfig;
  }

  /** Routes in selection order. */
  list(): RouteRecord[] {
    return this.compiled.ordered.map((r) => r.record);
  }

  get(routeId: string): RouteRecord {
    const r = this.records.get(routeId);
    if (!r) throw new GustError('GUST_HTTP_ROUTE_NOT_FOUND', `Route not found: ${routeId}`);
    return r;
  }

  create(input: RouteInput): RouteRecord {
    if (input.routeKey === undefined) throw new GustError('GUST_HTTP_INVALID_ROUTE', 'routeKey is required');
    if (input.functionName === undefined) throw new GustError('GUST_HTTP_INVALID_ROUTE', 'functionName is required');
    let routeId = randomId(7);
    while (this.records.has(routeId)) routeId = randomId(7);
    const now = new Date().toISOString();
    return this.save(
      { routeId, routeKey: '', functionName: '', timeoutMs: MAX_TIMEOUT_MS, createdAt: now, updatedAt: now },
      input,
    );
  }

  update(routeId: string, input: RouteInput): RouteRecord {
    return this.save({ ...this.get(routeId), updatedAt: new Date().toISOString() }, input);
  }

  delete(routeId: string): void {
    this.get(routeId);
    this.store.deleteRoute(routeId);
    this.records.delete(routeId);
    this.rebuild();
  }

  setCors(cors: CorsConfig | undefined): void {
    this.store.setSetting('cors', cors ? JSON.stringify(cors) : undefined);
    this.corsConfig = cors;
  }

  private save(base: RouteRecord, input: RouteInput): RouteRecord {
    const next: RouteRecord = { ...base };
    if (input.routeKey !== undefined) next.routeKey = parseRouteKey(input.routeKey).key;
    if (input.functionName !== undefined) {
      const ref = functionRef(input.functionName);
      next.functionName = ref.name;
      if (ref.qualifier !== undefined) {
        if (input.qualifier != null && input.qualifier !== ref.qualifier) {
          throw new GustError('GUST_HTTP_INVALID_ROUTE', 'The qualifier in functionName and qualifier differ');
        }
        next.qualifier = ref.qualifier;
      } else if (input.qualifier === undefined) delete next.qualifier;
    }
    if (input.qualifier === null) delete next.qualifier;
    else if (input.qualifier !== undefined) {
      if (!/^(\$LATEST|[a-zA-Z0-9-_]{1,128})$/.test(input.qualifier)) {
        throw new GustError('GUST_HTTP_INVALID_ROUTE', `Invalid qualifier: ${input.qualifier}`);
      }
      next.qualifier = input.qualifier;
    }
    if (input.timeoutMs !== undefined) {
      const t = input.timeoutMs;
      if (!Number.isInteger(t) || t < MIN_TIMEOUT_MS || t > MAX_TIMEOUT_MS) {
        throw new GustError(
          'GUST_HTTP_INVALID_ROUTE',
          `timeoutMs must be an integer between ${MIN_TIMEOUT_MS} and ${MAX_TIMEOUT_MS}`,
        );
      }
      next.timeoutMs = t;
    }
    const shape = parseRouteKey(next.routeKey).shape;
    for (const other of this.records.values()) {
      if (other.routeId !== next.routeId && parseRouteKey(other.routeKey).shape === shape) {
        throw new GustError(
          'GUST_HTTP_ROUTE_CONFLICT',
          `Route '${next.routeKey}' conflicts with existing route '${other.routeKey}' (${other.routeId})`,
        );
      }
    }
    this.resolve(next.functionName, next.qualifier);
    this.store.putRoute(next);
    this.records.set(next.routeId, next);
    this.rebuild();
    return next;
  }

  private rebuild(): void {
    this.compiled = new RouteTable([...this.records.values()]);
  }
}

function functionRef(input: string): { name: string; qualifier?: string } {
  try {
    return parseFunctionRef(input);
  } catch (e) {
    if (isGustError(e)) throw new GustError('GUST_HTTP_INVALID_ROUTE', `Invalid functionName '${input}'`);
    throw e;
  }
}
