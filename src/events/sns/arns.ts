/** SNS names and ARNs: topics, subscriptions, and the endpoints subscriptions point at. */
import { randomUUID } from 'node:crypto';

const TOPIC_NAME_RE = /^[A-Za-z0-9_-]{1,256}$/;
const FIFO_TOPIC_NAME_RE = /^[A-Za-z0-9_-]{1,251}\.fifo$/;
/** A topic ARN (also the prefix async invocation destinations are matched with). */
export const TOPIC_ARN_RE = /^arn:aws[a-zA-Z-]*:sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_.-]{1,256})$/;
const SUBSCRIPTION_ARN_RE = /^(arn:aws[a-zA-Z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]{1,256}):([0-9a-f-]{36})$/;
const LAMBDA_ARN_RE =
  /^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:([a-zA-Z0-9-_]{1,64})(?::(\$LATEST|[a-zA-Z0-9-_]+))?$/;
const SQS_ARN_RE = /^arn:aws[a-zA-Z-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,80}(\.fifo)?$/;

export function isValidTopicName(name: string, fifo: boolean): boolean {
  return fifo ? FIFO_TOPIC_NAME_RE.test(name) : TOPIC_NAME_RE.test(name);
}

export function topicArn(region: string, accountId: string, name: string): string {
  return `arn:aws:sns:${region}:${accountId}:${name}`;
}

export function parseTopicArn(arn: string): { region: string; accountId: string; name: string } | undefined {
  const m = TOPIC_ARN_RE.exec(arn);
  return m ? { region: m[1]!, accountId: m[2]!, name: m[3]! } : undefined;
}

export function isSubscriptionArn(arn: string): boolean {
  return SUBSCRIPTION_ARN_RE.test(arn);
}

export function newSubscriptionArn(topic: string): string {
  return `${topic}:${randomUUID()}`;
}

export function parseLambdaEndpoint(arn: string): { name: string; qualifier?: string } | undefined {
  const m = LAMBDA_ARN_RE.exec(arn);
  if (!m) return undefined;
  return m[2] !== undefined ? { name: m[1]!, qualifier: m[2] } : { name: m[1]! };
}

export function isSqsArn(arn: string): boolean {
  return SQS_ARN_RE.test(arn);
}
