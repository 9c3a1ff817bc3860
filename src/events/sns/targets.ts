/**
 * Delivery to each subscription protocol: Lambda (an asynchronous invocation, durable in Gust's
 * async queue), SQS (through the QueueSink contract of the 'sqs' service), HTTP/S (a POST with
 * SNS's headers; also carries SubscriptionConfirmation messages).
 */
import { isGustError } from '../../errors.ts';
import type { MessageAttributeValue, QueueSink } from '../contracts.ts';
import { parseLambdaEndpoint } from './arns.ts';
import { isFifoTopic } from './attributes.ts';
import type { DeliveryJob, DeliveryTarget, Outcome } from './delivery.ts';
import {
  lambdaEvent,
  messageFor,
  notificationEnvelope,
  subscriptionConfirmation,
  type EnvelopeContext,
} from './envelope.ts';
import { classifyStatus, postToEndpoint } from './http-endpoint.ts';
import type { Protocol, Topic } from './store.ts';

export interface TargetDeps {
  /** ctx.asyncQueue.enqueue */
  enqueueInvocation(functionName: string, qualifier: string | undefined, payload: Buffer): string;
  /** The SQS service, when one is registered. */
  sqs(): QueueSink | undefined;
  envelope(topic: Topic): EnvelopeContext;
  httpTimeoutMs: number;
}

const failure = (e: unknown, retry = true): Outcome => ({
  ok: false,
  retry,
  error: e instanceof Error ? e.message : String(e),
});

export function createTargets(deps: TargetDeps): Record<Protocol, DeliveryTarget> {
  const lambda: DeliveryTarget = async ({ sub, topic, message }) => {
    const fn = parseLambdaEndpoint(sub.endpoint);
    if (!fn) return failure(`invalid Lambda endpoint ${sub.endpoint}`, false);
    try {
      const payload = Buffer.from(JSON.stringify(lambdaEvent(message!, sub, deps.envelope(topic))));
      deps.enqueueInvocation(fn.name, fn.qualifier, payload);
      return { ok: true };
    } catch (e) {
      return failure(e, !(isGustError(e) && e.code === 'GUST_REQUEST_TOO_LARGE'));
    }
  };

  const sqs: DeliveryTarget = async (job) => sendToQueue(deps, job.sub.endpoint, job);

  const http: DeliveryTarget = async (job, signal) => {
    const { body, headers } =
      job.delivery.kind === 'confirmation' ? confirmationRequest(job, deps) : notificationRequest(job, deps);
    if (body === undefined) return { ok: true }; // confirmed meanwhile: nothing to send
    const r = await postToEndpoint(job.sub.endpoint, body, headers, deps.httpTimeoutMs, signal);
    const verdict = classifyStatus(r);
    if (verdict === 'ok') return { ok: true };
    const error = r.status !== undefined ? `endpoint answered HTTP ${r.status}` : (r.error ?? 'no response');
    return { ok: false, retry: verdict === 'retry', error };
  };

  return { lambda, sqs, http, https: http };
}

/**
 * Send a notification to an SQS queue (the subscription's endpoint, or its dead-letter queue): the
 * JSON envelope, or with RawMessageDelivery the message itself with its attributes.
 */
export function sendToQueue(deps: TargetDeps, queueArn: string, { sub, topic, message }: DeliveryJob): Outcome {
  const sink = deps.sqs();
  if (!sink) return failure('no SQS service is running in this Gust');
  const msg = message!;
  const raw = sub.attributes.RawMessageDelivery === 'true';
  const body = raw
    ? messageFor(msg, 'sqs')
    : JSON.stringify(notificationEnvelope(msg, sub, deps.envelope(topic), isFifoTopic(topic)));
  const attributes: Record<string, MessageAttributeValue> | undefined =
    raw && Object.keys(msg.attributes).length ? msg.attributes : undefined;
  const fifo =
    queueArn.endsWith('.fifo') && msg.groupId
      ? { groupId: msg.groupId, ...(msg.dedupId ? { deduplicationId: msg.dedupId } : {}) }
      : undefined;
  try {
    sink.sendMessageByArn(queueArn, body, attributes, fifo);
    return { ok: true };
  } catch (e) {
    return failure(e);
  }
}

function contentType(job: DeliveryJob): string {
  const sub = job.sub.attributes.DeliveryPolicy
    ? (JSON.parse(job.sub.attributes.DeliveryPolicy) as { requestPolicy?: { headerContentType?: string } })
    : {};
  const topic = job.topic.attributes.DeliveryPolicy
    ? (JSON.parse(job.topic.attributes.DeliveryPolicy) as {
        http?: { defaultRequestPolicy?: { headerContentType?: string } };
      })
    : {};
  return (
    sub.requestPolicy?.headerContentType ??
    topic.http?.defaultRequestPolicy?.headerContentType ??
    'text/plain; charset=UTF-8'
  );
}

function notificationRequest(job: DeliveryJob, deps: TargetDeps): { body?: string; headers: Record<string, string> } {
  const { sub, topic } = job;
  const msg = job.message!;
  const raw = sub.attributes.RawMessageDelivery === 'true';
  const headers: Record<string, string> = {
    'Content-Type': contentType(job),
    'x-amz-sns-message-type': 'Notification',
    'x-amz-sns-message-id': msg.id,
    'x-amz-sns-topic-arn': topic.arn,
    'x-amz-sns-subscription-arn': sub.arn,
  };
  if (raw) headers['x-amz-sns-rawdelivery'] = 'true';
  const body = raw
    ? messageFor(msg, sub.protocol)
    : JSON.stringify(notificationEnvelope(msg, sub, deps.envelope(topic), isFifoTopic(topic)));
  return { body, headers };
}

function confirmationRequest(job: DeliveryJob, deps: TargetDeps): { body?: string; headers: Record<string, string> } {
  const { sub, topic } = job;
  if (sub.confirmed || !sub.token) return { headers: {} };
  const envelope = subscriptionConfirmation(sub, sub.token, deps.envelope(topic));
  return {
    body: JSON.stringify(envelope),
    headers: {
      'Content-Type': 'text/plain; charset=UTF-8',
      'x-amz-sns-message-type': 'SubscriptionConfirmation',
      'x-amz-sns-message-id': String(envelope.MessageId),
      'x-amz-sns-topic-arn': topic.arn,
    },
  };
}
