/**
 * `gust apply -f gust.yaml`: make the server match a manifest (src/cli/manifest.ts; AWS SAM
 * templates are translated into one by src/cli/sam.ts). Idempotent:
 * creates what is missing and updates what differs; it never deletes what the file omits.
 * Order: queues (dead-letter queues first), topics, functions, then their event sources.
 */
import type { Command } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import { zipDirectory } from '../control/zip-dir.ts';
import { ApiError, type GustClient } from './client.ts';
import { deployFunction, keyValues, type DeployedFunction } from './deploy-function.ts';
import { loadManifest, type EnvValue, type FunctionSpec, type Manifest } from './manifest.ts';

const enc = encodeURIComponent;

async function sqs<T>(c: GustClient, action: string, body: Record<string, unknown>): Promise<T> {
  const res = await c.request('POST', '/', body, {
    'x-amz-target': `AmazonSQS.${action}`,
    'content-type': 'application/x-amz-json-1.0',
  });
  const text = await res.text();
  return (text ? JSON.parse(text) : {}) as T;
}

async function sns(c: GustClient, action: string, params: Record<string, string>): Promise<string> {
  const form = new URLSearchParams({ Action: action, Version: '2010-03-31', ...params });
  const res = await c.request('POST', '/', form.toString(), { 'content-type': 'application/x-www-form-urlencoded' });
  return res.text();
}

const xmlValue = (xml: string, tag: string): string | undefined =>
  new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];

async function getOptional<T>(c: GustClient, p: string): Promise<T | undefined> {
  try {
    return await c.json<T>('GET', p);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return undefined;
    throw e;
  }
}

async function applyQueues(c: GustClient, m: Manifest, say: (s: string) => void): Promise<Map<string, string>> {
  const arns = new Map<string, string>();
  const queues = Object.entries(m.queues ?? {});
  // Dead-letter queues first, so redrive policies can name them.
  queues.sort(([, a], [, b]) => Number(Boolean(a?.deadLetter)) - Number(Boolean(b?.deadLetter)));
  for (const [name, q] of queues) {
    const attributes: Record<string, string> = {};
    if (q?.fifo || name.endsWith('.fifo')) attributes.FifoQueue = 'true';
    if (q?.visibilityTimeout !== undefined) attributes.VisibilityTimeout = String(q.visibilityTimeout);
    if (q?.delaySeconds !== undefined) attributes.DelaySeconds = String(q.delaySeconds);
    if (q?.retentionSeconds !== undefined) attributes.MessageRetentionPeriod = String(q.retentionSeconds);
    if (q?.deadLetter) {
      attributes.RedrivePolicy = JSON.stringify({
        deadLetterTargetArn: arns.get(q.deadLetter.queue),
        maxReceiveCount: q.deadLetter.maxReceiveCount,
      });
    }
    let url: string | undefined;
    try {
      url = (await sqs<{ QueueUrl: string }>(c, 'GetQueueUrl', { QueueName: name })).QueueUrl;
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
    }
    if (url) {
      const { FifoQueue: _fifo, ...mutable } = attributes;
      if (Object.keys(mutable).length) await sqs(c, 'SetQueueAttributes', { QueueUrl: url, Attributes: mutable });
      say(`queue ${name}: up to date`);
    } else {
      url = (await sqs<{ QueueUrl: string }>(c, 'CreateQueue', { QueueName: name, Attributes: attributes })).QueueUrl;
      say(`queue ${name}: created`);
    }
    const attrs = await sqs<{ Attributes: { QueueArn: string } }>(c, 'GetQueueAttributes', {
      QueueUrl: url,
      AttributeNames: ['QueueArn'],
    });
    arns.set(name, attrs.Attributes.QueueArn);
  }
  return arns;
}

async function applyTopics(c: GustClient, m: Manifest, say: (s: string) => void): Promise<Map<string, string>> {
  const arns = new Map<string, string>();
  for (const [name, t] of Object.entries(m.topics ?? {})) {
    const params: Record<string, string> = { Name: name };
    if (t?.fifo || name.endsWith('.fifo')) {
      params['Attributes.entry.1.key'] = 'FifoTopic';
      params['Attributes.entry.1.value'] = 'true';
    }
    const xml = await sns(c, 'CreateTopic', params);
    const arn = xmlValue(xml, 'TopicArn');
    if (!arn) throw new Error(`CreateTopic ${name}: no TopicArn in the answer`);
    arns.set(name, arn);
    say(`topic ${name}: ready`);
  }
  return arns;
}

/** A literal as a string; a queue/topic reference as its URL or ARN. */
async function envString(
  c: GustClient,
  v: EnvValue,
  queues: Map<string, string>,
  topics: Map<string, string>,
): Promise<string> {
  if (typeof v !== 'object') return String(v);
  if ('queueArn' in v) return queues.get(v.queueArn)!;
  if ('topicArn' in v) return topics.get(v.topicArn)!;
  return (await sqs<{ QueueUrl: string }>(c, 'GetQueueUrl', { QueueName: v.queueUrl })).QueueUrl;
}

async function applyFunction(
  c: GustClient,
  name: string,
  spec: FunctionSpec,
  baseDir: string,
  queues: Map<string, string>,
  topics: Map<string, string>,
  say: (s: string) => void,
): Promise<void> {
  const codePath = path.resolve(baseDir, spec.code);
  const zip = fs.statSync(codePath).isDirectory() ? await zipDirectory(codePath) : fs.readFileSync(codePath);
  const environment = spec.environment
    ? Object.fromEntries(
        await Promise.all(
          Object.entries(spec.environment).map(async ([k, v]) => [k, await envString(c, v, queues, topics)] as const),
        ),
      )
    : undefined;
  const { fn, created, codeChanged } = await deployFunction(c, name, zip, {
    runtime: spec.runtime,
    handler: spec.handler,
    memory: spec.memory,
    timeout: spec.timeout,
    description: spec.description,
    environment,
    deadLetterTargetArn: !spec.deadLetter
      ? ''
      : 'queue' in spec.deadLetter
        ? queues.get(spec.deadLetter.queue)!
        : topics.get(spec.deadLetter.topic)!,
  });
  say(
    `function ${name}: ${created ? 'created' : codeChanged ? 'code and configuration updated' : 'configuration updated'}`,
  );

  if (spec.reservedConcurrency !== undefined) {
    await c.json('PUT', `/2017-10-31/functions/${enc(name)}/concurrency`, {
      ReservedConcurrentExecutions: spec.reservedConcurrency,
    });
  }
  if (spec.url) {
    const url = await getOptional<{ FunctionUrl: string }>(c, `/2021-10-31/functions/${enc(name)}/url`);
    const made =
      url ??
      (await c.json<{ FunctionUrl: string }>('POST', `/2021-10-31/functions/${enc(name)}/url`, { AuthType: 'NONE' }));
    say(`function ${name}: url ${made.FunctionUrl}`);
  }

  const events = spec.events ?? [];
  for (const [i, ev] of events.entries()) {
    if ('http' in ev) await applyRoute(c, name, ev.http, say);
    else if ('schedule' in ev) await applySchedule(c, name, i, ev.schedule, say);
    else if ('queue' in ev) await applyMapping(c, fn, ev.queue, queues, say);
    else if ('topic' in ev) await applySubscription(c, fn, ev.topic, topics, say);
  }
}

async function applyRoute(c: GustClient, fn: string, routeKey: string, say: (s: string) => void): Promise<void> {
  const { routes } = await c.json<{ routes: { routeId: string; routeKey: string; functionName: string }[] }>(
    'GET',
    '/gust/v1/http/routes',
  );
  const existing = routes.find((r) => r.routeKey === routeKey.trim());
  if (existing) {
    await c.json('PATCH', `/gust/v1/http/routes/${enc(existing.routeId)}`, { functionName: fn });
  } else {
    await c.json('POST', '/gust/v1/http/routes', { routeKey: routeKey.trim(), functionName: fn });
  }
  say(`function ${fn}: route ${routeKey.trim()}`);
}

async function applySchedule(
  c: GustClient,
  fn: string,
  index: number,
  s:
    | string
    | { expression: string; name?: string; timezone?: string; input?: unknown; catchUp?: string; enabled?: boolean },
  say: (s: string) => void,
): Promise<void> {
  const spec = typeof s === 'string' ? { expression: s } : s;
  const name = ('name' in spec && spec.name) || `${fn}-schedule-${index}`;
  const body: Record<string, unknown> = { expression: spec.expression, functionName: fn };
  if ('timezone' in spec && spec.timezone) body.timezone = spec.timezone;
  if ('input' in spec && spec.input !== undefined) body.input = spec.input;
  if ('catchUp' in spec && spec.catchUp) body.catchUp = spec.catchUp;
  if ('enabled' in spec && spec.enabled !== undefined) body.state = spec.enabled ? 'ENABLED' : 'DISABLED';
  const existing = await getOptional(c, `/gust/v1/schedules/${enc(name)}`);
  if (existing) await c.json('PATCH', `/gust/v1/schedules/${enc(name)}`, body);
  else await c.json('POST', '/gust/v1/schedules', { name, ...body });
  say(`function ${fn}: schedule ${name} ${spec.expression}`);
}

async function applyMapping(
  c: GustClient,
  fn: DeployedFunction,
  q:
    | string
    | {
        queue: string;
        batchSize?: number;
        batchingWindow?: number;
        reportBatchItemFailures?: boolean;
        maximumConcurrency?: number;
        enabled?: boolean;
      },
  queues: Map<string, string>,
  say: (s: string) => void,
): Promise<void> {
  const spec = typeof q === 'string' ? { queue: q } : q;
  const arn = queues.get(spec.queue)!;
  const body: Record<string, unknown> = {};
  if ('batchSize' in spec && spec.batchSize !== undefined) body.BatchSize = spec.batchSize;
  if ('batchingWindow' in spec && spec.batchingWindow !== undefined)
    body.MaximumBatchingWindowInSeconds = spec.batchingWindow;
  if ('reportBatchItemFailures' in spec && spec.reportBatchItemFailures !== undefined) {
    body.FunctionResponseTypes = spec.reportBatchItemFailures ? ['ReportBatchItemFailures'] : [];
  }
  if ('maximumConcurrency' in spec && spec.maximumConcurrency !== undefined) {
    body.ScalingConfig = { MaximumConcurrency: spec.maximumConcurrency };
  }
  if ('enabled' in spec && spec.enabled !== undefined) body.Enabled = spec.enabled;
  const list = await c.json<{ EventSourceMappings: { UUID: string }[] }>(
    'GET',
    `/2015-03-31/event-source-mappings/?FunctionName=${enc(fn.FunctionName)}&EventSourceArn=${enc(arn)}`,
  );
  const existing = list.EventSourceMappings[0];
  if (existing) await c.json('PUT', `/2015-03-31/event-source-mappings/${enc(existing.UUID)}`, body);
  else
    await c.json('POST', '/2015-03-31/event-source-mappings/', {
      FunctionName: fn.FunctionName,
      EventSourceArn: arn,
      ...body,
    });
  say(`function ${fn.FunctionName}: queue ${spec.queue}`);
}

async function applySubscription(
  c: GustClient,
  fn: DeployedFunction,
  t: string | { topic: string; filterPolicy?: Record<string, unknown> },
  topics: Map<string, string>,
  say: (s: string) => void,
): Promise<void> {
  const spec = typeof t === 'string' ? { topic: t } : t;
  const params: Record<string, string> = {
    TopicArn: topics.get(spec.topic)!,
    Protocol: 'lambda',
    Endpoint: fn.FunctionArn,
    ReturnSubscriptionArn: 'true',
  };
  if ('filterPolicy' in spec && spec.filterPolicy) {
    params['Attributes.entry.1.key'] = 'FilterPolicy';
    params['Attributes.entry.1.value'] = JSON.stringify(spec.filterPolicy);
  }
  await sns(c, 'Subscribe', params);
  say(`function ${fn.FunctionName}: topic ${spec.topic}`);
}

export async function applyManifest(
  c: GustClient,
  file: string,
  say: (s: string) => void,
  parameters: Record<string, string> = {},
): Promise<void> {
  // ARNs in a SAM template (!Sub, AWS::Region, Queue.Arn) are those of this server.
  const where = await c.json<{ region?: string; accountId?: string }>('GET', '/gust/v1/health');
  const { manifest, baseDir } = loadManifest(file, (w) => say(`skipped: ${w}`), {
    parameters,
    ...(where.region ? { region: where.region } : {}),
    ...(where.accountId ? { accountId: where.accountId } : {}),
    stackName: path.basename(path.dirname(path.resolve(file))),
  });
  const queues = await applyQueues(c, manifest, say);
  const topics = await applyTopics(c, manifest, say);
  for (const [name, spec] of Object.entries(manifest.functions ?? {})) {
    await applyFunction(c, name, spec, baseDir, queues, topics, say);
  }
}

export function registerApplyCommand(program: Command, client: () => GustClient): void {
  program
    .command('apply')
    .description(
      'create or update functions, routes, schedules, queues, topics and mappings from a gust.yaml or an AWS SAM template',
    )
    .option('-f, --file <file>', 'manifest file (default: gust.yaml, else template.yaml / template.yml)')
    .option('--parameter-overrides <Key=Value...>', 'SAM template parameter values')
    .action(async (o: { file?: string; parameterOverrides?: string[] }) => {
      const file =
        o.file ?? ['gust.yaml', 'template.yaml', 'template.yml'].find((f) => fs.existsSync(f)) ?? 'gust.yaml';
      const parameters = keyValues(o.parameterOverrides ?? [], '--parameter-overrides', 'Key=Value');
      await applyManifest(client(), file, (s) => console.log(s), parameters);
    });
}
