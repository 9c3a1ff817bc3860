/**
 * CORS as API Gateway HTTP APIs and Lambda function URLs apply it: a configured gateway answers
 * preflight requests itself (OPTIONS with Origin and Access-Control-Request-Method; the function is
 * not invoked) and adds the configured headers to every other response to a request with an Origin.
 */
import { z } from 'zod';
import { GustError } from '../../errors.ts';

export interface CorsConfig {
  AllowOrigins?: string[];
  AllowMethods?: string[];
  AllowHeaders?: string[];
  ExposeHeaders?: string[];
  MaxAge?: number;
  AllowCredentials?: boolean;
}

export type Headers = Record<string, string | string[]>;

const ORIGIN = /^(\*|https?:\/\/\*|[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/\s*]+)$/;
const METHOD = /^(\*|GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)$/i;
const TOKEN = /^(\*|[!#$%&'*+.^_`|~0-9A-Za-z-]+)$/;

/** The CORS configuration of the HTTP API (Gust API /gust/v1/http/cors): unknown fields are errors. */
export const apiCorsSchema = z.strictObject({
  AllowOrigins: z
    .array(z.string().regex(ORIGIN, 'an origin: *, http://*, https://* or scheme://host[:port]'))
    .optional(),
  AllowMethods: z.array(z.string().regex(METHOD, 'an HTTP method or *')).optional(),
  AllowHeaders: z.array(z.string().regex(TOKEN, 'a header name or *')).optional(),
  ExposeHeaders: z.array(z.string().regex(TOKEN, 'a header name or *')).optional(),
  MaxAge: z.number().int().min(-1).max(86400).optional(),
  AllowCredentials: z.boolean().optional(),
});

/** Parse a CORS configuration for the HTTP API; throws GUST_HTTP_INVALID_CORS. */
export function parseApiCors(data: unknown): CorsConfig {
  const r = apiCorsSchema.safeParse(data);
  if (!r.success) {
    const detail = r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
    throw new GustError('GUST_HTTP_INVALID_CORS', `Invalid CORS configuration: ${detail}`);
  }
  const cors = r.data;
  if (cors.AllowCredentials && cors.AllowOrigins?.includes('*')) {
    throw new GustError(
      'GUST_HTTP_INVALID_CORS',
      'Invalid CORS configuration: AllowCredentials cannot be true when AllowOrigins contains *',
    );
  }
  if (cors.AllowMethods) cors.AllowMethods = cors.AllowMethods.map((m) => m.toUpperCase());
  return cors;
}

function originAllowed(cors: CorsConfig, origin: string): boolean {
  for (const o of cors.AllowOrigins ?? []) {
    if (o === '*' || o === origin) return true;
    if (o.endsWith('://*') && origin.startsWith(o.slice(0, -1))) return true;
  }
  return false;
}

/** The Access-Control-Allow-Origin value: `*` when allowed without credentials, else the origin. */
function allowOriginValue(cors: CorsConfig, origin: string): string {
  return cors.AllowOrigins?.includes('*') && !cors.AllowCredentials ? '*' : origin;
}

/** Whether a request is a CORS preflight (answered by the gateway when CORS is configured). */
export function isPreflight(method: string, headers: Record<string, string | string[] | undefined>): boolean {
  return method === 'OPTIONS' && headers.origin !== undefined && headers['access-control-request-method'] !== undefined;
}

/** Headers for a preflight response (204). Empty when the origin is not allowed. */
export function preflightHeaders(
  cors: CorsConfig,
  origin: string,
  requestMethod: string,
  requestHeaders: string | undefined,
): Headers {
  if (!originAllowed(cors, origin)) return {};
  const h: Headers = { 'access-control-allow-origin': allowOriginValue(cors, origin) };
  if (h['access-control-allow-origin'] !== '*') h.vary = 'Origin';
  if (cors.AllowMethods?.length) {
    h['access-control-allow-methods'] = cors.AllowMethods.includes('*')
      ? requestMethod.toUpperCase()
      : cors.AllowMethods.join(',');
  }
  if (cors.AllowHeaders?.length) {
    h['access-control-allow-headers'] = cors.AllowHeaders.includes('*')
      ? (requestHeaders ?? '*')
      : cors.AllowHeaders.join(',');
  }
  if (cors.MaxAge !== undefined && cors.MaxAge >= 0) h['access-control-max-age'] = String(cors.MaxAge);
  if (cors.AllowCredentials) h['access-control-allow-credentials'] = 'true';
  return h;
}

/** Headers added to an actual (non-preflight) response to a request with an Origin. */
export function responseCorsHeaders(cors: CorsConfig, origin: string): Headers {
  if (!originAllowed(cors, origin)) return {};
  const h: Headers = { 'access-control-allow-origin': allowOriginValue(cors, origin) };
  if (h['access-control-allow-origin'] !== '*') h.vary = 'Origin';
  if (cors.ExposeHeaders?.length) h['access-control-expose-headers'] = cors.ExposeHeaders.join(',');
  if (cors.AllowCredentials) h['access-control-allow-credentials'] = 'true';
  return h;
}

/** Drop access-control-* headers (a configured gateway ignores the function's own CORS headers). */
export function stripCorsHeaders(headers: Headers): void {
  for (const k of Object.keys(headers)) if (k.startsWith('access-control-')) delete headers[k];
}
