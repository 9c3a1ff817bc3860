/**
 * How Gust errors look in SQS's protocols: the error name (JSON `__type`, the SDK's exception
 * class), the query-protocol code (which is what the CLI prints and what the JSON protocol's
 * x-amzn-query-error header carries), the HTTP status and the fault side.
 */
import type { ErrorCode, GustError } from '../../errors.ts';

export interface SqsErrorShape {
  /** Exception name: JSON `__type` is com.amazonaws.sqs#<name>. */
  name: string;
  /** Query-protocol error code (x-amzn-query-error in the JSON protocol). */
  code: string;
  status: number;
  type: 'Sender' | 'Receiver';
}

const QUERY_CODES: Partial<Record<string, string>> = {
  QueueDoesNotExist: 'AWS.SimpleQueueService.NonExistentQueue',
  QueueNameExists: 'QueueAlreadyExists',
  MessageNotInflight: 'AWS.SimpleQueueService.MessageNotInflight',
  EmptyBatchRequest: 'AWS.SimpleQueueService.EmptyBatchRequest',
  TooManyEntriesInBatchRequest: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
  BatchEntryIdsNotDistinct: 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
  InvalidBatchEntryId: 'AWS.SimpleQueueService.InvalidBatchEntryId',
  BatchRequestTooLong: 'AWS.SimpleQueueService.BatchRequestTooLong',
};

/** Gust's generic codes, as SQS names them. */
const GENERIC: Partial<Record<ErrorCode, { name: string; status: number }>> = {
  GUST_INVALID_PARAMETER: { name: 'InvalidParameterValue', status: 400 },
  GUST_VALIDATION: { name: 'InvalidParameterValue', status: 400 },
  GUST_UNSUPPORTED_MEDIA: { name: 'InvalidParameterValue', status: 400 },
  GUST_UNKNOWN_OPERATION: { name: 'InvalidAction', status: 400 },
  GUST_REQUEST_TOO_LARGE: { name: 'InvalidParameterValue', status: 400 },
};

export function sqsErrorShape(e: GustError): SqsErrorShape {
  if (e.kind === 'platform') {
    return { name: 'InternalError', code: 'InternalError', status: e.status >= 500 ? e.status : 500, type: 'Receiver' };
  }
  const generic = GENERIC[e.code];
  const name = generic?.name ?? (e.code.startsWith('GUST_SQS_') ? e.awsType : 'InvalidParameterValue');
  return {
    name,
    code: QUERY_CODES[name] ?? name,
    status: generic?.status ?? (e.code.startsWith('GUST_SQS_') ? e.status : 400),
    type: 'Sender',
  };
}
