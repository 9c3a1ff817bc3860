/** Semantic validation of function configuration, with Lambda's messages and limits. */
import { GustError } from '../errors.ts';

export const SUPPORTED_RUNTIMES = [
  'nodejs18.x',
  'nodejs20.x',
  'nodejs22.x',
  'nodejs24.x',
  'python3.9',
  'python3.10',
  'python3.11',
  'python3.12',
  'python3.13',
  'provided',
  'provided.al2',
  'provided.al2023',
] as const;

export const RESERVED_ENV_KEYS = new Set([
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
]);

const range = (field: string, v: number, min: number, max: number): void => {
  if (!Number.isInteger(v) || v < min) {
    throw new GustError(
      'GUST_VALIDATION',
      `1 validation error detected: Value '${v}' at '${field}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`,
    );
  }
  if (v > max) {
    throw new GustError(
      'GUST_VALIDATION',
      `1 validation error detected: Value '${v}' at '${field}' failed to satisfy constraint: Member must have value less than or equal to ${max}`,
    );
  }
};

export function validateMemorySize(v: number): void {
  range('memorySize', v, 128, 10240);
}

export function validateTimeout(v: number): void {
  range('timeout', v, 1, 900);
}

export function validateEphemeralStorage(v: number): void {
  range('ephemeralStorage.size', v, 512, 10240);
}

export function validateRuntime(runtime: string): void {
  if (!(SUPPORTED_RUNTIMES as readonly string[]).includes(runtime)) {
    throw new GustError(
      'GUST_INVALID_PARAMETER',
      `Value ${runtime} at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [${SUPPORTED_RUNTIMES.join(', ')}] or be a valid ARN`,
    );
  }
}

export function validateHandler(runtime: string, handler: string | undefined): void {
  if (runtime.startsWith('provided')) return;
  if (!handler) {
    throw new GustError('GUST_INVALID_PARAMETER', `Handler is required for runtime ${runtime}.`);
  }
  if (handler.length > 128 || !/^[^\s]+$/.test(handler)) {
    throw new GustError(
      'GUST_VALIDATION',
      `1 validation error detected: Value '${handler}' at 'handler' failed to satisfy constraint: Member must satisfy regular expression pattern: [^\\s]+`,
    );
  }
}

export function validateEnvironment(vars: Record<string, string>): void {
  const reserved = Object.keys(vars).filter((k) => RESERVED_ENV_KEYS.has(k));
  if (reserved.length) {
    throw new GustError(
      'GUST_INVALID_PARAMETER',
      `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`,
    );
  }
  for (const [k, v] of Object.entries(vars)) {
    if (!/^[a-zA-Z]([a-zA-Z0-9_])*$/.test(k)) {
      throw new GustError(
        'GUST_VALIDATION',
        `1 validation error detected: Value at 'environment.variables' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]`,
      );
    }
    if (typeof v !== 'string') {
      throw new GustError('GUST_INVALID_PARAMETER', `Environment variable ${k} must be a string.`);
    }
  }
  const measured = JSON.stringify(vars);
  if (Buffer.byteLength(measured) > 4096) {
    throw new GustError(
      'GUST_INVALID_PARAMETER',
      `Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${measured}`,
    );
  }
}

const DLQ_ARN = /^arn:aws[a-zA-Z-]*:(sqs|sns):[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]{1,256}$/;

/** DeadLetterConfig.TargetArn: an SQS queue or SNS topic ARN ('' = none). */
export function validateDeadLetterTarget(arn: string): void {
  if (arn !== '' && !DLQ_ARN.test(arn)) {
    throw new GustError(
      'GUST_INVALID_PARAMETER',
      `The provided DeadLetterConfig TargetArn ${arn} is invalid: it must be the ARN of an SQS queue or SNS topic.`,
    );
  }
}
