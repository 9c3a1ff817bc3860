/**
 * Gust's own API for the HTTP gateway (JSON, on the main port):
 *   GET    /gust/v1/http                     gateway URL and API id
 *   GET    /gust/v1/http/routes              routes in selection order
 *   POST   /gust/v1/http/routes              {routeKey, functionName, qualifier?, timeoutMs?} -> 201
 *   GET    /gust/v1/http/routes/{routeId}
 *   PATCH  /gust/v1/http/routes/{routeId}    any of the fields (qualifier: null removes it); PUT is the same
 *   DELETE /gust/v1/http/routes/{routeId}    -> 204
 *   GET    /gust/v1/http/cors                {cors: CorsConfig | null}
 *   PUT    /gust/v1/http/cors                CorsConfig (AllowOrigins, AllowMethods, ...) -> {cors}
 *   DELETE /gust/v1/http/cors                -> 204
 * Errors are GustErrors (GUST_HTTP_* codes, docs/ERRORS.md).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { GustError, type ErrorCode } from '../../errors.ts';
import { rawBody } from '../../api/body.ts';
import { parseApiCors } from './cors.ts';
import type { RouteRecord } from './route-table.ts';
import type { HttpRoutes } from './routes.ts';

const routeSchema = z.strictObject({
  routeKey: z.string().optional(),
  functionName: z.string().optional(),
  qualifier: z.string().nullable().optional(),
  timeoutMs: z.number().optional(),
});

function parseJson(req: FastifyRequest, code: ErrorCode): unknown {
  const raw = rawBody(req);
  if (!raw.length) return {};
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new GustError(code, 'The request body is not valid JSON');
  }
}

function routeInput(req: FastifyRequest): z.infer<typeof routeSchema> {
  const r = routeSchema.safeParse(parseJson(req, 'GUST_HTTP_INVALID_ROUTE'));
  if (!r.success) {
    const detail = r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
    throw new GustError('GUST_HTTP_INVALID_ROUTE', `Invalid route: ${detail}`);
  }
  return r.data;
}

const view = (r: RouteRecord): Record<string, unknown> => ({
  routeId: r.routeId,
  routeKey: r.routeKey,
  functionName: r.functionName,
  qualifier: r.qualifier ?? null,
  timeoutMs: r.timeoutMs,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

export function registerRoutesApi(app: FastifyInstance, routes: HttpRoutes, gatewayUrl: () => string): void {
  const id = (req: FastifyRequest): string => (req.params as { routeId: string }).routeId;

  app.get('/gust/v1/http', async () => ({ url: gatewayUrl(), apiId: routes.apiId }));

  app.get('/gust/v1/http/routes', async () => ({ routes: routes.list().map(view) }));
  app.post('/gust/v1/http/routes', async (req, reply) => reply.status(201).send(view(routes.create(routeInput(req)))));
  app.get('/gust/v1/http/routes/:routeId', async (req) => view(routes.get(id(req))));
  const update = async (req: FastifyRequest): Promise<Record<string, unknown>> =>
    view(routes.update(id(req), routeInput(req)));
  app.patch('/gust/v1/http/routes/:routeId', update);
  app.put('/gust/v1/http/routes/:routeId', update);
  app.delete('/gust/v1/http/routes/:routeId', async (req, reply) => {
    routes.delete(id(req));
    return reply.status(204).send();
  });

  app.get('/gust/v1/http/cors', async () => ({ cors: routes.cors ?? null }));
  app.put('/gust/v1/http/cors', async (req) => {
    const cors = parseApiCors(parseJson(req, 'GUST_HTTP_INVALID_CORS'));
    routes.setCors(cors);
    return { cors };
  });
  app.delete('/gust/v1/http/cors', async (_req, reply) => {
    routes.setCors(undefined);
    return reply.status(204).send();
  });
}
