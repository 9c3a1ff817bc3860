/**
 * The 'http' service: API Gateway HTTP API style routes and Lambda function URLs, served by a
 * gateway on its own port (config.gatewayPort). Route/CORS configuration lives under
 * /gust/v1/http (Gust's API); function URL configuration under Lambda's REST API.
 *
 * The context type is declared structurally (a subset of ServiceContext) so this module does not
 * import src/services.ts, which imports it (no dependency cycle).
 */
import type Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import type { GustConfig } from '../../config.ts';
import type { Registry } from '../../control/registry.ts';
import type { Invoker } from '../../invoke/invoker.ts';
import { registerFunctionUrlApi } from './function-urls-api.ts';
import { FunctionUrls } from './function-urls.ts';
import { Gateway } from './gateway.ts';
import { HttpRoutes } from './routes.ts';
import { registerRoutesApi } from './routes-api.ts';
import { HttpStore } from './store.ts';

export interface HttpServiceContext {
  config: GustConfig;
  app: FastifyInstance;
  store: { db: Database.Database };
  registry: Registry;
  invoker: Invoker;
  log(msg: string): void;
}

const byApp = new WeakMap<FastifyInstance, HttpService>();

/** The gateway URL of the server whose Fastify app this is (after start), e.g. for `gust serve`. */
export function httpGatewayUrl(app: FastifyInstance): string | undefined {
  return byApp.get(app)?.url();
}

export class HttpService {
  readonly name = 'http';
  private gateway?: Gateway;

  setup(ctx: HttpServiceContext): void {
    const store = new HttpStore(ctx.store.db);
    const routes = new HttpRoutes(store, (name, qualifier) => ctx.invoker.resolve(name, qualifier));
    const urls = new FunctionUrls(store);
    const gateway = new Gateway({
      host: ctx.config.host,
      port: ctx.config.gatewayPort,
      region: ctx.config.region,
      accountId: ctx.config.accountId,
      routes,
      urls,
      invoker: ctx.invoker,
      log: (m) => ctx.log(m),
    });
    this.gateway = gateway;
    const gatewayUrl = (): string => gateway.url();
    registerRoutesApi(ctx.app, routes, gatewayUrl);
    registerFunctionUrlApi(ctx.app, {
      urls,
      registry: ctx.registry,
      region: ctx.config.region,
      accountId: ctx.config.accountId,
      gatewayUrl,
    });
    ctx.registry.onChange((e) => {
      if (e.type === 'deleted') urls.deleteAllOf(e.name);
    });
    byApp.set(ctx.app, this);
  }

  async start(): Promise<void> {
    await this.gateway!.start();
  }

  async stop(): Promise<void> {
    await this.gateway?.stop();
  }

  /** The gateway's base URL (known after start), e.g. http://127.0.0.1:9001 */
  url(): string {
    return this.gateway!.url();
  }
}
