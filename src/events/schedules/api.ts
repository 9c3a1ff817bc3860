/**
 * Gust's own schedules API (JSON):
 *   POST   /gust/v1/schedules                 create (201)
 *   GET    /gust/v1/schedules                 list (?prefix=&state=&function=)
 *   GET    /gust/v1/schedules/:name           get
 *   PATCH  /gust/v1/schedules/:name           change the given fields; `nextFireAt` (ISO time or "now")
 *                                             moves the next fire of an enabled schedule (operators, tests)
 *   DELETE /gust/v1/schedules/:name           delete (204)
 *   POST   /gust/v1/schedules/:name/enable    and /disable
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { jsonBody } from '../../api/body.ts';
import { functionArn } from '../../control/names.ts';
import { GustError } from '../../errors.ts';
import { CATCH_UP_POLICIES } from './catch-up.ts';
import { scheduleArn, type Account } from './event.ts';
import type { SchedulePatch, ScheduleInput, Schedules } from './schedules.ts';
import type { Schedule, ScheduleState } from './store.ts';

const date = z.union([z.string(), z.number()]).nullable().optional();

const fields = {
  expression: z.string(),
  timezone: z.string().optional(),
  functionName: z.string(),
  qualifier: z.string().nullable().optional(),
  /** Any JSON value: the payload the function receives; null → EventBridge's scheduled event. */
  input: z.unknown().optional(),
  state: z.enum(['ENABLED', 'DISABLED']).optional(),
  catchUp: z.enum(CATCH_UP_POLICIES).optional(),
  description: z.string().max(512).optional(),
  startDate: date,
  endDate: date,
  actionAfterCompletion: z.enum(['NONE', 'DELETE']).optional(),
};

const createSchema = z.strictObject({ name: z.string(), ...fields });
const patchSchema = z.strictObject({
  ...fields,
  expression: fields.expression.optional(),
  functionName: fields.functionName.optional(),
  /** ISO time or "now": when the schedule fires next (then it follows its expression). */
  nextFireAt: z.string().optional(),
});

function toTime(v: string | number | null | undefined, field: string): number | null | undefined {
  if (v === undefined || v === null) return v;
  const t = typeof v === 'number' ? v : Date.parse(v);
  if (!Number.isFinite(t)) throw new GustError('GUST_VALIDATION', `${field} must be an ISO 8601 time`);
  return t;
}

type Fields = { [K in keyof typeof fields]?: z.infer<(typeof fields)[K]> };

function toInput(b: Fields, has: (k: string) => boolean): SchedulePatch {
  return {
    expression: b.expression,
    timezone: b.timezone,
    functionName: b.functionName,
    qualifier: b.qualifier,
    input: has('input') ? (b.input === null ? null : JSON.stringify(b.input)) : undefined,
    state: b.state,
    catchUp: b.catchUp,
    description: b.description,
    startDate: toTime(b.startDate, 'startDate'),
    endDate: toTime(b.endDate, 'endDate'),
    actionAfterCompletion: b.actionAfterCompletion,
  };
}

const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());

function parseInput(input: string | null): unknown {
  if (input === null) return null;
  try {
    return JSON.parse(input);
  } catch {
    return input;
  }
}

export function scheduleJson(s: Schedule, a: Account): Record<string, unknown> {
  return {
    name: s.name,
    arn: scheduleArn(a, s.name),
    expression: s.expression,
    timezone: s.timezone,
    functionName: s.functionName,
    qualifier: s.qualifier,
    functionArn: functionArn(a.region, a.accountId, s.functionName, s.qualifier ?? undefined),
    input: parseInput(s.input),
    state: s.state,
    catchUp: s.catchUp,
    description: s.description,
    startDate: iso(s.startDate),
    endDate: iso(s.endDate),
    actionAfterCompletion: s.actionAfterCompletion,
    nextFireAt: iso(s.nextFireAt),
    lastFireAt: iso(s.lastFireAt),
    lastError: s.lastError,
    fireCount: s.fireCount,
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
  };
}

export function registerScheduleRoutes(
  app: FastifyInstance,
  schedules: Schedules,
  account: Account,
  now: () => number,
): void {
  const json = (s: Schedule): Record<string, unknown> => scheduleJson(s, account);
  const nameOf = (req: { params: unknown }): string => (req.params as { name: string }).name;

  app.post('/gust/v1/schedules', async (req, reply) => {
    const body = jsonBody(req, createSchema);
    const input = toInput(body, (k) => k in body) as ScheduleInput;
    const s = schedules.create(body.name, input, { verifyTarget: true });
    return reply.code(201).send(json(s));
  });

  app.get('/gust/v1/schedules', async (req) => {
    const q = req.query as Record<string, string | undefined>;
    if (q.state && q.state !== 'ENABLED' && q.state !== 'DISABLED') {
      throw new GustError('GUST_VALIDATION', 'state must be ENABLED or DISABLED');
    }
    const list = schedules.list({
      prefix: q.prefix || undefined,
      state: (q.state as ScheduleState | undefined) || undefined,
      functionName: q.function || undefined,
    });
    return { schedules: list.map(json) };
  });

  app.get('/gust/v1/schedules/:name', async (req) => json(schedules.get(nameOf(req))));

  app.patch('/gust/v1/schedules/:name', async (req) => {
    const body = jsonBody(req, patchSchema);
    const patch = toInput(body, (k) => k in body);
    if (body.nextFireAt !== undefined) {
      patch.nextFireAt = body.nextFireAt === 'now' ? now() : (toTime(body.nextFireAt, 'nextFireAt') as number);
    }
    return json(schedules.update(nameOf(req), patch, { verifyTarget: body.functionName !== undefined }));
  });

  app.delete('/gust/v1/schedules/:name', async (req, reply) => {
    schedules.delete(nameOf(req));
    return reply.code(204).send();
  });

  app.post('/gust/v1/schedules/:name/enable', async (req) => json(schedules.setState(nameOf(req), 'ENABLED')));
  app.post('/gust/v1/schedules/:name/disable', async (req) => json(schedules.setState(nameOf(req), 'DISABLED')));
}
