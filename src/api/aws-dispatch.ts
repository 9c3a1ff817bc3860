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
    const body = rawBody(req).toString('utf8');
    let call: AwsCall;
    if (target) {
      let params: Record<string, unknown> = {};
      try {
        params = body ? (JSON.parse(body) as Record<string, unknown>) : {};
      } catch {
        throw new GustError('GUST_VALIDATION', 'Could not parse request body into json');
      }
      call = { protocol: 'json', action: target.split('.').slice(1).join('.'), params, req, reply };
    } else {
      const form = new URLSearchParams(body);
      const query = new URLSearchParams(req.url.split('?')[1] ?? '');
      const params: Record<string, unknown> = {};
      for (const [k, v] of query) params[k] = v;
      for (const [k, v] of form) params[k] = v;
      call = { protocol: 'query', action: String(params.Action ?? ''), params, req, reply };
    }
    const service = this.pick(target, scope, call.action);
    if (!service) {
      throw new GustError('GUST_UNKNOWN_OPERATION', `No service handles ${target ?? call.action ?? 'this request'}`);
    }
    try {
      return await service.handle(call);
    } catch (e) {
      if (e instanceof GustError) return service.renderError(call, e);
      throw e;
    }
  }
}
