/**
 * Message attributes between the wire and Gust's model: the protocol layer hands binary values
 * over as bytes (the SDK's Uint8Array), the SQS and SNS stores keep them base64-encoded.
 */
import type { MessageAttributeValue } from './contracts.ts';

export interface WireAttributeValue {
  DataType?: unknown;
  StringValue?: unknown;
  BinaryValue?: unknown;
  StringListValues?: unknown;
  BinaryListValues?: unknown;
}

/** Wire attributes (bytes) as the model's (base64); other members pass through for validation. */
export function attributesFromWire(wire: unknown): Record<string, Record<string, unknown>> | undefined {
  if (wire === undefined || wire === null || typeof wire !== 'object') return wire as undefined;
  const out = Object.create(null) as Record<string, Record<string, unknown>>;
  for (const [name, raw] of Object.entries(wire as Record<string, WireAttributeValue>)) {
    const a: Record<string, unknown> = { ...raw };
    if (raw?.BinaryValue instanceof Uint8Array) a.BinaryValue = Buffer.from(raw.BinaryValue).toString('base64');
    out[name] = a;
  }
  return out;
}

/** Model attributes (base64) as wire attributes (bytes). */
export function attributesToWire(
  attrs: Record<string, MessageAttributeValue>,
): Record<string, { DataType: string; StringValue?: string; BinaryValue?: Uint8Array }> {
  return Object.fromEntries(
    Object.entries(attrs).map(([name, a]) => [
      name,
      {
        DataType: a.DataType,
        ...(a.StringValue !== undefined ? { StringValue: a.StringValue } : {}),
        ...(a.BinaryValue !== undefined ? { BinaryValue: Buffer.from(a.BinaryValue, 'base64') } : {}),
      },
    ]),
  );
}
