/** Lambda REST API: reserved concurrency, provisioned concurrency, account settings. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { FunctionSettingsService } from '../../control/function-settings.ts';
import { functionArn, parseFunctionRef } from '../../control/names.ts';
import type { Registry } from '../../control/registry.ts';
import { MAX_UNZIPPED_BYTES, MAX_ZIPPED_BYTES } from '../../control/code-store.ts';
import { jsonBody } from '../body.ts';
import type { ApiContext } from './shapes.ts';

export interface ProvisionedStatus {
  allocated: number;
  available: number;
  status: 'IN_PROGRESS' | 'READY' | 'FAILED';
  reason?: string;
}

export interface ProvisionedView {
  provisionedStatus(name: string, qualifier: string): ProvisionedStatus;
}

const reservedSchema = z.looseObject({ ReservedConcurrentExecutions: z.number().int() });
const provisionedSchema = z.looseObject({ ProvisionedConcurrentExecutions: z.number().int() });

export function registerConcurrencyRoutes(
  app: FastifyInstance,
  registry: Registry,
  settings: FunctionSettingsService,
  placement: ProvisionedView,
  ctx: ApiContext,
  accountLimit: () => number,
): void {
  const fnName = (p: unknown): string => parseFunctionRef((p as { name: string }).name).name;

  app.put('/2017-10-31/functions/:name/concurrency', async (req) => {
    const b = jsonBody(req, reservedSchema);
    return {
      ReservedConcurrentExecutions: settings.putReservedConcurrency(fnName(req.params), b.ReservedConcurrentExecutions),
    };
  });
  app.get('/2019-09-30/functions/:name/concurrency', async (req) => {
    const r = registry.require(fnName(req.params)).settings.reservedConcurrency;
    return r === undefined ? {} : { ReservedConcurrentExecutions: r };
  });
  app.delete('/2017-10-31/functions/:name/concurrency', async (req, reply) => {
    settings.deleteReservedConcurrency(fnName(req.params));
    return reply.status(204).send();
  });

  const provisionedShape = (name: string, qualifier: string, cfg: { requested: number; lastModified: string }) => {
    const s = placement.provisionedStatus(name, qualifier);
    return {
      FunctionArn: functionArn(ctx.region, ctx.accountId, name, qualifier),
      RequestedProvisionedConcurrentExecutions: cfg.requested,
      AvailableProvisionedConcurrentExecutions: Math.min(s.available, cfg.requested),
      AllocatedProvisionedConcurrentExecutions: Math.min(s.allocated, cfg.requested),
      Status: s.status,
      ...(s.reason ? { StatusReason: s.reason } : {}),
      LastModified: cfg.lastModified,
    };
  };
  const base = '/2019-09-30/functions/:name/provisioned-concurrency';
  app.put(base, async (req, reply) => {
    const name = fnName(req.params);
    const qualifier = (req.query as { Qualifier?: string }).Qualifier;
    const b = jsonBody(req, provisionedSchema);
    const cfg = settings.putProvisioned(name, qualifier, b.ProvisionedConcurrentExecutions);
    const { FunctionArn: _arn, ...shape } = provisionedShape(name, qualifier!, cfg);
    return reply.status(202).send(shape);
  });
  app.get(base, async (req) => {
    const name = fnName(req.params);
    const q = req.query as { Qualifier?: string; List?: string };
    if (q.List === 'ALL' || q.Qualifier === undefined) {
      const all = Object.entries(registry.require(name).settings.provisioned);
      return { ProvisionedConcurrencyConfigs: all.map(([qual, cfg]) => provisionedShape(name, qual, cfg)) };
    }
    const cfg = settings.getProvisioned(name, q.Qualifier);
    const { FunctionArn: _arn, ...shape } = provisionedShape(name, q.Qualifier, cfg);
    return shape;
  });
  app.delete(base, async (req, reply) => {
    settings.deleteProvisioned(fnName(req.params), (req.query as { Qualifier?: string }).Qualifier);
    return reply.status(204).send();
  });

  app.get('/2016-08-19/account-settings', async () => {
    const functions = registry.list();
    const versions = functions.flatMap((f) => [f.latest, ...registry.store.listVersions(f.name)]);
    return {
      AccountLimit: {
        TotalCodeSize: 80_530_636_800,
        CodeSizeUnzipped: MAX_UNZIPPED_BYTES,
        CodeSizeZipped: MAX_ZIPPED_BYTES,
        ConcurrentExecutions: accountLimit(),
        UnreservedConcurrentExecutions: accountLimit() - settings.reservedTotal(),
      },
      AccountUsage: { TotalCodeSize: versions.reduce((s, v) => s + v.codeSize, 0), FunctionCount: functions.length },
    };
  });
}
