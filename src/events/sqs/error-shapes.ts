/**
 * How Gust errors are named in SQS's vocabulary. The exception name is what the JSON protocol's
 * `__type` and the SDK's exception class carry; SQS's model (./schema.ts) turns it into the query
 * code (what the CLI prints and x-amzn-query-error carries), the status and the fault side.
 */
import { errorShape, type AwsErrorShape } from '../../aws/errors.ts';
import type { ErrorCode, GustError } from '../../errors.ts';
import { SQS_MODEL } from './schema.ts';

/** Gust's generic codes, as SQS names them. */
const GENERIC: Partial<Record<ErrorCode, string>> = {
  GUST_INVALID_PARAMETER: 'InvalidParameterValue',
  GUST_VALIDATION: 'InvalidParameterValue',
  GUST_SERIALIZATION: 'InvalidParameterValue',
  GUST_UNSUPPORTED_MEDIA: 'InvalidParameterValue',
  GUST_UNKNOWN_OPERATION: 'InvalidAction',
  GUST_REQUEST_TOO_LARGE: 'InvalidParameterValue',
};

export function sqsErrorName(e: GustError): { name: string; status?: number } {
  const generic = GENERIC[e.code];
  if (generic) return { name: generic, status: 400 };
  if (e.code.startsWith('GUST_SQS_')) return { name: e.awsType, status: e.status };
  return { name: 'InvalidParameterValue', status: 400 };
}

/** The full shape (batch results carry the query code and the fault side). */
export function sqsErrorShape(e: GustError): AwsErrorShape {
  return errorShape({ model: SQS_MODEL, errorName: sqsErrorName }, e);
}
