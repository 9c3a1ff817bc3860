/** Function names, ARNs and qualifiers as the Lambda API accepts them. */
import { GustError } from '../errors.ts';

const NAME_RE = /^[a-zA-Z0-9-_]{1,64}$/;
const REF_RE =
  /^(?:arn:(?:aws[a-zA-Z-]*)?:lambda:)?(?:[a-z]{2}(?:-gov)?-[a-z]+-\d:)?(?:\d{12}:)?(?:function:)?([a-zA-Z0-9-_]+)(?::(\$LATEST|[a-zA-Z0-9-_]+))?$/;

export interface FunctionRef {
  name: string;
  qualifier?: string;
}

/** Parse a FunctionName path parameter: a name, a partial ARN or a full ARN, optionally qualified. */
export function parseFunctionRef(input: string): FunctionRef {
  const m = REF_RE.exec(input);
  if (!m || input.length > 170) {
    throw new GustError(
      'GUST_VALIDATION',
      `1 validation error detected: Value '${input}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?`,
    );
  }
  const name = m[1]!;
  if (name.length > 64) throw new GustError('GUST_VALIDATION', `Function name must be at most 64 characters: ${name}`);
  return m[2] !== undefined ? { name, qualifier: m[2] } : { name };
}

const QUALIFIER_RE = /^(\$LATEST|[a-zA-Z0-9-_]{1,128})$/;

/**
 * The qualifier of a request: the one in the function name (name:qualifier, or a qualified ARN)
 * or the Qualifier parameter ('' = none). When both are given they must agree, as on Lambda.
 */
export function requestQualifier(ref: FunctionRef, param: string | undefined): string | undefined {
  const explicit = param === '' ? undefined : param;
  if (explicit !== undefined && !QUALIFIER_RE.test(explicit)) {
    throw new GustError(
      'GUST_VALIDATION',
      `1 validation error detected: Value '${explicit}' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)`,
    );
  }
  if (explicit !== undefined && ref.qualifier !== undefined && explicit !== ref.qualifier) {
    throw new GustError(
      'GUST_INVALID_PARAMETER',
      'The derived qualifier from the function name does not match the specified qualifier.',
    );
  }
  return explicit ?? ref.qualifier;
}

export function validateFunctionName(name: string): void {
  if (!NAME_RE.test(name)) {
    throw new GustError(
      'GUST_VALIDATION',
      `1 validation error detected: Value '${name}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9-_]{1,64}`,
    );
  }
}

export function functionArn(region: string, accountId: string, name: string, qualifier?: string): string {
  return `arn:aws:lambda:${region}:${accountId}:function:${name}${qualifier ? `:${qualifier}` : ''}`;
}
