/**
 * Where asynchronous invocation records can go. Lambda functions are built in (the record becomes
 * an async event of the target function, committed atomically with the source event's completion).
 * Other kinds (SQS queues, SNS topics) are registered by their services with an ARN prefix.
 */
import { GustError } from '../errors.ts';

/** What a queue or topic destination receives: an invocation record, or a dead-lettered event. */
export interface DestinationMessage {
  body: string;
  /** Message attributes, e.g. a dead-letter queue's RequestID, ErrorCode, ErrorMessage. */
  attributes?: Record<string, { DataType: 'String' | 'Number'; StringValue: string }>;
  /** For FIFO queues and topics: the message group and the deduplication id. */
  groupId: string;
  deduplicationId: string;
}

/** Durably hands the message to the queue or topic (throws a GustError if it does not exist). */
export type DestinationDeliverer = (arn: string, message: DestinationMessage) => Promise<void>;

const LAMBDA_ARN = /^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:[a-zA-Z0-9-_]+(:(\$LATEST|[a-zA-Z0-9-_]+))?$/;

export class DestinationRegistry {
  private kinds: { prefix: RegExp; kind: string; deliver: DestinationDeliverer }[] = [];

  /** Register a destination kind, e.g. register('sqs', /^arn:aws:sqs:/, deliver). */
  register(kind: string, prefix: RegExp, deliver: DestinationDeliverer): void {
    this.kinds.push({ kind, prefix, deliver });
  }

  isFunction(arn: string): boolean {
    return LAMBDA_ARN.test(arn);
  }

  /** The deliverer for a non-function destination, if one is registered. */
  deliverer(arn: string): DestinationDeliverer | undefined {
    return this.kinds.find((k) => k.prefix.test(arn))?.deliver;
  }

  validate(arn: string): void {
    if (this.isFunction(arn) || this.deliverer(arn)) return;
    const kinds = ['Lambda functions', ...this.kinds.map((k) => k.kind)].join(', ');
    throw new GustError(
      'GUST_INVALID_PARAMETER',
      `The destination ARN ${arn} is invalid. Supported destinations: ${kinds}.`,
    );
  }
}
