/** Answers errors in the AWS REST-JSON shape the AWS SDKs and CLI parse. */
import type { FastifyError, FastifyReply } from 'fastify';
import { GustError, toGustError } from '../errors.ts';

export function sendAwsError(reply: FastifyReply, err: unknown): FastifyReply {
  const e = toAwsGustError(err);
  const body: Record<string, unknown> = {
    Type: e.kind === 'user' ? 'User' : 'Service',
    Message: e.message,
    message: e.message,
    ...e.extra,
  };
  if (e.kind === 'platform') reply.log.error({ err, code: e.code }, 'platform fault');
  return reply
    .status(e.status)
    .header('x-amzn-errortype', e.awsType)
    .header('x-gust-error-code', e.code)
    .type('application/json')
    .send(JSON.stringify(body));
}

/** Map Fastify's own errors (body too large, bad content) to Gust errors. */
function toAwsGustError(err: unknown): GustError {
  if (err instanceof GustError) return err;
  const fe = err as Partial<FastifyError>;
  // The router's own rejections (frameworkErrors): the path itself is malformed.
  if (fe.code === 'FST_ERR_BAD_URL') {
    return new GustError('GUST_VALIDATION', 'The request path is not valid percent-encoded UTF-8.');
  }
  if (fe.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return new GustError('GUST_VALIDATION', 'A path parameter of the request is too long.');
  }
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new GustError('GUST_REQUEST_TOO_LARGE', 'Request must be smaller than the operation limit');
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new GustError('GUST_INVALID_PARAMETER', fe.message ?? 'Bad request');
  }
  return toGustError(err);
}
