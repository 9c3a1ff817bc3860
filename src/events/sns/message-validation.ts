/** Publish input checks, with SNS's limits and messages: message, subject, structure, attributes, FIFO ids. */
import { GustError } from '../../errors.ts';
import type { MessageAttributeValue } from '../contracts.ts';

/** 256 KB for the message and its attributes together. */
export const MAX_MESSAGE_BYTES = 256 * 1024;

const invalid = (what: string): GustError => new GustError('GUST_SNS_INVALID_PARAMETER', `Invalid parameter: ${what}`);
const invalidValue = (msg: string): GustError => new GustError('GUST_SNS_INVALID_PARAMETER_VALUE', msg);

const ATTR_NAME_RE = /^[A-Za-z0-9_.-]{1,256}$/;
const DATA_TYPE_RE = /^(String|Number|Binary)(\.[A-Za-z0-9_.-]+)?$/;
const FIFO_ID_RE = /^[\x21-\x7e]{1,128}$/;

export function validateMessage(message: string | undefined): string {
  if (message === undefined || message === '') throw invalid('Empty message');
  return message;
}

export function validateSubject(subject: string | undefined): string | null {
  if (subject === undefined) return null;
  // Printable ASCII, no line breaks, 1-100 characters.
  if (!/^[\x20-\x7e]{1,100}$/.test(subject)) throw invalid('Subject');
  return subject;
}

/** MessageStructure=json: a JSON object with a string "default" and string values per protocol. */
export function validateStructure(structure: string | undefined, message: string): 'json' | null {
  if (structure === undefined || structure === '') return null;
  if (structure !== 'json') throw invalid('MessageStructure');
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    throw invalid('Message Structure - JSON message body failed to parse');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalid('Message Structure - JSON message body failed to parse');
  }
  const o = parsed as Record<string, unknown>;
  if (typeof o.default !== 'string') throw invalid('Message Structure - No default entry in JSON message body');
  for (const [k, v] of Object.entries(o)) {
    if (typeof v !== 'string') throw invalid(`Message Structure - the value of "${k}" must be a string`);
  }
  return 'json';
}

export function validateMessageAttributes(
  attrs: Record<string, MessageAttributeValue>,
): Record<string, MessageAttributeValue> {
  const out: Record<string, MessageAttributeValue> = {};
  for (const [name, a] of Object.entries(attrs)) {
    if (
      !ATTR_NAME_RE.test(name) ||
      name.startsWith('.') ||
      name.endsWith('.') ||
      name.includes('..') ||
      /^(aws\.|amazon\.)/i.test(name)
    ) {
      throw invalidValue(`The message attribute name '${name}' is invalid.`);
    }
    const type = a.DataType ?? '';
    if (!DATA_TYPE_RE.test(type)) {
      throw invalidValue(
        `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
      );
    }
    if (type.startsWith('Binary')) {
      if (!a.BinaryValue) {
        throw invalidValue(
          `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`,
        );
      }
      out[name] = { DataType: type, BinaryValue: a.BinaryValue };
      continue;
    }
    const value = a.StringValue;
    if (value === undefined || value === '') {
      throw invalidValue(
        `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`,
      );
    }
    if (
      type.startsWith('Number') &&
      (!/^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(value) || !Number.isFinite(Number(value)))
    ) {
      throw invalidValue(`Could not cast message attribute '${name}' value to number.`);
    }
    if (type === 'String.Array' || type.startsWith('String.Array.')) {
      let arr: unknown;
      try {
        arr = JSON.parse(value);
      } catch {
        arr = undefined;
      }
      if (!Array.isArray(arr) || !arr.every((x) => x === null || ['string', 'number', 'boolean'].includes(typeof x))) {
        throw invalidValue(
          `The message attribute '${name}' with type 'String.Array' must be a JSON array of strings, numbers, booleans or nulls.`,
        );
      }
    }
    out[name] = { DataType: type, StringValue: value };
  }
  return out;
}

/** Bytes the message and its attributes count against the 256 KB limit. */
export function messageSize(message: string, attrs: Record<string, MessageAttributeValue>): number {
  let n = Buffer.byteLength(message);
  for (const [name, a] of Object.entries(attrs)) {
    n += Buffer.byteLength(name) + Buffer.byteLength(a.DataType);
    n += a.BinaryValue ? Buffer.from(a.BinaryValue, 'base64').length : Buffer.byteLength(a.StringValue ?? '');
  }
  return n;
}

export function validateSize(message: string, attrs: Record<string, MessageAttributeValue>): void {
  if (messageSize(message, attrs) > MAX_MESSAGE_BYTES) throw invalid('Message too long');
}

export function validateFifoId(name: 'MessageGroupId' | 'MessageDeduplicationId', value: string | undefined): void {
  if (value !== undefined && !FIFO_ID_RE.test(value)) {
    throw invalid(`${name} Reason: must be 1-128 alphanumeric or punctuation characters`);
  }
}
