/**
 * The SQS service: an SQS-compatible queue API (JSON and query protocols), event source mappings
 * that feed queues to functions, and SQS as a destination of asynchronous invocation records.
 * Other services reach it through QueueSink (ctx.service<SqsService>('sqs')).
 */
import type Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import type { AwsRouter } from '../../aws/router.ts';
import { registerEventSourceMappingRoutes } from '../../api/lambda/event-source-mappings.ts';
import type { GustConfig } from '../../config.ts';
import type { Registry } from '../../control/registry.ts';
import { GustError } from '../../errors.ts';
import type { DestinationRegistry } from '../../invoke/destinations.ts';
import type { Invoker } from '../../invoke/invoker.ts';
import type { MessageAttributeValue, QueueSink } from '../contracts.ts';
import { sqsApi } from './api.ts';
import { EventSourceMappings } from './mappings.ts';
import { sqsOperations } from './operations.ts';
import { MappingPollers } from './poller.ts';
import { QueueEngine } from './queues.ts';
import { SqsStore } from './store.ts';

/**
 * The part of ServiceContext (src/services.ts) this service uses, declared structurally because
 * services.ts imports this module (no dependency cycle).
 */
export interface SqsServiceContext {
  config: GustConfig;
  app: FastifyInstance;
  aws: AwsRouter;
  store: { db: Database.Database };
  registry: Registry;
  invoker: Invoker;
  placement: { gate: { canAcquire(functionName: string): boolean } };
  destinations: DestinationRegistry;
  url(): string;
  log(msg: string): void;
}

/** How often expired messages and deduplication ids are dropped. */
const SWEEP_MS = 30_000;

/** A GustService (src/services.ts) named 'sqs'. */
export class SqsService implements QueueSink {
  readonly name = 'sqs';
  private engine?: QueueEngine;
  private mappings?: EventSourceMappings;
  private pollers?: MappingPollers;
  private sweeper?: NodeJS.Timeout;
  private accountId = '';

  setup(ctx: SqsServiceContext): void {
    const { region, accountId } = ctx.config;
    this.accountId = accountId;
    const store = new SqsStore(ctx.store.db);
    const engine = (this.engine = new QueueEngine(store, { region, accountId, url: ctx.url }));
    ctx.aws.register(sqsApi(sqsOperations(engine, accountId), ctx.log));

    const pollers = (this.pollers = new MappingPollers({
      engine,
      invoker: ctx.invoker,
      canInvoke: (fn) => ctx.placement.gate.canAcquire(fn),
      region,
      log: ctx.log,
    }));
    this.mappings = new EventSourceMappings(store, engine, ctx.registry, (uuid, m) => pollers.apply(uuid, m));
    registerEventSourceMappingRoutes(ctx.app, this.mappings);

    ctx.destinations.register('sqs', /^arn:aws:sqs:/, async (arn, m) => {
      const fifo = engine.queueByArn(arn)?.fifo
        ? { groupId: m.groupId, deduplicationId: m.deduplicationId }
        : undefined;
      this.sendMessageByArn(arn, m.body, m.attributes, fifo);
    });
  }

  start(): void {
    this.pollers!.start(this.mappings!.all());
    this.engine!.sweep();
    this.sweeper = setInterval(() => this.engine!.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  async stop(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    const stopping = this.pollers?.stop();
    this.engine?.close(); // ends long polls
    await stopping;
  }

  sendMessageByArn(
    queueArn: string,
    body: string,
    attributes?: Record<string, MessageAttributeValue>,
    fifo?: { groupId: string; deduplicationId?: string },
  ): string {
    const engine = this.engine;
    if (!engine) throw new GustError('GUST_SERVICE_STOPPING', 'The SQS service is not set up.');
    const q = engine.queueByArn(queueArn);
    if (!q) throw new GustError('GUST_SQS_QUEUE_NOT_FOUND', `The specified queue does not exist: ${queueArn}`);
    return engine.send(q.name, {
      body,
      attributes,
      groupId: fifo?.groupId,
      deduplicationId: fifo?.deduplicationId,
      senderId: this.accountId,
    }).messageId;
  }
}
