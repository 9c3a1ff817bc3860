/**
 * The AWS front door shared by every service. Before any path matching, a request is given to a
 * service by its `X-Amz-Target` prefix, else its SigV4 credential scope, else (unsigned) the
 * operation its form parameters name; the service's codec then parses the input, the handler runs,
 * and the output or error is written in the protocol the request came in. Gust's own paths
 * (`/gust/`, `/console`, `/metrics`) are never claimed, and requests no service claims go on to
 * the HTTP routes (the Lambda API until it moves onto this layer).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GustError, toGustError } from '../errors.ts';
import { jsonErrorBody, jsonResponseBody, readJsonInput } from './codecs/json.ts';
import { queryErrorXml, queryResponseXml, readQueryInput } from './codecs/query.ts';
import { errorShape } from './errors.ts';
import { credentialScope, isFormContent, readBody, type CredentialScope } from './request.ts';
import type { AwsRequestContext, AwsServiceDefinition } from './service.ts';

/** Paths that belong to Gust itself: no service (and later no bucket name) can shadow them. */
const RESERVED = [/^\/gust(\/|$)/, /^\/console(\/|$)/, /^\/metrics(\/|$)/];

/** The largest RPC body accepted (SQS batches are at most 1 MiB of messages plus their encoding). */
const DEFAULT_BODY_LIMIT = 16 * 1024 * 1024;

export interface AwsRouterOptions {
  /** The server's region: requests without a credential scope are in it. */
  region: string;
  bodyLimit?: number;
}

interface Claim {
  service?: AwsServiceDefinition;
  path: Record<string, string>;
}

interface Incoming {
  protocol: 'json' | 'query';
  operation: string;
  body: Buffer;
  /** A form body's parameters, parsed once (the Action is read from them before serving). */
  form?: URLSearchParams;
  query: URLSearchParams;
  scope?: CredentialScope;
  path: Record<string, string>;
}

export class AwsRouter {
  private readonly services: AwsServiceDefinition[] = [];

  constructor(private readonly opts: AwsRouterOptions) {}

  register(service: AwsServiceDefinition): void {
    this.services.push(service);
  }

  install(app: FastifyInstance): void {
    app.addHook('onRequest', async (req, reply) => {
      const handled = await this.route(req, reply);
      if (handled) return reply;
    });
  }

  /** Serve one query-protocol call that a service's own route received (SNS's confirmation links). */
  async serveQuery(
    signingName: string,
    req: FastifyRequest,
    reply: FastifyReply,
    allowed: (operation: string) => GustError | undefined,
  ): Promise<FastifyReply> {
    const service = this.services.find((s) => s.model.signingName === signingName);
    if (!service) throw new Error(`no AWS service ${signingName}`);
    const query = new URLSearchParams(req.raw.url?.split('?')[1] ?? '');
    const operation = query.get('Action') ?? '';
    const incoming: Incoming = { protocol: 'query', operation, body: Buffer.alloc(0), query, path: {} };
    const refusal = allowed(operation);
    if (refusal) return this.sendError(service, incoming, req, reply, refusal);
    return this.serve(service, incoming, req, reply);
  }

  private async route(req: FastifyRequest, reply: FastifyReply): Promise<boolean> {
    const [path = '/', qs = ''] = (req.raw.url ?? '/').split('?', 2);
    if (RESERVED.some((r) => r.test(path))) return false;
    const query = new URLSearchParams(qs);
    const scope = credentialScope(req.headers, query);
    const target = req.headers['x-amz-target'];
    const targetName = typeof target === 'string' ? target : undefined;

    const claim = this.claim(path, targetName, scope);
    const signedOrTargeted = claim.service !== undefined;
    const unsignedRpc =
      !signedOrTargeted &&
      !targetName &&
      path === '/' &&
      (req.method === 'POST' || (req.method === 'GET' && query.has('Action')));
    if (!signedOrTargeted && !unsignedRpc) {
      // A JSON-protocol call no service owns, sent to the RPC endpoint: answer it as AWS's front ends do.
      if (targetName && req.method === 'POST' && path === '/') return this.unknownTarget(req, reply, targetName);
      return false;
    }

    let body: Buffer;
    try {
      body =
        req.method === 'POST' || req.method === 'PUT'
          ? await readBody(req.raw, this.opts.bodyLimit ?? DEFAULT_BODY_LIMIT)
          : Buffer.alloc(0);
    } catch (e) {
      const err = toGustError(e);
      if (claim.service) {
        const protocol = targetName && claim.service.json ? 'json' : 'query';
        this.sendError(
          claim.service,
          { protocol, operation: '', body: Buffer.alloc(0), query, scope, path: claim.path },
          req,
          reply,
          err,
        );
        return true;
      }
      reply.status(err.status).header('x-gust-error-code', err.code).send(err.message);
      return true;
    }

    let service = claim.service;
    let pathParams = claim.path;
    const form =
      !targetName && (isFormContent(req.headers) || req.method === 'GET')
        ? new URLSearchParams(body.toString('utf8'))
        : undefined;
    const operation = targetName
      ? targetName.slice(targetName.indexOf('.') + 1)
      : (form?.get('Action') ?? query.get('Action') ?? '');
    if (!service) {
      // Unsigned: the service whose model has the named operation and whose endpoint the path is.
      for (const s of this.services) {
        const p = path === '/' ? {} : s.matchPath?.(path);
        if (p && s.query && s.model.operations.has(operation)) {
          service = s;
          pathParams = p;
          break;
        }
      }
    }
    const incoming: Incoming = {
      protocol: targetName ? 'json' : 'query',
      operation,
      body,
      form,
      query,
      scope,
      path: pathParams,
    };
    if (!service) {
      // The body is read: whatever the path, the answer is ours now.
      this.unknownQueryAction(req, reply, operation);
      return true;
    }
    await this.serve(service, incoming, req, reply);
    return true;
  }

  /**
   * The service a target prefix or credential scope names, if the path is one of its endpoints;
   * else the service whose own endpoint path this is (SQS's queue URLs).
   */
  private claim(path: string, target: string | undefined, scope: CredentialScope | undefined): Claim {
    let service: AwsServiceDefinition | undefined;
    if (target) {
      const prefix = target.split('.', 1)[0];
      service = this.services.find((s) => s.json?.targetPrefix === prefix);
    }
    if (!service && scope) service = this.services.find((s) => s.model.signingName === scope.service);
    if (service) {
      const p = path === '/' ? {} : service.matchPath?.(path);
      if (p) return { service, path: p };
    }
    if (path === '/') return { path: {} };
    for (const s of this.services) {
      const p = s.matchPath?.(path);
      if (p) return { service: s, path: p };
    }
    return { path: {} };
  }

  private async serve(
    service: AwsServiceDefinition,
    incoming: Incoming,
    req: FastifyRequest,
    reply: FastifyReply,
  ): Promise<FastifyReply> {
    try {
      if (incoming.protocol === 'json' && !service.json) throw unknownOperation(incoming.operation);
      if (incoming.protocol === 'query' && !service.query) throw unknownOperation(incoming.operation);
      const op = service.model.operations.get(incoming.operation);
      const handler = op && Object.hasOwn(service.handlers, op.name) ? service.handlers[op.name] : undefined;
      if (!op || !handler) throw unknownOperation(incoming.operation);
      const input =
        incoming.protocol === 'json'
          ? readJsonInput(op, incoming.body.toString('utf8'))
          : readQueryInput(op, [
              ...(incoming.form ?? new URLSearchParams(incoming.body.toString('utf8'))),
              ...incoming.query,
            ]);

      // A client that hangs up ends its long poll (its messages are not received into the void).
      const aborter = new AbortController();
      const raw = reply.raw;
      raw.once('close', () => {
        if (!raw.writableEnded) aborter.abort();
      });
      const ctx: AwsRequestContext = {
        operation: op.name,
        requestId: String(req.id ?? randomUUID()),
        region: incoming.scope?.region ?? this.opts.region,
        accessKeyId: incoming.scope?.accessKeyId ?? 'anonymous',
        signal: aborter.signal,
        path: incoming.path,
      };
      const output = (await handler(input, ctx)) as Record<string, unknown> | undefined;
      reply.status(200).header('x-amzn-requestid', ctx.requestId);
      if (incoming.protocol === 'json') {
        return reply.header('content-type', service.json!.contentType).send(jsonResponseBody(op, output ?? undefined));
      }
      return reply
        .header('content-type', 'text/xml')
        .send(queryResponseXml(op, service.query!.xmlNamespace, output ?? undefined, ctx.requestId));
    } catch (e) {
      return this.sendError(service, incoming, req, reply, toGustError(e));
    }
  }

  private sendError(
    service: AwsServiceDefinition,
    incoming: Incoming,
    req: FastifyRequest,
    reply: FastifyReply,
    err: GustError,
  ): FastifyReply {
    const shape = errorShape(service, err);
    if (err.kind === 'platform')
      service.log?.(`${service.model.signingName}: ${incoming.operation} failed: ${err.message}`);
    const requestId = String(req.id);
    reply.status(shape.status).header('x-gust-error-code', err.code).header('x-amzn-requestid', requestId);
    if (incoming.protocol === 'json' && service.json) {
      reply.header('content-type', service.json.contentType).header('x-amzn-errortype', shape.name);
      if (service.queryCompatible) reply.header('x-amzn-query-error', `${shape.code};${shape.fault}`);
      return reply.send(jsonErrorBody(service.model.namespace, shape.name, err.message, err.extra));
    }
    const ns = service.query?.xmlNamespace ?? '';
    const body = { code: shape.code, message: err.message, fault: shape.fault };
    return reply
      .header('content-type', 'text/xml')
      .send(queryErrorXml(ns, body, requestId, service.query?.errorDetail));
  }

  /** An X-Amz-Target whose prefix no service has: UnknownOperationException, as AWS's front ends answer. */
  private unknownTarget(req: FastifyRequest, reply: FastifyReply, target: string): boolean {
    reply
      .status(400)
      .header('x-gust-error-code', 'GUST_UNKNOWN_OPERATION')
      .header('x-amzn-errortype', 'UnknownOperationException')
      .header('x-amzn-query-error', 'InvalidAction;Sender')
      .type('application/x-amz-json-1.0')
      .send(
        JSON.stringify({
          __type: 'com.amazon.coral.service#UnknownOperationException',
          message: `No operation ${target} in this service`,
        }),
      );
    req.raw.resume();
    return true;
  }

  /** An unsigned query call whose Action no service has. */
  private unknownQueryAction(req: FastifyRequest, reply: FastifyReply, action: string): void {
    const { message } = unknownOperation(action);
    reply
      .status(400)
      .header('x-gust-error-code', 'GUST_UNKNOWN_OPERATION')
      .type('text/xml')
      .send(
        queryErrorXml(
          'http://webservices.amazon.com/AWSFault/2005-15-09',
          { code: 'InvalidAction', message, fault: 'Sender' },
          String(req.id),
        ),
      );
  }
}

function unknownOperation(operation: string): GustError {
  return new GustError(
    'GUST_UNKNOWN_OPERATION',
    operation ? `The action ${operation} is not valid for this endpoint.` : 'The request must contain an Action.',
  );
}
