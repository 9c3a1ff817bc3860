/**
 * The awsJson1_0 / awsJson1_1 protocols: `X-Amz-Target: Prefix.Operation`, a JSON body in and out.
 * Requests are read by ./read-json.ts against the input schema; responses are written by the SDK's
 * own JsonShapeSerializer from the output schema (blobs base64, timestamps epoch seconds).
 */
import { JsonShapeSerializer } from '@aws-sdk/core/protocols';
import type { OperationModel } from '../model.ts';
import { readJson } from './read-json.ts';
import { serializationError } from './values.ts';

export function readJsonInput(op: OperationModel, body: string): Record<string, unknown> {
  let parsed: unknown = {};
  if (body.trim()) {
    try {
      parsed = JSON.parse(body);
    } catch {
      throw serializationError('Could not parse request body into json: the body is not valid JSON.');
    }
  }
  // The input is always a JSON object: an array, a number or null is malformed too.
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw serializationError('Could not parse request body into json: the body must be a JSON object.');
  }
  if (!op.input.isStructSchema()) return {};
  return readJson(op.input, parsed) as Record<string, unknown>;
}

export function jsonResponseBody(op: OperationModel, output: Record<string, unknown> | undefined): string {
  if (!op.output.isStructSchema()) return '{}';
  const s = new JsonShapeSerializer({ timestampFormat: { useTrait: true, default: 7 }, jsonName: false });
  s.write(op.output, output ?? {});
  return String(s.flush());
}

export function jsonErrorBody(
  namespace: string,
  name: string,
  message: string,
  extra: Record<string, unknown>,
): string {
  return JSON.stringify({ ...extra, __type: `${namespace}#${name}`, message });
}
