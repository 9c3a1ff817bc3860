/**
 * The EventBridge Scheduler API subset (REST-JSON, 2021-06-30) that @aws-sdk/client-scheduler and
 * `aws scheduler` use: CreateSchedule, GetSchedule, UpdateSchedule (full replace), DeleteSchedule,
 * ListSchedules, on /schedules[/{Name}]. Targets are Lambda functions; only the `default` schedule
 * group exists. Fields Gust does not act on (RoleArn, RetryPolicy, FlexibleTimeWindow, ...) are
 * kept and returned. Schedules created here use the `latest` catch-up policy (kept on update).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { jsonBody } from '../../api/body.ts';
import { functionArn } from '../../control/names.ts';
import { GustError } from '../../errors.ts';
import { scheduleArn, type Account } from './event.ts';
import { validateName, type ScheduleInput, type Schedules } from './schedules.ts';
import type { Schedule, ScheduleState } from './store.ts';

const LAMBDA_ARN = /^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:[a-zA-Z0-9-_]+(:(\$LATEST|[a-zA-Z0-9-_]+))?$/;

/** Timestamps arrive as epoch seconds (the SDKs and CLI) or ISO strings. */
const timestamp = z.union([z.number(), z.string()]).optional();

const targetSchema = z.looseObject({
  Arn: z.string().min(1).max(1600),
  RoleArn: z.string().min(1).max(1600),
  Input: z.string().min(1).optional(),
});

const scheduleSchema = z.object({
  ScheduleExpression: z.string().min(1).max(256),
  ScheduleExpressionTimezone: z.string().min(1).max(50).optional(),
  FlexibleTimeWindow: z.looseObject({ Mode: z.enum(['OFF', 'FLEXIBLE']) }),
  Target: targetSchema,
  State: z.enum(['ENABLED', 'DISABLED']).optional(),
  Description: z.string().max(512).optional(),
  GroupName: z.string().optional(),
  StartDate: timestamp,
  EndDate: timestamp,
  ActionAfterCompletion: z.enum(['NONE', 'DELETE']).optional(),
  KmsKeyArn: z.string().optional(),
  ClientToken: z.string().optional(),
});

type ScheduleBody = z.infer<typeof scheduleSchema>;

const groupNotFound = (g: string): GustError =>
  new GustError('GUST_SCHEDULE_NOT_FOUND', `Schedule group ${g} does not exist.`);

function checkGroup(g: string | undefined): void {
  if (g !== undefined && g !== 'default') throw groupNotFound(g);
}

function toMs(v: number | string | undefined, field: string): number | null {
  if (v === undefined) return null;
  const t = typeof v === 'number' ? v * 1000 : Date.parse(v);
  if (!Number.isFinite(t)) throw new GustError('GUST_VALIDATION', `${field} is not a valid timestamp`);
  return t;
}

function toInput(b: ScheduleBody): ScheduleInput {
  checkGroup(b.GroupName);
  if (!LAMBDA_ARN.test(b.Target.Arn)) {
    throw new GustError(
      'GUST_VALIDATION',
      `Invalid target ARN ${b.Target.Arn}: Gust schedules invoke AWS Lambda functions (arn:aws:lambda:<region>:<account>:function:<name>)`,
    );
  }
  const { Arn, Input, ...targetRest } = b.Target;
  return {
    expression: b.ScheduleExpression,
    timezone: b.ScheduleExpressionTimezone ?? 'UTC',
    functionName: Arn,
    input: Input ?? null,
    state: b.State ?? 'ENABLED',
    description: b.Description ?? '',
    startDate: toMs(b.StartDate, 'StartDate'),
    endDate: toMs(b.EndDate, 'EndDate'),
    actionAfterCompletion: b.ActionAfterCompletion ?? 'NONE',
    extra: {
      Target: targetRest,
      FlexibleTimeWindow: b.FlexibleTimeWindow,
      ...(b.KmsKeyArn ? { KmsKeyArn: b.KmsKeyArn } : {}),
    },
  };
}

const seconds = (t: number | null): number | undefined => (t === null ? undefined : t / 1000);

function scheduleOutput(s: Schedule, a: Account): Record<string, unknown> {
  const target = (s.extra.Target as Record<string, unknown> | undefined) ?? {
    RoleArn: `arn:aws:iam::${a.accountId}:role/gust`,
  };
  return {
    ActionAfterCompletion: s.actionAfterCompletion,
    Arn: scheduleArn(a, s.name),
    CreationDate: s.createdAt / 1000,
    Description: s.description || undefined,
    EndDate: seconds(s.endDate),
    FlexibleTimeWindow: s.extra.FlexibleTimeWindow ?? { Mode: 'OFF' },
    GroupName: 'default',
    KmsKeyArn: s.extra.KmsKeyArn,
    LastModificationDate: s.updatedAt / 1000,
    Name: s.name,
    ScheduleExpression: s.expression,
    ScheduleExpressionTimezone: s.timezone,
    StartDate: seconds(s.startDate),
    State: s.state,
    Target: {
      ...target,
      Arn: functionArn(a.region, a.accountId, s.functionName, s.qualifier ?? undefined),
      ...(s.input !== null ? { Input: s.input } : {}),
    },
  };
}

function summary(s: Schedule, a: Account): Record<string, unknown> {
  return {
    Arn: scheduleArn(a, s.name),
    CreationDate: s.createdAt / 1000,
    GroupName: 'default',
    LastModificationDate: s.updatedAt / 1000,
    Name: s.name,
    State: s.state,
    Target: { Arn: functionArn(a.region, a.accountId, s.functionName, s.qualifier ?? undefined) },
  };
}

function nameParam(req: FastifyRequest): string {
  const name = (req.params as { Name: string }).Name;
  validateName(name);
  return name;
}

export function registerSchedulerApi(app: FastifyInstance, schedules: Schedules, account: Account): void {
  app.post('/schedules/:Name', async (req) => {
    const name = nameParam(req);
    schedules.create(name, toInput(jsonBody(req, scheduleSchema)));
    return { ScheduleArn: scheduleArn(account, name) };
  });

  app.put('/schedules/:Name', async (req) => {
    const name = nameParam(req);
    const input = toInput(jsonBody(req, scheduleSchema));
    // UpdateSchedule replaces every field: absent optional ones return to their defaults.
    schedules.update(name, { ...input, qualifier: null });
    return { ScheduleArn: scheduleArn(account, name) };
  });

  app.get('/schedules/:Name', async (req) => {
    const name = nameParam(req);
    checkGroup((req.query as { groupName?: string }).groupName);
    return scheduleOutput(schedules.get(name), account);
  });

  app.delete('/schedules/:Name', async (req) => {
    const name = nameParam(req);
    checkGroup((req.query as { groupName?: string }).groupName);
    schedules.delete(name);
    return {};
  });

  app.get('/schedules', async (req) => {
    const q = req.query as Record<string, string | undefined>;
    checkGroup(q.ScheduleGroup);
    if (q.State !== undefined && q.State !== 'ENABLED' && q.State !== 'DISABLED') {
      throw new GustError(
        'GUST_VALIDATION',
        `1 validation error detected: Value '${q.State}' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]`,
      );
    }
    const max = q.MaxResults !== undefined ? Number(q.MaxResults) : 100;
    if (!Number.isInteger(max) || max < 1 || max > 100) {
      throw new GustError(
        'GUST_VALIDATION',
        `1 validation error detected: Value '${q.MaxResults}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100`,
      );
    }
    const all = schedules.list({ prefix: q.NamePrefix, state: q.State as ScheduleState | undefined });
    const start = q.NextToken ? all.findIndex((s) => s.name > Buffer.from(q.NextToken!, 'base64url').toString()) : 0;
    const page = start < 0 ? [] : all.slice(start, start + max);
    const more = start >= 0 && start + max < all.length;
    return {
      Schedules: page.map((s) => summary(s, account)),
      ...(more ? { NextToken: Buffer.from(page[page.length - 1]!.name).toString('base64url') } : {}),
    };
  });
}
