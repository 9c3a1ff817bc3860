/** Topic operations: CreateTopic, ListTopics, Get/SetTopicAttributes, DeleteTopic. */
import { isValidTopicName, parseTopicArn, topicArn } from './arns.ts';
import { applyTopicAttributes, topicAttributesView } from './attributes.ts';
import { invalidParameter, page, requireTopic, type OpsContext } from './context.ts';

export function createTopic(
  ctx: OpsContext,
  input: { name?: string; attributes: Record<string, string> },
): { TopicArn: string } {
  const name = input.name ?? '';
  const fifo = input.attributes.FifoTopic === 'true';
  if (fifo !== name.endsWith('.fifo')) {
    throw invalidParameter('Fifo Topic names must end with .fifo and Standard Topic cannot end with .fifo');
  }
  if (!isValidTopicName(name, fifo)) throw invalidParameter('Topic Name');
  const arn = topicArn(ctx.region, ctx.accountId, name);
  const attributes = applyTopicAttributes({}, input.attributes, { fifo, creating: true });
  const existing = ctx.store.getTopic(arn);
  if (existing) {
    const view = topicAttributesView(existing, { confirmed: 0, pending: 0 }, ctx.accountId);
    for (const [k, v] of Object.entries(input.attributes)) {
      const current = view[k] ?? (k === 'FifoTopic' || k === 'ContentBasedDeduplication' ? 'false' : '');
      if (current !== v) throw invalidParameter('Attributes Reason: Topic already exists with different attributes');
    }
    return { TopicArn: arn };
  }
  if (fifo) attributes.FifoTopic = 'true';
  ctx.store.insertTopic({ arn, name, attributes, subsDeleted: 0, createdAt: Date.now() });
  return { TopicArn: arn };
}

export function listTopics(
  ctx: OpsContext,
  nextToken?: string,
): { Topics: { TopicArn: string }[]; NextToken?: string } {
  const p = page(nextToken, (after, limit) => ctx.store.listTopics(after, limit));
  return { Topics: p.items.map((t) => ({ TopicArn: t.arn })), ...(p.nextToken ? { NextToken: p.nextToken } : {}) };
}

export function getTopicAttributes(ctx: OpsContext, arn?: string): { Attributes: Record<string, string> } {
  const t = requireTopic(ctx, arn);
  return { Attributes: topicAttributesView(t, ctx.store.subscriptionCounts(t.arn), ctx.accountId) };
}

export function setTopicAttributes(ctx: OpsContext, arn?: string, name?: string, value?: string): void {
  const t = requireTopic(ctx, arn);
  if (!name) throw invalidParameter('AttributeName');
  const attributes = applyTopicAttributes(
    t.attributes,
    { [name]: value ?? '' },
    {
      fifo: t.attributes.FifoTopic === 'true',
      creating: false,
    },
  );
  ctx.store.setTopicAttributes(t.arn, attributes);
}

/** Idempotent, as AWS: deleting a topic that does not exist succeeds. */
export function deleteTopic(ctx: OpsContext, arn?: string): void {
  if (!arn || !parseTopicArn(arn)) throw invalidParameter('TopicArn');
  ctx.store.deleteTopic(arn);
}
