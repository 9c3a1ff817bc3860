/** Lambda REST API: Create/Get/Update/Delete/ListAliases. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Aliases } from '../../control/aliases.ts';
import type { AliasRecord } from '../../control/model.ts';
import { functionArn, parseFunctionRef } from '../../control/names.ts';
import { jsonBody } from '../body.ts';
import { paginate } from './pagination.ts';
import type { ApiContext } from './shapes.ts';

const routing = z.looseObject({ AdditionalVersionWeights: z.record(z.string(), z.number()).optional() }).optional();

const createSchema = z.looseObject({
  Name: z.string().min(1).max(128),
  FunctionVersion: z.string().min(1).max(1024),
  Description: z.string().max(256).optional(),
  RoutingConfig: routing,
});

const updateSchema = z.looseObject({
  FunctionVersion: z.string().min(1).max(1024).optional(),
  Description: z.string().max(256).optional(),
  RoutingConfig: routing,
  RevisionId: z.string().optional(),
});

export function aliasConfiguration(ctx: ApiContext, a: AliasRecord): Record<string, unknown> {
  return {
    AliasArn: functionArn(ctx.region, ctx.accountId, a.functionName, a.name),
    Name: a.name,
    FunctionVersion: a.functionVersion,
    Description: a.description,
    ...(a.routingConfig ? { RoutingConfig: a.routingConfig } : {}),
    RevisionId: a.revisionId,
  };
}

export function registerAliasRoutes(app: FastifyInstance, aliases: Aliases, ctx: ApiContext): void {
  const base = '/2015-03-31/functions/:name/aliases';
  const fnName = (p: unknown): string => parseFunctionRef((p as { name: string }).name).name;
  const routingOf = (r: { AdditionalVersionWeights?: Record<string, number> } | undefined) =>
    r ? { AdditionalVersionWeights: r.AdditionalVersionWeights ?? {} } : undefined;

  app.post(base, async (req, reply) => {
    const b = jsonBody(req, createSchema);
    const a = aliases.create(fnName(req.params), b.Name, {
      functionVersion: b.FunctionVersion,
      description: b.Description,
      routingConfig: routingOf(b.RoutingConfig),
    });
    return reply.status(201).send(aliasConfiguration(ctx, a));
  });

  app.get(base, async (req) => {
    const q = req.query as { FunctionVersion?: string; Marker?: string; MaxItems?: string };
    const { page, nextMarker } = paginate(aliases.list(fnName(req.params), q.FunctionVersion), (a) => a.name, q);
    return { Aliases: page.map((a) => aliasConfiguration(ctx, a)), ...(nextMarker ? { NextMarker: nextMarker } : {}) };
  });

  app.get(`${base}/:alias`, async (req) =>
    aliasConfiguration(ctx, aliases.get(fnName(req.params), (req.params as { alias: string }).alias)),
  );

  app.put(`${base}/:alias`, async (req) => {
    const b = jsonBody(req, updateSchema);
    const a = aliases.update(fnName(req.params), (req.params as { alias: string }).alias, {
      functionVersion: b.FunctionVersion,
      description: b.Description,
      routingConfig: routingOf(b.RoutingConfig),
      revisionId: b.RevisionId,
    });
    return aliasConfiguration(ctx, a);
  });

  app.delete(`${base}/:alias`, async (req, reply) => {
    aliases.delete(fnName(req.params), (req.params as { alias: string }).alias);
    return reply.status(204).send();
  });
}
