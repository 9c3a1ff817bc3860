/**
 * HTTP API route keys: `$default`, or `METHOD /path` where METHOD is an HTTP method or ANY and the
 * path's segments are literals, `{name}` path variables, or a trailing greedy `{name+}`.
 */
import { GustError } from '../../errors.ts';

export const ROUTE_METHODS = ['ANY', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
export type RouteMethod = (typeof ROUTE_METHODS)[number];

export type Segment =
  { kind: 'literal'; value: string } | { kind: 'param'; name: string } | { kind: 'greedy'; name: string };

export interface ParsedRouteKey {
  /** Canonical form (method upper-cased). */
  key: string;
  isDefault: boolean;
  method: RouteMethod;
  segments: Segment[];
  /**
   * Two keys with the same shape match exactly the same requests (path variables differ only in
   * name), so only one of them may exist.
   */
  shape: string;
}

const PARAM_NAME = /^[A-Za-z0-9._-]+$/;
// RFC 3986 pchar (unreserved, sub-delims, ':', '@', and percent-encodings), minus braces.
const LITERAL = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})+$/;

const invalid = (key: string, why: string): GustError =>
  new GustError('GUST_HTTP_INVALID_ROUTE', `Invalid route key '${key}': ${why}`);

/** Parse and validate a route key; throws GUST_HTTP_INVALID_ROUTE. */
export function parseRouteKey(input: string): ParsedRouteKey {
  if (input === '$default') return { key: '$default', isDefault: true, method: 'ANY', segments: [], shape: '$default' };
  const m = /^([A-Za-z]+) (\/\S*)$/.exec(input);
  if (!m) throw invalid(input, "expected '$default' or 'METHOD /path' (one space, path starting with /)");
  const method = m[1]!.toUpperCase() as RouteMethod;
  if (!ROUTE_METHODS.includes(method)) throw invalid(input, `method must be one of ${ROUTE_METHODS.join(', ')}`);
  const path = m[2]!;
  const segments: Segment[] = [];
  const names = new Set<string>();
  const parts = path === '/' ? [] : path.slice(1).split('/');
  parts.forEach((part, i) => {
    if (part === '') throw invalid(input, 'empty path segment (double or trailing slash)');
    const pm = /^\{([^{}]*)\}$/.exec(part);
    if (pm) {
      const greedy = pm[1]!.endsWith('+');
      const name = greedy ? pm[1]!.slice(0, -1) : pm[1]!;
      if (!PARAM_NAME.test(name)) throw invalid(input, `bad path variable name '${pm[1]}'`);
      if (names.has(name)) throw invalid(input, `path variable '${name}' appears twice`);
      names.add(name);
      if (greedy && i !== parts.length - 1) throw invalid(input, 'a greedy path variable must be the last segment');
      segments.push(greedy ? { kind: 'greedy', name } : { kind: 'param', name });
      return;
    }
    if (!LITERAL.test(part)) throw invalid(input, `segment '${part}' has characters not allowed in a path`);
    segments.push({ kind: 'literal', value: safeDecode(part) });
  });
  const shapePath = segments.map((s) => (s.kind === 'literal' ? s.value : s.kind === 'param' ? '{}' : '{+}')).join('/');
  return { key: `${method} ${path}`, isDefault: false, method, segments, shape: `${method} /${shapePath}` };
}

export function safeDecode(s: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
