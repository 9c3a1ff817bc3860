/** Validation of SQS request values: integers, message bodies, message attributes, batch entries. */
import { GustError } from '../../errors.ts';
import type { MessageAttributeValue } from './model.ts';

const invalid = (msg: string): GustError => new GustError('GUST_INVALID_PARAMETER', msg);

/** An optional integer parameter (JSON number or query-string digits) within [min, max]. */
export function intParam(
  value: unknown,
  name: string,
  min: number,
  max: number,
  reason = `Must be between ${min} and ${max}, if provided.`,
): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : /^-?\d+$/.test(String(value)) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw invalid(`Value ${String(value)} for parameter ${name} is invalid. Reason: ${reason}`);
  }
  return n;
}

export function requiredString(value: unknown, name: string): string {
  if (value === undefined || value === null || value === '') {
    throw new GustError('GUST_SQS_MISSING_PARAMETER', `The request must contain the parameter ${name}.`);
  }
  if (typeof value !== 'string') throw invalid(`Value for parameter ${name} must be a string.`);
  return value;
}

export function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(`Value for parameter ${name} must be a string.`);
  return value;
}

export function stringList(value: unknown, name: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw invalid(`Value for parameter ${name} must be a list of strings.`);
  }
  return value as string[];
}

export function stringMap(value: unknown, name: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid(`Value for parameter ${name} must be a map.`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw invalid(`Value for ${name}.${k} must be a string.`);
    }
    out[k] = String(v);
  }
  return out;
}

// XML 1.0 characters: #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF.
const BAD_CHAR = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

export function validateBody(body: unknown): string {
  const s = requiredString(body, 'MessageBody');
  if (BAD_CHAR.test(s)) {
    throw new GustError(
      'GUST_SQS_INVALID_MESSAGE_CONTENTS',
      'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF',
    );
  }
  return s;
}

const ATTR_NAME = /^[a-zA-Z0-9_.-]{1,256}$/;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** Validate SendMessage MessageAttributes (or MessageSystemAttributes: only AWSTraceHeader). */
export function validateMessageAttributes(
  value: unknown,
  kind: 'MessageAttributes' | 'MessageSystemAttributes',
): Record<string, MessageAttributeValue> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid(`${kind} must be a map.`);
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return undefined;
  if (entries.length > 10) {
    throw invalid(`Number of message attributes [${entries.length}] exceeds the allowed maximum [10].`);
  }
  const out: Record<string, MessageAttributeValue> = {};
  for (const [name, raw] of entries) {
    if (kind === 'MessageSystemAttributes' && name !== 'AWSTraceHeader') {
      throw new GustError('GUST_SQS_INVALID_ATTRIBUTE_NAME', `Message system attribute name '${name}' is invalid.`);
    }
    if (
      kind === 'MessageAttributes' &&
      (!ATTR_NAME.test(name) ||
        name.startsWith('.') ||
        name.endsWith('.') ||
        name.includes('..') ||
        /^(aws\.|amazon\.)/i.test(name))
    ) {
      throw new GustError('GUST_SQS_INVALID_ATTRIBUTE_NAME', `Message attribute name '${name}' is invalid.`);
    }
    const a = (raw ?? {}) as Record<string, unknown>;
    const dataType = a.DataType;
    if (typeof dataType !== 'string' || dataType === '') {
      throw invalid(`The message attribute '${name}' must contain non-empty message attribute type.`);
    }
    const base = dataType.split('.')[0];
    if (!['String', 'Number', 'Binary'].includes(base!) || dataType.length > 256) {
      throw invalid(
        `The type of message attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`,
      );
    }
    if (kind === 'MessageSystemAttributes' && dataType !== 'String') {
      throw invalid(`The message system attribute '${name}' must be of type String.`);
    }
    const lists = [a.StringListValues, a.BinaryListValues].some((l) => Array.isArray(l) && l.length > 0);
    if (lists) throw invalid('Message attribute list values in SendMessage operation are not supported.');
    if (base === 'Binary') {
      if (typeof a.BinaryValue !== 'string' || a.BinaryValue === '') {
        throw invalid(`The message attribute '${name}' with type 'Binary' must use field 'Binary'.`);
      }
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(a.BinaryValue)) {
        throw invalid(`The message attribute '${name}' has an invalid binary value (not base64).`);
      }
      out[name] = { DataType: dataType, BinaryValue: Buffer.from(a.BinaryValue, 'base64').toString('base64') };
    } else {
      if (typeof a.StringValue !== 'string' || a.StringValue === '') {
        throw invalid(`The message attribute '${name}' with type '${base}' must use field 'String'.`);
      }
      if (base === 'Number' && !NUMBER.test(a.StringValue)) {
        throw invalid(`Can't cast the value of message (user) attribute '${name}' to a number.`);
      }
      if (BAD_CHAR.test(a.StringValue)) {
        throw new GustError('GUST_SQS_INVALID_MESSAGE_CONTENTS', `Invalid characters in message attribute '${name}'.`);
      }
      out[name] = { DataType: dataType, StringValue: a.StringValue };
    }
  }
  return out;
}

/** Bytes a message counts against MaximumMessageSize: body plus attribute names, types and values. */
export function messageSize(body: string, attrs?: Record<string, MessageAttributeValue>): number {
  let n = Buffer.byteLength(body, 'utf8');
  for (const [name, a] of Object.entries(attrs ?? {})) {
    n += Buffer.byteLength(name) + Buffer.byteLength(a.DataType);
    n +=
      a.BinaryValue !== undefined
        ? Buffer.from(a.BinaryValue, 'base64').length
        : Buffer.byteLength(a.StringValue ?? '');
  }
  return n;
}

/** Common checks of a batch request's entries: count, Id format, distinct Ids. */
export function validateBatch(entries: unknown): Record<string, unknown>[] {
  if (entries === undefined || entries === null || (Array.isArray(entries) && entries.length === 0)) {
    throw new GustError('GUST_SQS_EMPTY_BATCH', 'There should be at least one entry in the request.');
  }
  if (!Array.isArray(entries) || entries.some((e) => typeof e !== 'object' || e === null)) {
    throw invalid('Entries must be a list of entries.');
  }
  if (entries.length > 10) {
    throw new GustError(
      'GUST_SQS_TOO_MANY_ENTRIES',
      `Maximum number of entries per request are 10. You have sent ${entries.length}.`,
    );
  }
  const seen = new Set<string>();
  for (const e of entries as Record<string, unknown>[]) {
    const id = e.Id;
    if (typeof id !== 'string' || !/^[a-zA-Z0-9_-]{1,80}$/.test(id)) {
      throw new GustError(
        'GUST_SQS_INVALID_BATCH_ENTRY_ID',
        'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
      );
    }
    if (seen.has(id)) throw new GustError('GUST_SQS_BATCH_IDS_NOT_DISTINCT', `Id ${id} repeated.`);
    seen.add(id);
  }
  return entries as Record<string, unknown>[];
}
