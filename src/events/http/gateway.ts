/**
 * The HTTP gateway: a plain node:http server on its own port (one hop in front of the Invoker, no
 * framework on the hot path). It serves the HTTP API routes and Lambda function URLs
 * (`/lambda-url/<url-id>/...`, or any path with Host `<url-id>.lambda-url.<region>.on.aws`):
 * CORS preflight, route selection from the in-memory table, the payload 2.0 event, the invocation,
 * and the response mapping.
 *
 * Error answers, and where they come from:
 * - No route: 404 {"message":"Not Found"} (API Gateway HTTP API routing docs). Unknown function
 *   URL: 403 {"Message":null} with x-amzn-ErrorType AccessDeniedException (what AWS answers, as
 *   recorded by LocalStack's AWS-validated tests).
 * - Function error (including Sandbox.Timedout, crashes, OOM) or a malformed response: routes 502
 *   {"message":"Internal Server Error"} (Lambda developer guide, "Handling Lambda errors with an
 *   API Gateway API"); function URLs 502 with the text body "Internal Server Error" (AWS, as above).
 * - Throttled (reserved/account concurrency): routes 500 {"message":"Internal Server Error"} (same
 *   guide: "If the Lambda API rejects the invocation request, API Gateway returns a 500"); API
 *   Gateway's own 429 is for its stage/route throttling, which Gust does not have. Function URLs
 *   429 (Lambda guide, "Throttling function URLs"; the body is undocumented: {"message":"Too Many
 *   Requests"}).
 * - Integration timeout (a route's timeoutMs, 50..30000, default 30000): 503 {"message":"Service
 *   Unavailable"}, as HTTP APIs answer; the invocation itself runs to completion. Function URLs
 *   have no integration timeout (the function's own timeout applies).
 * - Body over 10 MB (HTTP API payload quota), or an event over Lambda's 6 MB invoke limit:
 *   413 {"message":"Request Entity Too Large"} (Gust choice for the latter: API Gateway would
 *   answer 500 for a rejected invocation).
 * - Function missing, other rejected invocations: 500 {"message":"Internal Server Error"}.
 *   Server shutting down: 503 {"message":"Service Unavailable"}.
 */
import { closeServerPromptly } from '../../api/close-server.ts';
import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GustError, isGustError } from '../../errors.ts';
import type { Invoker, InvokeResult } from '../../invoke/invoker.ts';
import {
  isPreflight,
  preflightHeaders,
  responseCorsHeaders,
  stripCorsHeaders,
  type CorsConfig,
  type Headers,
} from './cors.ts';
import { buildEvent, pooledRandom, traceRoot, type HttpRequestInfo } from './event.ts';
import type { FunctionUrls } from './function-urls.ts';
import { jsonMessage, mapLambdaResult, type HttpResponse } from './response.ts';
import { safeDecode } from './route-key.ts';
import type { HttpRoutes } from './routes.ts';
import type { FunctionUrlRecord } from './store.ts';

/** API Gateway HTTP API request payload limit. */
export const MAX_BODY = 10 * 1024 * 1024;
/** Past this many bytes an oversized body is no longer drained: the connection is closed. */
const DRAIN_LIMIT = 4 * MAX_BODY;
const FUNCTION_URL_HOST = /^([a-z0-9]{32})\.lambda-url\.[a-z0-9-]+\.on\.aws(?::\d+)?$/i;
const URL_PREFIX = '/lambda-url/';

export interface GatewayDeps {
  host: string;
  port: number;
  region: string;
  accountId: string;
  routes: HttpRoutes;
  urls: FunctionUrls;
  invoker: Invoker;
  log(msg: string): void;
}

/** What a request is addressed to, after route selection. */
interface Target {
  functionName: string;
  qualifier?: string;
  timeoutMs?: number;
  rawPath: string;
  routeKey: string;
  pathParameters?: Record<string, string>;
  url?: FunctionUrlRecord;
}

const NOT_FOUND = (): HttpResponse => jsonMessage(404, 'Not Found');
const INTERNAL = (): HttpResponse => jsonMessage(500, 'Internal Server Error');
const UNAVAILABLE = (): HttpResponse => jsonMessage(503, 'Service Unavailable');
const TOO_LARGE = (): HttpResponse => jsonMessage(413, 'Request Entity Too Large');
const URL_BAD_GATEWAY = (): HttpResponse => ({
  status: 502,
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  body: Buffer.from('Internal Server Error'),
});
const URL_NOT_FOUND = (): HttpResponse => ({
  status: 403,
  headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException' },
  body: Buffer.from('{"Message":null}'),
});

/** API Gateway style request id, e.g. `JKJaXmPLvHcESHA=`. */
const apigwRequestId = (): string => pooledRandom(11).toString('base64');

class TimedOut extends Error {}

export class Gateway {
  private server?: http.Server;
  private boundPort = 0;
  private stopping = false;

  constructor(private d: GatewayDeps) {}

  async start(): Promise<void> {
    const server = http.createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        this.d.log(`http gateway: ${(e as Error).stack ?? String(e)}`);
        if (!res.headersSent) send(res, INTERNAL());
        else res.destroy();
      });
    });
    // Idle keep-alive connections stay open a minute (as load balancers expect); headers must arrive sooner.
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) =>
        reject(
          new GustError(
            'GUST_GATEWAY_LISTEN_FAILED',
            `HTTP gateway cannot listen on ${this.d.host}:${this.d.port}: ${e.code ?? e.message}`,
          ),
        ),
      );
      server.listen(this.d.port, this.d.host, () => resolve());
    });
    this.server = server;
    this.boundPort = (server.address() as AddressInfo).port;
  }

  /** Stop accepting requests; requests in flight finish (their invocations are drained by the server). */
  async stop(): Promise<void> {
    this.stopping = true;
    const server = this.server;
    if (!server) return;
    await closeServerPromptly(server, () => new Promise<void>((resolve) => server.close(() => resolve())));
  }

  get port(): number {
    return this.boundPort;
  }

  /** Base URL, e.g. http://127.0.0.1:9001 */
  url(): string {
    const h = this.d.host === '0.0.0.0' || this.d.host === '::' || this.d.host === '' ? '127.0.0.1' : this.d.host;
    return `http://${h.includes(':') ? `[${h}]` : h}:${this.boundPort}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const received = Date.now();
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const rawQueryString = q < 0 ? '' : rawUrl.slice(q + 1);
    const method = req.method ?? 'GET';
    const origin = req.headers.origin;

    // Function URL (by Host or by path prefix) or an HTTP API route.
    let url: FunctionUrlRecord | undefined;
    let rawPath = path;
    const hostMatch = FUNCTION_URL_HOST.exec(req.headers.host ?? '');
    const isUrl = hostMatch !== null || path.startsWith(URL_PREFIX) || path === '/lambda-url';
    if (hostMatch) url = this.d.urls.findById(hostMatch[1]!.toLowerCase());
    else if (isUrl) {
      const rest = path.slice(URL_PREFIX.length);
      const slash = rest.indexOf('/');
      const segment = safeDecode(slash < 0 ? rest : rest.slice(0, slash));
      url = segment ? this.d.urls.findBySegment(segment) : undefined;
      rawPath = slash < 0 ? '/' : rest.slice(slash);
    }
    const cors: CorsConfig | undefined = isUrl ? url?.cors : this.d.routes.cors;
    const requestId = isUrl ? randomUUID() : apigwRequestId();
    const idHeaders: Headers = isUrl
      ? { 'x-amzn-requestid': requestId, 'x-amzn-trace-id': traceRoot() }
      : { 'apigw-requestid': requestId };
    const reply = (r: HttpResponse, fromFunction = false): void => {
      if (cors && origin !== undefined) {
        if (fromFunction && !isUrl) stripCorsHeaders(r.headers);
        addHeaders(r.headers, responseCorsHeaders(cors, origin));
      }
      addHeaders(r.headers, idHeaders);
      send(res, r);
    };

    if (isUrl && !url) return drainThen(req, () => send(res, URL_NOT_FOUND()));
    if (this.stopping) return drainThen(req, () => reply(UNAVAILABLE()));
    if (cors && isPreflight(method, req.headers)) {
      const h = preflightHeaders(
        cors,
        origin!,
        String(req.headers['access-control-request-method']),
        req.headers['access-control-request-headers'] as string | undefined,
      );
      return drainThen(req, () => send(res, { status: 204, headers: { ...h, ...idHeaders }, body: Buffer.alloc(0) }));
    }

    let target: Target;
    if (url) {
      target = { functionName: url.functionName, qualifier: url.qualifier, rawPath, routeKey: '$default', url };
    } else {
      const m = this.d.routes.table.match(method, path);
      if (!m) return drainThen(req, () => reply(NOT_FOUND()));
      const r = m.route.record;
      target = {
        functionName: r.functionName,
        qualifier: r.qualifier,
        timeoutMs: r.timeoutMs,
        rawPath,
        routeKey: r.routeKey,
        pathParameters: m.pathParameters,
      };
    }

    const body = await readBody(req);
    if (!body) return reply(TOO_LARGE());

    const info: HttpRequestInfo = {
      method,
      rawPath: target.rawPath,
      rawQueryString,
      rawHeaders: req.rawHeaders,
      body,
      sourceIp: clientIp(req),
      protocol: `HTTP/${req.httpVersion}`,
      port: this.boundPort,
    };
    const event = buildEvent(info, {
      routeKey: target.routeKey,
      pathParameters: target.pathParameters,
      requestId,
      accountId: url && url.authType === 'NONE' ? 'anonymous' : this.d.accountId,
      apiId: url ? url.urlId : this.d.routes.apiId,
      ...this.domain(req, url),
      functionUrl: url !== undefined,
      timeEpoch: received,
    });

    let result: InvokeResult;
    try {
      const invocation = this.d.invoker.invoke({
        functionName: target.functionName,
        qualifier: target.qualifier,
        payload: Buffer.from(JSON.stringify(event)),
        ...(url ? { requestId } : {}),
      });
      result = target.timeoutMs === undefined ? await invocation : await withTimeout(invocation, target.timeoutMs);
    } catch (e) {
      return reply(this.invokeFailure(e, url !== undefined, target));
    }
    const mapped = result.functionError ? undefined : mapLambdaResult(result.payload);
    if (!mapped) return reply(url ? URL_BAD_GATEWAY() : jsonMessage(502, 'Internal Server Error'));
    reply(mapped, true);
  }

  private domain(req: IncomingMessage, url?: FunctionUrlRecord): { domainName: string; domainPrefix: string } {
    if (url) return { domainName: `${url.urlId}.lambda-url.${this.d.region}.on.aws`, domainPrefix: url.urlId };
    const host = req.headers.host ?? `${this.d.routes.apiId}.execute-api.${this.d.region}.amazonaws.com`;
    const hostname = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':', 1)[0]!;
    return { domainName: host, domainPrefix: hostname.split('.', 1)[0]! };
  }

  private invokeFailure(e: unknown, isUrl: boolean, target: Target): HttpResponse {
    if (e instanceof TimedOut) return UNAVAILABLE();
    if (isGustError(e)) {
      if (e.code === 'GUST_THROTTLED') return isUrl ? jsonMessage(429, 'Too Many Requests') : INTERNAL();
      if (e.code === 'GUST_REQUEST_TOO_LARGE') return TOO_LARGE();
      if (e.code === 'GUST_SERVICE_STOPPING') return UNAVAILABLE();
      if (e.kind === 'user') return INTERNAL();
    }
    this.d.log(`http gateway: invoking ${target.functionName} failed: ${(e as Error).stack ?? String(e)}`);
    return INTERNAL();
  }
}

/** Merge headers; `vary` values are combined rather than replaced. */
function addHeaders(into: Headers, extra: Headers): void {
  for (const [k, v] of Object.entries(extra)) {
    if (k === 'vary' && into.vary !== undefined) into.vary = `${String(into.vary)}, ${String(v)}`;
    else into[k] = v;
  }
}

function send(res: ServerResponse, r: HttpResponse): void {
  try {
    res.statusCode = r.status;
    for (const [k, v] of Object.entries(r.headers)) res.setHeader(k, v);
  } catch {
    // A header name or value the function returned is not valid HTTP.
    for (const name of res.getHeaderNames()) res.removeHeader(name);
    const bad = jsonMessage(502, 'Internal Server Error');
    res.statusCode = bad.status;
    for (const [k, v] of Object.entries(bad.headers)) res.setHeader(k, v);
    r = bad;
  }
  const noBody = r.status === 204 || r.status === 304 || (r.status >= 100 && r.status < 200);
  if (noBody) res.end();
  else {
    res.setHeader('content-length', r.body.length);
    res.end(r.body);
  }
}

function hasBody(req: IncomingMessage): boolean {
  const cl = req.headers['content-length'];
  return (cl !== undefined && cl !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/**
 * The request body, or undefined when it exceeds MAX_BODY (the rest is drained so the client gets
 * the 413; past DRAIN_LIMIT the connection is closed).
 */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  if (!hasBody(req)) return Promise.resolve(Buffer.alloc(0));
  const declared = Number(req.headers['content-length']);
  if (declared > DRAIN_LIMIT) {
    req.destroy();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > DRAIN_LIMIT) {
        req.destroy();
        resolve(undefined);
      } else if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_BODY ? undefined : Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

/** Answer without using the body, after draining it so the connection stays usable. */
function drainThen(req: IncomingMessage, answer: () => void): void {
  if (!hasBody(req) || req.readableEnded) return answer();
  req.resume();
  req.once('end', answer);
  req.once('error', () => req.destroy());
}

function clientIp(req: IncomingMessage): string {
  const a = req.socket.remoteAddress ?? '';
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      // The invocation runs on (its result is dropped); keep its rejection handled.
      p.catch(() => {});
      reject(new TimedOut());
    }, ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
