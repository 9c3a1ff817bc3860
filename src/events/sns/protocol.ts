/**
 * SNS on the AWS protocol layer: awsQuery (form Action=...&Version=2010-03-31, XML answers) is what
 * the AWS SDK v3 and the AWS CLI speak; the AWS JSON 1.0 protocol
 * (X-Amz-Target: AmazonSimpleNotificationService.*) is answered too. How Gust errors are named in
 * SNS's vocabulary lives here; SNS's model turns a query code into the exception name and status.
 */
import { errorShape } from '../../aws/errors.ts';
import type { GustError } from '../../errors.ts';
import { SNS_MODEL } from './schema.ts';

export const JSON_TARGET_PREFIX = 'AmazonSimpleNotificationService';

/**
 * A Gust error in SNS's vocabulary (shared codes mapped onto SNS's): the query code, which SNS's
 * model turns into its exception; codes it does not declare are `<Code>Exception` in JSON.
 */
export function snsErrorName(e: GustError): { name: string; code?: string; status?: number } {
  const { code, status } = snsQueryCode(e);
  if (SNS_MODEL.errors.has(code)) return { name: code, status };
  return { name: code.endsWith('Exception') ? code : `${code}Exception`, code, status };
}

function snsQueryCode(e: GustError): { code: string; status?: number } {
  switch (e.code) {
    case 'GUST_INVALID_PARAMETER':
    case 'GUST_REQUEST_TOO_LARGE':
    case 'GUST_INVALID_REQUEST_CONTENT':
    case 'GUST_UNSUPPORTED_MEDIA':
    case 'GUST_SERIALIZATION':
      return { code: 'InvalidParameter', status: 400 };
    case 'GUST_VALIDATION':
      return { code: 'ValidationException', status: 400 };
    case 'GUST_THROTTLED':
      return { code: 'Throttled' };
    case 'GUST_UNKNOWN_OPERATION':
      // SNS answers an unknown action with 400 InvalidAction (GUST_UNKNOWN_OPERATION is 404 on REST routes).
      return { code: 'InvalidAction', status: 400 };
    default:
      return { code: e.awsType };
  }
}

/** The query code SNS reports for an error (PublishBatch's Failed entries carry it). */
export function snsErrorCode(e: GustError): string {
  return errorShape({ model: SNS_MODEL, errorName: snsErrorName }, e).code;
}
