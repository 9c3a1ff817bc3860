/**
 * The SNS-compatible service ('sns'): topics, subscriptions (Lambda, SQS, HTTP/S) and durable
 * fan-out with retries. Also the TopicSink other services publish through, and the `arn:aws:sns:`
 * destination of asynchronous invocations. Modules: store (tables), protocol/xml (wire formats),
 * api (actions and GET routes), topics/subscriptions/publish (operations), filter-policy,
 * envelope/signing (what subscribers receive), delivery/targets/http-endpoint (the worker).
 */
import type { DestinationMessage } from '../../invoke/destinations.ts';
import type { MessageAttributeValue, QueueSink, TopicSink } from '../contracts.ts';
import { registerSnsApi } from './api.ts';
import { TOPIC_ARN_RE } from './arns.ts';
import { isFifoTopic } from './attributes.ts';
import type { OpsContext } from './context.ts';
import { DeliveryWorker } from './delivery.ts';
import type { EnvelopeContext } from './envelope.ts';
import { snsOptions } from './options.ts';
import { publishInternal } from './publish.ts';
import type { SnsServiceContext } from './service-context.ts';
import { Signer, createSigningMaterial } from './signing.ts';
import { SnsStore } from './store.ts';
import { createTargets, sendToQueue, type TargetDeps } from './targets.ts';

/** A GustService (src/services.ts) named 'sns'. */
export class SnsService implements TopicSink {
  readonly name = 'sns';
  private ops?: OpsContext;
  private worker?: DeliveryWorker;

  setup(ctx: SnsServiceContext): void {
    const options = snsOptions(ctx.config);
    const store = new SnsStore(ctx.store.db);
    const signer = new Signer(() => store.signingMaterial(() => createSigningMaterial()));
    const ops: OpsContext = {
      store,
      region: ctx.config.region,
      accountId: ctx.config.accountId,
      wake: () => this.worker?.wake(),
    };
    const deps: TargetDeps = {
      enqueueInvocation: (name, qualifier, payload) => ctx.asyncQueue.enqueue(name, qualifier, payload),
      sqs: () => {
        const s = ctx.service('sqs') as Partial<QueueSink> | undefined;
        return typeof s?.sendMessageByArn === 'function' ? (s as QueueSink) : undefined;
      },
      envelope: (topic): EnvelopeContext => ({
        signer,
        baseUrl: ctx.url(),
        signatureVersion: topic.attributes.SignatureVersion === '2' ? '2' : '1',
      }),
      httpTimeoutMs: options.httpTimeoutMs,
    };
    this.ops = ops;
    this.worker = new DeliveryWorker({
      store,
      targets: createTargets(deps),
      deadLetter: (job) => {
        const policy = job.sub.attributes.RedrivePolicy;
        if (!policy) return false;
        const dlq = (JSON.parse(policy) as { deadLetterTargetArn: string }).deadLetterTargetArn;
        return sendToQueue(deps, dlq, job).ok;
      },
      pollMs: options.pollMs,
      retryUnitMs: options.retryUnitMs,
      concurrency: options.concurrency,
      log: (m) => ctx.log(m),
    });
    registerSnsApi(ctx, ops, signer);
    ctx.destinations.register('sns', TOPIC_ARN_RE, async (arn, m) => {
      this.publishDestination(arn, m);
    });
  }

  start(): void {
    this.worker?.start();
  }

  async stop(): Promise<void> {
    await this.worker?.stop();
  }

  publishByArn(
    topicArn: string,
    message: string,
    attributes: Record<string, MessageAttributeValue> = {},
    subject?: string,
  ): string {
    return publishInternal(this.requireOps(), topicArn, { message, attributes, subject }).MessageId;
  }

  /** An invocation record or dead-lettered event to a topic (FIFO topics: its group and deduplication id). */
  private publishDestination(topicArn: string, m: DestinationMessage): void {
    const ops = this.requireOps();
    const topic = ops.store.getTopic(topicArn);
    const fifo =
      topic && isFifoTopic(topic) ? { messageGroupId: m.groupId, messageDeduplicationId: m.deduplicationId } : {};
    publishInternal(ops, topicArn, { message: m.body, attributes: m.attributes ?? {}, ...fifo });
  }

  private requireOps(): OpsContext {
    if (!this.ops) throw new Error('the SNS service is not set up');
    return this.ops;
  }
}
