/** Lambda REST API, function resources: Create/Get/List/Update/Delete function. */
import type { FastifyInstance } from 'fastify';
import type { FunctionConfigInput, Registry } from '../../control/registry.ts';
import type { Versions } from '../../control/versions.ts';
import { functionArn, parseFunctionRef, requestQualifier } from '../../control/names.ts';
import { GustError } from '../../errors.ts';
import { jsonBody } from '../body.ts';
import { paginate } from './pagination.ts';
import { createFunctionSchema, updateCodeSchema, updateConfigSchema } from './schemas.ts';
import { functionCode, functionConfiguration, type ApiContext } from './shapes.ts';
import type { z } from 'zod';

const BASE = '/2015-03-31/functions';

function decodeZip(zipFile: string | undefined, other: { S3Bucket?: string; ImageUri?: string }): Buffer {
  if (other.ImageUri)
    throw new GustError('GUST_INVALID_PARAMETER', 'Container images are not supported by Gust yet; use a zip package.');
  if (other.S3Bucket) throw new GustError('GUST_INVALID_PARAMETER', 'Code from S3 is not supported yet; pass ZipFile.');
  if (!zipFile) throw new GustError('GUST_INVALID_PARAMETER', 'Please provide a source for function code.');
  const buf = Buffer.from(zipFile, 'base64');
  if (!buf.length)
    throw new GustError(
      'GUST_INVALID_ZIP',
      'Could not unzip uploaded file. Please check your file, then try to upload again.',
    );
  return buf;
}

function configInput(b: z.infer<typeof updateConfigSchema>): FunctionConfigInput {
  return {
    runtime: b.Runtime,
    handler: b.Handler,
    role: b.Role,
    description: b.Description,
    memorySize: b.MemorySize,
    timeout: b.Timeout,
    environment: b.Environment ? (b.Environment.Variables ?? {}) : undefined,
    ephemeralStorageSize: b.EphemeralStorage?.Size,
    loggingConfig: b.LoggingConfig,
    layers: b.Layers,
    deadLetterTargetArn: b.DeadLetterConfig ? (b.DeadLetterConfig.TargetArn ?? '') : undefined,
  };
}

export function registerFunctionRoutes(
  app: FastifyInstance,
  registry: Registry,
  versions: Versions,
  ctx: ApiContext,
): void {
  const arnOf = (name: string, q?: string): string => functionArn(ctx.region, ctx.accountId, name, q);
  const checkRevision = (current: string, expected?: string): void => {
    if (expected && expected !== current) {
      throw new GustError(
        'GUST_PRECONDITION_FAILED',
        'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
      );
    }
  };

  app.post(BASE, async (req, reply) => {
    const b = jsonBody(req, createFunctionSchema);
    if (b.PackageType === 'Image')
      throw new GustError(
        'GUST_INVALID_PARAMETER',
        'Container images are not supported by Gust yet; use a zip package.',
      );
    const { name } = parseFunctionRef(b.FunctionName);
    const rec = await registry.create({
      name,
      ...configInput(b),
      runtime: b.Runtime,
      architectures: b.Architectures,
      zip: decodeZip(b.Code.ZipFile, b.Code),
    });
    if (b.Publish) return reply.status(201).send(functionConfiguration(ctx, versions.publish(name)));
    return reply.status(201).send(functionConfiguration(ctx, rec.latest));
  });

  app.get(BASE + '/', async (req) => {
    const { page, nextMarker } = paginate(registry.list(), (r) => r.name, req.query as Record<string, string>);
    return {
      Functions: page.map((r) => functionConfiguration(ctx, r.latest)),
      ...(nextMarker ? { NextMarker: nextMarker } : {}),
    };
  });

  app.get(`${BASE}/:name`, async (req) => {
    const ref = parseFunctionRef((req.params as { name: string }).name);
    const qualifier = requestQualifier(ref, (req.query as { Qualifier?: string }).Qualifier);
    const rec = registry.require(ref.name, arnOf(ref.name, qualifier));
    const fn = registry.resolveVersion(rec, qualifier, arnOf(ref.name, qualifier));
    const reserved = rec.settings.reservedConcurrency;
    return {
      Configuration: functionConfiguration(ctx, fn),
      Code: functionCode(ctx, fn),
      Tags: {},
      ...(reserved !== undefined ? { Concurrency: { ReservedConcurrentExecutions: reserved } } : {}),
    };
  });

  app.get(`${BASE}/:name/configuration`, async (req) => {
    const ref = parseFunctionRef((req.params as { name: string }).name);
    const qualifier = requestQualifier(ref, (req.query as { Qualifier?: string }).Qualifier);
    const rec = registry.require(ref.name, arnOf(ref.name, qualifier));
    return functionConfiguration(ctx, registry.resolveVersion(rec, qualifier, arnOf(ref.name, qualifier)));
  });

  app.put(`${BASE}/:name/configuration`, async (req) => {
    const ref = parseFunctionRef((req.params as { name: string }).name);
    const b = jsonBody(req, updateConfigSchema);
    checkRevision(registry.require(ref.name, arnOf(ref.name)).latest.revisionId, b.RevisionId);
    const rec = registry.updateConfig(ref.name, configInput(b), arnOf(ref.name));
    return functionConfiguration(ctx, rec.latest);
  });

  app.put(`${BASE}/:name/code`, async (req) => {
    const ref = parseFunctionRef((req.params as { name: string }).name);
    const b = jsonBody(req, updateCodeSchema);
    const current = registry.require(ref.name, arnOf(ref.name));
    checkRevision(current.latest.revisionId, b.RevisionId);
    const zip = decodeZip(b.ZipFile, b);
    if (b.DryRun) return functionConfiguration(ctx, current.latest);
    const rec = await registry.updateCode(ref.name, zip, arnOf(ref.name));
    if (b.Publish) return functionConfiguration(ctx, versions.publish(ref.name));
    return functionConfiguration(ctx, rec.latest);
  });

  app.delete(`${BASE}/:name`, async (req, reply) => {
    const ref = parseFunctionRef((req.params as { name: string }).name);
    const qualifier = requestQualifier(ref, (req.query as { Qualifier?: string }).Qualifier);
    if (qualifier && qualifier !== '$LATEST') {
      if (!/^\d+$/.test(qualifier)) {
        throw new GustError(
          'GUST_INVALID_PARAMETER',
          'Deletion of aliases is not supported with DeleteFunction; use DeleteAlias.',
        );
      }
      registry.require(ref.name, arnOf(ref.name, qualifier));
      versions.delete(ref.name, qualifier);
      return reply.status(204).send();
    }
    registry.delete(ref.name, arnOf(ref.name));
    return reply.status(204).send();
  });
}
