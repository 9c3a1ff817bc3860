/**
 * SNS's API surface: the actions registered on the shared `POST /` AWS dispatcher, plus the GET
 * routes behind the URLs in messages (SubscribeURL, UnsubscribeURL, SigningCertURL) under /sns/.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Handler } from '../../aws/service.ts';
import { GustError } from '../../errors.ts';
import type { MessageAttributeValue } from '../contracts.ts';
import { attributesFromWire } from '../message-attributes.ts';
import type { OpsContext } from './context.ts';
import { JSON_TARGET_PREFIX, snsErrorCode, snsErrorName } from './protocol.ts';
import { SNS_MODEL, SNS_XMLNS } from './schema.ts';
import { publish, publishBatch, type BatchEntryInput } from './publish.ts';
import type { SnsServiceContext } from './service-context.ts';
import type { Signer } from './signing.ts';
import {
  confirmSubscription,
  getSubscriptionAttributes,
  listSubscriptions,
  listSubscriptionsByTopic,
  setSubscriptionAttributes,
  subscribe,
  unsubscribe,
} from './subscriptions.ts';
import { createTopic, deleteTopic, getTopicAttributes, listTopics, setTopicAttributes } from './topics.ts';

type Input = Record<string, unknown>;

const str = (i: Input, k: string): string | undefined => {
  const v = i[k];
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
};

const strMap = (i: Input, k: string): Record<string, string> => {
  const v = i[k];
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return {};
  return Object.fromEntries(Object.entries(v).map(([a, b]) => [a, typeof b === 'string' ? b : JSON.stringify(b)]));
};

const list = (i: Input, k: string): Input[] => {
  const v = i[k];
  return Array.isArray(v) ? v.map((x) => (typeof x === 'object' && x !== null ? (x as Input) : {})) : [];
};

function messageAttributes(i: Input, k: string): Record<string, MessageAttributeValue> {
  const v = i[k];
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return {};
  const out: Record<string, MessageAttributeValue> = {};
  for (const [name, a] of Object.entries(attributesFromWire(v) ?? {})) {
    out[name] = {
      DataType: str(a, 'DataType') ?? '',
      ...(str(a, 'StringValue') !== undefined ? { StringValue: str(a, 'StringValue') } : {}),
      ...(str(a, 'BinaryValue') !== undefined ? { BinaryValue: str(a, 'BinaryValue') } : {}),
    };
  }
  return out;
}

const batchEntry = (e: Input): BatchEntryInput => ({
  id: str(e, 'Id'),
  message: str(e, 'Message'),
  subject: str(e, 'Subject'),
  messageStructure: str(e, 'MessageStructure'),
  attributes: messageAttributes(e, 'MessageAttributes'),
  messageGroupId: str(e, 'MessageGroupId'),
  messageDeduplicationId: str(e, 'MessageDeduplicationId'),
});

type Action = (ops: OpsContext, i: Input) => object | void;

const ACTIONS: Record<string, Action> = {
  CreateTopic: (o, i) => {
    const attributes = strMap(i, 'Attributes');
    const dpp = str(i, 'DataProtectionPolicy');
    return createTopic(o, {
      name: str(i, 'Name'),
      attributes: dpp ? { ...attributes, DataProtectionPolicy: dpp } : attributes,
    });
  },
  ListTopics: (o, i) => listTopics(o, str(i, 'NextToken')),
  GetTopicAttributes: (o, i) => getTopicAttributes(o, str(i, 'TopicArn')),
  SetTopicAttributes: (o, i) =>
    setTopicAttributes(o, str(i, 'TopicArn'), str(i, 'AttributeName'), str(i, 'AttributeValue')),
  DeleteTopic: (o, i) => deleteTopic(o, str(i, 'TopicArn')),
  Subscribe: (o, i) =>
    subscribe(o, {
      topicArn: str(i, 'TopicArn'),
      protocol: str(i, 'Protocol'),
      endpoint: str(i, 'Endpoint'),
      attributes: strMap(i, 'Attributes'),
      returnSubscriptionArn: str(i, 'ReturnSubscriptionArn') === 'true',
    }),
  ConfirmSubscription: (o, i) =>
    confirmSubscription(o, {
      topicArn: str(i, 'TopicArn'),
      token: str(i, 'Token'),
      authenticateOnUnsubscribe: str(i, 'AuthenticateOnUnsubscribe'),
    }),
  Unsubscribe: (o, i) => unsubscribe(o, str(i, 'SubscriptionArn')),
  ListSubscriptions: (o, i) => listSubscriptions(o, str(i, 'NextToken')),
  ListSubscriptionsByTopic: (o, i) => listSubscriptionsByTopic(o, str(i, 'TopicArn'), str(i, 'NextToken')),
  GetSubscriptionAttributes: (o, i) => getSubscriptionAttributes(o, str(i, 'SubscriptionArn')),
  SetSubscriptionAttributes: (o, i) =>
    setSubscriptionAttributes(o, str(i, 'SubscriptionArn'), str(i, 'AttributeName'), str(i, 'AttributeValue')),
  Publish: (o, i) =>
    publish(o, {
      topicArn: str(i, 'TopicArn'),
      targetArn: str(i, 'TargetArn'),
      phoneNumber: str(i, 'PhoneNumber'),
      message: str(i, 'Message'),
      subject: str(i, 'Subject'),
      messageStructure: str(i, 'MessageStructure'),
      attributes: messageAttributes(i, 'MessageAttributes'),
      messageGroupId: str(i, 'MessageGroupId'),
      messageDeduplicationId: str(i, 'MessageDeduplicationId'),
    }),
  PublishBatch: (o, i) =>
    publishBatch(o, str(i, 'TopicArn'), list(i, 'PublishBatchRequestEntries').map(batchEntry), snsErrorCode),
};

/** The SNS operations as handlers of the AWS protocol layer (which answers unexpected faults as InternalError). */
function snsHandlers(ops: OpsContext): Record<string, Handler> {
  return Object.fromEntries(
    Object.entries(ACTIONS).map(([name, action]): [string, Handler] => [name, (input: Input) => action(ops, input)]),
  );
}

export function registerSnsApi(ctx: SnsServiceContext, ops: OpsContext, signer: Signer): void {
  ctx.aws.register({
    model: SNS_MODEL,
    json: { targetPrefix: JSON_TARGET_PREFIX, contentType: 'application/x-amz-json-1.0' },
    query: { xmlNamespace: SNS_XMLNS },
    queryCompatible: true,
    handlers: snsHandlers(ops),
    errorName: snsErrorName,
    log: ctx.log,
  });

  // The URLs SNS puts in messages are plain GETs with query parameters.
  const GET_ACTIONS = new Set(['ConfirmSubscription', 'Unsubscribe']);
  ctx.app.get('/sns/', async (req: FastifyRequest, reply: FastifyReply) =>
    ctx.aws.serveQuery('sns', req, reply, (action) =>
      GET_ACTIONS.has(action)
        ? undefined
        : new GustError('GUST_SNS_INVALID_PARAMETER', `Invalid parameter: Action ${action} is not available by GET`),
    ),
  );
  ctx.app.get('/sns/:file', async (req: FastifyRequest, reply: FastifyReply) => {
    const { file } = req.params as { file: string };
    if (file !== signer.certificateFile) throw new GustError('GUST_SNS_NOT_FOUND', `No such file: ${file}`);
    return reply.type('application/x-x509-ca-cert').send(signer.certificatePem);
  });
}
