/**
 * The part of ServiceContext (src/services.ts) the SNS service uses, declared structurally because
 * services.ts imports this service (no dependency cycle).
 */
import type Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import type { AwsRouter } from '../../aws/router.ts';
import type { GustConfig } from '../../config.ts';
import type { DestinationRegistry } from '../../invoke/destinations.ts';

export interface SnsServiceContext {
  config: Pick<
    GustConfig,
    'region' | 'accountId' | 'snsPollMs' | 'snsRetryUnitMs' | 'snsHttpTimeoutMs' | 'snsDeliveryConcurrency'
  >;
  app: FastifyInstance;
  aws: AwsRouter;
  store: { db: Database.Database };
  asyncQueue: { enqueue(functionName: string, qualifier: string | undefined, payload: Buffer): string };
  destinations: DestinationRegistry;
  /** Other services by name (the 'sqs' service for SQS subscriptions). */
  service(name: string): unknown;
  url(): string;
  log(msg: string): void;
}
