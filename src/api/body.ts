/** Request body helpers: every route receives raw bytes and parses them itself. */
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { GustError } from '../errors.ts';

export function rawBody(req: FastifyRequest): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

/** Parse a JSON body and validate it against a schema, answering AWS ValidationException on failure. */
export function jsonBody<T extends z.ZodType>(req: FastifyRequest, schema: T): z.infer<T> {
  const raw = rawBody(req);
  let data: unknown = {};
  if (raw.length) {
    try {
      data = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new GustError('GUST_VALIDATION', 'Could not parse request body into json: malformed JSON');
    }
  }
  const r = schema.safeParse(data);
  if (!r.success) {
    const issues = r.error.issues;
    const detail = issues
      .map((i) => `Value at '${i.path.join('.') || '(body)'}' failed to satisfy constraint: ${i.message}`)
      .join('; ');
    throw new GustError(
      'GUST_VALIDATION',
      `${issues.length} validation error${issues.length > 1 ? 's' : ''} detected: ${detail}`,
    );
  }
  return r.data;
}
