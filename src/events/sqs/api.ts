/**
 * The SQS front: registers the service on the AWS `POST /` dispatcher (JSON protocol with
 * X-Amz-Target: AmazonSQS.<Action>, query protocol with Action=...) and on the queue URLs
 * themselves (`POST /<account>/<queue>`, where older clients post), and renders results and
 * errors in the protocol the request came in.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseAwsCall, type AwsCall, type AwsService } from '../../api/aws-dispatch.ts';
import { GustError } from '../../errors.ts';
import { sqsErrorShape } from './error-shapes.ts';
import type { Operation } from './operations.ts';
import { queryInput, xmlError, xmlResponse } from './protocol-query.ts';

const JSON_TYPE = 'application/x-amz-json-1.0';

export class SqsApi {
  constructor(
    private ops: Record<string, Operation>,
    private log: (m: string) => void,
  ) {}

  /** The registration for the `POST /` dispatcher. */
  awsService(): AwsService {
    return {
      name: 'sqs',
      targetPrefix: 'AmazonSQS',
      actions: Object.keys(this.ops),
      handle: (call) => this.handle(call),
      renderError: (call, err) => this.renderError(call, err),
    };
  }

  /** Requests posted to a queue URL: same protocols, the queue named by the path. */
  registerQueueUrlRoutes(app: FastifyInstance): void {
    const route = async (req: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
      const { queue } = req.params as { queue: string };
      const { call, malformed } = parseAwsCall(req, reply);
      try {
        if (malformed) throw new GustError('GUST_VALIDATION', 'Could not parse request body into json');
        return await this.handle(call, queue);
      } catch (e) {
        if (e instanceof GustError) return this.renderError(call, e);
        throw e;
      }
    };
    app.post('/:account(^\\d{12}$)/:queue', route);
    app.get('/:account(^\\d{12}$)/:queue', route);
  }

  async handle(call: AwsCall, pathQueue?: string): Promise<unknown> {
    const op = Object.hasOwn(this.ops, call.action) ? this.ops[call.action] : undefined;
    if (!op) {
      throw new GustError(
        'GUST_UNKNOWN_OPERATION',
        call.action
          ? `The action ${call.action} is not valid for this endpoint.`
          : 'The request must contain an Action.',
      );
    }
    const input = call.protocol === 'json' ? call.params : queryInput(call.params);
    // A client that hangs up ends its long poll (its messages are not received into the void).
    const aborter = new AbortController();
    const raw = call.reply.raw;
    raw.once('close', () => {
      if (!raw.writableEnded) aborter.abort();
    });
    const auth = (call.req.headers.authorization as string | undefined) ?? '';
    const senderId = /Credential=([^/,\s]+)\//.exec(auth)?.[1] ?? 'anonymous';
    const result = await op(input, { senderId, signal: aborter.signal, pathQueue });
    if (call.protocol === 'json') {
      return call.reply.status(200).header('content-type', JSON_TYPE).send(JSON.stringify(result));
    }
    return call.reply
      .status(200)
      .header('content-type', 'text/xml')
      .send(xmlResponse(call.action, result, String(call.req.id)));
  }

  renderError(call: AwsCall, err: GustError): FastifyReply {
    const shape = sqsErrorShape(err);
    if (err.kind === 'platform') this.log(`sqs: ${call.action} failed: ${err.message}`);
    const reply = call.reply.status(shape.status).header('x-gust-error-code', err.code);
    if (call.protocol === 'json') {
      return reply
        .header('content-type', JSON_TYPE)
        .header('x-amzn-query-error', `${shape.code};${shape.type}`)
        .send(JSON.stringify({ __type: `com.amazonaws.sqs#${shape.name}`, message: err.message }));
    }
    return reply.header('content-type', 'text/xml').send(xmlError(shape, err, String(call.req.id)));
  }
}
