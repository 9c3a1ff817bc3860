/**
 * Subscription operations: Subscribe, ConfirmSubscription, Unsubscribe, ListSubscriptions(ByTopic),
 * Get/SetSubscriptionAttributes. Lambda and SQS subscriptions are confirmed at once; HTTP/S ones
 * stay pending until the endpoint confirms the token Gust sends it (SubscriptionConfirmation).
 */
import { randomBytes } from 'node:crypto';
import { isSqsArn, isSubscriptionArn, newSubscriptionArn, parseLambdaEndpoint } from './arns.ts';
import { applySubscriptionAttributes, isFifoTopic, subscriptionAttributesView } from './attributes.ts';
import { invalidParameter, page, requireSubscription, requireTopic, type OpsContext } from './context.ts';
import type { Protocol, Subscription } from './store.ts';

const SUPPORTED: Protocol[] = ['lambda', 'sqs', 'http', 'https'];
const AWS_PROTOCOLS = ['email', 'email-json', 'sms', 'application', 'firehose'];
/** AWS: unconfirmed subscriptions expire after 3 days. */
const TOKEN_TTL_MS = 3 * 86_400_000;

export interface SubscribeInput {
  topicArn?: string;
  protocol?: string;
  endpoint?: string;
  attributes: Record<string, string>;
  returnSubscriptionArn: boolean;
}

function checkEndpoint(protocol: Protocol, endpoint: string | undefined, fifoTopic: boolean): string {
  if (!endpoint) throw invalidParameter('Endpoint');
  switch (protocol) {
    case 'lambda':
      if (!parseLambdaEndpoint(endpoint)) throw invalidParameter('Lambda endpoint ARN');
      if (fifoTopic) throw invalidParameter('Invalid protocol type: lambda. FIFO topics deliver only to SQS queues');
      break;
    case 'sqs':
      if (!isSqsArn(endpoint)) throw invalidParameter('SQS endpoint ARN');
      if (!fifoTopic && endpoint.endsWith('.fifo')) {
        throw invalidParameter('Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics');
      }
      break;
    default: {
      let url: URL | undefined;
      try {
        url = new URL(endpoint);
      } catch {
        url = undefined;
      }
      if (!url || url.protocol !== `${protocol}:`) throw invalidParameter('Endpoint must match the specified protocol');
      if (fifoTopic)
        throw invalidParameter(`Invalid protocol type: ${protocol}. FIFO topics deliver only to SQS queues`);
    }
  }
  return endpoint;
}

const shownArn = (s: Subscription): string => (s.confirmed ? s.arn : 'PendingConfirmation');

export function subscribe(ctx: OpsContext, input: SubscribeInput): { SubscriptionArn: string } {
  const topic = requireTopic(ctx, input.topicArn);
  const protocol = (input.protocol ?? '').toLowerCase() as Protocol;
  if (!SUPPORTED.includes(protocol)) {
    if (AWS_PROTOCOLS.includes(protocol))
      throw invalidParameter(`Protocol Reason: Gust does not deliver to ${protocol}`);
    throw invalidParameter(`Amazon SNS does not support this protocol string: ${input.protocol ?? ''}`);
  }
  const endpoint = checkEndpoint(protocol, input.endpoint, isFifoTopic(topic));
  const attributes = applySubscriptionAttributes(protocol, {}, input.attributes);
  const existing = ctx.store.findSubscription(topic.arn, protocol, endpoint);
  const answer = (s: Subscription): { SubscriptionArn: string } => ({
    SubscriptionArn: s.confirmed || input.returnSubscriptionArn ? s.arn : 'pending confirmation',
  });
  if (existing) {
    for (const [k, v] of Object.entries(attributes)) {
      if (existing.attributes[k] !== v) {
        throw invalidParameter('Attributes Reason: Subscription already exists with different attributes');
      }
    }
    if (!existing.confirmed) sendConfirmation(ctx, existing);
    return answer(existing);
  }
  const now = Date.now();
  const confirmed = protocol === 'lambda' || protocol === 'sqs';
  const sub: Subscription = {
    arn: newSubscriptionArn(topic.arn),
    topicArn: topic.arn,
    protocol,
    endpoint,
    attributes,
    confirmed,
    token: null,
    tokenExpiresAt: null,
    createdAt: now,
  };
  ctx.store.tx(() => {
    ctx.store.insertSubscription(sub);
    if (!confirmed) sendConfirmation(ctx, sub);
  });
  return answer(sub);
}

/** Queue a SubscriptionConfirmation for a pending HTTP/S subscription (a fresh token each time). */
function sendConfirmation(ctx: OpsContext, sub: Subscription): void {
  const token = randomBytes(64).toString('hex');
  const now = Date.now();
  ctx.store.tx(() => {
    ctx.store.setToken(sub.arn, token, now + TOKEN_TTL_MS);
    ctx.store.enqueueDelivery({
      kind: 'confirmation',
      messageId: null,
      subscriptionArn: sub.arn,
      groupId: null,
      at: now,
    });
  });
  ctx.wake();
}

export function confirmSubscription(
  ctx: OpsContext,
  input: { topicArn?: string; token?: string; authenticateOnUnsubscribe?: string },
): { SubscriptionArn: string } {
  const topic = requireTopic(ctx, input.topicArn);
  if (!input.token) throw invalidParameter('Token');
  const sub = ctx.store.findByToken(topic.arn, input.token);
  if (!sub || (!sub.confirmed && (sub.tokenExpiresAt ?? 0) < Date.now())) throw invalidParameter('Invalid token');
  if (!sub.confirmed) {
    const authenticated = input.authenticateOnUnsubscribe === 'true' ? 'true' : 'false';
    ctx.store.confirm(sub.arn, { ...sub.attributes, ConfirmationWasAuthenticated: authenticated });
  }
  return { SubscriptionArn: sub.arn };
}

/** Idempotent, as AWS: unsubscribing a subscription that does not exist succeeds. */
export function unsubscribe(ctx: OpsContext, arn?: string): void {
  if (!arn || !isSubscriptionArn(arn)) throw invalidParameter('SubscriptionArn');
  ctx.store.deleteSubscription(arn);
}

type Listed = { SubscriptionArn: string; Owner: string; Protocol: string; Endpoint: string; TopicArn: string };

function listed(ctx: OpsContext, s: Subscription): Listed {
  return {
    SubscriptionArn: shownArn(s),
    Owner: ctx.accountId,
    Protocol: s.protocol,
    Endpoint: s.endpoint,
    TopicArn: s.topicArn,
  };
}

export function listSubscriptions(
  ctx: OpsContext,
  nextToken?: string,
): { Subscriptions: Listed[]; NextToken?: string } {
  const p = page(nextToken, (after, limit) => ctx.store.listSubscriptions(after, limit));
  return { Subscriptions: p.items.map((s) => listed(ctx, s)), ...(p.nextToken ? { NextToken: p.nextToken } : {}) };
}

export function listSubscriptionsByTopic(
  ctx: OpsContext,
  topicArn?: string,
  nextToken?: string,
): { Subscriptions: Listed[]; NextToken?: string } {
  const topic = requireTopic(ctx, topicArn);
  const p = page(nextToken, (after, limit) => ctx.store.listSubscriptions(after, limit, topic.arn));
  return { Subscriptions: p.items.map((s) => listed(ctx, s)), ...(p.nextToken ? { NextToken: p.nextToken } : {}) };
}

export function getSubscriptionAttributes(ctx: OpsContext, arn?: string): { Attributes: Record<string, string> } {
  const sub = requireSubscription(ctx, arn);
  return { Attributes: subscriptionAttributesView(sub, ctx.store.getTopic(sub.topicArn), ctx.accountId) };
}

export function setSubscriptionAttributes(ctx: OpsContext, arn?: string, name?: string, value?: string): void {
  const sub = requireSubscription(ctx, arn);
  if (!name) throw invalidParameter('AttributeName');
  const attributes = applySubscriptionAttributes(sub.protocol, sub.attributes, { [name]: value ?? '' });
  ctx.store.setSubscriptionAttributes(sub.arn, attributes);
}
