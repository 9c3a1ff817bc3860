/**
 * What subscribers receive: the JSON notification envelope (HTTP/S and SQS), the Lambda event
 * record, the SubscriptionConfirmation message, and the per-protocol message of
 * MessageStructure=json. Signed like SNS (signing.ts); URLs point back at this Gust server.
 */
import { randomUUID } from 'node:crypto';
import type { MessageAttributeValue } from '../contracts.ts';
import type { Signer } from './signing.ts';
import type { Protocol, StoredMessage, Subscription } from './store.ts';

export interface EnvelopeContext {
  signer: Signer;
  /** Base URL of this Gust server. */
  baseUrl: string;
  /** The topic's SignatureVersion ('1' SHA1, '2' SHA256). */
  signatureVersion: '1' | '2';
}

export const subscribeUrl = (base: string, topicArn: string, token: string): string =>
  `${base}/sns/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(topicArn)}&Token=${encodeURIComponent(token)}`;

export const unsubscribeUrl = (base: string, subscriptionArn: string): string =>
  `${base}/sns/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(subscriptionArn)}`;

export const signingCertUrl = (base: string, signer: Signer): string => `${base}/sns/${signer.certificateFile}`;

/** The message a protocol receives: with MessageStructure=json, its own key or "default". */
export function messageFor(msg: StoredMessage, protocol: Protocol): string {
  if (msg.structure !== 'json') return msg.message;
  const parsed = JSON.parse(msg.message) as Record<string, string>;
  return parsed[protocol] ?? parsed.default ?? '';
}

/** Message attributes as envelopes carry them: {name: {Type, Value}} (binary values base64). */
export function envelopeAttributes(
  attrs: Record<string, MessageAttributeValue>,
): Record<string, { Type: string; Value: string }> {
  const out: Record<string, { Type: string; Value: string }> = {};
  for (const [name, a] of Object.entries(attrs)) {
    out[name] = { Type: a.DataType, Value: (a.DataType.startsWith('Binary') ? a.BinaryValue : a.StringValue) ?? '' };
  }
  return out;
}

/** The JSON notification SNS sends to HTTP/S endpoints and SQS queues (FIFO: sequenced, unsigned). */
export function notificationEnvelope(
  msg: StoredMessage,
  sub: Subscription,
  ctx: EnvelopeContext,
  fifo: boolean,
): Record<string, unknown> {
  const message = messageFor(msg, sub.protocol);
  const timestamp = new Date(msg.publishedAt).toISOString();
  const env: Record<string, unknown> = { Type: 'Notification', MessageId: msg.id };
  if (fifo && msg.sequence) env.SequenceNumber = msg.sequence;
  env.TopicArn = msg.topicArn;
  if (msg.subject !== null) env.Subject = msg.subject;
  env.Message = message;
  env.Timestamp = timestamp;
  if (!fifo) {
    env.SignatureVersion = ctx.signatureVersion;
    env.Signature = ctx.signer.sign(
      'Notification',
      { Message: message, MessageId: msg.id, Subject: msg.subject, Timestamp: timestamp, TopicArn: msg.topicArn },
      ctx.signatureVersion,
    );
    env.SigningCertURL = signingCertUrl(ctx.baseUrl, ctx.signer);
  }
  env.UnsubscribeURL = unsubscribeUrl(ctx.baseUrl, sub.arn);
  if (Object.keys(msg.attributes).length) env.MessageAttributes = envelopeAttributes(msg.attributes);
  return env;
}

/** The event a Lambda function subscribed to a topic is invoked with. */
export function lambdaEvent(msg: StoredMessage, sub: Subscription, ctx: EnvelopeContext): unknown {
  const message = messageFor(msg, 'lambda');
  const timestamp = new Date(msg.publishedAt).toISOString();
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: sub.arn,
        Sns: {
          Type: 'Notification',
          MessageId: msg.id,
          TopicArn: msg.topicArn,
          Subject: msg.subject,
          Message: message,
          Timestamp: timestamp,
          SignatureVersion: ctx.signatureVersion,
          Signature: ctx.signer.sign(
            'Notification',
            { Message: message, MessageId: msg.id, Subject: msg.subject, Timestamp: timestamp, TopicArn: msg.topicArn },
            ctx.signatureVersion,
          ),
          SigningCertUrl: signingCertUrl(ctx.baseUrl, ctx.signer),
          UnsubscribeUrl: unsubscribeUrl(ctx.baseUrl, sub.arn),
          MessageAttributes: envelopeAttributes(msg.attributes),
        },
      },
    ],
  };
}

/** The message an HTTP/S endpoint receives when subscribed; it confirms with Token or SubscribeURL. */
export function subscriptionConfirmation(
  sub: Subscription,
  token: string,
  ctx: EnvelopeContext,
): Record<string, unknown> {
  const messageId = randomUUID();
  const timestamp = new Date().toISOString();
  const message =
    `You have chosen to subscribe to the topic ${sub.topicArn}.\n` +
    'To confirm the subscription, visit the SubscribeURL included in this message.';
  const url = subscribeUrl(ctx.baseUrl, sub.topicArn, token);
  return {
    Type: 'SubscriptionConfirmation',
    MessageId: messageId,
    Token: token,
    TopicArn: sub.topicArn,
    Message: message,
    SubscribeURL: url,
    Timestamp: timestamp,
    SignatureVersion: ctx.signatureVersion,
    Signature: ctx.signer.sign(
      'SubscriptionConfirmation',
      {
        Message: message,
        MessageId: messageId,
        SubscribeURL: url,
        Timestamp: timestamp,
        Token: token,
        TopicArn: sub.topicArn,
      },
      ctx.signatureVersion,
    ),
    SigningCertURL: signingCertUrl(ctx.baseUrl, ctx.signer),
  };
}
