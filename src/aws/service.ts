/**
 * What a service hands to the AWS protocol layer: its model (from the SDK's schemas), the protocols
 * it answers, one handler per operation, and how its Gust errors are named in AWS's vocabulary.
 * The layer (./router.ts) does everything on the wire: picking the service, parsing the input,
 * rendering the output and the errors.
 */
import type { GustError } from '../errors.ts';
import type { ServiceModel } from './model.ts';

export interface AwsRequestContext {
  operation: string;
  requestId: string;
  /** The region of the request's SigV4 credential scope, else the server's region. */
  region: string;
  /** The access key id of the request's credential ('anonymous' when unsigned). */
  accessKeyId: string;
  /** Aborted when the client goes away (ends long polls). */
  signal: AbortSignal;
  /** What the service's path rule captured (SQS: the queue of a queue URL). */
  path: Readonly<Record<string, string>>;
}

/** One operation: the parsed input (the SDK's input type) to the output (the SDK's output type). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Handler = (input: any, ctx: AwsRequestContext) => unknown;

export interface JsonProtocol {
  /** X-Amz-Target prefix, e.g. AmazonSQS. */
  targetPrefix: string;
  contentType: 'application/x-amz-json-1.0' | 'application/x-amz-json-1.1';
}

export interface QueryProtocol {
  /** The XML namespace of the responses, e.g. http://queue.amazonaws.com/doc/2012-11-05/. */
  xmlNamespace: string;
  /** Error responses carry an empty <Detail/> element (SQS's do, SNS's do not). */
  errorDetail?: boolean;
}

export interface AwsServiceDefinition {
  model: ServiceModel;
  json?: JsonProtocol;
  query?: QueryProtocol;
  /** awsQueryCompatible: JSON errors also carry the query code (x-amzn-query-error). */
  queryCompatible?: boolean;
  handlers: Readonly<Record<string, Handler>>;
  /**
   * The AWS name of a Gust error: an exception name or awsQuery code the model declares, or another
   * AWS error (then `code` is its awsQuery code when that differs from the exception name).
   */
  errorName(e: GustError): { name: string; code?: string; status?: number };
  /**
   * Paths besides `/` at which this service's RPC endpoint answers, with what they capture
   * (SQS: `/<account>/<queue>`). Undefined when the path is not the service's.
   */
  matchPath?(path: string): Record<string, string> | undefined;
  /** Where platform faults are reported. */
  log?(msg: string): void;
}
