/**
 * Front door for AWS services that share `POST /`: the JSON protocol (X-Amz-Target: Prefix.Action,
 * body JSON, used by SDK v3 for SQS) and the query protocol (form body Action=...&Version=...,
 * XML answers, used by the AWS CLI for SQS and by everyone for SNS). Services register the
 * target prefix and the actions they own; the dispatcher picks the service by target prefix,
 * then by the SigV4 credential scope's service name, then by action name.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GustError } from '../errors.ts';
import { rawBody } from './body.ts';
import { escapeXml } from './xml.ts';

export type AwsProtocol = 'json' | 'query';

export interface AwsCall {
  protocol: AwsProtocol;
  action: string;
  /** JSON protocol: the parsed body. Query protocol: the flat form parameters (Attribute.1.Name=...). */
  params: Record<string, unknown>;
  req: FastifyRequest;
  reply: FastifyReply;
}

export interface AwsService {
  /** Service name as in SigV4 credential scopes: 'sqs', 'sns', 'events', ... */
  name: string;
  /** X-Amz-Target prefix for the JSON protocol, e.g. 'AmazonSQS'. */
  targetPrefix?: string;
  actions: string[];
  /** Handle a call; return the result object (the service renders it) or send via `reply` itself. */
  handle(call: AwsCall): Promise<unknown>;
  /** Render an error in this service's protocol shape. */
  renderError(call: AwsCall, err: GustError): FastifyReply;
}

export class AwsDispatcher {
  private services: AwsService[] = [];

  register(s: AwsService): void {
    this.services.push(s);
  }

  install(app: FastifyInstance): void {
    app.post('/', async (req, reply) => this.dispatch(req, reply));
  }

  private pick(target: string | undefined, scope: string | undefined, action: string): AwsService | undefined {
    if (target) {
      const prefix = target.split('.')[0];
      const s = this.services.find((x) => x.targetPrefix === prefix);
      if (s) return s;
    }
    if (scope) {
      const s = this.services.find((x) => x.name === scope && x.actions.includes(action));
      if (s) return s;
    }
    return this.services.find((x) => x.actions.includes(action));
  }

  private async dispatch(req: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    const target = req.headers['x-amz-target'] as string | undefined;
    const auth = (req.headers.authorization as string | undefined) ?? '';
    const scope = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(auth)?.[1];
    const { call, malformed } = parseAwsCall(req, reply);
    const service = this.pick(target, scope, call.action);
    if (!service) {
      // A signed request names its service: answer in that service's error shape.
      const scoped = scope ? this.services.find((x) => x.name === scope) : undefined;
      const err = new GustError(
        'GUST_UNKNOWN_OPERATION',
        target
          ? `No operation ${target} in this service`
          : call.action
            ? `The action ${call.action} is not valid for this endpoint.`
            : 'The request must contain an Action.',
      );
      if (scoped) return scoped.renderError(call, err);
      return unknownOperation(call, err);
    }
    try {
      if (malformed) throw new GustError('GUST_VALIDATION', 'Could not parse request body into json');
      return await service.handle(call);
    } catch (e) {
      if (e instanceof GustError) return service.renderError(call, e);
      throw e;
    }
  }
}

/** Parameter name segments that would reach Object.prototype: never valid AWS names. */
const UNSAFE_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Whether a dotted query-protocol parameter name (`Attributes.entry.1.key`) has a segment that
 * would reach Object.prototype when unflattened: such parameters are dropped.
 */
export function isUnsafeParamName(key: string): boolean {
  return key.split('.').some((p) => UNSAFE_SEGMENTS.has(p));
}

/**
 * Read an AWS protocol request: JSON protocol when X-Amz-Target is present (params = the body),
 * else query protocol (params = query string + form body). `malformed` = the JSON did not parse
 * or is not an object.
 */
export function parseAwsCall(req: FastifyRequest, reply: FastifyReply): { call: AwsCall; malformed?: boolean } {
  const target = req.headers['x-amz-target'] as string | undefined;
  const body = rawBody(req).toString('utf8');
  if (target) {
    const call: AwsCall = { protocol: 'json', action: target.split('.').slice(1).join('.'), params: {}, req, reply };
    let parsed: unknown;
    try {
      parsed = body ? JSON.parse(body) : {};
    } catch {
      return { call, malformed: true };
    }
    // The JSON protocol's input is always an object: an array, a number or null is malformed too.
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { call, malformed: true };
    call.params = parsed as Record<string, unknown>;
    return { call };
  }
  const params: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(req.url.split('?')[1] ?? '')) params[k] = v;
  for (const [k, v] of new URLSearchParams(body)) params[k] = v;
  return { call: { protocol: 'query', action: String(params.Action ?? ''), params, req, reply } };
}

/**
 * No service owns the request (unknown X-Amz-Target prefix, or an unsigned query request with an
 * unknown or missing Action): answer 400 in the request's protocol, as AWS's front ends do — the
 * JSON protocol's UnknownOperationException, or the query protocol's XML InvalidAction.
 */
function unknownOperation(call: AwsCall, err: GustError): FastifyReply {
  const reply = call.reply.status(400).header('x-gust-error-code', err.code);
  if (call.protocol === 'json') {
    return reply
      .header('x-amzn-errortype', 'UnknownOperationException')
      .header('x-amzn-query-error', 'InvalidAction;Sender')
      .type('application/x-amz-json-1.0')
      .send(JSON.stringify({ __type: 'com.amazon.coral.service#UnknownOperationException', message: err.message }));
  }
  return reply
    .type('text/xml')
    .send(
      `<?xml version="1.0"?><ErrorResponse xmlns="http://webservices.amazon.com/AWSFault/2005-15-09"><Error>` +
        `<Type>Sender</Type><Code>InvalidAction</Code><Message>${escapeXml(err.message)}</Message></Error>` +
        `<RequestId>${escapeXml(String(call.req.id))}</RequestId></ErrorResponse>`,
    );
}
