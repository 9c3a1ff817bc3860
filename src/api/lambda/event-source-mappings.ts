/**
 * Lambda REST API: Create/Get/Update/Delete/ListEventSourceMapping(s). The routes only speak
 * HTTP (shapes, status codes, paging); the service that owns the event sources (SQS) supplies the
 * backend and registers these routes from its setup().
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { jsonBody } from '../body.ts';
import { paginate } from './pagination.ts';

const schema = z.looseObject({
  FunctionName: z.string().min(1).max(140).optional(),
  EventSourceArn: z.string().min(12).max(1024).optional(),
  Enabled: z.boolean().optional(),
  BatchSize: z.number().int().optional(),
  MaximumBatchingWindowInSeconds: z.number().int().optional(),
  FunctionResponseTypes: z
    .array(z.enum(['ReportBatchItemFailures']))
    .max(1)
    .optional(),
  ScalingConfig: z.looseObject({ MaximumConcurrency: z.number().int().min(2).max(1000).optional() }).optional(),
});

export type EventSourceMappingInput = z.infer<typeof schema>;

/** EventSourceMappingConfiguration as Lambda returns it. */
export type EventSourceMappingShape = Record<string, unknown> & { UUID: string };

export interface EventSourceMappingBackend {
  create(input: EventSourceMappingInput): EventSourceMappingShape;
  get(uuid: string): EventSourceMappingShape;
  update(uuid: string, input: EventSourceMappingInput): EventSourceMappingShape;
  delete(uuid: string): EventSourceMappingShape;
  list(filter: { eventSourceArn?: string; functionName?: string }): EventSourceMappingShape[];
}

export function registerEventSourceMappingRoutes(app: FastifyInstance, backend: EventSourceMappingBackend): void {
  const base = '/2015-03-31/event-source-mappings';
  const uuidOf = (p: unknown): string => (p as { uuid: string }).uuid;

  app.post(`${base}/`, async (req, reply) => reply.status(202).send(backend.create(jsonBody(req, schema))));
  app.get(`${base}/:uuid`, async (req) => backend.get(uuidOf(req.params)));
  app.put(`${base}/:uuid`, async (req, reply) =>
    reply.status(202).send(backend.update(uuidOf(req.params), jsonBody(req, schema))),
  );
  app.delete(`${base}/:uuid`, async (req, reply) => reply.status(202).send(backend.delete(uuidOf(req.params))));
  app.get(`${base}/`, async (req) => {
    const q = req.query as Record<string, string | undefined>;
    const { page, nextMarker } = paginate(
      backend.list({ eventSourceArn: q.EventSourceArn, functionName: q.FunctionName }),
      (m) => m.UUID,
      q as { Marker?: string; MaxItems?: string },
      100,
    );
    return { EventSourceMappings: page, ...(nextMarker ? { NextMarker: nextMarker } : {}) };
  });
}
