/** Scalar conversions shared by the request readers: base64 blobs, timestamps, errors. */
import { GustError } from '../../errors.ts';

export function serializationError(message: string): GustError {
  return new GustError('GUST_SERIALIZATION', message);
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict base64 (the standard alphabet, padded): anything else is refused, not half-decoded. */
export function decodeBase64(s: string, path: string): Buffer {
  if (!BASE64.test(s)) throw serializationError(`Value at '${path}' is not valid base64-encoded binary data.`);
  return Buffer.from(s, 'base64');
}

/** Epoch seconds (number or numeric string) or an ISO 8601 / RFC 7231 date. */
export function parseTimestamp(v: number | string, path: string): Date {
  const n = typeof v === 'number' ? v : /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : NaN;
  const d = Number.isFinite(n) ? new Date(n * 1000) : new Date(String(v));
  if (Number.isNaN(d.getTime())) throw serializationError(`Value at '${path}' is not a valid timestamp.`);
  return d;
}
