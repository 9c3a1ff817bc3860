/** Lambda REST API: Put/Update/Get/Delete/ListFunctionEventInvokeConfig(s). */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { EventInvokeConfigInput, FunctionSettingsService } from '../../control/function-settings.ts';
import type { EventInvokeConfig } from '../../control/model.ts';
import { functionArn, parseFunctionRef } from '../../control/names.ts';
import { jsonBody } from '../body.ts';
import { paginate } from './pagination.ts';
import type { ApiContext } from './shapes.ts';

const destination = z.looseObject({ Destination: z.string().nullable().optional() }).optional();
const schema = z.looseObject({
  MaximumRetryAttempts: z.number().int().optional(),
  MaximumEventAgeInSeconds: z.number().int().optional(),
  DestinationConfig: z.looseObject({ OnSuccess: destination, OnFailure: destination }).optional(),
});

function input(b: z.infer<typeof schema>): EventInvokeConfigInput {
  const dest = (d: { Destination?: string | null } | undefined): string | null | undefined =>
    d === undefined ? undefined : (d.Destination ?? null);
  return {
    maximumRetryAttempts: b.MaximumRetryAttempts,
    maximumEventAgeInSeconds: b.MaximumEventAgeInSeconds,
    onSuccess: dest(b.DestinationConfig?.OnSuccess),
    onFailure: dest(b.DestinationConfig?.OnFailure),
  };
}

export function registerEventInvokeConfigRoutes(
  app: FastifyInstance,
  settings: FunctionSettingsService,
  ctx: ApiContext,
): void {
  const base = '/2019-09-25/functions/:name/event-invoke-config';
  const fnName = (p: unknown): string => parseFunctionRef((p as { name: string }).name).name;
  const shape = (name: string, qualifier: string, c: EventInvokeConfig) => ({
    LastModified: c.lastModified / 1000,
    FunctionArn: functionArn(ctx.region, ctx.accountId, name, qualifier),
    MaximumRetryAttempts: c.maximumRetryAttempts,
    MaximumEventAgeInSeconds: c.maximumEventAgeInSeconds,
    DestinationConfig: {
      OnSuccess: c.onSuccess ? { Destination: c.onSuccess } : {},
      OnFailure: c.onFailure ? { Destination: c.onFailure } : {},
    },
  });
  const qualifierOf = (req: { query: unknown }): string | undefined => (req.query as { Qualifier?: string }).Qualifier;

  app.put(base, async (req) => {
    const name = fnName(req.params);
    const c = settings.putEventConfig(name, qualifierOf(req), input(jsonBody(req, schema)), false);
    return shape(name, qualifierOf(req) ?? '$LATEST', c);
  });
  app.post(base, async (req) => {
    const name = fnName(req.params);
    const c = settings.putEventConfig(name, qualifierOf(req), input(jsonBody(req, schema)), true);
    return shape(name, qualifierOf(req) ?? '$LATEST', c);
  });
  app.get(base, async (req) => {
    const name = fnName(req.params);
    return shape(name, qualifierOf(req) ?? '$LATEST', settings.getEventConfig(name, qualifierOf(req)));
  });
  app.delete(base, async (req, reply) => {
    settings.deleteEventConfig(fnName(req.params), qualifierOf(req));
    return reply.status(204).send();
  });
  app.get(`${base}/list`, async (req) => {
    const name = fnName(req.params);
    const { page, nextMarker } = paginate(
      settings.listEventConfigs(name),
      ([q]) => q,
      req.query as Record<string, string>,
    );
    return {
      FunctionEventInvokeConfigs: page.map(([q, c]) => shape(name, q, c)),
      ...(nextMarker ? { NextMarker: nextMarker } : {}),
    };
  });
}
