/** Builds the HTTP front door: one Fastify app serving the Lambda REST API and Gust's own API. */
import Fastify, { type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Registry } from '../control/registry.ts';
import { GustError } from '../errors.ts';
import type { Invoker } from '../invoke/invoker.ts';
import { sendAwsError } from './aws-errors.ts';
import { registerGustRoutes, type GustApiDeps } from './gust/routes.ts';
import { registerFunctionRoutes } from './lambda/functions.ts';
import { registerInvokeRoutes } from './lambda/invoke.ts';
import type { ApiContext } from './lambda/shapes.ts';

/** Largest request body accepted (CreateFunction with a 50 MB zip, base64-encoded, plus JSON). */
const BODY_LIMIT = 70 * 1024 * 1024;

export interface AppDeps extends GustApiDeps {
  registry: Registry;
  invoker: Invoker;
  ctx: ApiContext;
  logger: boolean;
}

export function buildApp(d: AppDeps): FastifyInstance {
  const app = Fastify({
    logger: d.logger ? { level: process.env.GUST_LOG_LEVEL ?? 'info' } : false,
    bodyLimit: BODY_LIMIT,
    genReqId: () => randomUUID(),
    // Function names may be ARNs with ':'; keep the router from treating them specially.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_req, body, done) => done(null, body));
  app.addHook('onSend', async (req, reply) => {
    if (!reply.hasHeader('x-amzn-requestid')) reply.header('x-amzn-requestid', req.id);
  });
  app.setErrorHandler((err, _req, reply) => sendAwsError(reply, err));
  app.setNotFoundHandler((req, reply) =>
    sendAwsError(
      reply,
      new GustError('GUST_UNKNOWN_OPERATION', `No operation matches ${req.method} ${req.url.split('?')[0]}`),
    ),
  );
  registerFunctionRoutes(app, d.registry, d.ctx);
  registerInvokeRoutes(app, d.invoker);
  registerGustRoutes(app, d);
  return app;
}
