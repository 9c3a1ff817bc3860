/** Lambda REST API: Invoke (POST /2015-03-31/functions/{name}/invocations). */
import type { FastifyInstance } from 'fastify';
import { parseFunctionRef, requestQualifier } from '../../control/names.ts';
import { GustError } from '../../errors.ts';
import { MAX_ASYNC_PAYLOAD, type AsyncQueue } from '../../invoke/async-queue.ts';
import { MAX_SYNC_PAYLOAD, type Invoker } from '../../invoke/invoker.ts';
import { rawBody } from '../body.ts';

const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;

/**
 * X-Amz-Client-Context: base64 of a JSON object (at most 3583 bytes encoded), as Lambda requires.
 * Returned as JSON text with non-ASCII characters escaped, so it is safe in the runtime API's
 * Lambda-Runtime-Client-Context header (same value, only the spelling differs).
 */
function parseClientContext(header: string | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  if (header.length > 3583)
    throw new GustError('GUST_INVALID_PARAMETER', 'Client context must be at most 3583 bytes (base64).');
  let parsed: unknown;
  try {
    if (!BASE64_RE.test(header)) throw new Error('not base64');
    parsed = JSON.parse(Buffer.from(header, 'base64').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new GustError('GUST_INVALID_REQUEST_CONTENT', 'Client context must be a valid Base64-encoded JSON object.');
  }
  return JSON.stringify(parsed).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

export function registerInvokeRoutes(app: FastifyInstance, invoker: Invoker, asyncQueue: AsyncQueue): void {
  app.post('/2015-03-31/functions/:name/invocations', async (req, reply) => {
    const ref = parseFunctionRef((req.params as { name: string }).name);
    const qualifier = requestQualifier(ref, (req.query as { Qualifier?: string }).Qualifier);
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
    // Size first, as Lambda does: an oversize payload is too large whatever it contains.
    const limit = type === 'Event' ? MAX_ASYNC_PAYLOAD : MAX_SYNC_PAYLOAD;
    if (payload.length > limit) {
      throw new GustError(
        'GUST_REQUEST_TOO_LARGE',
        `Request must be smaller than ${limit} bytes for the InvokeFunction operation`,
      );
    }
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
    const clientContext = parseClientContext(req.headers['x-amz-client-context'] as string | undefined);
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
