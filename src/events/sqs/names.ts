/** Queue names, URLs and ARNs as SQS accepts them. */
import { GustError } from '../../errors.ts';

const NAME_RE = /^[a-zA-Z0-9_-]{1,80}$/;
const FIFO_NAME_RE = /^[a-zA-Z0-9_-]{1,75}\.fifo$/;
const ARN_RE = /^arn:aws[a-zA-Z-]*:sqs:([a-z0-9-]+):(\d{12}):([a-zA-Z0-9_.-]{1,80})$/;

/** Validate a new queue's name against its type (FIFO names end in .fifo). */
export function validateQueueName(name: string, fifo: boolean): void {
  if (fifo ? !FIFO_NAME_RE.test(name) : !NAME_RE.test(name)) {
    throw new GustError(
      'GUST_INVALID_PARAMETER',
      fifo
        ? 'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.'
        : 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
    );
  }
}

export function queueArn(region: string, accountId: string, name: string): string {
  return `arn:aws:sqs:${region}:${accountId}:${name}`;
}

/** The queue name an SQS ARN names, or undefined if it is not an SQS queue ARN. */
export function nameFromArn(arn: string): string | undefined {
  return ARN_RE.exec(arn)?.[3];
}

/**
 * The queue name in a queue URL. Clients reach Gust by many host names (localhost, 127.0.0.1,
 * a proxy), so only the path counts: `/<account>/<name>` (or just `/<name>`).
 */
export function nameFromUrl(url: string): string {
  let path = url;
  try {
    path = new URL(url).pathname;
  } catch {
    // Not absolute: treat as a path or a bare name.
  }
  const notFound = (): GustError => new GustError('GUST_SQS_QUEUE_NOT_FOUND', 'The specified queue does not exist.');
  const parts = path.split('/').filter(Boolean);
  const name = parts.at(-1);
  if (!name || parts.length > 2 || (parts.length === 2 && !/^\d{12}$/.test(parts[0]!))) throw notFound();
  try {
    return decodeURIComponent(name);
  } catch {
    throw notFound(); // malformed percent-encoding names no queue
  }
}
