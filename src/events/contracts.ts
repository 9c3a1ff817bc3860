/**
 * Contracts between services, so one can use another without importing its internals.
 * SNS delivers to SQS through QueueSink; async destinations use QueueSink/TopicSink too.
 */

export interface MessageAttributeValue {
  DataType: string;
  StringValue?: string;
  /** base64 */
  BinaryValue?: string;
}

/** Implemented by the SQS service (registered under the name 'sqs'). */
export interface QueueSink {
  /** Durably enqueue a message on the queue with this ARN; returns the MessageId. Throws GustError if the queue does not exist. */
  sendMessageByArn(
    queueArn: string,
    body: string,
    attributes?: Record<string, MessageAttributeValue>,
    fifo?: { groupId: string; deduplicationId?: string },
  ): string;
}

/** Implemented by the SNS service (registered under the name 'sns'). */
export interface TopicSink {
  /** Publish to the topic with this ARN; returns the MessageId. Throws GustError if the topic does not exist. */
  publishByArn(
    topicArn: string,
    message: string,
    attributes?: Record<string, MessageAttributeValue>,
    subject?: string,
  ): string;
}
