/**
 * The checksums SQS returns: MD5 of the body, and MD5 of the message attributes computed exactly
 * as AWS does (the SDKs validate them): attributes sorted by name, each encoded as
 * len(name) name len(type) type transport-byte len(value) value, lengths 4-byte big-endian,
 * transport 1 for String/Number values and 2 for Binary ones; then MD5 of the whole, in hex.
 */
import { createHash } from 'node:crypto';
import type { MessageAttributeValue } from '../contracts.ts';

export function md5Hex(data: string | Buffer): string {
  return createHash('md5').update(data).digest('hex');
}

function lengthPrefixed(b: Buffer): Buffer[] {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return [len, b];
}

/** MD5 of a set of message (or message system) attributes; undefined when there are none. */
export function md5OfAttributes(attrs: Record<string, MessageAttributeValue> | undefined): string | undefined {
  const names = Object.keys(attrs ?? {}).sort();
  if (!attrs || names.length === 0) return undefined;
  const parts: Buffer[] = [];
  for (const name of names) {
    const a = attrs[name]!;
    parts.push(...lengthPrefixed(Buffer.from(name, 'utf8')));
    parts.push(...lengthPrefixed(Buffer.from(a.DataType, 'utf8')));
    if (a.BinaryValue !== undefined) {
      parts.push(Buffer.from([2]), ...lengthPrefixed(Buffer.from(a.BinaryValue, 'base64')));
    } else {
      parts.push(Buffer.from([1]), ...lengthPrefixed(Buffer.from(a.StringValue ?? '', 'utf8')));
    }
  }
  return md5Hex(Buffer.concat(parts));
}
