/**
 * Maps a function's result to the HTTP response (payload format 2.0, also used by function URLs).
 *
 * A JSON object with `statusCode` is a response: statusCode (number or numeric string), headers,
 * multiValueHeaders (a format 1.0 field, accepted), cookies (each one Set-Cookie header), body,
 * isBase64Encoded. Anything else that is valid JSON is inferred as AWS documents it: 200,
 * content-type application/json, and the value as the body (a string as itself, any other value
 * as its JSON). A payload that is not JSON, or a malformed response, yields undefined (the gateway
 * then answers with its "bad response" error).
 */
import type { Headers } from './cors.ts';

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: Buffer;
}

const HOP_BY_HOP = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade']);
const JSON_TYPE = 'application/json';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function headerValue(v: Json): string | undefined {
  if (v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new Error('header value must be a string, number or boolean');
}

function statusOf(v: Json): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{3}$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 100 || n > 599) throw new Error(`bad statusCode ${JSON.stringify(v)}`);
  return n;
}

function explicitResponse(r: { [k: string]: Json }): HttpResponse {
  const headers: Headers = {};
  const { headers: single, multiValueHeaders: multi, cookies, body } = r;
  if (single !== undefined && single !== null) {
    if (typeof single !== 'object' || Array.isArray(single)) throw new Error('headers must be an object');
    for (const [k, v] of Object.entries(single)) {
      const value = headerValue(v);
      if (value !== undefined) headers[k.toLowerCase()] = value;
    }
  }
  if (multi !== undefined && multi !== null) {
    if (typeof multi !== 'object' || Array.isArray(multi)) throw new Error('multiValueHeaders must be an object');
    for (const [k, v] of Object.entries(multi)) {
      if (!Array.isArray(v)) throw new Error('multiValueHeaders values must be arrays');
      const values = v.map(headerValue).filter((x): x is string => x !== undefined);
      if (values.length) headers[k.toLowerCase()] = values;
    }
  }
  if (cookies !== undefined && cookies !== null) {
    if (!Array.isArray(cookies) || cookies.some((c) => typeof c !== 'string')) {
      throw new Error('cookies must be an array of strings');
    }
    const existing = headers['set-cookie'];
    const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
    if (cookies.length) headers['set-cookie'] = [...list, ...(cookies as string[])];
  }
  for (const h of HOP_BY_HOP) delete headers[h];
  headers['content-type'] ??= JSON_TYPE;
  let bytes: Buffer;
  if (body === undefined || body === null) bytes = Buffer.alloc(0);
  else if (typeof body === 'string') bytes = Buffer.from(body, r.isBase64Encoded === true ? 'base64' : 'utf8');
  else bytes = Buffer.from(JSON.stringify(body));
  return { status: statusOf(r.statusCode!), headers, body: bytes };
}

/** The HTTP response for a successful invocation's payload, or undefined when it is malformed. */
export function mapLambdaResult(payload: Buffer): HttpResponse | undefined {
  let value: Json;
  try {
    value = JSON.parse(payload.toString('utf8')) as Json;
  } catch {
    return undefined;
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && 'statusCode' in value) {
    try {
      return explicitResponse(value);
    } catch {
      return undefined;
    }
  }
  return {
    status: 200,
    headers: { 'content-type': JSON_TYPE },
    body: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
  };
}

/** A gateway-generated JSON error, e.g. 404 {"message":"Not Found"}. */
export function jsonMessage(status: number, message: string, extra: Headers = {}): HttpResponse {
  return {
    status,
    headers: { 'content-type': JSON_TYPE, ...extra },
    body: Buffer.from(JSON.stringify({ message })),
  };
}
