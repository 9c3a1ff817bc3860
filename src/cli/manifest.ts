/**
 * The declarative file (gust.yaml): functions with their event sources, queues and topics.
 *
 *   functions:
 *     hello:
 *       code: ./hello                 # directory or .zip, relative to the file
 *       runtime: nodejs20.x
 *       handler: index.handler
 *       memory: 256
 *       timeout: 10
 *       environment: { GREETING: hi, JOBS_URL: { queueUrl: orders } }  # or { queueArn } / { topicArn }
 *       reservedConcurrency: 5
 *       url: true                     # a function URL
 *       deadLetter: { queue: orders-dlq }  # or { topic: ... }: failed async events (DeadLetterConfig)
 *       events:
 *         - http: GET /hello/{name}
 *         - schedule: rate(5 minutes)  # or { expression, timezone, input, name, catchUp }
 *         - queue: orders              # or { queue, batchSize, batchingWindow, reportBatchItemFailures, maximumConcurrency }
 *         - topic: news                # or { topic, filterPolicy }
 *   queues:
 *     orders: { fifo: false, visibilityTimeout: 30, deadLetter: { queue: orders-dlq, maxReceiveCount: 3 } }
 *     orders-dlq: {}
 *   topics:
 *     news: {}
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { isSamTemplate, parseTemplateYaml, samToManifest, SamError, type SamContext } from './sam.ts';

const httpEvent = z.strictObject({ http: z.string().min(1) });
const scheduleEvent = z.strictObject({
  schedule: z.union([
    z.string().min(1),
    z.strictObject({
      expression: z.string().min(1),
      name: z.string().optional(),
      timezone: z.string().optional(),
      input: z.unknown().optional(),
      catchUp: z.enum(['none', 'latest', 'all']).optional(),
      enabled: z.boolean().optional(),
    }),
  ]),
});
const queueEvent = z.strictObject({
  queue: z.union([
    z.string().min(1),
    z.strictObject({
      queue: z.string().min(1),
      batchSize: z.number().int().positive().optional(),
      batchingWindow: z.number().int().min(0).optional(),
      reportBatchItemFailures: z.boolean().optional(),
      maximumConcurrency: z.number().int().min(2).optional(),
      enabled: z.boolean().optional(),
    }),
  ]),
});
const topicEvent = z.strictObject({
  topic: z.union([
    z.string().min(1),
    z.strictObject({ topic: z.string().min(1), filterPolicy: z.record(z.string(), z.unknown()).optional() }),
  ]),
});

/** An environment value: a literal, or the URL/ARN of a queue or topic of the file, filled in at apply time. */
const envValue = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.strictObject({ queueUrl: z.string().min(1) }),
  z.strictObject({ queueArn: z.string().min(1) }),
  z.strictObject({ topicArn: z.string().min(1) }),
]);
export type EnvValue = z.infer<typeof envValue>;

const functionSchema = z.strictObject({
  code: z.string().min(1),
  runtime: z.string().min(1),
  handler: z.string().optional(),
  memory: z.number().int().optional(),
  timeout: z.number().int().optional(),
  description: z.string().optional(),
  environment: z.record(z.string(), envValue).optional(),
  reservedConcurrency: z.number().int().min(0).optional(),
  url: z.boolean().optional(),
  deadLetter: z
    .union([z.strictObject({ queue: z.string().min(1) }), z.strictObject({ topic: z.string().min(1) })])
    .optional(),
  events: z.array(z.union([httpEvent, scheduleEvent, queueEvent, topicEvent])).optional(),
});

const queueSchema = z
  .strictObject({
    fifo: z.boolean().optional(),
    visibilityTimeout: z.number().int().min(0).max(43200).optional(),
    delaySeconds: z.number().int().min(0).max(900).optional(),
    retentionSeconds: z.number().int().min(60).max(1209600).optional(),
    deadLetter: z.strictObject({ queue: z.string().min(1), maxReceiveCount: z.number().int().min(1) }).optional(),
  })
  .nullable();

const topicSchema = z.strictObject({ fifo: z.boolean().optional() }).nullable();

export const manifestSchema = z.strictObject({
  functions: z
    .record(z.string().regex(/^[a-zA-Z0-9-_]{1,64}$/, 'function names: letters, digits, - and _'), functionSchema)
    .optional(),
  queues: z
    .record(z.string().regex(/^[a-zA-Z0-9-_]{1,80}(\.fifo)?$/, 'queue names: letters, digits, - and _'), queueSchema)
    .optional(),
  topics: z
    .record(z.string().regex(/^[a-zA-Z0-9-_]{1,256}(\.fifo)?$/, 'topic names: letters, digits, - and _'), topicSchema)
    .optional(),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type FunctionSpec = z.infer<typeof functionSchema>;

export class ManifestError extends Error {}

/**
 * Read and validate a manifest (a gust.yaml, or an AWS SAM template translated by sam.ts); code
 * paths are resolved relative to the file.
 */
export function loadManifest(
  file: string,
  warn: (msg: string) => void = () => {},
  sam: Partial<SamContext> = {},
): { manifest: Manifest; baseDir: string } {
  let raw: unknown;
  try {
    raw = parseTemplateYaml(fs.readFileSync(file, 'utf8'));
    if (isSamTemplate(raw)) raw = samToManifest(raw, warn, sam);
    else if (Object.keys(sam.parameters ?? {}).length) throw new SamError('--parameter-overrides is for SAM templates');
  } catch (e) {
    if (e instanceof SamError) throw new ManifestError(`${file} (SAM template): ${e.message}`);
    throw new ManifestError(`${file}: ${(e as Error).message}`);
  }
  const r = manifestSchema.safeParse(raw ?? {});
  if (!r.success) {
    const detail = r.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n');
    throw new ManifestError(`${file} is not a valid Gust manifest:\n${detail}`);
  }
  const baseDir = path.dirname(path.resolve(file));
  for (const [name, q] of Object.entries(r.data.queues ?? {})) {
    const dl = q?.deadLetter?.queue;
    if (dl && !(dl in (r.data.queues ?? {})))
      throw new ManifestError(`queues.${name}.deadLetter.queue: no queue named ${dl} in the file`);
  }
  for (const [name, fn] of Object.entries(r.data.functions ?? {})) {
    for (const ev of fn.events ?? []) {
      if ('queue' in ev) {
        const q = typeof ev.queue === 'string' ? ev.queue : ev.queue.queue;
        if (!(q in (r.data.queues ?? {})))
          throw new ManifestError(`functions.${name}.events: no queue named ${q} in the file`);
      }
      if ('topic' in ev) {
        const tp = typeof ev.topic === 'string' ? ev.topic : ev.topic.topic;
        if (!(tp in (r.data.topics ?? {})))
          throw new ManifestError(`functions.${name}.events: no topic named ${tp} in the file`);
      }
    }
    for (const [k, v] of Object.entries(fn.environment ?? {})) {
      if (typeof v !== 'object') continue;
      const [kind, target] = Object.entries(v)[0]!;
      const known = kind === 'topicArn' ? r.data.topics : r.data.queues;
      if (!(target in (known ?? {})))
        throw new ManifestError(
          `functions.${name}.environment.${k}: no ${kind === 'topicArn' ? 'topic' : 'queue'} named ${target} in the file`,
        );
    }
    const dl = fn.deadLetter;
    if (dl && 'queue' in dl && !(dl.queue in (r.data.queues ?? {})))
      throw new ManifestError(`functions.${name}.deadLetter: no queue named ${dl.queue} in the file`);
    if (dl && 'topic' in dl && !(dl.topic in (r.data.topics ?? {})))
      throw new ManifestError(`functions.${name}.deadLetter: no topic named ${dl.topic} in the file`);
    if (!fs.existsSync(path.resolve(baseDir, fn.code)))
      throw new ManifestError(`functions.${name}.code: ${fn.code} does not exist`);
  }
  return { manifest: r.data, baseDir };
}
