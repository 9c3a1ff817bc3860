/**
 * The in-memory route table and HTTP API route selection. Routes are compiled once per change;
 * a request costs one path split plus a Map lookup (literal routes) or a scan of the routes with
 * path variables, in priority order.
 *
 * Priority (API Gateway HTTP API): routes without a greedy variable, then routes with one, then
 * `$default`. Within a tier the most specific path wins: comparing segments left to right, a
 * literal beats `{param}`, which beats `{proxy+}`. For equally specific paths an exact method beats ANY.
 */
import { parseRouteKey, safeDecode, type ParsedRouteKey, type Segment } from './route-key.ts';

export interface RouteRecord {
  routeId: string;
  routeKey: string;
  functionName: string;
  qualifier?: string;
  /** Integration timeout: past it the client gets 503 (the invocation still runs to completion). */
  timeoutMs: number;
  createdAt: string;
  updatedAt: string;
}

export interface CompiledRoute {
  record: RouteRecord;
  parsed: ParsedRouteKey;
  greedy: boolean;
}

export interface RouteMatch {
  route: CompiledRoute;
  /** Undefined when the route has no path variables (the event then has no pathParameters). */
  pathParameters?: Record<string, string>;
}

const rank = (s: Segment): number => (s.kind === 'literal' ? 0 : s.kind === 'param' ? 1 : 2);

/** Negative when `a` is selected before `b` for a request both match. */
export function compareRoutes(a: CompiledRoute, b: CompiledRoute): number {
  if (a.parsed.isDefault !== b.parsed.isDefault) return a.parsed.isDefault ? 1 : -1;
  if (a.greedy !== b.greedy) return a.greedy ? 1 : -1;
  const sa = a.parsed.segments;
  const sb = b.parsed.segments;
  for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
    const d = rank(sa[i]!) - rank(sb[i]!);
    if (d !== 0) return d;
  }
  if (sa.length !== sb.length) return sb.length - sa.length;
  const anyA = a.parsed.method === 'ANY' ? 1 : 0;
  const anyB = b.parsed.method === 'ANY' ? 1 : 0;
  if (anyA !== anyB) return anyA - anyB;
  return a.record.createdAt.localeCompare(b.record.createdAt);
}

export class RouteTable {
  /** All-literal routes by `METHOD\0seg\0seg...` (decoded segments). */
  private literal = new Map<string, CompiledRoute>();
  /** Routes with path variables, in selection order. */
  private variable: CompiledRoute[] = [];
  private fallback?: CompiledRoute;
  /** Every route in selection order (for listing). */
  readonly ordered: CompiledRoute[];

  constructor(records: RouteRecord[]) {
    this.ordered = records
      .map((record) => {
        const parsed = parseRouteKey(record.routeKey);
        return { record, parsed, greedy: parsed.segments.some((s) => s.kind === 'greedy') };
      })
      .sort(compareRoutes);
    for (const r of this.ordered) {
      if (r.parsed.isDefault) this.fallback = r;
      else if (r.parsed.segments.every((s) => s.kind === 'literal')) {
        const path = r.parsed.segments.map((s) => (s as { value: string }).value);
        this.literal.set(`${r.parsed.method}\0${path.join('\0')}`, r);
      } else this.variable.push(r);
    }
  }

  get size(): number {
    return this.ordered.length;
  }

  /** Select the route for a request (rawPath as received, still percent-encoded). */
  match(method: string, rawPath: string): RouteMatch | undefined {
    const raw = rawPath === '/' || rawPath === '' ? [] : rawPath.slice(1).split('/');
    const parts = raw.map(safeDecode);
    if (this.literal.size) {
      const key = parts.join('\0');
      const hit = this.literal.get(`${method}\0${key}`) ?? this.literal.get(`ANY\0${key}`);
      if (hit) return { route: hit };
    }
    for (const route of this.variable) {
      if (route.parsed.method !== method && route.parsed.method !== 'ANY') continue;
      const params = matchSegments(route.parsed.segments, parts);
      if (params) return { route, pathParameters: params };
    }
    return this.fallback ? { route: this.fallback } : undefined;
  }
}

function matchSegments(segments: Segment[], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    if (s.kind === 'greedy') {
      const rest = parts.slice(i).join('/');
      if (rest === '') return undefined;
      params[s.name] = rest;
      return params;
    }
    const part = parts[i];
    if (part === undefined || part === '') return undefined;
    if (s.kind === 'literal') {
      if (s.value !== part) return undefined;
    } else params[s.name] = part;
  }
  return parts.length === segments.length ? params : undefined;
}
