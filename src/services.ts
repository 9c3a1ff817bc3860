/**
 * Services plugged into the server beside the Lambda core: event sources and AWS-compatible
 * services (queues, topics, HTTP routes, schedules). Adding one = writing a module that
 * implements GustService and listing it in createServices() below (see docs/ADDING-A-SERVICE.md).
 */
import type { FastifyInstance } from 'fastify';
import type { AwsRouter } from './aws/router.ts';
import type { GustConfig } from './config.ts';
import { HttpService } from './events/http/index.ts';
import { SqsService } from './events/sqs/index.ts';
import { SnsService } from './events/sns/index.ts';
import { SchedulesService } from './events/schedules/index.ts';
import type { FunctionSettingsService } from './control/function-settings.ts';
import type { Registry } from './control/registry.ts';
import type { AsyncQueue } from './invoke/async-queue.ts';
import type { DestinationRegistry } from './invoke/destinations.ts';
import type { Invoker } from './invoke/invoker.ts';
import type { Placement } from './placement/manager.ts';
import type { SqliteStore } from './store/sqlite/index.ts';
import type { LogCollector } from './telemetry/log-collector.ts';

export interface ServiceContext {
  config: GustConfig;
  /** The main HTTP app (Lambda API port): register routes here during setup(). */
  app: FastifyInstance;
  /** `POST /` AWS query/JSON protocol front door: register AWS services here during setup(). */
  aws: AwsRouter;
  /** The embedded store; services keep their tables via applyNamedMigrations(store.db, ...). */
  store: SqliteStore;
  registry: Registry;
  settings: FunctionSettingsService;
  invoker: Invoker;
  asyncQueue: AsyncQueue;
  placement: Placement;
  logs: LogCollector;
  /** Register SQS/SNS destinations for async invocation records. */
  destinations: DestinationRegistry;
  /** Other services by name (e.g. SNS delivering to SQS); resolved lazily after setup. */
  service<T extends GustService>(name: string): T | undefined;
  /** Base URL of the main server (known after listen). */
  url(): string;
  log(msg: string): void;
}

export interface GustService {
  name: string;
  /** Create tables, register routes and AWS handlers. Runs before the server listens. */
  setup(ctx: ServiceContext): void;
  /** Start background work (pollers, timers, extra listeners). Runs after the server listens. */
  start?(): Promise<void> | void;
  /** Stop background work; called on shutdown before environments are retired. */
  stop?(): Promise<void> | void;
}

export function createServices(): GustService[] {
  return [new HttpService(), new SqsService(), new SnsService(), new SchedulesService()];
}
