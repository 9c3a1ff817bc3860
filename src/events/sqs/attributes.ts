/**
 * Queue attributes: defaults, validation of CreateQueue/SetQueueAttributes input (ranges,
 * RedrivePolicy, FIFO-only attributes), and the effective configuration they give a queue.
 */
import { GustError } from '../../errors.ts';
import type { QueueConfig, QueueRecord } from './model.ts';
import { nameFromArn } from './names.ts';

export const DEFAULTS: Record<string, string> = {
  DelaySeconds: '0',
  MaximumMessageSize: '1048576',
  MessageRetentionPeriod: '345600',
  ReceiveMessageWaitTimeSeconds: '0',
  VisibilityTimeout: '30',
  SqsManagedSseEnabled: 'false',
};

const FIFO_DEFAULTS: Record<string, string> = {
  FifoQueue: 'true',
  ContentBasedDeduplication: 'false',
  DeduplicationScope: 'queue',
  FifoThroughputLimit: 'perQueue',
};

const RANGES: Record<string, [number, number]> = {
  DelaySeconds: [0, 900],
  MaximumMessageSize: [1024, 1048576],
  MessageRetentionPeriod: [60, 1209600],
  ReceiveMessageWaitTimeSeconds: [0, 20],
  VisibilityTimeout: [0, 43200],
  KmsDataKeyReusePeriodSeconds: [60, 86400],
};

const FREE_TEXT = new Set(['Policy', 'KmsMasterKeyId', 'RedriveAllowPolicy']);
const FIFO_ONLY = new Set(['ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit']);
const BOOLEAN = new Set(['ContentBasedDeduplication', 'SqsManagedSseEnabled', 'FifoQueue']);
const ENUMS: Record<string, string[]> = {
  DeduplicationScope: ['messageGroup', 'queue'],
  FifoThroughputLimit: ['perQueue', 'perMessageGroupId'],
};

/** Attributes computed by the service. */
export const READ_ONLY = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'QueueArn',
];

const SETTABLE = new Set([
  ...Object.keys(RANGES),
  ...FREE_TEXT,
  ...FIFO_ONLY,
  'RedrivePolicy',
  'SqsManagedSseEnabled',
  'FifoQueue',
]);

export const ALL_ATTRIBUTES = new Set([...SETTABLE, ...READ_ONLY]);

const invalidValue = (name: string, reason = ''): GustError =>
  new GustError(
    'GUST_SQS_INVALID_ATTRIBUTE_VALUE',
    `Invalid value for the parameter ${name}.${reason ? ` Reason: ${reason}` : ''}`,
  );

export interface AttributeContext {
  fifo: boolean;
  creating: boolean;
  /** The queue a dead-letter target ARN names, if it exists. */
  queueByArn(arn: string): QueueRecord | undefined;
}

/** Validate and normalize attributes given to CreateQueue or SetQueueAttributes. */
export function validateAttributes(input: Record<string, string>, ctx: AttributeContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(input)) {
    const value = String(raw);
    if (!SETTABLE.has(name)) {
      throw new GustError(
        'GUST_SQS_INVALID_ATTRIBUTE_NAME',
        READ_ONLY.includes(name) ? `Attribute ${name} is read-only.` : `Unknown Attribute ${name}.`,
      );
    }
    if (name === 'FifoQueue') {
      // Decides the queue type at creation (the caller read it); it cannot change later.
      if (!ctx.creating) throw invalidValue(name, 'FifoQueue can only be set when the queue is created.');
      if (value !== String(ctx.fifo)) throw invalidValue(name);
      continue;
    }
    if (FIFO_ONLY.has(name) && !ctx.fifo) {
      throw new GustError('GUST_SQS_INVALID_ATTRIBUTE_NAME', `Unknown Attribute ${name}.`);
    }
    const range = RANGES[name];
    if (range) {
      const n = Number(value);
      if (!/^\d+$/.test(value) || n < range[0] || n > range[1]) throw invalidValue(name);
      out[name] = String(n);
    } else if (BOOLEAN.has(name)) {
      if (value !== 'true' && value !== 'false') throw invalidValue(name);
      out[name] = value;
    } else if (ENUMS[name]) {
      if (!ENUMS[name].includes(value)) throw invalidValue(name);
      out[name] = value;
    } else if (name === 'RedrivePolicy') {
      out[name] = value === '' ? '' : normalizeRedrive(value, ctx);
    } else {
      if (name === 'Policy' || name === 'RedriveAllowPolicy') {
        if (value !== '') {
          let parsed: unknown;
          try {
            parsed = JSON.parse(value);
          } catch {
            throw invalidValue(name, 'not valid JSON');
          }
          if (name === 'RedriveAllowPolicy') validateRedriveAllow(parsed);
        }
      }
      out[name] = value;
    }
  }
  return out;
}

/** RedriveAllowPolicy: which source queues may use this queue as their dead-letter queue. */
function validateRedriveAllow(p: unknown): void {
  const bad = (reason: string): GustError => invalidValue('RedriveAllowPolicy', reason);
  if (typeof p !== 'object' || p === null || Array.isArray(p))
    throw bad('Redrive allow policy is not a valid JSON map.');
  const { redrivePermission: perm, sourceQueueArns: arns } = p as Record<string, unknown>;
  if (perm !== 'allowAll' && perm !== 'denyAll' && perm !== 'byQueue') {
    throw bad('Invalid value for redrivePermission: must be allowAll, denyAll or byQueue.');
  }
  if (perm !== 'byQueue') {
    if (arns !== undefined) throw bad('sourceQueueArns can only be given when redrivePermission is byQueue.');
    return;
  }
  if (
    !Array.isArray(arns) ||
    arns.length < 1 ||
    arns.length > 10 ||
    arns.some((a) => typeof a !== 'string' || !nameFromArn(a))
  ) {
    throw bad('sourceQueueArns must list 1 to 10 queue ARNs when redrivePermission is byQueue.');
  }
}

function normalizeRedrive(value: string, ctx: AttributeContext): string {
  let p: { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown };
  try {
    p = JSON.parse(value) as typeof p;
  } catch {
    throw invalidValue('RedrivePolicy', 'Redrive policy is not a valid JSON map.');
  }
  const arn = p?.deadLetterTargetArn;
  const max = Number(p?.maxReceiveCount);
  if (typeof arn !== 'string' || !nameFromArn(arn)) {
    throw invalidValue('RedrivePolicy', 'Invalid value for deadLetterTargetArn.');
  }
  if (!Number.isInteger(max) || max < 1 || max > 1000) {
    throw invalidValue('RedrivePolicy', 'Invalid value for maxReceiveCount: must be an integer from 1 to 1000.');
  }
  const target = ctx.queueByArn(arn);
  if (!target) throw invalidValue('RedrivePolicy', 'Dead-letter target does not exist.');
  if (target.fifo !== ctx.fifo) {
    throw invalidValue('RedrivePolicy', 'Dead-letter queue must be the same type of queue as the source.');
  }
  return JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: max });
}

/** Defaults plus explicitly set attributes (without the computed ones). */
export function effectiveAttributes(q: QueueRecord): Record<string, string> {
  const out = { ...DEFAULTS, ...(q.fifo ? FIFO_DEFAULTS : {}), ...q.attributes };
  for (const [k, v] of Object.entries(out)) if (v === '') delete out[k];
  return out;
}

export function queueConfig(q: QueueRecord): QueueConfig {
  const a = effectiveAttributes(q);
  const num = (k: string): number => Number(a[k]);
  const cfg: QueueConfig = {
    visibilityTimeout: num('VisibilityTimeout'),
    delaySeconds: num('DelaySeconds'),
    maximumMessageSize: num('MaximumMessageSize'),
    retentionSeconds: num('MessageRetentionPeriod'),
    waitSeconds: num('ReceiveMessageWaitTimeSeconds'),
    contentBasedDeduplication: a.ContentBasedDeduplication === 'true',
    deduplicationScope: a.DeduplicationScope === 'messageGroup' ? 'messageGroup' : 'queue',
  };
  if (a.RedrivePolicy) {
    const p = JSON.parse(a.RedrivePolicy) as { deadLetterTargetArn: string; maxReceiveCount: number };
    cfg.redrive = {
      targetArn: p.deadLetterTargetArn,
      targetName: nameFromArn(p.deadLetterTargetArn)!,
      maxReceiveCount: p.maxReceiveCount,
    };
  }
  return cfg;
}
