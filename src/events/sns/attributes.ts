/**
 * Topic and subscription attributes: which ones a user may set and their validation, and the full
 * attribute maps Get*Attributes answer with (defaults and computed values included, as AWS does).
 */
import { GustError } from '../../errors.ts';
import { isSqsArn } from './arns.ts';
import { FilterPolicyError, parseFilterPolicy, type FilterPolicyScope } from './filter-policy.ts';
import { DEFAULT_HTTP_RETRY_POLICY, parseDeliveryPolicy } from './retry-policy.ts';
import type { Protocol, Subscription, Topic } from './store.ts';

const invalid = (what: string): GustError => new GustError('GUST_SNS_INVALID_PARAMETER', `Invalid parameter: ${what}`);

const FEEDBACK_ATTR =
  /^(HTTP|HTTPS|Lambda|SQS|Firehose|Application)(SuccessFeedbackRoleArn|SuccessFeedbackSampleRate|FailureFeedbackRoleArn)$/;
const TOPIC_ATTRS = new Set([
  'DeliveryPolicy',
  'DisplayName',
  'Policy',
  'SignatureVersion',
  'TracingConfig',
  'KmsMasterKeyId',
  'FifoTopic',
  'ContentBasedDeduplication',
  'ArchivePolicy',
  'FifoThroughputScope',
  'DataProtectionPolicy',
]);
const SUBSCRIPTION_ATTRS = new Set([
  'DeliveryPolicy',
  'FilterPolicy',
  'FilterPolicyScope',
  'RawMessageDelivery',
  'RedrivePolicy',
  'SubscriptionRoleArn',
  'ReplayPolicy',
]);

const isBool = (v: string): boolean => v === 'true' || v === 'false';

function checkJson(name: string, v: string): void {
  try {
    JSON.parse(v);
  } catch {
    throw invalid(`${name}: failed to parse JSON.`);
  }
}

/** Validate attributes for CreateTopic (creating) or SetTopicAttributes; returns the merged map. */
export function applyTopicAttributes(
  current: Record<string, string>,
  changes: Record<string, string>,
  opts: { fifo: boolean; creating: boolean },
): Record<string, string> {
  const next = { ...current };
  for (const [name, value] of Object.entries(changes)) {
    if (!TOPIC_ATTRS.has(name) && !FEEDBACK_ATTR.test(name)) throw invalid('AttributeName');
    switch (name) {
      case 'FifoTopic':
        if (!opts.creating) throw invalid('AttributeName');
        if (!isBool(value)) throw invalid('FifoTopic');
        break;
      case 'ContentBasedDeduplication':
        if (!isBool(value)) throw invalid('ContentBasedDeduplication');
        if (!opts.fifo) {
          throw invalid(
            'ContentBasedDeduplication Reason: Content-based deduplication can only be set for FIFO topics',
          );
        }
        break;
      case 'SignatureVersion':
        if (value !== '1' && value !== '2') throw invalid('SignatureVersion');
        break;
      case 'TracingConfig':
        if (value !== 'PassThrough' && value !== 'Active') throw invalid('TracingConfig');
        break;
      case 'DisplayName':
        if (value.length > 100) throw invalid('DisplayName');
        break;
      case 'DeliveryPolicy':
        if (value) parseDeliveryPolicy(value, 'topic');
        break;
      case 'Policy':
      case 'ArchivePolicy':
      case 'DataProtectionPolicy':
        if (value) checkJson(name, value);
        break;
    }
    if (value === '' && name !== 'DisplayName') delete next[name];
    else next[name] = value;
  }
  if (!opts.fifo) delete next.FifoTopic;
  return next;
}

export function defaultTopicPolicy(arn: string, accountId: string): string {
  return JSON.stringify({
    Version: '2008-10-17',
    Id: '__default_policy_ID',
    Statement: [
      {
        Sid: '__default_statement_ID',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: [
          'SNS:GetTopicAttributes',
          'SNS:SetTopicAttributes',
          'SNS:AddPermission',
          'SNS:RemovePermission',
          'SNS:DeleteTopic',
          'SNS:Subscribe',
          'SNS:ListSubscriptionsByTopic',
          'SNS:Publish',
        ],
        Resource: arn,
        Condition: { StringEquals: { 'AWS:SourceOwner': accountId } },
      },
    ],
  });
}

export const isFifoTopic = (t: Topic): boolean => t.attributes.FifoTopic === 'true';

/** The topic's effective delivery policy (AWS's HTTP defaults merged with the topic's own). */
export function effectiveTopicDeliveryPolicy(t: Topic): string {
  const own = t.attributes.DeliveryPolicy ? (JSON.parse(t.attributes.DeliveryPolicy) as { http?: object }) : {};
  const http = {
    defaultHealthyRetryPolicy: { ...DEFAULT_HTTP_RETRY_POLICY },
    disableSubscriptionOverrides: false,
    defaultRequestPolicy: { headerContentType: 'text/plain; charset=UTF-8' },
    ...(own.http ?? {}),
  };
  return JSON.stringify({ ...own, http });
}

export function topicAttributesView(
  t: Topic,
  counts: { confirmed: number; pending: number },
  accountId: string,
): Record<string, string> {
  const view: Record<string, string> = {
    Policy: defaultTopicPolicy(t.arn, accountId),
    Owner: accountId,
    SubscriptionsPending: String(counts.pending),
    TopicArn: t.arn,
    EffectiveDeliveryPolicy: effectiveTopicDeliveryPolicy(t),
    SubscriptionsConfirmed: String(counts.confirmed),
    DisplayName: '',
    SubscriptionsDeleted: String(t.subsDeleted),
  };
  if (isFifoTopic(t)) {
    view.FifoTopic = 'true';
    view.ContentBasedDeduplication = 'false';
  }
  return { ...view, ...t.attributes };
}

/** Validate subscription attributes (Subscribe or SetSubscriptionAttributes); returns the merged map. */
export function applySubscriptionAttributes(
  protocol: Protocol,
  current: Record<string, string>,
  changes: Record<string, string>,
): Record<string, string> {
  const next = { ...current };
  for (const [name, value] of Object.entries(changes)) {
    if (!SUBSCRIPTION_ATTRS.has(name)) throw invalid('AttributeName');
    switch (name) {
      case 'RawMessageDelivery':
        if (!isBool(value)) throw invalid('RawMessageDelivery');
        if (protocol === 'lambda') {
          throw invalid(`Delivery protocol [${protocol}] does not support raw message delivery.`);
        }
        break;
      case 'FilterPolicyScope':
        if (value !== 'MessageAttributes' && value !== 'MessageBody') {
          throw invalid(
            'FilterPolicyScope: Invalid filter policy scope, valid values are MessageAttributes and MessageBody',
          );
        }
        break;
      case 'DeliveryPolicy':
        if (protocol !== 'http' && protocol !== 'https') {
          throw invalid(`DeliveryPolicy: Delivery protocol [${protocol}] does not support delivery policies.`);
        }
        if (value) parseDeliveryPolicy(value, 'subscription');
        break;
      case 'RedrivePolicy': {
        if (!value) break;
        let target: unknown;
        try {
          target = (JSON.parse(value) as { deadLetterTargetArn?: unknown }).deadLetterTargetArn;
        } catch {
          throw invalid('RedrivePolicy: failed to parse JSON.');
        }
        if (typeof target !== 'string' || !isSqsArn(target)) {
          throw invalid('RedrivePolicy: deadLetterTargetArn is an invalid arn');
        }
        break;
      }
      case 'ReplayPolicy':
        if (value) checkJson(name, value);
        break;
    }
    if (value === '') delete next[name];
    else next[name] = value;
  }
  // A filter policy is validated against its scope whenever either changes.
  if ('FilterPolicy' in changes || 'FilterPolicyScope' in changes) {
    if (next.FilterPolicy) {
      try {
        parseFilterPolicy(next.FilterPolicy, (next.FilterPolicyScope as FilterPolicyScope) ?? 'MessageAttributes');
      } catch (e) {
        if (e instanceof FilterPolicyError) throw invalid(`FilterPolicy: ${e.message}`);
        throw e;
      }
    }
  }
  return next;
}

export function subscriptionAttributesView(
  s: Subscription,
  t: Topic | undefined,
  accountId: string,
): Record<string, string> {
  const view: Record<string, string> = {
    ConfirmationWasAuthenticated: s.protocol === 'lambda' || s.protocol === 'sqs' ? 'true' : 'false',
    Owner: accountId,
    PendingConfirmation: s.confirmed ? 'false' : 'true',
    Protocol: s.protocol,
    Endpoint: s.endpoint,
    RawMessageDelivery: 'false',
    SubscriptionArn: s.arn,
    TopicArn: s.topicArn,
    SubscriptionPrincipal: `arn:aws:iam::${accountId}:user/gust`,
  };
  if (s.protocol === 'http' || s.protocol === 'https') {
    const topicPolicy = t ? (JSON.parse(effectiveTopicDeliveryPolicy(t)) as { http: Record<string, unknown> }) : null;
    const own = s.attributes.DeliveryPolicy ? (JSON.parse(s.attributes.DeliveryPolicy) as Record<string, unknown>) : {};
    view.EffectiveDeliveryPolicy = JSON.stringify({
      healthyRetryPolicy: topicPolicy?.http.defaultHealthyRetryPolicy ?? DEFAULT_HTTP_RETRY_POLICY,
      ...own,
    });
  }
  const merged = { ...view, ...s.attributes };
  if (merged.FilterPolicy && !merged.FilterPolicyScope) merged.FilterPolicyScope = 'MessageAttributes';
  return merged;
}
