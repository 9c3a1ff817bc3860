/**
 * SNS's wire protocols. Query (form Action=...&Version=2010-03-31, XML answers) is what the AWS SDK v3
 * and the AWS CLI speak; the AWS JSON 1.0 protocol (X-Amz-Target: AmazonSimpleNotificationService.*)
 * is answered too. Both are turned into one nested input shape: lists as arrays, maps as objects.
 */
import type { FastifyReply } from 'fastify';
import { isUnsafeParamName, type AwsCall } from '../../api/aws-dispatch.ts';
import type { GustError } from '../../errors.ts';
import { errorXml, responseXml } from './xml.ts';

export const JSON_TARGET_PREFIX = 'AmazonSimpleNotificationService';

/**
 * Flat query parameters (Attributes.entry.1.key=..., PublishBatchRequestEntries.member.2.Id=...)
 * to nested input: `x.member.N` becomes an array, `x.entry.N.{key|Name}/{value|Value}` an object.
 */
export function unflattenQuery(params: Record<string, unknown>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    if (key === 'Action' || key === 'Version') continue;
    if (isUnsafeParamName(key)) continue;
    const parts = key.split('.');
    let node = root;
    for (let i = 0; i < parts.length - 1; i++) {
      const p = parts[i]!;
      const next = node[p];
      if (typeof next !== 'object' || next === null) node[p] = {};
      node = node[p] as Record<string, unknown>;
    }
    const last = parts.at(-1)!;
    if (!(last in node)) node[last] = value;
  }
  return normalize(root) as Record<string, unknown>;
}

function byIndex(o: Record<string, unknown>): unknown[] {
  return Object.keys(o)
    .filter((k) => /^\d+$/.test(k))
    .sort((a, b) => Number(a) - Number(b))
    .map((k) => o[k]);
}

function normalize(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1 && keys[0] === 'member' && typeof o.member === 'object' && o.member !== null) {
    return byIndex(o.member as Record<string, unknown>).map(normalize);
  }
  if (keys.length === 1 && keys[0] === 'entry' && typeof o.entry === 'object' && o.entry !== null) {
    // Null prototype: a key named __proto__ stays an ordinary (and then rejected) attribute name.
    const map = Object.create(null) as Record<string, unknown>;
    for (const e of byIndex(o.entry as Record<string, unknown>)) {
      const entry = (e ?? {}) as Record<string, unknown>;
      const k = entry.key ?? entry.Name;
      if (typeof k === 'string') map[k] = normalize(entry.value ?? entry.Value);
    }
    return map;
  }
  return Object.fromEntries(keys.map((k) => [k, normalize(o[k])]));
}

/** The request's input in the nested shape, whatever the protocol. */
export function callInput(call: AwsCall): Record<string, unknown> {
  return call.protocol === 'query' ? unflattenQuery(call.params) : call.params;
}

/** SNS's query error code for a Gust error (shared codes mapped onto SNS's vocabulary). */
export function queryErrorCode(e: GustError): string {
  if (e.kind === 'platform') return 'InternalError';
  switch (e.code) {
    case 'GUST_INVALID_PARAMETER':
    case 'GUST_REQUEST_TOO_LARGE':
    case 'GUST_INVALID_REQUEST_CONTENT':
    case 'GUST_UNSUPPORTED_MEDIA':
      return 'InvalidParameter';
    case 'GUST_VALIDATION':
      return 'ValidationException';
    case 'GUST_THROTTLED':
      return 'Throttled';
    case 'GUST_UNKNOWN_OPERATION':
      return 'InvalidAction';
    default:
      return e.awsType;
  }
}

/** The exception shape name the JSON protocol uses for a query error code. */
function jsonErrorType(code: string): string {
  if (code === 'ParameterValueInvalid') return 'InvalidParameterValueException';
  return code.endsWith('Exception') ? code : `${code}Exception`;
}

export function sendResult(call: AwsCall, result: Record<string, unknown> | undefined): FastifyReply {
  const reply = call.reply.status(200);
  if (call.protocol === 'json') {
    return reply.type('application/x-amz-json-1.0').send(JSON.stringify(result ?? {}));
  }
  return reply.type('text/xml').send(responseXml(call.action, result, String(call.req.id)));
}

export function sendError(call: AwsCall, e: GustError): FastifyReply {
  const code = queryErrorCode(e);
  const type = e.kind === 'platform' ? 'Receiver' : 'Sender';
  // SNS answers an unknown action with 400 InvalidAction (GUST_UNKNOWN_OPERATION is 404 on REST routes).
  const status = e.kind === 'platform' ? 500 : e.code === 'GUST_UNKNOWN_OPERATION' ? 400 : e.status;
  const reply = call.reply.status(status).header('x-gust-error-code', e.code);
  if (call.protocol === 'json') {
    return reply
      .header('x-amzn-query-error', `${code};${type}`)
      .type('application/x-amz-json-1.0')
      .send(JSON.stringify({ __type: `com.amazonaws.sns#${jsonErrorType(code)}`, message: e.message }));
  }
  return reply.type('text/xml').send(errorXml(type, code, e.message, String(call.req.id)));
}
