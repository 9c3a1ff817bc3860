/**
 * Lambda REST API for function URLs: Create/Get/Update/Delete FunctionUrlConfig
 * (/2021-10-31/functions/{name}/url) and ListFunctionUrlConfigs (/2021-10-31/functions/{name}/urls),
 * with Lambda's shapes and errors. AuthType AWS_IAM is accepted but not enforced; InvokeMode
 * RESPONSE_STREAM is refused (the gateway buffers responses).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { functionArn, parseFunctionRef } from '../../control/names.ts';
import type { Registry } from '../../control/registry.ts';
import { GustError } from '../../errors.ts';
import { jsonBody } from '../../api/body.ts';
import { paginate } from '../../api/lambda/pagination.ts';
import type { CorsConfig } from './cors.ts';
import type { FunctionUrls } from './function-urls.ts';
import { randomId } from './routes.ts';
import type { FunctionUrlRecord } from './store.ts';

export interface FunctionUrlApiDeps {
  urls: FunctionUrls;
  registry: Registry;
  region: string;
  accountId: string;
  /** The gateway's base URL, e.g. http://127.0.0.1:9001 */
  gatewayUrl: () => string;
}

const corsSchema = z.object({
  AllowCredentials: z.boolean().optional(),
  AllowHeaders: z.array(z.string().max(1024)).max(100).optional(),
  AllowMethods: z.array(z.string().max(6)).max(6).optional(),
  AllowOrigins: z.array(z.string().min(1).max(253)).max(100).optional(),
  ExposeHeaders: z.array(z.string().max(1024)).max(100).optional(),
  MaxAge: z.number().int().min(0).max(86400).optional(),
});
const createSchema = z.looseObject({
  AuthType: z.string(),
  Cors: corsSchema.optional(),
  InvokeMode: z.string().optional(),
});
const updateSchema = z.looseObject({
  AuthType: z.string().optional(),
  Cors: corsSchema.optional(),
  InvokeMode: z.string().optional(),
});

const NOT_EXIST = 'The resource you requested does not exist.';

function enumCheck(field: string, value: string | undefined, allowed: string[]): void {
  if (value !== undefined && !allowed.includes(value)) {
    throw new GustError(
      'GUST_VALIDATION',
      `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`,
    );
  }
}

function checkInvokeMode(mode: string | undefined): void {
  enumCheck('invokeMode', mode, ['RESPONSE_STREAM', 'BUFFERED']);
  if (mode === 'RESPONSE_STREAM') {
    throw new GustError(
      'GUST_INVALID_PARAMETER',
      'InvokeMode RESPONSE_STREAM is not supported by Gust: function URLs buffer responses (use BUFFERED)',
    );
  }
}

export function registerFunctionUrlApi(app: FastifyInstance, d: FunctionUrlApiDeps): void {
  const arnOf = (u: { functionName: string; qualifier?: string }): string =>
    functionArn(d.region, d.accountId, u.functionName, u.qualifier);

  /** Function name and URL qualifier (an alias; versions and $LATEST are not allowed). */
  const target = (req: FastifyRequest): { name: string; qualifier?: string } => {
    const ref = parseFunctionRef((req.params as { name: string }).name);
    const qualifier = (req.query as { Qualifier?: string }).Qualifier ?? ref.qualifier;
    if (qualifier !== undefined && (!/^[0-9a-zA-Z-_]+$/.test(qualifier) || /^\d+$/.test(qualifier))) {
      throw new GustError(
        'GUST_VALIDATION',
        `1 validation error detected: Value '${qualifier}' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: ((?!^\\d+$)^[0-9a-zA-Z-_]+$)`,
      );
    }
    return qualifier === undefined ? { name: ref.name } : { name: ref.name, qualifier };
  };

  const shape = (u: FunctionUrlRecord, lastModified = true): Record<string, unknown> => ({
    FunctionUrl: `${d.gatewayUrl()}/lambda-url/${u.urlId}/`,
    FunctionArn: arnOf(u),
    AuthType: u.authType,
    ...(u.cors ? { Cors: u.cors } : {}),
    CreationTime: u.createdAt,
    ...(lastModified ? { LastModifiedTime: u.updatedAt } : {}),
    ...(u.invokeMode ? { InvokeMode: u.invokeMode } : {}),
  });

  const requireUrl = (t: { name: string; qualifier?: string }): FunctionUrlRecord => {
    if (!d.registry.get(t.name)) throw new GustError('GUST_FUNCTION_NOT_FOUND', NOT_EXIST);
    const u = d.urls.find(t.name, t.qualifier);
    if (!u) throw new GustError('GUST_FUNCTION_URL_NOT_FOUND', NOT_EXIST);
    return u;
  };

  const base = '/2021-10-31/functions/:name/url';

  app.post(base, async (req, reply) => {
    const t = target(req);
    const b = jsonBody(req, createSchema);
    enumCheck('authType', b.AuthType, ['NONE', 'AWS_IAM']);
    checkInvokeMode(b.InvokeMode);
    if (!d.registry.get(t.name)) throw new GustError('GUST_FUNCTION_NOT_FOUND', 'Function does not exist');
    if (d.urls.find(t.name, t.qualifier)) {
      throw new GustError(
        'GUST_FUNCTION_EXISTS',
        `Failed to create function url config for [functionArn = ${arnOf({ functionName: t.name, qualifier: t.qualifier })}]. Error message:  FunctionUrlConfig exists for this Lambda function`,
      );
    }
    if (t.qualifier !== undefined && !d.registry.store.getAlias(t.name, t.qualifier)) {
      throw new GustError('GUST_FUNCTION_NOT_FOUND', 'Function does not exist');
    }
    let urlId = randomId(32);
    while (d.urls.findById(urlId)) urlId = randomId(32);
    const now = new Date().toISOString();
    const u: FunctionUrlRecord = {
      urlId,
      functionName: t.name,
      ...(t.qualifier !== undefined ? { qualifier: t.qualifier } : {}),
      authType: b.AuthType as FunctionUrlRecord['authType'],
      ...(b.Cors ? { cors: b.Cors as CorsConfig } : {}),
      ...(b.InvokeMode !== undefined ? { invokeMode: 'BUFFERED' as const } : {}),
      createdAt: now,
      updatedAt: now,
    };
    d.urls.put(u);
    return reply.status(201).send(shape(u, false));
  });

  app.get(base, async (req) => shape(requireUrl(target(req))));

  app.put(base, async (req) => {
    const t = target(req);
    const b = jsonBody(req, updateSchema);
    enumCheck('authType', b.AuthType, ['NONE', 'AWS_IAM']);
    checkInvokeMode(b.InvokeMode);
    const u: FunctionUrlRecord = { ...requireUrl(t), updatedAt: new Date().toISOString() };
    if (b.AuthType !== undefined) u.authType = b.AuthType as FunctionUrlRecord['authType'];
    if (b.Cors !== undefined) u.cors = b.Cors as CorsConfig;
    if (b.InvokeMode !== undefined) u.invokeMode = 'BUFFERED';
    d.urls.put(u);
    return shape(u);
  });

  app.delete(base, async (req, reply) => {
    d.urls.delete(requireUrl(target(req)));
    return reply.status(204).send();
  });

  app.get('/2021-10-31/functions/:name/urls', async (req) => {
    const ref = parseFunctionRef((req.params as { name: string }).name);
    if (!d.registry.get(ref.name)) throw new GustError('GUST_FUNCTION_NOT_FOUND', 'Function does not exist');
    const all = d.urls
      .listOf(ref.name)
      .map((u) => shape(u))
      .sort((a, b) => String(a.FunctionArn).localeCompare(String(b.FunctionArn)));
    const { page, nextMarker } = paginate(
      all,
      (x) => String(x.FunctionArn),
      req.query as { Marker?: string; MaxItems?: string },
    );
    return { FunctionUrlConfigs: page, ...(nextMarker ? { NextMarker: nextMarker } : {}) };
  });
}
