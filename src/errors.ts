/**
 * Gust's error model. Every error that leaves a module is a GustError with a stable `code`
 * (documented in docs/ERRORS.md; a test keeps that page complete), a `kind` telling whether the
 * user (bad input, bad function code) or the platform is at fault, and the AWS error type and HTTP
 * status that the AWS-compatible APIs answer with.
 */
export type ErrorKind = 'user' | 'platform';

export interface ErrorSpec {
  kind: ErrorKind;
  status: number;
  awsType: string;
  description: string;
}

export const ERROR_CODES = {
  GUST_FUNCTION_NOT_FOUND: {
    kind: 'user',
    status: 404,
    awsType: 'ResourceNotFoundException',
    description: 'The named function (or the requested version/alias of it) does not exist.',
  },
  GUST_PROVISIONED_CONFIG_NOT_FOUND: {
    kind: 'user',
    status: 404,
    awsType: 'ProvisionedConcurrencyConfigNotFoundException',
    description: 'The function version or alias has no provisioned concurrency configuration.',
  },
  GUST_FUNCTION_EXISTS: {
    kind: 'user',
    status: 409,
    awsType: 'ResourceConflictException',
    description:
      'The resource already exists or is in use (function or alias name taken, version referenced by an alias, settings in conflict).',
  },
  GUST_INVALID_PARAMETER: {
    kind: 'user',
    status: 400,
    awsType: 'InvalidParameterValueException',
    description: 'A request parameter is missing, malformed or out of range.',
  },
  GUST_VALIDATION: {
    kind: 'user',
    status: 400,
    awsType: 'ValidationException',
    description: 'A request field fails a length or pattern constraint of the AWS API model.',
  },
  GUST_INVALID_ZIP: {
    kind: 'user',
    status: 400,
    awsType: 'InvalidParameterValueException',
    description: 'The uploaded deployment package is not a readable zip archive or is unsafe (path traversal).',
  },
  GUST_CODE_TOO_LARGE: {
    kind: 'user',
    status: 400,
    awsType: 'InvalidParameterValueException',
    description: 'The deployment package exceeds the zipped (50 MB) or unzipped (250 MB) size limit.',
  },
  GUST_REQUEST_TOO_LARGE: {
    kind: 'user',
    status: 413,
    awsType: 'RequestEntityTooLargeException',
    description: 'The invocation payload exceeds the 6 MB synchronous (1 MB asynchronous) limit.',
  },
  GUST_PRECONDITION_FAILED: {
    kind: 'user',
    status: 412,
    awsType: 'PreconditionFailedException',
    description: 'The RevisionId given does not match the current revision of the resource.',
  },
  GUST_UNSUPPORTED_MEDIA: {
    kind: 'user',
    status: 415,
    awsType: 'UnsupportedMediaTypeException',
    description: 'The request body could not be parsed as the JSON the operation expects.',
  },
  GUST_INVALID_REQUEST_CONTENT: {
    kind: 'user',
    status: 400,
    awsType: 'InvalidRequestContentException',
    description: 'The invocation payload is not valid JSON.',
  },
  GUST_THROTTLED: {
    kind: 'user',
    status: 429,
    awsType: 'TooManyRequestsException',
    description: 'The account or function concurrency limit is reached; retry later.',
  },
  GUST_UNKNOWN_OPERATION: {
    kind: 'user',
    status: 404,
    awsType: 'UnknownOperationException',
    description: 'No API operation matches the request method and path.',
  },
  GUST_SERVICE_STOPPING: {
    kind: 'platform',
    status: 503,
    awsType: 'ServiceException',
    description: 'The server is shutting down and accepts no new invocations.',
  },
  GUST_ENVIRONMENT_START_FAILED: {
    kind: 'platform',
    status: 500,
    awsType: 'ServiceException',
    description: 'An execution environment could not be created (spawn, cgroup or runtime API failure).',
  },
  GUST_INTERNAL: {
    kind: 'platform',
    status: 500,
    awsType: 'ServiceException',
    description: 'An unexpected fault inside Gust. Please report it with the server log.',
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class GustError extends Error {
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  readonly status: number;
  readonly awsType: string;
  /** Extra fields for the AWS error body (e.g. Reason for throttles). */
  readonly extra: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.name = 'GustError';
    const spec: ErrorSpec = ERROR_CODES[code];
    this.code = code;
    this.kind = spec.kind;
    this.status = spec.status;
    this.awsType = spec.awsType;
    this.extra = extra;
  }
}

export function isGustError(e: unknown): e is GustError {
  return e instanceof GustError;
}

/** Wrap anything thrown into a GustError; unknown errors are platform faults. */
export function toGustError(e: unknown): GustError {
  if (e instanceof GustError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new GustError('GUST_INTERNAL', msg);
}
