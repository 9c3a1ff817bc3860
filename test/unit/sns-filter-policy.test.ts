/** SNS filter policies: validation and matching on message attributes and on JSON bodies. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MessageAttributeValue } from '../../src/events/contracts.ts';
import {
  FilterPolicyError,
  matchesFilterPolicy,
  parseFilterPolicy,
  type FilterPolicyScope,
} from '../../src/events/sns/filter-policy.ts';

type Attr = string | number | string[] | { binary: string } | unknown[];

function attrs(a: Record<string, Attr>): Record<string, MessageAttributeValue> {
  const out: Record<string, MessageAttributeValue> = {};
  for (const [k, v] of Object.entries(a)) {
    if (typeof v === 'string') out[k] = { DataType: 'String', StringValue: v };
    else if (typeof v === 'number') out[k] = { DataType: 'Number', StringValue: String(v) };
    else if (Array.isArray(v)) out[k] = { DataType: 'String.Array', StringValue: JSON.stringify(v) };
    else out[k] = { DataType: 'Binary', BinaryValue: Buffer.from(v.binary).toString('base64') };
  }
  return out;
}

/** Does `policy` (attribute scope) match a message with these attributes? */
function onAttrs(policy: unknown, a: Record<string, Attr>): boolean {
  return matchesFilterPolicy(parseFilterPolicy(JSON.stringify(policy)), { attributes: attrs(a), body: 'x' });
}

/** Does `policy` (body scope) match this body? */
function onBody(policy: unknown, body: unknown): boolean {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  return matchesFilterPolicy(parseFilterPolicy(JSON.stringify(policy), 'MessageBody'), { attributes: {}, body: raw });
}

function rejects(policy: unknown, pattern: RegExp, scope: FilterPolicyScope = 'MessageAttributes'): void {
  assert.throws(
    () => parseFilterPolicy(typeof policy === 'string' ? policy : JSON.stringify(policy), scope),
    (e: Error) => e instanceof FilterPolicyError && pattern.test(e.message),
    `expected ${JSON.stringify(policy)} to be rejected with ${pattern}`,
  );
}

describe('filter policy: exact matching', () => {
  it('matches strings exactly, case-sensitively, ORing the values of a key', () => {
    const p = { sport: ['rugby', 'tennis'] };
    assert.equal(onAttrs(p, { sport: 'rugby' }), true);
    assert.equal(onAttrs(p, { sport: 'tennis' }), true);
    assert.equal(onAttrs(p, { sport: 'Rugby' }), false);
    assert.equal(onAttrs(p, { sport: 'baseball' }), false);
    assert.equal(onAttrs(p, {}), false, 'a missing attribute does not match');
    assert.equal(onAttrs(p, { other: 'rugby' }), false);
  });

  it('ANDs keys and ignores attributes the policy does not name', () => {
    const p = { sport: ['rugby'], country: ['nz'] };
    assert.equal(onAttrs(p, { sport: 'rugby', country: 'nz', extra: 'x' }), true);
    assert.equal(onAttrs(p, { sport: 'rugby', country: 'fr' }), false);
    assert.equal(onAttrs(p, { sport: 'rugby' }), false);
  });

  it('treats each String.Array element separately', () => {
    const p = { interests: ['rugby', 'tennis'] };
    assert.equal(onAttrs(p, { interests: ['rugby', 'football'] }), true);
    assert.equal(onAttrs(p, { interests: ['baseball'] }), false);
    assert.equal(onAttrs(p, { interests: [] }), false);
    assert.equal(onAttrs({ n: [5] }, { n: ['a', 5] }), true, 'numbers inside String.Array match numerically');
  });

  it('matches numbers numerically on Number attributes only', () => {
    assert.equal(onAttrs({ price: [301.5] }, { price: 301.5 }), true);
    assert.equal(
      matchesFilterPolicy(parseFilterPolicy('{"price":[301.5]}'), {
        attributes: { price: { DataType: 'Number', StringValue: '3.015e2' } },
        body: '',
      }),
      true,
      'scientific notation',
    );
    assert.equal(onAttrs({ price: [301.5] }, { price: '301.5' }), false, 'a String attribute is not a number');
    assert.equal(onAttrs({ price: ['301.5'] }, { price: 301.5 }), false, 'a string value does not match a Number');
  });

  it('ignores Binary attributes (as if absent)', () => {
    assert.equal(onAttrs({ b: ['x'] }, { b: { binary: 'x' } }), false);
    assert.equal(onAttrs({ b: [{ exists: false }] }, { b: { binary: 'x' } }), true);
  });

  it('accepts custom data types by their base type', () => {
    const m = {
      attributes: {
        s: { DataType: 'String.custom', StringValue: 'v' },
        n: { DataType: 'Number.float', StringValue: '2' },
      },
      body: '',
    };
    assert.equal(matchesFilterPolicy(parseFilterPolicy('{"s":["v"],"n":[2]}'), m), true);
  });
});

describe('filter policy: operators', () => {
  it('prefix and suffix', () => {
    assert.equal(onAttrs({ s: [{ prefix: 'bas' }] }, { s: 'baseball' }), true);
    assert.equal(onAttrs({ s: [{ prefix: 'bas' }] }, { s: 'rugby' }), false);
    assert.equal(onAttrs({ s: [{ suffix: 'ball' }] }, { s: 'baseball' }), true);
    assert.equal(onAttrs({ s: [{ suffix: 'ball' }] }, { s: 'balls' }), false);
    assert.equal(onAttrs({ s: [{ prefix: '1' }] }, { s: 12 }), false, 'prefix is for strings only');
  });

  it('equals-ignore-case', () => {
    assert.equal(onAttrs({ s: [{ 'equals-ignore-case': 'RuGbY' }] }, { s: 'rugby' }), true);
    assert.equal(onAttrs({ s: [{ 'equals-ignore-case': 'rugby' }] }, { s: 'rugby league' }), false);
  });

  it('anything-but with values, a single value, prefix, suffix and equals-ignore-case', () => {
    const p = { s: [{ 'anything-but': ['rugby', 'tennis'] }] };
    assert.equal(onAttrs(p, { s: 'baseball' }), true);
    assert.equal(onAttrs(p, { s: 'rugby' }), false);
    assert.equal(onAttrs(p, {}), false, 'anything-but needs the attribute to exist');
    assert.equal(onAttrs(p, { s: ['baseball', 'golf'] }), true);
    assert.equal(onAttrs(p, { s: ['rugby', 'baseball'] }), false, 'String.Array: no element may be listed');
    assert.equal(onAttrs({ s: [{ 'anything-but': 'rugby' }] }, { s: 'golf' }), true);
    assert.equal(onAttrs({ s: [{ 'anything-but': { prefix: 'ru' } }] }, { s: 'rugby' }), false);
    assert.equal(onAttrs({ s: [{ 'anything-but': { prefix: 'ru' } }] }, { s: 'golf' }), true);
    assert.equal(onAttrs({ s: [{ 'anything-but': { suffix: 'by' } }] }, { s: 'rugby' }), false);
    assert.equal(onAttrs({ s: [{ 'anything-but': { 'equals-ignore-case': ['RUGBY'] } }] }, { s: 'rugby' }), false);
    assert.equal(onAttrs({ s: [{ 'anything-but': { 'equals-ignore-case': 'RUGBY' } }] }, { s: 'golf' }), true);
  });

  it('anything-but with numbers (some element unlisted)', () => {
    const p = { price: [{ 'anything-but': [100, 500] }] };
    assert.equal(onAttrs(p, { price: 101 }), true);
    assert.equal(onAttrs(p, { price: 100 }), false);
    assert.equal(onBody(p, { price: [100, 50] }), true);
    assert.equal(onBody(p, { price: [100, 500] }), false);
  });

  it('anything-but combined with exists:false matches an absent key', () => {
    const p = { s: [{ 'anything-but': ['rugby'] }, { exists: false }] };
    assert.equal(onAttrs(p, {}), true);
    assert.equal(onAttrs(p, { s: 'golf' }), true);
    assert.equal(onAttrs(p, { s: 'rugby' }), false);
  });

  it('numeric equality and ranges with inclusive/exclusive bounds', () => {
    assert.equal(onAttrs({ n: [{ numeric: ['=', 301.5] }] }, { n: 301.5 }), true);
    assert.equal(onAttrs({ n: [{ numeric: ['=', 301.5] }] }, { n: 301.50001 }), false);
    const range = { n: [{ numeric: ['>', 0, '<=', 150] }] };
    assert.equal(onAttrs(range, { n: 0 }), false);
    assert.equal(onAttrs(range, { n: 0.1 }), true);
    assert.equal(onAttrs(range, { n: 150 }), true);
    assert.equal(onAttrs(range, { n: 150.5 }), false);
    const closed = { n: [{ numeric: ['>=', 10, '<', 20] }] };
    assert.equal(onAttrs(closed, { n: 10 }), true);
    assert.equal(onAttrs(closed, { n: 20 }), false);
    assert.equal(onAttrs({ n: [{ numeric: ['<', 0] }] }, { n: -3 }), true);
    assert.equal(onAttrs({ n: [{ numeric: ['<', 0] }] }, { n: '-3' }), false, 'a String attribute is not numeric');
    assert.equal(onAttrs({ n: [{ numeric: ['>', 5] }] }, { n: ['1', 7] }), true, 'String.Array numbers');
  });

  it('exists true/false', () => {
    assert.equal(onAttrs({ s: [{ exists: true }] }, { s: 'x' }), true);
    assert.equal(onAttrs({ s: [{ exists: true }] }, {}), false);
    assert.equal(onAttrs({ s: [{ exists: false }] }, {}), true);
    assert.equal(onAttrs({ s: [{ exists: false }] }, { s: 'x' }), false);
  });

  it('cidr for IPv4 and IPv6 source addresses', () => {
    const p = { ip: [{ cidr: '10.0.0.0/24' }] };
    assert.equal(onAttrs(p, { ip: '10.0.0.255' }), true);
    assert.equal(onAttrs(p, { ip: '10.0.1.0' }), false);
    assert.equal(onAttrs(p, { ip: 'not-an-ip' }), false);
    assert.equal(onAttrs({ ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db8::1' }), true);
    assert.equal(onAttrs({ ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db9::1' }), false);
  });

  it('mixes operators and values in one key (OR)', () => {
    const p = { s: ['exact', { prefix: 'pre' }, { numeric: ['>', 100] }] };
    assert.equal(onAttrs(p, { s: 'exact' }), true);
    assert.equal(onAttrs(p, { s: 'prefixed' }), true);
    assert.equal(onAttrs(p, { s: 101 }), true);
    assert.equal(onAttrs(p, { s: 'other' }), false);
  });

  it('$or between alternative sub-policies, ANDed with the other keys', () => {
    const p = { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPU'] }, { namespace: ['AWS/EC2'] }] };
    assert.equal(onAttrs(p, { source: 'aws.cloudwatch', metricName: 'CPU' }), true);
    assert.equal(onAttrs(p, { source: 'aws.cloudwatch', namespace: 'AWS/EC2' }), true);
    assert.equal(onAttrs(p, { source: 'aws.cloudwatch', metricName: 'Mem' }), false);
    assert.equal(onAttrs(p, { source: 'other', metricName: 'CPU' }), false);
  });
});

describe('filter policy: message body scope', () => {
  it('matches top-level and nested properties', () => {
    const p = { store: ['example_corp'], order: { status: ['paid'], total: [{ numeric: ['>=', 100] }] } };
    assert.equal(onBody(p, { store: 'example_corp', order: { status: 'paid', total: 150 } }), true);
    assert.equal(onBody(p, { store: 'example_corp', order: { status: 'paid', total: 50 } }), false);
    assert.equal(onBody(p, { store: 'example_corp', order: { status: 'new', total: 150 } }), false);
    assert.equal(onBody(p, { store: 'example_corp' }), false);
  });

  it('matches inside arrays of values and arrays of objects', () => {
    assert.equal(onBody({ tags: ['b'] }, { tags: ['a', 'b'] }), true);
    assert.equal(onBody({ items: { sku: ['x1'] } }, { items: [{ sku: 'x0' }, { sku: 'x1' }] }), true);
    assert.equal(onBody({ items: { sku: ['x9'] } }, { items: [{ sku: 'x0' }, { sku: 'x1' }] }), false);
  });

  it('matches booleans, null and numbers by JSON type', () => {
    assert.equal(onBody({ ok: [true] }, { ok: true }), true);
    assert.equal(onBody({ ok: [true] }, { ok: 'true' }), false);
    assert.equal(onBody({ v: [null] }, { v: null }), true);
    assert.equal(onBody({ v: [null] }, { v: 'null' }), false);
    assert.equal(onBody({ n: [1] }, { n: 1.0 }), true);
    assert.equal(onBody({ n: [1] }, { n: '1' }), false);
  });

  it('exists on nested keys, including absent parents', () => {
    assert.equal(onBody({ a: { b: [{ exists: false }] } }, {}), true);
    assert.equal(onBody({ a: { b: [{ exists: false }] } }, { a: { b: 1 } }), false);
    assert.equal(onBody({ a: { b: [{ exists: true }] } }, { a: { b: 1 } }), true);
  });

  it('a body that is not a JSON object matches nothing', () => {
    assert.equal(onBody({ a: [{ exists: false }] }, 'plain text'), false);
    assert.equal(onBody({ a: [{ exists: false }] }, '[1,2]'), false);
  });

  it('$or inside nested objects', () => {
    const p = { order: { $or: [{ status: ['paid'] }, { total: [{ numeric: ['>', 1000] }] }] } };
    assert.equal(onBody(p, { order: { status: 'paid', total: 1 } }), true);
    assert.equal(onBody(p, { order: { status: 'new', total: 5000 } }), true);
    assert.equal(onBody(p, { order: { status: 'new', total: 5 } }), false);
  });
});

describe('filter policy: validation', () => {
  it('rejects malformed JSON and non-objects', () => {
    rejects('{not json', /failed to parse JSON/);
    rejects([1, 2], /JSON object/);
    rejects('"text"', /JSON object/);
  });

  it('rejects bad values and operators', () => {
    rejects({ a: 'x' }, /Match value must be/);
    rejects({ a: [] }, /Empty arrays/);
    rejects({ a: [{ prefix: 1 }] }, /prefix match pattern must be a string/);
    rejects({ a: [{ exists: 'yes' }] }, /either true or false/);
    rejects({ a: [{ wildcard: 'x*' }] }, /Unrecognized match type wildcard/);
    rejects({ a: [{ prefix: 'a', suffix: 'b' }] }, /Only one operator/);
    rejects({ a: [{ 'anything-but': [1, 'a'] }] }, /mixed types/);
    rejects({ a: [{ 'anything-but': { exists: true } }] }, /Unsupported anything-but/);
    rejects({ a: [{ cidr: '10.0.0.1' }] }, /Malformed CIDR/);
    rejects({ a: [{ cidr: '10.0.0.0/33' }] }, /Malformed CIDR/);
  });

  it('rejects malformed numeric ranges and out-of-range numbers', () => {
    rejects({ a: [{ numeric: ['>', 'x'] }] }, /must be numbers/);
    rejects({ a: [{ numeric: ['>', 5, '<', 1] }] }, /Bottom must be less than top/);
    rejects({ a: [{ numeric: ['=', 5, '<', 10] }] }, /= must be the only/);
    rejects({ a: [{ numeric: ['!=', 5] }] }, /Unrecognized numeric range operator/);
    rejects({ a: [{ numeric: ['<', 1, '>', 0] }] }, /lower bounds/);
    rejects({ a: [{ numeric: ['>'] }] }, /operator\/value pairs/);
    rejects({ a: [2e9] }, /within -1.0E9 and 1.0E9/);
  });

  it('rejects nested policies in the MessageAttributes scope but accepts them for MessageBody', () => {
    rejects({ a: { b: ['x'] } }, /does not support nested filter policy/);
    assert.doesNotThrow(() => parseFilterPolicy('{"a":{"b":["x"]}}', 'MessageBody'));
  });

  it('enforces at most 5 keys and 150 combinations', () => {
    rejects({ a: ['1'], b: ['1'], c: ['1'], d: ['1'], e: ['1'], f: ['1'] }, /more than 5 keys/);
    assert.doesNotThrow(() => parseFilterPolicy(JSON.stringify({ a: ['1'], b: ['1'], c: ['1'], d: ['1'], e: ['1'] })));
    const many = (n: number): string[] => Array.from({ length: n }, (_, i) => String(i));
    rejects({ a: many(16), b: many(10) }, /too complex/);
    assert.doesNotThrow(() => parseFilterPolicy(JSON.stringify({ a: many(15), b: many(10) })));
    rejects({ $or: [{ a: many(100) }, { b: many(51) }] }, /too complex/);
    rejects({ $or: [{ a: ['1'] }] }, /\$or must be an array of at least 2/);
  });
});
