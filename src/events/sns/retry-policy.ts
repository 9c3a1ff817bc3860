/**
 * Delivery retry policies. HTTP/S endpoints follow the subscription's (or topic's) DeliveryPolicy
 * `healthyRetryPolicy` (AWS default: 3 retries, 20 s apart); Lambda and SQS endpoints follow AWS's
 * fixed policy for managed endpoints (3 immediate, 2 at 1 s, 10 backing off to 20 s, then 100,000
 * at 20 s). Delays are in policy seconds; the worker multiplies by its retry unit.
 */
import { GustError } from '../../errors.ts';

export interface RetryPolicy {
  minDelayTarget: number;
  maxDelayTarget: number;
  numRetries: number;
  numMaxDelayRetries: number;
  numNoDelayRetries: number;
  numMinDelayRetries: number;
  backoffFunction: 'linear' | 'arithmetic' | 'geometric' | 'exponential';
}

export const DEFAULT_HTTP_RETRY_POLICY: RetryPolicy = {
  minDelayTarget: 20,
  maxDelayTarget: 20,
  numRetries: 3,
  numMaxDelayRetries: 0,
  numNoDelayRetries: 0,
  numMinDelayRetries: 0,
  backoffFunction: 'linear',
};

const MANAGED_RETRY_POLICY: RetryPolicy = {
  minDelayTarget: 1,
  maxDelayTarget: 20,
  numRetries: 100_015,
  numNoDelayRetries: 3,
  numMinDelayRetries: 2,
  numMaxDelayRetries: 100_000,
  backoffFunction: 'exponential',
};

const invalid = (why: string): GustError =>
  new GustError('GUST_SNS_INVALID_PARAMETER', `Invalid parameter: DeliveryPolicy: ${why}`);

function checkRetryPolicy(p: Record<string, unknown>, path: string): void {
  const int = (name: string, lo: number, hi: number): void => {
    const v = p[name];
    if (v === undefined) return;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
      throw invalid(`${path}.${name} must be an integer between ${lo} and ${hi}`);
    }
  };
  int('numRetries', 0, 100);
  int('minDelayTarget', 1, 3600);
  int('maxDelayTarget', 1, 3600);
  int('numNoDelayRetries', 0, 100);
  int('numMinDelayRetries', 0, 100);
  int('numMaxDelayRetries', 0, 100);
  const r = resolve(p);
  if (r.minDelayTarget > r.maxDelayTarget) throw invalid(`${path}.minDelayTarget must be <= maxDelayTarget`);
  if (r.numNoDelayRetries + r.numMinDelayRetries + r.numMaxDelayRetries > r.numRetries) {
    throw invalid(`${path}: numNoDelayRetries + numMinDelayRetries + numMaxDelayRetries must be <= numRetries`);
  }
  if (!['linear', 'arithmetic', 'geometric', 'exponential'].includes(r.backoffFunction)) {
    throw invalid(`${path}.backoffFunction must be one of linear, arithmetic, geometric, exponential`);
  }
}

function resolve(p: Record<string, unknown> | undefined, base: RetryPolicy = DEFAULT_HTTP_RETRY_POLICY): RetryPolicy {
  return { ...base, ...(p ?? {}) } as RetryPolicy;
}

/** Validate a DeliveryPolicy attribute value of a topic or a subscription. */
export function parseDeliveryPolicy(json: string, kind: 'topic' | 'subscription'): void {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    throw invalid('failed to parse JSON.');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid('must be a JSON object');
  const o = v as Record<string, Record<string, unknown> | undefined>;
  if (kind === 'topic') {
    const http = o.http as Record<string, Record<string, unknown>> | undefined;
    if (http?.defaultHealthyRetryPolicy)
      checkRetryPolicy(http.defaultHealthyRetryPolicy, 'http.defaultHealthyRetryPolicy');
  } else if (o.healthyRetryPolicy) {
    checkRetryPolicy(o.healthyRetryPolicy, 'healthyRetryPolicy');
  }
}

/** The retry policy of an HTTP/S subscription: its own, unless the topic disables overrides. */
export function httpRetryPolicy(topicAttrs: Record<string, string>, subAttrs: Record<string, string>): RetryPolicy {
  const topic = topicAttrs.DeliveryPolicy
    ? (JSON.parse(topicAttrs.DeliveryPolicy) as {
        http?: { defaultHealthyRetryPolicy?: Record<string, unknown>; disableSubscriptionOverrides?: boolean };
      })
    : {};
  const base = resolve(topic.http?.defaultHealthyRetryPolicy);
  if (topic.http?.disableSubscriptionOverrides || !subAttrs.DeliveryPolicy) return base;
  const own = JSON.parse(subAttrs.DeliveryPolicy) as { healthyRetryPolicy?: Record<string, unknown> };
  return resolve(own.healthyRetryPolicy, base);
}

export function managedRetryPolicy(): RetryPolicy {
  return MANAGED_RETRY_POLICY;
}

/** Delay in seconds before retry number `retry` (1-based), or undefined when retries are exhausted. */
export function retryDelaySeconds(p: RetryPolicy, retry: number): number | undefined {
  if (retry > p.numRetries) return undefined;
  if (retry <= p.numNoDelayRetries) return 0;
  if (retry <= p.numNoDelayRetries + p.numMinDelayRetries) return p.minDelayTarget;
  const backoff = p.numRetries - p.numNoDelayRetries - p.numMinDelayRetries - p.numMaxDelayRetries;
  const i = retry - p.numNoDelayRetries - p.numMinDelayRetries;
  if (i > backoff) return p.maxDelayTarget;
  const f = backoff > 1 ? (i - 1) / (backoff - 1) : 1;
  const { minDelayTarget: lo, maxDelayTarget: hi } = p;
  switch (p.backoffFunction) {
    case 'exponential':
      return lo * Math.pow(hi / lo, f);
    case 'geometric':
      return lo + (hi - lo) * f * f * f;
    case 'arithmetic':
      return lo + (hi - lo) * f * f;
    default:
      return lo + (hi - lo) * f;
  }
}
