/**
 * SQS on the AWS protocol layer: awsJson1_0 (X-Amz-Target: AmazonSQS.<Operation>, what SDK v3
 * speaks) and awsQuery (Action=..., what the AWS CLI and older SDKs speak), at `/` and at the queue
 * URLs themselves (`/<account>/<queue>`, where older clients post).
 */
import type { AwsServiceDefinition, Handler } from '../../aws/service.ts';
import { sqsErrorName } from './error-shapes.ts';
import type { Operation } from './operations.ts';
import { SQS_MODEL, SQS_XMLNS } from './schema.ts';

const QUEUE_URL_PATH = /^\/(\d{12})\/([^/]+)$/;

function decoded(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s; // the name check refuses it as a queue that does not exist
  }
}

export function sqsApi(ops: Record<string, Operation>, log: (m: string) => void): AwsServiceDefinition {
  const handlers: Record<string, Handler> = {};
  for (const [name, op] of Object.entries(ops)) {
    handlers[name] = (input: Record<string, unknown>, ctx) =>
      op(input, { senderId: ctx.accessKeyId, signal: ctx.signal, pathQueue: ctx.path.queue });
  }
  return {
    model: SQS_MODEL,
    json: { targetPrefix: 'AmazonSQS', contentType: 'application/x-amz-json-1.0' },
    query: { xmlNamespace: SQS_XMLNS, errorDetail: true },
    queryCompatible: true,
    handlers,
    errorName: sqsErrorName,
    matchPath(path) {
      const m = QUEUE_URL_PATH.exec(path);
      return m ? { account: m[1]!, queue: decoded(m[2]!) } : undefined;
    },
    log,
  };
}
