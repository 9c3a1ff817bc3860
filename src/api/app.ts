/** Builds the HTTP front door: one Fastify app serving the Lambda REST API and Gust's own API. */
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { Aliases } from '../control/aliases.ts';
import type { FunctionSettingsService } from '../control/function-settings.ts';
import type { Registry } from '../control/registry.ts';
import { Versions } from '../control/versions.ts';
import type { AsyncQueue } from '../invoke/async-queue.ts';
import { GustError } from '../errors.ts';
import type { Invoker } from '../invoke/invoker.ts';
import { sendAwsError } from './aws-errors.ts';
import { registerConsoleRoutes } from './console.ts';
import { registerGustRoutes, type GustApiDeps } from './gust/routes.ts';
import { registerAliasRoutes } from './lambda/aliases.ts';
import { registerConcurrencyRoutes, type ProvisionedView } from './lambda/concurrency.ts';
import { registerEventInvokeConfigRoutes } from './lambda/event-invoke-config.ts';
import { registerFunctionRoutes } from './lambda/functions.ts';
import { registerVersionRoutes } from './lambda/versions.ts';
import { registerInvokeRoutes } from './lambda/invoke.ts';
import type { ApiContext } from './lambda/shapes.ts';

/** Largest request body accepted (CreateFunction with a 50 MB zip, base64-encoded, plus JSON). */
const BODY_LIMIT = 70 * 1024 * 1024;

export interface AppDeps extends GustApiDeps {
  registry: Registry;
  invoker: Invoker;
  asyncQueue: AsyncQueue;
  settings: FunctionSettingsService;
  provisioned: ProvisionedView;
  accountLimit: () => number;
  ctx: ApiContext;
  logger: boolean;
}

/**
 * Query strings: one string per parameter — the last of repeated ones, as API Gateway does — so no
 * route ever sees an array where it expects a string. Null prototype: `__proto__=x` is a plain key.
 */
export function parseQuery(str: string): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const [k, v] of new URLSearchParams(str)) out[k] = v;
  return out;
}

export function buildApp(d: AppDeps): FastifyInstance {
  // Server log (pino, JSON): warnings and platform faults by default. Requests get one compact access
  // line each; Fastify's JSON request records only at GUST_LOG_LEVEL=debug or trace.
  const level = process.env.GUST_LOG_LEVEL ?? 'warn';
  const verbose = level === 'debug' || level === 'trace';
  const app = Fastify({
    logger: d.logger ? { level } : false,
    logController: new LogController({ disableRequestLogging: !verbose }),
    bodyLimit: BODY_LIMIT,
    genReqId: () => randomUUID(),
    // Function names may be ARNs with ':'; keep the router from treating them specially.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500, querystringParser: parseQuery },
    // Paths the router rejects (bad percent-encoding, overlong parameters) get AWS error shapes too.
    frameworkErrors: (err, _req, reply) => {
      void sendAwsError(reply, err);
    },
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_req, body, done) => done(null, body));
  app.addHook('onSend', async (req, reply) => {
    if (!reply.hasHeader('x-amzn-requestid')) reply.header('x-amzn-requestid', req.id);
  });
  if (d.logger && !verbose) {
    app.addHook('onResponse', async (req, reply) => {
      const ms = reply.elapsedTime.toFixed(1);
      process.stdout.write(`${new Date().toISOString()} ${req.method} ${req.url} ${reply.statusCode} ${ms} ms\n`);
    });
  }
  app.setErrorHandler((err, _req, reply) => sendAwsError(reply, err));
  app.setNotFoundHandler((req, reply) =>
    sendAwsError(
      reply,
      new GustError('GUST_UNKNOWN_OPERATION', `No operation matches ${req.method} ${req.url.split('?')[0]}`),
    ),
  );
  const versions = new Versions(d.registry);
  registerFunctionRoutes(app, d.registry, versions, d.ctx);
  registerVersionRoutes(app, versions, d.ctx);
  registerAliasRoutes(app, new Aliases(d.registry), d.ctx);
  registerConcurrencyRoutes(app, d.registry, d.settings, d.provisioned, d.ctx, d.accountLimit);
  registerEventInvokeConfigRoutes(app, d.settings, d.ctx);
  registerInvokeRoutes(app, d.invoker, d.asyncQueue);
  registerGustRoutes(app, d);
  registerConsoleRoutes(app);
  return app;
}
