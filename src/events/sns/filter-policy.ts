/**
 * SNS subscription filter policies: parse + validate a policy (FilterPolicy attribute) and match it
 * against a message's attributes (FilterPolicyScope=MessageAttributes) or its JSON body
 * (FilterPolicyScope=MessageBody).
 *
 * Supported: exact strings/numbers/booleans/null, `prefix`, `suffix`, `equals-ignore-case`,
 * `anything-but` (values, prefix, suffix, equals-ignore-case), `numeric` (=, <, <=, >, >=, ranges),
 * `exists`, `cidr`, and `$or`. Keys are ANDed, the values of one key ORed. Limits as AWS: at most
 * 5 keys per combination, at most 150 value combinations, numbers within ±10^9.
 */
import net from 'node:net';
import type { MessageAttributeValue } from '../contracts.ts';

export type FilterPolicyScope = 'MessageAttributes' | 'MessageBody';

type Literal = string | number | boolean | null;

type Leaf =
  | { t: 'eq'; v: Literal }
  | { t: 'prefix'; v: string }
  | { t: 'suffix'; v: string }
  | { t: 'eqic'; v: string }
  | { t: 'numeric'; eq?: number; lo?: number; loInc?: boolean; hi?: number; hiInc?: boolean }
  | { t: 'exists'; v: boolean }
  | { t: 'cidr'; v: net.BlockList }
  | { t: 'not'; inner: Leaf[] };

interface PolicyNode {
  fields: { key: string; leaves?: Leaf[]; child?: PolicyNode }[];
  /** Each `$or` group: at least one alternative must match. */
  ors: PolicyNode[][];
}

export interface FilterPolicy {
  scope: FilterPolicyScope;
  root: PolicyNode;
}

/** Thrown for an invalid policy; the message is AWS's reason text. */
export class FilterPolicyError extends Error {}

const MAX_KEYS = 5;
const MAX_COMBINATIONS = 150;
const MAX_NUMBER = 1e9;
const MAX_POLICY_BYTES = 256 * 1024;

function fail(reason: string): never {
  throw new FilterPolicyError(reason);
}

/** Parse and validate a FilterPolicy attribute value. */
export function parseFilterPolicy(json: string, scope: FilterPolicyScope = 'MessageAttributes'): FilterPolicy {
  if (Buffer.byteLength(json) > MAX_POLICY_BYTES) fail('Filter policy is too big');
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    fail('failed to parse JSON.');
  }
  if (!isObject(raw)) fail('Filter policy must be a JSON object');
  const root = compileNode(raw, scope, 0);
  const branches = complexity(root);
  for (const b of branches) {
    if (b.keys > MAX_KEYS) fail(`Filter policy can not have more than ${MAX_KEYS} keys`);
  }
  const combos = branches.reduce((s, b) => s + b.combos, 0);
  if (combos > MAX_COMBINATIONS) fail(`Filter policy is too complex`);
  return { scope, root };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function compileNode(obj: Record<string, unknown>, scope: FilterPolicyScope, depth: number): PolicyNode {
  const node: PolicyNode = { fields: [], ors: [] };
  for (const [key, value] of Object.entries(obj)) {
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2 || !value.every(isObject)) {
        fail('$or must be an array of at least 2 filter policy objects');
      }
      node.ors.push(value.map((alt) => compileNode(alt, scope, depth)));
      continue;
    }
    if (Array.isArray(value)) {
      if (value.length === 0) fail(`Empty arrays are not allowed: "${key}"`);
      node.fields.push({ key, leaves: value.map((c) => compileCondition(c, key)) });
    } else if (isObject(value)) {
      if (scope === 'MessageAttributes')
        fail('Filter policy scope MessageAttributes does not support nested filter policy');
      node.fields.push({ key, child: compileNode(value, scope, depth + 1) });
    } else {
      fail(`Match value must be String, number, true, false, or null: "${key}"`);
    }
  }
  if (!node.fields.length && !node.ors.length && depth > 0) fail('Nested filter policy objects must not be empty');
  return node;
}

function checkNumber(n: unknown, key: string): number {
  if (typeof n !== 'number' || !Number.isFinite(n)) fail(`Value of numeric operators must be numbers: "${key}"`);
  if (Math.abs(n) > MAX_NUMBER) fail(`Numeric values must be within -1.0E9 and 1.0E9: "${key}"`);
  return n;
}

function compileCondition(c: unknown, key: string): Leaf {
  if (c === null || typeof c === 'string' || typeof c === 'boolean') return { t: 'eq', v: c };
  if (typeof c === 'number') return { t: 'eq', v: checkNumber(c, key) };
  if (!isObject(c)) fail(`Match value must be String, number, true, false, or null: "${key}"`);
  const ops = Object.keys(c);
  if (ops.length !== 1) fail(`Only one operator is allowed per match value object: "${key}"`);
  const op = ops[0]!;
  const arg = c[op];
  switch (op) {
    case 'prefix':
    case 'suffix':
    case 'equals-ignore-case': {
      if (typeof arg !== 'string') fail(`${op} match pattern must be a string: "${key}"`);
      return { t: op === 'equals-ignore-case' ? 'eqic' : op, v: arg };
    }
    case 'exists':
      if (typeof arg !== 'boolean') fail(`exists match pattern must be either true or false: "${key}"`);
      return { t: 'exists', v: arg };
    case 'numeric':
      return compileNumeric(arg, key);
    case 'cidr':
      return compileCidr(arg, key);
    case 'anything-but':
      return { t: 'not', inner: compileAnythingBut(arg, key) };
    default:
      fail(`Unrecognized match type ${op}: "${key}"`);
  }
}

function compileNumeric(arg: unknown, key: string): Leaf {
  if (!Array.isArray(arg) || arg.length === 0 || arg.length % 2 !== 0) {
    fail(`Value of numeric must be an array of operator/value pairs: "${key}"`);
  }
  const leaf: Extract<Leaf, { t: 'numeric' }> = { t: 'numeric' };
  for (let i = 0; i < arg.length; i += 2) {
    const op = arg[i];
    const n = checkNumber(arg[i + 1], key);
    if (op === '=') {
      if (arg.length !== 2) fail(`Value of = must be the only numeric operator: "${key}"`);
      leaf.eq = n;
    } else if (op === '>' || op === '>=') {
      if (leaf.lo !== undefined || i !== 0) fail(`Too many or misplaced lower bounds in numeric range: "${key}"`);
      leaf.lo = n;
      leaf.loInc = op === '>=';
    } else if (op === '<' || op === '<=') {
      if (leaf.hi !== undefined) fail(`Too many upper bounds in numeric range: "${key}"`);
      leaf.hi = n;
      leaf.hiInc = op === '<=';
    } else {
      fail(`Unrecognized numeric range operator: ${String(op)}: "${key}"`);
    }
  }
  if (leaf.lo !== undefined && leaf.hi !== undefined && leaf.lo >= leaf.hi) {
    fail(`Bottom must be less than top: "${key}"`);
  }
  return leaf;
}

function compileCidr(arg: unknown, key: string): Leaf {
  const m = typeof arg === 'string' ? /^(.+)\/(\d{1,3})$/.exec(arg) : null;
  const family = m ? net.isIP(m[1]!) : 0;
  const bits = m ? Number(m[2]) : -1;
  if (!m || !family || bits > (family === 4 ? 32 : 128)) fail(`Malformed CIDR, one '/' required: "${key}"`);
  const list = new net.BlockList();
  list.addSubnet(m[1]!, bits, family === 4 ? 'ipv4' : 'ipv6');
  return { t: 'cidr', v: list };
}

function compileAnythingBut(arg: unknown, key: string): Leaf[] {
  if (typeof arg === 'string') return [{ t: 'eq', v: arg }];
  if (typeof arg === 'number') return [{ t: 'eq', v: checkNumber(arg, key) }];
  if (Array.isArray(arg)) {
    if (!arg.length) fail(`Empty arrays are not allowed: "${key}"`);
    const allStrings = arg.every((x) => typeof x === 'string');
    const allNumbers = arg.every((x) => typeof x === 'number');
    if (!allStrings && !allNumbers) fail(`Inside anything but list, mixed types are not allowed: "${key}"`);
    return arg.map((x) => ({ t: 'eq', v: allNumbers ? checkNumber(x, key) : (x as string) }));
  }
  if (isObject(arg)) {
    const ops = Object.keys(arg);
    const op = ops[0];
    if (ops.length !== 1 || (op !== 'prefix' && op !== 'suffix' && op !== 'equals-ignore-case')) {
      fail(`Unsupported anything-but pattern: "${key}"`);
    }
    const v = arg[op];
    const values = op === 'equals-ignore-case' && Array.isArray(v) ? v : [v];
    if (!values.length || !values.every((x) => typeof x === 'string')) {
      fail(`${op} match pattern must be a string: "${key}"`);
    }
    return values.map((x: string) => ({ t: op === 'equals-ignore-case' ? 'eqic' : op, v: x }) as Leaf);
  }
  fail(`Value of anything-but must be an array or single string/number value: "${key}"`);
}

/** Keys and value combinations of each alternative the policy expands to ($or multiplies out). */
function complexity(node: PolicyNode): { keys: number; combos: number }[] {
  let branches = [{ keys: 0, combos: 1 }];
  const cross = (other: { keys: number; combos: number }[]): void => {
    const next = branches.flatMap((a) => other.map((b) => ({ keys: a.keys + b.keys, combos: a.combos * b.combos })));
    if (next.length > MAX_COMBINATIONS) fail('Filter policy is too complex');
    branches = next;
  };
  for (const f of node.fields) cross(f.child ? complexity(f.child) : [{ keys: 1, combos: f.leaves!.length }]);
  for (const group of node.ors) cross(group.flatMap(complexity));
  return branches;
}

// ---- matching ----

/** The document a policy is matched against: message attributes as typed values, or the body's JSON. */
export function attributesDocument(attrs: Record<string, MessageAttributeValue>): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  for (const [name, a] of Object.entries(attrs)) {
    const base = a.DataType.split('.')[0];
    if (a.DataType === 'String.Array' || a.DataType.startsWith('String.Array.')) {
      try {
        const arr: unknown = JSON.parse(a.StringValue ?? '');
        doc[name] = Array.isArray(arr) ? arr : [];
      } catch {
        doc[name] = [];
      }
    } else if (base === 'Number') {
      doc[name] = Number(a.StringValue);
    } else if (base === 'String') {
      doc[name] = a.StringValue ?? '';
    }
    // Binary attributes are ignored by filter policies (as absent).
  }
  return doc;
}

/** Does a message match? Body scope: a body that is not a JSON object matches no policy. */
export function matchesFilterPolicy(
  policy: FilterPolicy,
  message: { attributes: Record<string, MessageAttributeValue>; body: string },
): boolean {
  if (policy.scope === 'MessageAttributes') return matchNode(policy.root, attributesDocument(message.attributes));
  let body: unknown;
  try {
    body = JSON.parse(message.body);
  } catch {
    return false;
  }
  return isObject(body) && matchNode(policy.root, body);
}

function matchNode(node: PolicyNode, doc: unknown): boolean {
  for (const f of node.fields) {
    const present = isObject(doc) && Object.hasOwn(doc, f.key) && doc[f.key] !== undefined;
    const value = present ? (doc as Record<string, unknown>)[f.key] : undefined;
    if (f.child) {
      // Nested policy: matches if some object at this key (or in an array there) matches.
      const children = Array.isArray(value) ? value.filter(isObject) : isObject(value) ? [value] : [];
      const candidates: unknown[] = children.length ? children : [undefined];
      if (!candidates.some((c) => matchNode(f.child!, c))) return false;
    } else if (!f.leaves!.some((leaf) => matchLeaf(leaf, present, value))) {
      return false;
    }
  }
  return node.ors.every((group) => group.some((alt) => matchNode(alt, doc)));
}

function matchLeaf(leaf: Leaf, present: boolean, value: unknown): boolean {
  if (leaf.t === 'exists') return leaf.v === present;
  if (!present) return false;
  const values = Array.isArray(value) ? value : [value];
  if (leaf.t === 'not') {
    // anything-but: for string lists no element may be listed; for numbers, some element must be
    // unlisted (AWS's documented behaviour for String.Array and for numeric arrays respectively).
    const numeric = leaf.inner.every((l) => l.t === 'eq' && typeof l.v === 'number');
    const unlisted = (v: unknown): boolean => !leaf.inner.some((l) => matchScalar(l, v));
    if (!values.length) return true;
    return numeric ? values.some(unlisted) : values.every(unlisted);
  }
  return values.some((v) => matchScalar(leaf, v));
}

function matchScalar(leaf: Leaf, v: unknown): boolean {
  switch (leaf.t) {
    case 'eq':
      return v === leaf.v;
    case 'prefix':
      return typeof v === 'string' && v.startsWith(leaf.v);
    case 'suffix':
      return typeof v === 'string' && v.endsWith(leaf.v);
    case 'eqic':
      return typeof v === 'string' && v.toLowerCase() === leaf.v.toLowerCase();
    case 'numeric': {
      if (typeof v !== 'number' || !Number.isFinite(v)) return false;
      if (leaf.eq !== undefined) return v === leaf.eq;
      if (leaf.lo !== undefined && (leaf.loInc ? v < leaf.lo : v <= leaf.lo)) return false;
      if (leaf.hi !== undefined && (leaf.hiInc ? v > leaf.hi : v >= leaf.hi)) return false;
      return true;
    }
    case 'cidr': {
      if (typeof v !== 'string') return false;
      const family = net.isIP(v);
      return family !== 0 && leaf.v.check(v, family === 4 ? 'ipv4' : 'ipv6');
    }
    default:
      return false;
  }
}
