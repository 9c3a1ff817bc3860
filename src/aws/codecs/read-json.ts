/**
 * Reading a JSON request body (awsJson1_0, awsJson1_1, restJson1 payloads) into an operation's
 * input, member by member as the schema declares: strings stay strings, numbers numbers, blobs are
 * decoded from base64 into Buffers, timestamps (epoch seconds or ISO 8601) become Dates, unknown
 * members are dropped. A value of the wrong type is the caller's error (SerializationException),
 * never something an operation has to guess at.
 */
import type { NormalizedSchema } from '@smithy/core/schema';
import { decodeBase64, parseTimestamp, serializationError } from './values.ts';

type Path = string;

const describe = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a structure or map' : `a ${typeof v}`;

function expect(path: Path, want: string, got: unknown): never {
  throw serializationError(`Value at '${path || '(body)'}' must be ${want}, not ${describe(got)}.`);
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Read `value` as `ns`; `jsonName` = honour the jsonName trait (restJson1). */
export function readJson(ns: NormalizedSchema, value: unknown, path: Path = '', jsonName = false): unknown {
  if (value === null || value === undefined) return undefined;
  if (ns.isStructSchema()) {
    if (!isPlainObject(value)) expect(path, 'a structure', value);
    const out: Record<string, unknown> = {};
    for (const [name, member] of ns.structIterator()) {
      const key = (jsonName ? (member.getMergedTraits().jsonName as string | undefined) : undefined) ?? name;
      if (!Object.hasOwn(value, key)) continue;
      const v = readJson(member, value[key], path ? `${path}.${key}` : key, jsonName);
      if (v !== undefined) out[name] = v;
    }
    return out;
  }
  if (ns.isListSchema()) {
    if (!Array.isArray(value)) expect(path, 'a list', value);
    const item = ns.getValueSchema();
    const sparse = !!ns.getMergedTraits().sparse;
    const out: unknown[] = [];
    value.forEach((v, i) => {
      if ((v === null || v === undefined) && !sparse) expect(`${path}.${i + 1}`, 'a value', v);
      out.push(readJson(item, v, `${path}.${i + 1}`, jsonName) ?? null);
    });
    return out;
  }
  if (ns.isMapSchema()) {
    if (!isPlainObject(value)) expect(path, 'a map', value);
    const item = ns.getValueSchema();
    // Null prototype: a key named __proto__ is an ordinary key, not the object's prototype.
    const out = Object.create(null) as Record<string, unknown>;
    const sparse = !!ns.getMergedTraits().sparse;
    for (const [k, v] of Object.entries(value)) {
      if ((v === null || v === undefined) && !sparse) expect(`${path}.${k}`, 'a value', v);
      out[k] = readJson(item, v, `${path}.${k}`, jsonName) ?? null;
    }
    return out;
  }
  if (ns.isStringSchema()) {
    if (typeof value !== 'string') expect(path, 'a string', value);
    return value;
  }
  if (ns.isBooleanSchema()) {
    if (typeof value !== 'boolean') expect(path, 'a boolean', value);
    return value;
  }
  if (ns.isNumericSchema()) {
    if (typeof value === 'number') return value;
    // Floats may be spelled "NaN", "Infinity", "-Infinity" in AWS's JSON protocols.
    if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') return Number(value);
    expect(path, 'a number', value);
  }
  if (ns.isBigIntegerSchema() || ns.isBigDecimalSchema()) {
    if (typeof value === 'number' || (typeof value === 'string' && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value))) {
      return value;
    }
    expect(path, 'a number', value);
  }
  if (ns.isBlobSchema()) {
    if (typeof value !== 'string') expect(path, 'a base64-encoded string', value);
    return decodeBase64(value, path);
  }
  if (ns.isTimestampSchema()) {
    if (typeof value !== 'number' && typeof value !== 'string') expect(path, 'a timestamp', value);
    return parseTimestamp(value, path);
  }
  // Documents (and anything the schema leaves open) pass through as JSON.
  return value;
}
