/**
 * One error model for every AWS service: a GustError becomes the exception name, awsQuery code,
 * HTTP status and fault side its service's model declares, rendered in the request's protocol.
 */
import type { GustError } from '../errors.ts';
import type { AwsServiceDefinition } from './service.ts';

export interface AwsErrorShape {
  /** Exception name: JSON `__type` (namespace#name), the SDK's exception class. */
  name: string;
  /** awsQuery code: the query protocol's <Code>, x-amzn-query-error in the JSON protocol. */
  code: string;
  status: number;
  fault: 'Sender' | 'Receiver';
}

export function errorShape(service: Pick<AwsServiceDefinition, 'model' | 'errorName'>, e: GustError): AwsErrorShape {
  if (e.kind === 'platform') {
    const status = e.status >= 500 ? e.status : 500;
    // Declared errors are found by exception name and by query code (SNS: InternalErrorException / InternalError).
    const declared = service.model.errors.get('InternalError');
    return {
      name: declared?.name ?? 'InternalError',
      code: declared?.queryCode ?? 'InternalError',
      status,
      fault: 'Receiver',
    };
  }
  const { name, code, status } = service.errorName(e);
  const declared = service.model.errors.get(name) ?? (code ? service.model.errors.get(code) : undefined);
  if (declared)
    return { name: declared.name, code: declared.queryCode, status: status ?? declared.status, fault: 'Sender' };
  return { name, code: code ?? name, status: status ?? e.status, fault: 'Sender' };
}
