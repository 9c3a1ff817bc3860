/** Lambda REST API: PublishVersion, ListVersionsByFunction. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseFunctionRef } from '../../control/names.ts';
import type { Versions } from '../../control/versions.ts';
import { jsonBody } from '../body.ts';
import { paginate } from './pagination.ts';
import { functionConfiguration, type ApiContext } from './shapes.ts';

const publishSchema = z.looseObject({
  CodeSha256: z.string().optional(),
  Description: z.string().max(256).optional(),
  RevisionId: z.string().optional(),
});

export function registerVersionRoutes(app: FastifyInstance, versions: Versions, ctx: ApiContext): void {
  app.post('/2015-03-31/functions/:name/versions', async (req, reply) => {
    const { name } = parseFunctionRef((req.params as { name: string }).name);
    const b = jsonBody(req, publishSchema);
    const v = versions.publish(name, {
      description: b.Description,
      codeSha256: b.CodeSha256,
      revisionId: b.RevisionId,
    });
    return reply.status(201).send(functionConfiguration(ctx, v));
  });

  app.get('/2015-03-31/functions/:name/versions', async (req) => {
    const { name } = parseFunctionRef((req.params as { name: string }).name);
    const { page, nextMarker } = paginate(versions.list(name), (v) => v.version, req.query as Record<string, string>);
    return {
      Versions: page.map((v) => functionConfiguration(ctx, v)),
      ...(nextMarker ? { NextMarker: nextMarker } : {}),
    };
  });
}
