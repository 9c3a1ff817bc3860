/** What the SNS operations share: the store, the account, the worker's wake-up, and lookups that answer AWS's errors. */
import { GustError } from '../../errors.ts';
import { isSubscriptionArn, parseTopicArn } from './arns.ts';
import type { SnsStore, Subscription, Topic } from './store.ts';

export interface OpsContext {
  store: SnsStore;
  region: string;
  accountId: string;
  /** Tell the delivery worker there is new work. */
  wake(): void;
}

export const invalidParameter = (what: string): GustError =>
  new GustError('GUST_SNS_INVALID_PARAMETER', `Invalid parameter: ${what}`);

export function requireTopic(ctx: OpsContext, arn: string | undefined, param = 'TopicArn'): Topic {
  if (!arn || !parseTopicArn(arn)) throw invalidParameter(param);
  const topic = ctx.store.getTopic(arn);
  if (!topic) throw new GustError('GUST_SNS_NOT_FOUND', 'Topic does not exist');
  return topic;
}

export function requireSubscription(ctx: OpsContext, arn: string | undefined): Subscription {
  if (!arn || !isSubscriptionArn(arn)) throw invalidParameter('SubscriptionArn');
  const sub = ctx.store.getSubscription(arn);
  if (!sub) throw new GustError('GUST_SNS_NOT_FOUND', 'Subscription does not exist');
  return sub;
}

const PAGE = 100;

/** One page of a list in ARN order; NextToken is the last ARN of the page (opaque to clients). */
export function page<T extends { arn: string }>(
  nextToken: string | undefined,
  fetch: (after: string | undefined, limit: number) => T[],
): { items: T[]; nextToken?: string } {
  let after: string | undefined;
  if (nextToken) {
    after = Buffer.from(nextToken, 'base64url').toString('utf8');
    if (!after.startsWith('arn:')) throw invalidParameter('NextToken');
  }
  const rows = fetch(after, PAGE + 1);
  const items = rows.slice(0, PAGE);
  return rows.length > PAGE ? { items, nextToken: Buffer.from(items.at(-1)!.arn).toString('base64url') } : { items };
}
