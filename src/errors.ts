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
  GUST_SERIALIZATION: {
    kind: 'user',
    status: 400,
    awsType: 'SerializationException',
    description:
      "A request value does not have the type the operation's AWS model declares (a string where a number belongs, a map where a list belongs, bad base64, a body that is not a JSON object).",
  },
  GUST_INVALID_ZIP: {
    kind: 'user',
    status: 400,
    awsType: 'InvalidParameterValueException',
    description:
      'The uploaded deployment package is not a readable zip archive, is empty, or is unsafe (names with `..`, absolute names, duplicate entries, links leading outside the package or that later entries would pass through).',
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
    description:
      'The invocation payload is not valid JSON, or the client context (X-Amz-Client-Context) is not a base64-encoded JSON object.',
  },
  GUST_HTTP_INVALID_ROUTE: {
    kind: 'user',
    status: 400,
    awsType: 'BadRequestException',
    description:
      'HTTP routes: the route key is malformed (METHOD /path, {param}, trailing {proxy+}, or $default), or the function reference or integration timeout is invalid.',
  },
  GUST_HTTP_ROUTE_NOT_FOUND: {
    kind: 'user',
    status: 404,
    awsType: 'NotFoundException',
    description: 'HTTP routes: no route has this route id.',
  },
  GUST_HTTP_ROUTE_CONFLICT: {
    kind: 'user',
    status: 409,
    awsType: 'ConflictException',
    description:
      'HTTP routes: another route already has this route key (or one matching exactly the same requests, e.g. GET /a/{x} and GET /a/{y}).',
  },
  GUST_HTTP_INVALID_CORS: {
    kind: 'user',
    status: 400,
    awsType: 'BadRequestException',
    description:
      'HTTP routes: the CORS configuration is invalid (unknown field, malformed origin or method, MaxAge out of range, credentials with a * origin).',
  },
  GUST_FUNCTION_URL_NOT_FOUND: {
    kind: 'user',
    status: 404,
    awsType: 'ResourceNotFoundException',
    description: 'The function (or alias) has no function URL configuration.',
  },
  GUST_GATEWAY_LISTEN_FAILED: {
    kind: 'platform',
    status: 500,
    awsType: 'ServiceException',
    description:
      'The HTTP gateway (routes, function URLs) could not listen on its port: in use or not permitted. Set GUST_GATEWAY_PORT or --gateway-port (0 = random).',
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
    description:
      'No API operation matches the request method and path. On the AWS query and JSON protocols (`POST /`) an unknown or missing action answers 400: `InvalidAction` (XML) or `UnknownOperationException` (JSON).',
  },
  GUST_SNS_NOT_FOUND: {
    kind: 'user',
    status: 404,
    awsType: 'NotFound',
    description: 'SNS: the topic or subscription does not exist.',
  },
  GUST_SNS_INVALID_PARAMETER: {
    kind: 'user',
    status: 400,
    awsType: 'InvalidParameter',
    description:
      'SNS: a request parameter is missing or invalid (names, ARNs, attributes, filter policies, FIFO rules).',
  },
  GUST_SNS_INVALID_PARAMETER_VALUE: {
    kind: 'user',
    status: 400,
    awsType: 'ParameterValueInvalid',
    description: 'SNS: a message attribute is malformed (name, data type or value).',
  },
  GUST_SNS_EMPTY_BATCH: {
    kind: 'user',
    status: 400,
    awsType: 'EmptyBatchRequest',
    description: 'SNS: PublishBatch was called without entries.',
  },
  GUST_SNS_TOO_MANY_ENTRIES: {
    kind: 'user',
    status: 400,
    awsType: 'TooManyEntriesInBatchRequest',
    description: 'SNS: PublishBatch was called with more than 10 entries.',
  },
  GUST_SNS_BATCH_IDS_NOT_DISTINCT: {
    kind: 'user',
    status: 400,
    awsType: 'BatchEntryIdsNotDistinct',
    description: 'SNS: two PublishBatch entries share an Id.',
  },
  GUST_SNS_INVALID_BATCH_ENTRY_ID: {
    kind: 'user',
    status: 400,
    awsType: 'InvalidBatchEntryId',
    description: 'SNS: a PublishBatch entry Id is not 1-80 alphanumeric, hyphen or underscore characters.',
  },
  GUST_SNS_BATCH_TOO_LONG: {
    kind: 'user',
    status: 400,
    awsType: 'BatchRequestTooLong',
    description: 'SNS: the PublishBatch messages together exceed 256 KB.',
  },
  GUST_EVENT_SOURCE_MAPPING_NOT_FOUND: {
    kind: 'user',
    status: 404,
    awsType: 'ResourceNotFoundException',
    description: 'No event source mapping has the given UUID.',
  },
  GUST_SQS_QUEUE_NOT_FOUND: {
    kind: 'user',
    status: 400,
    awsType: 'QueueDoesNotExist',
    description: 'The SQS queue named by the queue URL, name or ARN does not exist.',
  },
  GUST_SQS_QUEUE_EXISTS: {
    kind: 'user',
    status: 400,
    awsType: 'QueueNameExists',
    description: 'A queue with this name already exists with different attributes.',
  },
  GUST_SQS_MISSING_PARAMETER: {
    kind: 'user',
    status: 400,
    awsType: 'MissingParameter',
    description: 'A required SQS request parameter is missing or empty.',
  },
  GUST_SQS_INVALID_ATTRIBUTE_NAME: {
    kind: 'user',
    status: 400,
    awsType: 'InvalidAttributeName',
    description: 'An SQS queue or message attribute name is unknown or malformed.',
  },
  GUST_SQS_INVALID_ATTRIBUTE_VALUE: {
    kind: 'user',
    status: 400,
    awsType: 'InvalidAttributeValue',
    description: 'An SQS queue attribute value is out of range or malformed (including RedrivePolicy).',
  },
  GUST_SQS_INVALID_MESSAGE_CONTENTS: {
    kind: 'user',
    status: 400,
    awsType: 'InvalidMessageContents',
    description: 'The message body contains characters outside the allowed Unicode set.',
  },
  GUST_SQS_RECEIPT_HANDLE_INVALID: {
    kind: 'user',
    status: 404,
    awsType: 'ReceiptHandleIsInvalid',
    description: 'The receipt handle is malformed, belongs to another queue, or its message is gone.',
  },
  GUST_SQS_MESSAGE_NOT_INFLIGHT: {
    kind: 'user',
    status: 400,
    awsType: 'MessageNotInflight',
    description: 'The message is not in flight (visible again, or received again with a newer receipt handle).',
  },
  GUST_SQS_EMPTY_BATCH: {
    kind: 'user',
    status: 400,
    awsType: 'EmptyBatchRequest',
    description: 'An SQS batch request has no entries.',
  },
  GUST_SQS_TOO_MANY_ENTRIES: {
    kind: 'user',
    status: 400,
    awsType: 'TooManyEntriesInBatchRequest',
    description: 'An SQS batch request has more than 10 entries.',
  },
  GUST_SQS_BATCH_IDS_NOT_DISTINCT: {
    kind: 'user',
    status: 400,
    awsType: 'BatchEntryIdsNotDistinct',
    description: 'Two entries of an SQS batch request have the same Id.',
  },
  GUST_SQS_INVALID_BATCH_ENTRY_ID: {
    kind: 'user',
    status: 400,
    awsType: 'InvalidBatchEntryId',
    description: 'An SQS batch entry Id is not 1-80 alphanumeric, hyphen or underscore characters.',
  },
  GUST_SQS_BATCH_TOO_LONG: {
    kind: 'user',
    status: 400,
    awsType: 'BatchRequestTooLong',
    description: "The messages of an SQS batch together exceed the queue's maximum message size.",
  },
  GUST_SCHEDULE_NOT_FOUND: {
    kind: 'user',
    status: 404,
    awsType: 'ResourceNotFoundException',
    description: 'The named schedule (or schedule group: only `default` exists) does not exist.',
  },
  GUST_SCHEDULE_EXISTS: {
    kind: 'user',
    status: 409,
    awsType: 'ConflictException',
    description: 'A schedule with that name already exists.',
  },
  GUST_SCHEDULE_INVALID_EXPRESSION: {
    kind: 'user',
    status: 400,
    awsType: 'ValidationException',
    description:
      "The schedule expression is not a valid rate(), cron() (six AWS fields) or at() expression; the body's Reason says why.",
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
