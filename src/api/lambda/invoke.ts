/** Lambda REST API: Invoke (POST /2015-03-31/functions/{name}/invocations). */
import type { FastifyInstance } from 'fastify';
import { parseFunctionRef } from '../../control/names.ts';
import { GustError } from '../../errors.ts';
import type { AsyncQueue } from '../../invoke/async-queue.ts';
import type { Invoker } from '../../invoke/invoker.ts';
import { rawBody } from '../body.ts';

export function registerInvokeRoutes(app: FastifyInstance, invoker: Invoker, asyncQueue: AsyncQueue): void {
  app.post('/2015-03-31/functions/:name/invocations', async (req, reply) => {
    const ref = parseFunctionRef((req.params as { name: string }).name);
    const qualifier = (req.query as { Qualifier?: string }).Qualifier ?? ref.qualifier;
    const type = (req.headers['x-amz-invocation-type'] as string | undefined) ?? 'RequestResponse';
    const logType = (req.headers['x-amz-log-type'] as string | undefined) ?? 'None';
    if (!['RequestResponse', 'Event', 'DryRun'].includes(type)) {
      throw new GustError(
        'GUST_VALIDATION',
        `1 validation error detected: Value '${type}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`,
      );
    }
    if (logType !== 'None' && logType !== 'Tail') {
      throw new GustError(
        'GUST_VALIDATION',
        `1 validation error detected: Value '${logType}' at 'logType' failed to satisfy constraint: Member must satisfy enum value set: [None, Tail]`,
      );
    }
    const payload = rawBody(req);
    if (payload.length) {
      try {
        JSON.parse(payload.toString('utf8'));
      } catch (e) {
        throw new GustError(
          'GUST_INVALID_REQUEST_CONTENT',
          `Could not parse request body into json: ${(e as Error).message}`,
        );
      }
    }
    let clientContext: string | undefined;
    const cc = req.headers['x-amz-client-context'] as string | undefined;
    if (cc) {
      if (cc.length > 3583)
        throw new GustError('GUST_INVALID_PARAMETER', 'Client context must be at most 3583 bytes (base64).');
      clientContext = Buffer.from(cc, 'base64').toString('utf8');
    }
    if (type === 'DryRun') {
      invoker.resolve(ref.name, qualifier);
      return reply.status(204).send();
    }
    if (type === 'Event') {
      // Durable in the queue before the 202 is sent.
      const requestId = asyncQueue.enqueue(ref.name, qualifier, payload);
      return reply.status(202).header('x-amzn-requestid', requestId).send();
    }
    const r = await invoker.invoke({
      functionName: ref.name,
      qualifier,
      payload,
      clientContext,
      tail: logType === 'Tail',
    });
    reply.status(200).header('x-amzn-requestid', r.requestId).header('x-amz-executed-version', r.executedVersion);
    if (r.functionError) reply.header('x-amz-function-error', r.functionError);
    if (r.logResult) reply.header('x-amz-log-result', r.logResult);
    return reply.type('application/json').send(r.payload);
  });
}
