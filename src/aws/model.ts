/**
 * A service's API model, read from the Smithy schemas that its `@aws-sdk/client-*` package ships
 * (the `Xxx$` exports: operation schemas `[9, namespace, name, traits, input, output]`, structures,
 * lists, maps and errors, walked with `@smithy/core/schema`'s NormalizedSchema). The codecs in
 * ./codecs/ parse requests and render responses from these schemas; nothing in a service spells out
 * its wire shapes by hand.
 */
import { NormalizedSchema } from '@smithy/core/schema';

export interface OperationModel {
  name: string;
  input: NormalizedSchema;
  output: NormalizedSchema;
}

/** An error the model declares: its exception name, awsQuery code, HTTP status and fault side. */
export interface ErrorModel {
  name: string;
  queryCode: string;
  status: number;
  fault: 'Sender' | 'Receiver';
}

export interface ServiceModel {
  /** Service name in SigV4 credential scopes: 'sqs', 'sns', ... */
  signingName: string;
  /** Smithy namespace of the shapes, e.g. com.amazonaws.sqs. */
  namespace: string;
  operations: ReadonlyMap<string, OperationModel>;
  /** Declared errors by exception name and by awsQuery code. */
  errors: ReadonlyMap<string, ErrorModel>;
}

type StaticError = [-3, string, string, Record<string, unknown>];

function isErrorSchema(v: unknown): v is StaticError {
  return Array.isArray(v) && v[0] === -3 && typeof v[2] === 'string' && typeof v[3] === 'object';
}

type StaticOperation = [9, string, string, unknown, () => unknown, () => unknown];

function isOperationSchema(v: unknown): v is StaticOperation {
  return Array.isArray(v) && v[0] === 9 && typeof v[2] === 'string' && typeof v[4] === 'function';
}

/** Build a model from an SDK client module (`import * as sqs from '@aws-sdk/client-sqs'`). */
export function modelFromSdk(signingName: string, sdk: Record<string, unknown>): ServiceModel {
  const operations = new Map<string, OperationModel>();
  const errors = new Map<string, ErrorModel>();
  let namespace = '';
  for (const [key, value] of Object.entries(sdk)) {
    if (!key.endsWith('$')) continue;
    if (isErrorSchema(value)) {
      const traits = value[3];
      const status = Number(traits.httpError ?? (traits.error === 'server' ? 500 : 400));
      const [queryCode, queryStatus] = (traits.awsQueryError as [string, number] | undefined) ?? [value[2], status];
      const e: ErrorModel = {
        name: value[2],
        queryCode,
        status: queryStatus,
        fault: traits.error === 'server' ? 'Receiver' : 'Sender',
      };
      errors.set(e.name, e);
      if (!errors.has(queryCode)) errors.set(queryCode, e);
      continue;
    }
    if (!isOperationSchema(value)) continue;
    namespace = value[1];
    operations.set(value[2], {
      name: value[2],
      input: NormalizedSchema.of(value[4]() as never),
      output: NormalizedSchema.of(value[5]() as never),
    });
  }
  if (operations.size === 0) throw new Error(`no operation schemas in the SDK module for ${signingName}`);
  return { signingName, namespace, operations, errors };
}
