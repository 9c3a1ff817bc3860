/** Shared helpers of the HTTP gateway tests (routes, function URLs). */
import http from 'node:http';
import type { TestGust } from '../helpers/gust.ts';

export interface ApiResult {
  status: number;
  code: string | null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

/** Call Gust's own API (JSON) on the main port. */
export async function gustApi(t: TestGust | string, method: string, path: string, body?: unknown): Promise<ApiResult> {
  const base = typeof t === 'string' ? t : t.url;
  const res = await fetch(base + path, {
    method,
    headers: body !== undefined ? { 'content-type': 'application/json' } : {},
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, code: res.headers.get('x-gust-error-code'), json: text ? JSON.parse(text) : undefined };
}

export async function gatewayUrl(t: TestGust | string): Promise<string> {
  const r = await gustApi(t, 'GET', '/gust/v1/http');
  if (r.status !== 200) throw new Error(`GET /gust/v1/http: ${r.status}`);
  return r.json.url as string;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

/** A request with full control over headers (repeated headers, Host), via node:http. */
export function rawRequest(
  base: string,
  path: string,
  opts: { method?: string; headers?: http.OutgoingHttpHeaders; body?: Buffer | string } = {},
): Promise<RawResponse> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, path, method: opts.method ?? 'GET', headers: opts.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode!, headers: res.headers, body, text: body.toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}
