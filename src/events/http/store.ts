/**
 * The HTTP service's durable state in the embedded SQLite: routes, API settings (API id, CORS)
 * and function URL configurations. Writes are committed before the API answers; the gateway
 * reads the in-memory copies kept by the service, never these tables, on the request path.
 */
import type Database from 'better-sqlite3';
import { applyNamedMigrations } from '../../store/sqlite/db.ts';
import type { CorsConfig } from './cors.ts';
import type { RouteRecord } from './route-table.ts';

export interface FunctionUrlRecord {
  /** 32 lower-case letters and digits, as AWS's url-id. */
  urlId: string;
  functionName: string;
  /** An alias name; undefined = the unqualified function ($LATEST). */
  qualifier?: string;
  authType: 'NONE' | 'AWS_IAM';
  cors?: CorsConfig;
  /** Only present when it was set (Lambda omits it otherwise). */
  invokeMode?: 'BUFFERED';
  createdAt: string;
  updatedAt: string;
}

const MIGRATIONS = [
  {
    id: 'http-001-routes-urls',
    sql: `CREATE TABLE http_routes (
            route_id TEXT PRIMARY KEY,
            route_key TEXT NOT NULL UNIQUE,
            function_name TEXT NOT NULL,
            qualifier TEXT,
            timeout_ms INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
          );
          CREATE TABLE http_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
          CREATE TABLE http_function_urls (
            url_id TEXT PRIMARY KEY,
            function_name TEXT NOT NULL,
            qualifier TEXT NOT NULL DEFAULT '',
            auth_type TEXT NOT NULL,
            cors TEXT,
            invoke_mode TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (function_name, qualifier)
          );`,
  },
];

interface RouteRow {
  route_id: string;
  route_key: string;
  function_name: string;
  qualifier: string | null;
  timeout_ms: number;
  created_at: string;
  updated_at: string;
}

interface UrlRow {
  url_id: string;
  function_name: string;
  qualifier: string;
  auth_type: string;
  cors: string | null;
  invoke_mode: string | null;
  created_at: string;
  updated_at: string;
}

const toRoute = (r: RouteRow): RouteRecord => ({
  routeId: r.route_id,
  routeKey: r.route_key,
  functionName: r.function_name,
  ...(r.qualifier !== null ? { qualifier: r.qualifier } : {}),
  timeoutMs: r.timeout_ms,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toUrl = (r: UrlRow): FunctionUrlRecord => ({
  urlId: r.url_id,
  functionName: r.function_name,
  ...(r.qualifier !== '' ? { qualifier: r.qualifier } : {}),
  authType: r.auth_type as FunctionUrlRecord['authType'],
  ...(r.cors !== null ? { cors: JSON.parse(r.cors) as CorsConfig } : {}),
  ...(r.invoke_mode !== null ? { invokeMode: r.invoke_mode as 'BUFFERED' } : {}),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class HttpStore {
  private s;

  constructor(db: Database.Database) {
    applyNamedMigrations(db, MIGRATIONS);
    this.s = {
      routes: db.prepare<[], RouteRow>('SELECT * FROM http_routes ORDER BY created_at, route_id'),
      putRoute: db.prepare(
        `INSERT INTO http_routes (route_id, route_key, function_name, qualifier, timeout_ms, created_at, updated_at)
         VALUES (@routeId, @routeKey, @functionName, @qualifier, @timeoutMs, @createdAt, @updatedAt)
         ON CONFLICT (route_id) DO UPDATE SET route_key = excluded.route_key, function_name = excluded.function_name,
           qualifier = excluded.qualifier, timeout_ms = excluded.timeout_ms, updated_at = excluded.updated_at`,
      ),
      deleteRoute: db.prepare<[string]>('DELETE FROM http_routes WHERE route_id = ?'),
      getSetting: db.prepare<[string], { value: string }>('SELECT value FROM http_settings WHERE key = ?'),
      putSetting: db.prepare<[string, string]>(
        'INSERT INTO http_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
      deleteSetting: db.prepare<[string]>('DELETE FROM http_settings WHERE key = ?'),
      urls: db.prepare<[], UrlRow>('SELECT * FROM http_function_urls ORDER BY function_name, qualifier'),
      putUrl: db.prepare(
        `INSERT INTO http_function_urls (url_id, function_name, qualifier, auth_type, cors, invoke_mode, created_at, updated_at)
         VALUES (@urlId, @functionName, @qualifier, @authType, @cors, @invokeMode, @createdAt, @updatedAt)
         ON CONFLICT (url_id) DO UPDATE SET auth_type = excluded.auth_type, cors = excluded.cors,
           invoke_mode = excluded.invoke_mode, updated_at = excluded.updated_at`,
      ),
      deleteUrl: db.prepare<[string]>('DELETE FROM http_function_urls WHERE url_id = ?'),
      deleteUrlsOf: db.prepare<[string]>('DELETE FROM http_function_urls WHERE function_name = ?'),
    };
  }

  listRoutes(): RouteRecord[] {
    return this.s.routes.all().map(toRoute);
  }

  putRoute(r: RouteRecord): void {
    this.s.putRoute.run({ ...r, qualifier: r.qualifier ?? null });
  }

  deleteRoute(routeId: string): boolean {
    return this.s.deleteRoute.run(routeId).changes > 0;
  }

  getSetting(key: string): string | undefined {
    return this.s.getSetting.get(key)?.value;
  }

  setSetting(key: string, value: string | undefined): void {
    if (value === undefined) this.s.deleteSetting.run(key);
    else this.s.putSetting.run(key, value);
  }

  listUrls(): FunctionUrlRecord[] {
    return this.s.urls.all().map(toUrl);
  }

  putUrl(u: FunctionUrlRecord): void {
    this.s.putUrl.run({
      ...u,
      qualifier: u.qualifier ?? '',
      cors: u.cors ? JSON.stringify(u.cors) : null,
      invokeMode: u.invokeMode ?? null,
    });
  }

  deleteUrl(urlId: string): void {
    this.s.deleteUrl.run(urlId);
  }

  deleteUrlsOf(functionName: string): void {
    this.s.deleteUrlsOf.run(functionName);
  }
}
