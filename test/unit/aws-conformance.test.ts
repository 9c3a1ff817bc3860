/**
 * Protocol conformance of the AWS layer (src/aws/): every operation of every service on it
 * round-trips through the SDK's own serializer and deserializer, in-process. A generated input
 * (every member filled, from the operation's schema) is sent by the real SDK client; the router
 * (in a Fastify app driven with inject) must hand the handler exactly that input; the handler's
 * generated output must come back to the client exactly; and every error the model declares must
 * reach the client as its own exception class with its status. Each service is checked in every
 * protocol it answers (SQS: awsJson1_0 and awsQuery; SNS: awsQuery and awsJson1_0).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import * as sqsSdk from '@aws-sdk/client-sqs';
import * as snsSdk from '@aws-sdk/client-sns';
import { AwsJson1_0Protocol, AwsQueryProtocol } from '@aws-sdk/core/protocols';
import type { NormalizedSchema } from '@smithy/core/schema';
import { HttpResponse, type HttpRequest } from '@smithy/core/transport';
import { AwsRouter } from '../../src/aws/router.ts';
import type { AwsServiceDefinition, Handler } from '../../src/aws/service.ts';
import type { ServiceModel } from '../../src/aws/model.ts';
import { GustError } from '../../src/errors.ts';
import { SQS_MODEL, SQS_XMLNS } from '../../src/events/sqs/schema.ts';
import { SNS_MODEL, SNS_XMLNS } from '../../src/events/sns/schema.ts';

/** Text that XML and JSON must both carry unchanged: markup, quotes, CR LF, non-ASCII, edge spaces. */
const TEXT = ' a<b>&"c\' é中\r\nd ';

/** A value for every member of `ns` (lists and maps of two), deterministic per path. */
function sample(ns: NormalizedSchema, path: string, depth = 0): unknown {
  if (ns.isStructSchema()) {
    const out: Record<string, unknown> = {};
    if (depth > 5) return out;
    for (const [name, member] of ns.structIterator()) {
      if (member.isStreaming()) continue;
      out[name] = sample(member, `${path}.${name}`, depth + 1);
    }
    return out;
  }
  if (ns.isListSchema()) {
    const item = ns.getValueSchema();
    return [sample(item, `${path}.1`, depth + 1), sample(item, `${path}.2`, depth + 1)];
  }
  if (ns.isMapSchema()) {
    const item = ns.getValueSchema();
    return { [`k1${path.length}`]: sample(item, `${path}.k1`, depth + 1), k2: sample(item, `${path}.k2`, depth + 1) };
  }
  if (ns.isBooleanSchema()) return path.length % 2 === 0;
  if (ns.isNumericSchema()) return 7 + (path.length % 50);
  if (ns.isBlobSchema()) return new Uint8Array([0, 1, 2, 250, path.length % 256]);
  if (ns.isTimestampSchema()) return new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
  if (ns.isStringSchema()) return `${path.split('.').at(-1)}${TEXT}`;
  return undefined;
}

/** Plain, comparable data: bytes as base64, dates as ISO, objects without prototypes or $metadata. */
function plain(v: unknown): unknown {
  if (v instanceof Uint8Array) return { bytes: Buffer.from(v).toString('base64') };
  if (v instanceof Date) return { date: v.toISOString() };
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k, x]) => k !== '$metadata' && x !== undefined)
        .map(([k, x]) => [k, plain(x)]),
    );
  }
  return v;
}

interface Probe {
  input?: unknown;
  output?: unknown;
  error?: string;
}

/** A Fastify app with the AWS router serving `model` with handlers that record and answer from `probe`. */
async function appFor(
  model: ServiceModel,
  def: Pick<AwsServiceDefinition, 'json' | 'query' | 'queryCompatible'>,
  probe: Probe,
): Promise<FastifyInstance> {
  const handlers: Record<string, Handler> = {};
  for (const name of model.operations.keys()) {
    handlers[name] = (input) => {
      probe.input = input;
      if (probe.error) throw new GustError('GUST_INVALID_PARAMETER', `declared error ${probe.error}`);
      return probe.output;
    };
  }
  const router = new AwsRouter({ region: 'eu-west-1' });
  router.register({ model, ...def, handlers, errorName: () => ({ name: probe.error ?? 'InvalidParameterValue' }) });
  const app = Fastify();
  router.install(app);
  await app.ready();
  return app;
}

/** An SDK request handler that serves requests by `app.inject` (no sockets). */
function injectHandler(app: FastifyInstance) {
  return {
    async handle(request: HttpRequest) {
      const qs = new URLSearchParams(
        Object.entries(request.query ?? {}).flatMap(([k, v]) =>
          (Array.isArray(v) ? v : [v]).filter((x) => x !== null).map((x) => [k, String(x)]),
        ),
      ).toString();
      const res = await app.inject({
        method: request.method as 'POST',
        url: request.path + (qs ? `?${qs}` : ''),
        headers: request.headers,
        // light-my-request would JSON-encode a bare Uint8Array: hand it the bytes as a Buffer.
        payload: request.body instanceof Uint8Array ? Buffer.from(request.body) : (request.body as string | undefined),
      });
      return {
        response: new HttpResponse({
          statusCode: res.statusCode,
          headers: res.headers as Record<string, string>,
          body: res.rawPayload,
        }),
      };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
  };
}

interface Client {
  send(command: unknown): Promise<unknown>;
  destroy(): void;
}

type ClientFactory = (requestHandler: ReturnType<typeof injectHandler>) => Client;

const common = {
  region: 'eu-west-1',
  endpoint: 'http://gust.test',
  credentials: { accessKeyId: 'AKIDCONFORMANCE', secretAccessKey: 'secret' },
  maxAttempts: 1,
};

interface Case {
  service: string;
  protocol: string;
  sdk: Record<string, unknown>;
  model: ServiceModel;
  def: Pick<AwsServiceDefinition, 'json' | 'query' | 'queryCompatible'>;
  client: ClientFactory;
}

const sqsJson = {
  json: { targetPrefix: 'AmazonSQS', contentType: 'application/x-amz-json-1.0' as const },
  queryCompatible: true,
};
const sqsQuery = { query: { xmlNamespace: SQS_XMLNS, errorDetail: true } };
const snsQuery = { query: { xmlNamespace: SNS_XMLNS } };
const snsJson = {
  json: { targetPrefix: 'AmazonSimpleNotificationService', contentType: 'application/x-amz-json-1.0' as const },
  queryCompatible: true,
};

const CASES: Case[] = [
  {
    service: 'sqs',
    protocol: 'awsJson1_0',
    sdk: sqsSdk as unknown as Record<string, unknown>,
    model: SQS_MODEL,
    def: sqsJson,
    client: (requestHandler) =>
      new sqsSdk.SQSClient({ ...common, requestHandler, md5: false, useQueueUrlAsEndpoint: false }) as Client,
  },
  {
    service: 'sqs',
    protocol: 'awsQuery',
    sdk: sqsSdk as unknown as Record<string, unknown>,
    model: SQS_MODEL,
    def: sqsQuery,
    client: (requestHandler) =>
      new sqsSdk.SQSClient({
        ...common,
        requestHandler,
        md5: false,
        useQueueUrlAsEndpoint: false,
        protocol: AwsQueryProtocol,
        protocolSettings: {
          defaultNamespace: 'com.amazonaws.sqs',
          errorTypeRegistries: sqsSdk.errorTypeRegistries,
          xmlNamespace: SQS_XMLNS,
          version: '2012-11-05',
        },
      } as never) as Client,
  },
  {
    service: 'sns',
    protocol: 'awsQuery',
    sdk: snsSdk as unknown as Record<string, unknown>,
    model: SNS_MODEL,
    def: snsQuery,
    client: (requestHandler) => new snsSdk.SNSClient({ ...common, requestHandler }) as Client,
  },
  {
    service: 'sns',
    protocol: 'awsJson1_0',
    sdk: snsSdk as unknown as Record<string, unknown>,
    model: SNS_MODEL,
    def: snsJson,
    client: (requestHandler) =>
      new snsSdk.SNSClient({
        ...common,
        requestHandler,
        protocol: AwsJson1_0Protocol,
        protocolSettings: {
          defaultNamespace: 'com.amazonaws.sns',
          errorTypeRegistries: snsSdk.errorTypeRegistries,
          serviceTarget: 'AmazonSimpleNotificationService',
          awsQueryCompatible: true,
        },
      } as never) as Client,
  },
];

for (const c of CASES) {
  describe(`${c.service} over ${c.protocol}`, () => {
    const operations = [...c.model.operations.values()];

    it(`round-trips the input and output of all ${operations.length} operations`, async () => {
      assert.ok(operations.length >= 10, 'the model has its operations');
      const probe: Probe = {};
      const app = await appFor(c.model, c.def, probe);
      const client = c.client(injectHandler(app));
      try {
        for (const op of operations) {
          const Command = c.sdk[`${op.name}Command`] as new (input: unknown) => unknown;
          assert.ok(Command, `the SDK has ${op.name}Command`);
          const input = op.input.isStructSchema() ? sample(op.input, op.name) : {};
          const output = op.output.isStructSchema() ? sample(op.output, `${op.name}Out`) : undefined;
          probe.input = undefined;
          probe.output = output;
          const got = await client.send(new Command(input));
          assert.deepEqual(plain(probe.input), plain(input), `${op.name}: the handler got the input the SDK sent`);
          assert.deepEqual(plain(got), plain(output ?? {}), `${op.name}: the SDK got the output the handler returned`);
        }
      } finally {
        client.destroy();
        await app.close();
      }
    });

    it('renders every declared error as its exception, with its status', async () => {
      const declared = [...new Map([...c.model.errors.values()].map((e) => [e.name, e])).values()];
      assert.ok(declared.length > 0);
      const probe: Probe = {};
      const app = await appFor(c.model, c.def, probe);
      const client = c.client(injectHandler(app));
      const op = operations[0]!;
      const Command = c.sdk[`${op.name}Command`] as new (input: unknown) => unknown;
      try {
        for (const e of declared) {
          probe.error = e.name;
          const input = op.input.isStructSchema() ? sample(op.input, op.name) : {};
          await assert.rejects(
            client.send(new Command(input)),
            (err: Error & { $metadata?: { httpStatusCode?: number } }) => {
              assert.equal(err.name, e.name, `${e.name}: the SDK's exception class`);
              assert.equal(err.message, `declared error ${e.name}`);
              assert.equal(err.$metadata?.httpStatusCode, e.status);
              return true;
            },
          );
        }
      } finally {
        client.destroy();
        await app.close();
      }
    });
  });
}

describe('malformed input', () => {
  it('a value of the wrong type is a SerializationException-class error, not a crash', async () => {
    const probe: Probe = {};
    const app = await appFor(SQS_MODEL, sqsJson, probe);
    try {
      for (const body of [
        { QueueUrl: 5, MessageBody: 'x' },
        { QueueUrl: 'q', MessageBody: 'x', DelaySeconds: 'soon' },
        { QueueUrl: 'q', MessageBody: 'x', MessageAttributes: [1] },
        { QueueUrl: 'q', MessageBody: 'x', MessageAttributes: { a: null } },
        { QueueUrl: 'q', MessageBody: 'x', MessageAttributes: { a: { DataType: 'Binary', BinaryValue: '***' } } },
      ]) {
        probe.input = undefined;
        const res = await app.inject({
          method: 'POST',
          url: '/',
          headers: { 'x-amz-target': 'AmazonSQS.SendMessage', 'content-type': 'application/x-amz-json-1.0' },
          payload: JSON.stringify(body),
        });
        assert.equal(res.statusCode, 400, JSON.stringify(body));
        assert.equal(res.headers['x-gust-error-code'], 'GUST_SERIALIZATION');
        assert.equal(probe.input, undefined, 'the handler never ran');
      }
    } finally {
      await app.close();
    }
  });

  it('query parameter names that would reach Object.prototype stay ordinary keys', async () => {
    const probe: Probe = { output: {} };
    const app = await appFor(SQS_MODEL, sqsQuery, probe);
    try {
      const res = await app.inject({
        method: 'POST',
        url: '/',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload:
          'Action=CreateQueue&QueueName=q&Attribute.1.Name=__proto__&Attribute.1.Value=x&__proto__.polluted=1&constructor.prototype.polluted=1',
      });
      assert.equal(res.statusCode, 200, res.body);
      const input = probe.input as { Attributes: Record<string, string> };
      assert.equal(Object.getPrototypeOf(input.Attributes), null);
      assert.equal(input.Attributes['__proto__'], 'x');
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    } finally {
      await app.close();
    }
  });
});
