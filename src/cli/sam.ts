/**
 * AWS SAM templates for `gust apply`: the subset a local Lambda platform can honour, translated
 * into Gust's own manifest (manifest.ts), which is then validated and applied like a gust.yaml.
 *
 * Resources: AWS::Serverless::Function (CodeUri, Handler, Runtime, MemorySize, Timeout,
 * Description, Environment, ReservedConcurrentExecutions, FunctionUrlConfig, DeadLetterQueue,
 * Events of type Api, HttpApi, SQS, SNS, Schedule, ScheduleV2), AWS::SQS::Queue, AWS::SNS::Topic,
 * and Globals.Function. Other resource types (roles, policies, ...) are reported and skipped; an
 * event type Gust cannot serve is an error. Intrinsics: !Ref and !GetAtt (Arn, QueueName,
 * QueueUrl, TopicName) of the template's queues and topics, resolved by name; Parameters (their
 * Default, or --parameter-overrides) and pseudo parameters (AWS::Region, AWS::AccountId, ...)
 * through !Ref and !Sub; anything else (!Join, !If, ...) is reported as unsupported where used.
 * Names: FunctionName / QueueName / TopicName when given, else the logical id (as `sam local`).
 */
import { isMap, isScalar, isSeq, parseDocument, type Tags } from 'yaml';

export class SamError extends Error {}

type Json = Record<string, unknown>;

/** YAML tags of CloudFormation's short-form intrinsics, read into their long forms. */
const INTRINSICS = ['Ref', 'GetAtt', 'Sub', 'Join', 'Select', 'Split', 'If', 'Equals', 'FindInMap', 'ImportValue'];

export const cloudFormationTags: Tags = INTRINSICS.flatMap((name) => {
  const key = name === 'Ref' ? 'Ref' : `Fn::${name}`;
  const wrap = (value: unknown): Json => ({
    [key]: name === 'GetAtt' && typeof value === 'string' ? value.split('.') : value,
  });
  return [
    { tag: `!${name}`, identify: () => false, resolve: (v: string) => wrap(v) },
    {
      tag: `!${name}`,
      collection: 'seq' as const,
      identify: () => false,
      resolve: (v: unknown) => wrap(isSeq(v) ? v.toJSON() : v),
    },
    {
      tag: `!${name}`,
      collection: 'map' as const,
      identify: () => false,
      resolve: (v: unknown) => wrap(isMap(v) || isScalar(v) ? v.toJSON() : v),
    },
  ];
});

/** Parse YAML with CloudFormation's short-form tags understood. */
export function parseTemplateYaml(text: string): unknown {
  const doc = parseDocument(text, { customTags: cloudFormationTags });
  if (doc.errors.length) throw new Error(doc.errors[0]!.message);
  return doc.toJS();
}

export function isSamTemplate(raw: unknown): boolean {
  if (!raw || typeof raw !== 'object') return false;
  const t = raw as Json;
  const transform = ([] as unknown[]).concat(t.Transform ?? []);
  if (transform.some((x) => typeof x === 'string' && x.startsWith('AWS::Serverless'))) return true;
  return Object.values((t.Resources as Json | undefined) ?? {}).some(
    (r) => (r as Json | null)?.Type === 'AWS::Serverless::Function',
  );
}

interface Resource {
  Type: string;
  Properties?: Json;
}

/** Where the template is deployed, and its parameter values (sam deploy's --parameter-overrides). */
export interface SamContext {
  region: string;
  accountId: string;
  stackName: string;
  parameters: Record<string, string>;
}

const DEFAULT_CONTEXT: SamContext = {
  region: 'us-east-1',
  accountId: '000000000000',
  stackName: 'gust',
  parameters: {},
};

/** Translate a SAM template into a Gust manifest (unvalidated: loadManifest validates it). */
export function samToManifest(
  raw: unknown,
  warn: (msg: string) => void = () => {},
  context: Partial<SamContext> = {},
): Json {
  const ctx = { ...DEFAULT_CONTEXT, ...context };
  const t0 = raw as Json;
  const resources0 = (t0.Resources ?? {}) as Record<string, Resource>;
  if (typeof resources0 !== 'object') throw new SamError('Resources must be a map');

  // Names first (they may use parameters), then every value with parameters and !Sub resolved.
  const params = parameterValues(t0, ctx);
  const names = (type: string, prop: string): Map<string, string> => {
    const m = new Map<string, string>();
    for (const [id, r] of Object.entries(resources0)) {
      if (r?.Type !== type) continue;
      const v = substitute(r.Properties?.[prop], ctx, params, new Map(), `${id}.${prop}`);
      m.set(id, str(v, `${id}.${prop}`) ?? id);
    }
    return m;
  };
  const queueNames = names('AWS::SQS::Queue', 'QueueName');
  const topicNames = names('AWS::SNS::Topic', 'TopicName');
  const arns = new Map<string, string>([
    ...[...queueNames].map(([id, n]) => [`${id}.Arn`, `arn:aws:sqs:${ctx.region}:${ctx.accountId}:${n}`] as const),
    ...[...queueNames].map(([id, n]) => [`${id}.QueueName`, n] as const),
    ...[...topicNames].map(([id, n]) => [id, `arn:aws:sns:${ctx.region}:${ctx.accountId}:${n}`] as const),
    ...[...topicNames].map(([id, n]) => [`${id}.TopicName`, n] as const),
  ]);
  const t = substitute(t0, ctx, params, arns, '') as Json;
  const resources = (t.Resources ?? {}) as Record<string, Resource>;
  const globals = ((t.Globals as Json | undefined)?.Function ?? {}) as Json;
  const ref = new Refs(queueNames, topicNames);

  const queues: Json = {};
  const topics: Json = {};
  const functions: Json = {};
  for (const [id, r] of Object.entries(resources)) {
    const p = r?.Properties ?? {};
    switch (r?.Type) {
      case 'AWS::SQS::Queue': {
        const q: Json = {};
        if (p.FifoQueue !== undefined) q.fifo = bool(p.FifoQueue);
        if (p.VisibilityTimeout !== undefined) q.visibilityTimeout = num(p.VisibilityTimeout);
        if (p.DelaySeconds !== undefined) q.delaySeconds = num(p.DelaySeconds);
        if (p.MessageRetentionPeriod !== undefined) q.retentionSeconds = num(p.MessageRetentionPeriod);
        const redrive = p.RedrivePolicy as Json | undefined;
        if (redrive) {
          q.deadLetter = {
            queue: ref.queue(redrive.deadLetterTargetArn, `${id}.RedrivePolicy.deadLetterTargetArn`),
            maxReceiveCount: num(redrive.maxReceiveCount),
          };
        }
        queues[queueNames.get(id)!] = q;
        break;
      }
      case 'AWS::SNS::Topic':
        topics[topicNames.get(id)!] = p.FifoTopic !== undefined ? { fifo: bool(p.FifoTopic) } : {};
        break;
      case 'AWS::Serverless::Function': {
        const name = str(p.FunctionName, `${id}.FunctionName`) ?? id;
        functions[name] = functionSpec(id, { ...globals, ...p, Environment: mergeEnv(globals, p) }, ref);
        break;
      }
      default:
        warn(`${id}: ${String(r?.Type)} is not something Gust runs; skipped`);
    }
  }
  return { functions, queues, topics };
}

function mergeEnv(globals: Json, p: Json): Json | undefined {
  const g = ((globals.Environment as Json | undefined)?.Variables ?? {}) as Json;
  const own = ((p.Environment as Json | undefined)?.Variables ?? {}) as Json;
  const vars = { ...g, ...own };
  return Object.keys(vars).length ? { Variables: vars } : undefined;
}

function functionSpec(id: string, p: Json, ref: Refs): Json {
  if (p.InlineCode !== undefined) throw new SamError(`${id}: InlineCode is not supported; use CodeUri`);
  if (p.PackageType === 'Image') throw new SamError(`${id}: container images are not supported; use a zip package`);
  const code = p.CodeUri ?? '.';
  if (typeof code !== 'string') throw new SamError(`${id}.CodeUri: use a local path (S3 locations are not supported)`);
  const spec: Json = { code, runtime: p.Runtime };
  if (p.Handler !== undefined) spec.handler = p.Handler;
  if (p.MemorySize !== undefined) spec.memory = num(p.MemorySize);
  if (p.Timeout !== undefined) spec.timeout = num(p.Timeout);
  if (p.Description !== undefined) spec.description = p.Description;
  if (p.ReservedConcurrentExecutions !== undefined) spec.reservedConcurrency = num(p.ReservedConcurrentExecutions);
  if (p.FunctionUrlConfig) spec.url = true;
  const vars = ((p.Environment as Json | undefined)?.Variables ?? {}) as Json;
  if (Object.keys(vars).length) {
    spec.environment = Object.fromEntries(
      Object.entries(vars).map(([k, v]) => [k, ref.value(v, `${id}.Environment.Variables.${k}`)]),
    );
  }
  const dlq = p.DeadLetterQueue as Json | undefined;
  if (dlq) {
    const where = `${id}.DeadLetterQueue.TargetArn`;
    spec.deadLetter =
      dlq.Type === 'SNS' ? { topic: ref.topic(dlq.TargetArn, where) } : { queue: ref.queue(dlq.TargetArn, where) };
  }
  const events = Object.entries((p.Events ?? {}) as Record<string, { Type?: string; Properties?: Json }>);
  if (events.length) spec.events = events.map(([eid, e]) => eventSpec(`${id}.Events.${eid}`, eid, e, ref));
  return spec;
}

function eventSpec(where: string, eid: string, e: { Type?: string; Properties?: Json }, ref: Refs): Json {
  const p = e.Properties ?? {};
  switch (e.Type) {
    case 'Api':
    case 'HttpApi': {
      // An HttpApi event without Path/Method is the API's catch-all route.
      if (p.Path === undefined && p.Method === undefined) return { http: '$default' };
      const method = String(p.Method ?? 'ANY').toUpperCase();
      return { http: `${method === 'X-AMAZON-APIGATEWAY-ANY-METHOD' ? 'ANY' : method} ${String(p.Path ?? '/')}` };
    }
    case 'SQS': {
      const q: Json = { queue: ref.queue(p.Queue, `${where}.Queue`) };
      if (p.BatchSize !== undefined) q.batchSize = num(p.BatchSize);
      if (p.MaximumBatchingWindowInSeconds !== undefined) q.batchingWindow = num(p.MaximumBatchingWindowInSeconds);
      if (Array.isArray(p.FunctionResponseTypes)) {
        q.reportBatchItemFailures = p.FunctionResponseTypes.includes('ReportBatchItemFailures');
      }
      const scaling = p.ScalingConfig as Json | undefined;
      if (scaling?.MaximumConcurrency !== undefined) q.maximumConcurrency = num(scaling.MaximumConcurrency);
      if (p.Enabled !== undefined) q.enabled = bool(p.Enabled);
      return { queue: q };
    }
    case 'SNS': {
      const s: Json = { topic: ref.topic(p.Topic, `${where}.Topic`) };
      if (p.FilterPolicy !== undefined) s.filterPolicy = p.FilterPolicy;
      return { topic: s };
    }
    case 'Schedule':
    case 'ScheduleV2': {
      const expression = e.Type === 'Schedule' ? p.Schedule : p.ScheduleExpression;
      const s: Json = { expression, name: str(p.Name, `${where}.Name`) ?? eid };
      if (p.ScheduleExpressionTimezone !== undefined) s.timezone = p.ScheduleExpressionTimezone;
      if (p.Input !== undefined) s.input = typeof p.Input === 'string' ? parseJson(p.Input, `${where}.Input`) : p.Input;
      const enabled = p.Enabled ?? (p.State !== undefined ? p.State === 'ENABLED' : undefined);
      if (enabled !== undefined) s.enabled = bool(enabled);
      return { schedule: s };
    }
    default:
      throw new SamError(
        `${where}: event type ${String(e.Type)} is not supported by Gust (supported: Api, HttpApi, SQS, SNS, Schedule, ScheduleV2)`,
      );
  }
}

/** Parameter values: --parameter-overrides, else each parameter's Default. */
function parameterValues(t: Json, ctx: SamContext): Map<string, string> {
  const out = new Map<string, string>();
  const declared = (t.Parameters ?? {}) as Record<string, { Default?: unknown; AllowedValues?: unknown[] } | null>;
  for (const [name, p] of Object.entries(declared)) {
    const v = ctx.parameters[name] ?? (p?.Default !== undefined ? String(p.Default) : undefined);
    if (v === undefined) continue;
    if (Array.isArray(p?.AllowedValues) && !p.AllowedValues.map(String).includes(v)) {
      throw new SamError(`Parameters.${name}: ${JSON.stringify(v)} is not one of its AllowedValues`);
    }
    out.set(name, v);
  }
  for (const name of Object.keys(ctx.parameters)) {
    if (!(name in declared)) throw new SamError(`parameter override ${name}: the template has no such parameter`);
  }
  return out;
}

const PSEUDO = (ctx: SamContext): Record<string, string> => ({
  'AWS::Region': ctx.region,
  'AWS::AccountId': ctx.accountId,
  'AWS::StackName': ctx.stackName,
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
});

/**
 * Replace !Ref of parameters and pseudo parameters and !Sub everywhere; !Ref / !GetAtt of
 * resources stay for the translator (Refs), other intrinsics stay and fail where they are used.
 */
function substitute(
  v: unknown,
  ctx: SamContext,
  params: Map<string, string>,
  attrs: Map<string, string>,
  where: string,
): unknown {
  if (Array.isArray(v)) return v.map((x, i) => substitute(x, ctx, params, attrs, `${where}[${i}]`));
  if (!v || typeof v !== 'object') return v;
  const o = v as Json;
  const keys = Object.keys(o);
  if (keys.length === 1 && keys[0] === 'Ref' && typeof o.Ref === 'string') {
    if (params.has(o.Ref)) return params.get(o.Ref);
    const pseudo = PSEUDO(ctx)[o.Ref];
    if (pseudo !== undefined) return pseudo;
    return v;
  }
  if (keys.length === 1 && keys[0] === 'Fn::Sub') {
    const arg = o['Fn::Sub'];
    const [text, vars] = Array.isArray(arg) ? [arg[0], (arg[1] ?? {}) as Json] : [arg, {} as Json];
    if (typeof text !== 'string') throw new SamError(`${where}: !Sub needs a string`);
    return text
      .replace(/\$\{([^}!][^}]*)\}/g, (_m, name: string) => {
        const local = vars[name];
        if (local !== undefined) {
          const r = substitute(local, ctx, params, attrs, where);
          if (typeof r === 'string' || typeof r === 'number') return String(r);
          const res = target(r); // !Ref Topic, !GetAtt Queue.Arn
          const v = res && attrs.get(res.kind === 'Ref' ? res.id : `${res.id}.${res.attr}`);
          if (v !== undefined) return v;
        }
        const known = params.get(name) ?? PSEUDO(ctx)[name] ?? attrs.get(name);
        if (known === undefined) {
          throw new SamError(
            `${where}: !Sub cannot resolve \${${name}} (parameters, pseudo parameters, Queue.Arn, Queue.QueueName, Topic and Topic.TopicName are supported)`,
          );
        }
        return known;
      })
      .replace(/\$\{!/g, '${'); // ${!Literal} is written as ${Literal}
  }
  return Object.fromEntries(
    Object.entries(o).map(([k, x]) => [k, substitute(x, ctx, params, attrs, where ? `${where}.${k}` : k)]),
  );
}

/** Resolves !Ref / !GetAtt of the template's queues and topics. */
class Refs {
  constructor(
    private queues: Map<string, string>,
    private topics: Map<string, string>,
  ) {}

  /** A queue by reference (Ref → URL, GetAtt .Arn) or by literal ARN/name; returns its name. */
  queue(v: unknown, where: string): string {
    const r = target(v);
    if (r && this.queues.has(r.id)) return this.queues.get(r.id)!;
    if (typeof v === 'string') return v.split(':').pop()!.split('/').pop()!;
    throw new SamError(`${where}: must reference a queue of this template (!GetAtt Queue.Arn)`);
  }

  topic(v: unknown, where: string): string {
    const r = target(v);
    if (r && this.topics.has(r.id)) return this.topics.get(r.id)!;
    if (typeof v === 'string') return v.split(':').pop()!;
    throw new SamError(`${where}: must reference a topic of this template (!Ref Topic)`);
  }

  /** An environment value: a literal, or a reference to a queue/topic resolved at apply time. */
  value(v: unknown, where: string): unknown {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
    const r = target(v);
    if (r && this.queues.has(r.id)) {
      const name = this.queues.get(r.id)!;
      if (r.kind === 'Ref' || r.attr === 'QueueUrl') return { queueUrl: name };
      if (r.attr === 'Arn') return { queueArn: name };
      if (r.attr === 'QueueName') return name;
    }
    if (r && this.topics.has(r.id)) {
      const name = this.topics.get(r.id)!;
      if (r.kind === 'Ref' || r.attr === 'TopicArn') return { topicArn: name };
      if (r.attr === 'TopicName') return name;
    }
    throw new SamError(
      `${where}: only literals and !Ref / !GetAtt of this template's queues and topics are supported, got ${JSON.stringify(v)}`,
    );
  }
}

function target(v: unknown): { kind: 'Ref' | 'GetAtt'; id: string; attr?: string } | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Json;
  if (typeof o.Ref === 'string') return { kind: 'Ref', id: o.Ref };
  const g = o['Fn::GetAtt'];
  if (Array.isArray(g) && typeof g[0] === 'string') return { kind: 'GetAtt', id: g[0], attr: String(g[1] ?? '') };
  return undefined;
}

function str(v: unknown, where: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new SamError(`${where}: only literal names are supported`);
  return v;
}

function num(v: unknown): unknown {
  return typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
}

function bool(v: unknown): unknown {
  return v === 'true' ? true : v === 'false' ? false : v;
}

function parseJson(s: string, where: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    throw new SamError(`${where}: not valid JSON`);
  }
}
