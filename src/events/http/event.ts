/**
 * Builds the Lambda event for an HTTP request in API Gateway's payload format 2.0 (also what
 * Lambda function URLs send): lower-case headers with repeated headers joined by commas, cookies
 * moved out of the headers into `cookies`, repeated query parameters joined by commas, decoded
 * path parameters, and the body as text, or base64 when it is not text.
 */
import { isUtf8 } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { safeDecode } from './route-key.ts';

export interface HttpRequestInfo {
  method: string;
  /** The path the function sees, still percent-encoded (function URLs: without the /lambda-url/<id> prefix). */
  rawPath: string;
  /** Everything after the first '?', without it. */
  rawQueryString: string;
  /** node's req.rawHeaders: name, value, name, value, ... */
  rawHeaders: string[];
  body: Buffer;
  sourceIp: string;
  /** e.g. HTTP/1.1 */
  protocol: string;
  /** The gateway's port (x-forwarded-port). */
  port: number;
}

export interface EventContext {
  routeKey: string;
  pathParameters?: Record<string, string>;
  requestId: string;
  accountId: string;
  apiId: string;
  domainName: string;
  domainPrefix: string;
  /** Function URLs carry `authentication: null, authorizer: null` (IAM identities are not resolved). */
  functionUrl?: boolean;
  timeEpoch: number;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** API Gateway's requestContext.time: `12/Mar/2020:19:03:58 +0000`. */
export function clfTime(ms: number): string {
  const d = new Date(ms);
  return (
    `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`
  );
}

/**
 * Content types whose bodies are passed as text; anything else (including no content type,
 * multipart and form posts) is base64-encoded, as API Gateway does without binary media types.
 */
export function isTextContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const ct = contentType.split(';', 1)[0]!.trim().toLowerCase();
  if (ct.startsWith('text/')) return true;
  const slash = ct.indexOf('/');
  const sub = ct.slice(slash + 1);
  return (
    sub === 'json' ||
    sub === 'xml' ||
    sub.endsWith('+json') ||
    sub.endsWith('+xml') ||
    sub === 'javascript' ||
    sub === 'ecmascript' ||
    sub === 'x-javascript'
  );
}

export function parseQueryString(raw: string): Record<string, string> | undefined {
  if (raw === '') return undefined;
  // A Map, then own properties: parameters named constructor, toString or __proto__ are ordinary keys.
  const out = new Map<string, string>();
  for (const pair of raw.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const k = safeDecode(eq < 0 ? pair : pair.slice(0, eq));
    const v = eq < 0 ? '' : safeDecode(pair.slice(eq + 1));
    const prev = out.get(k);
    out.set(k, prev === undefined ? v : `${prev},${v}`);
  }
  return out.size ? Object.fromEntries(out) : undefined;
}

let pool = Buffer.alloc(0);
let poolOffset = 0;

/** Random bytes from a pooled buffer (one randomBytes call per 4 KB instead of per request). */
export function pooledRandom(n: number): Buffer {
  if (poolOffset + n > pool.length) {
    pool = randomBytes(4096);
    poolOffset = 0;
  }
  const b = pool.subarray(poolOffset, poolOffset + n);
  poolOffset += n;
  return b;
}

/** An X-Ray style trace id for the x-amzn-trace-id header. */
export function traceRoot(): string {
  return `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${pooledRandom(12).toString('hex')}`;
}

export function buildEvent(req: HttpRequestInfo, ctx: EventContext): Record<string, unknown> {
  const joined = new Map<string, string>();
  const cookies: string[] = [];
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    if (name === 'cookie') {
      for (const c of value.split(';')) {
        const t = c.trim();
        if (t) cookies.push(t);
      }
      continue;
    }
    const prev = joined.get(name);
    joined.set(name, prev === undefined ? value : `${prev},${value}`);
  }
  // Own properties only: a header named constructor or __proto__ is an ordinary header.
  const headers: Record<string, string> = Object.fromEntries(joined);
  const fwd = headers['x-forwarded-for'];
  headers['x-forwarded-for'] = fwd ? `${fwd}, ${req.sourceIp}` : req.sourceIp;
  headers['x-forwarded-port'] = String(req.port);
  headers['x-forwarded-proto'] = 'http';
  headers['x-amzn-trace-id'] ??= traceRoot();

  const event: Record<string, unknown> = {
    version: '2.0',
    routeKey: ctx.routeKey,
    rawPath: req.rawPath,
    rawQueryString: req.rawQueryString,
  };
  if (cookies.length) event.cookies = cookies;
  event.headers = headers;
  const query = parseQueryString(req.rawQueryString);
  if (query) event.queryStringParameters = query;
  const requestContext: Record<string, unknown> = {
    accountId: ctx.accountId,
    apiId: ctx.apiId,
  };
  if (ctx.functionUrl) {
    requestContext.authentication = null;
    requestContext.authorizer = null;
  }
  requestContext.domainName = ctx.domainName;
  requestContext.domainPrefix = ctx.domainPrefix;
  requestContext.http = {
    method: req.method,
    path: req.rawPath,
    protocol: req.protocol,
    sourceIp: req.sourceIp,
    userAgent: headers['user-agent'] ?? '',
  };
  requestContext.requestId = ctx.requestId;
  requestContext.routeKey = ctx.routeKey;
  requestContext.stage = '$default';
  requestContext.time = clfTime(ctx.timeEpoch);
  requestContext.timeEpoch = ctx.timeEpoch;
  event.requestContext = requestContext;
  let base64 = false;
  if (req.body.length) {
    base64 = !isTextContentType(headers['content-type']) || !isUtf8(req.body);
    event.body = req.body.toString(base64 ? 'base64' : 'utf8');
  }
  if (ctx.pathParameters) event.pathParameters = ctx.pathParameters;
  event.isBase64Encoded = base64;
  return event;
}
