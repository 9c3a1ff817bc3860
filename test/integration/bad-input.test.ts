/**
 * Bad input never crashes Gust: malformed requests to every API (Lambda REST, SQS and SNS over the
 * JSON and query protocols, the EventBridge Scheduler API, Gust's own /gust/v1 API, the HTTP
 * gateway) get a client error (4xx) in the shape the client of that API parses — never a 500, a
 * hang or a dead server — and afterwards the server still invokes functions normally.
 *
 * Table-driven: one line per case. Each case names the API shape it expects and, where the AWS
 * answer is known, the exact status and error type.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { zipFiles } from '../../src/control/zip-dir.ts';
import { deployFixture, invoke, startTestGust, type TestGust } from '../helpers/gust.ts';

const FN = 'bad-input-fn';
const ECHO = 'bad-input-echo';
const ACCOUNT = '000000000000';
const QUEUE = 'bad-input-q';
const TOPIC_ARN = `arn:aws:sns:us-east-1:${ACCOUNT}:bad-input-t`;
const SCHEDULE = 'bad-input-s';
const ROLE = 'arn:aws:iam::000000000000:role/test';
const FN_ARN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${FN}`;
/** How long one answer may take before the case counts as a hang. */
const ANSWER_MS = 15_000;

/** What the response must look like. */
type Shape =
  | 'rest' // Lambda / Scheduler / Gust REST-JSON: x-amzn-errortype + {Type, Message, message}
  | 'sqs-json' // AWS JSON 1.0: {__type: com.amazonaws.sqs#X, message} + x-amzn-query-error
  | 'sns-json' // AWS JSON 1.0: {__type: com.amazonaws.sns#X, message} + x-amzn-query-error
  | 'aws-json' // AWS JSON 1.0 of no known service: {__type: <namespace>#X, message} + x-amzn-query-error
  | 'xml' // query protocol: <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>
  | 'gateway'; // API Gateway answer {message}, or a function URL's {Message: null}

interface Ctx {
  url: string;
  queueUrl: string;
  gateway: string;
  zip: Buffer;
}

type Lazy<T> = T | ((c: Ctx) => T);
type Body = string | Buffer | undefined;

interface Case {
  name: string;
  method: string;
  path: Lazy<string>;
  /** Absolute URL instead of a path on the API port (the gateway). */
  absolute?: boolean;
  headers?: Record<string, string>;
  body?: Lazy<Body>;
  shape: Shape;
  /** Exact status; otherwise any 4xx. */
  status?: number;
  /** Error type: x-amzn-errortype (rest), the __type suffix (json), <Code> (xml). */
  type?: string;
}

interface Exp {
  status?: number;
  type?: string;
}

const lazy = <T>(v: Lazy<T>, c: Ctx): T => (typeof v === 'function' ? (v as (c: Ctx) => T)(c) : v);
const js = (v: unknown): string => JSON.stringify(v);
const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64');
const NON_UTF8 = Buffer.from([0xff, 0xfe, 0xfd, 0x00, 0xc3, 0x28, 0xa0, 0xa1]);
const V = 'ValidationException';
const IPV = 'InvalidParameterValueException';
const RNF = 'ResourceNotFoundException';

/** A valid CreateFunction body with some fields replaced. */
const createBody = (over: Record<string, unknown>) => (c: Ctx) =>
  js({
    FunctionName: 'bad-create',
    Runtime: 'nodejs20.x',
    Handler: 'index.handler',
    Role: ROLE,
    Code: { ZipFile: c.zip.toString('base64') },
    ...over,
  });

// ------------------------------------------------------------------------------ case builders

/** Lambda REST API (also used for the Scheduler API and Gust's API: same error shape). */
const rest =
  (api: string) =>
  (name: string, method: string, path: Lazy<string>, body?: Lazy<Body>, exp: Exp = {}, headers = {}): Case => ({
    name: `${api}: ${name}`,
    method,
    path,
    body,
    headers: { 'content-type': 'application/json', ...headers },
    shape: 'rest',
    ...exp,
  });
const lambda = rest('lambda');
const scheduler = rest('scheduler');
const gustApi = rest('gust');

const invokeCase = (name: string, path: string, body: Lazy<Body>, exp: Exp, headers: Record<string, string> = {}) =>
  lambda(name, 'POST', `/2015-03-31/functions/${path}`, body, exp, headers);

const awsJson =
  (prefix: string, shape: Shape) =>
  (name: string, action: string, body: Lazy<Body>, exp: Exp = {}): Case => ({
    name: `${shape}: ${name}`,
    method: 'POST',
    path: '/',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `${prefix}${action}` },
    body,
    shape,
    ...exp,
  });
const sqsJson = awsJson('AmazonSQS.', 'sqs-json');
const snsJson = awsJson('AmazonSimpleNotificationService.', 'sns-json');

const sigv4 = (service: string): string =>
  `AWS4-HMAC-SHA256 Credential=AKIDTEST/20240101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=x`;

/** Query protocol: a form body; `service` adds a SigV4 header with that credential scope (as the CLI sends). */
const query =
  (api: string, version: string) =>
  (name: string, form: Lazy<string | Record<string, string>>, exp: Exp = {}, service?: string): Case => ({
    name: `${api} query: ${name}`,
    method: 'POST',
    path: '/',
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      ...(service ? { authorization: sigv4(service) } : {}),
    },
    body: (c) => {
      const f = lazy(form, c);
      return typeof f === 'string' ? f : new URLSearchParams({ Version: version, ...f }).toString();
    },
    shape: 'xml',
    ...exp,
  });
const sqsQuery = query('sqs', '2012-11-05');
const snsQuery = query('sns', '2010-03-31');

const many = (n: number, f: (i: number) => [string, string][]): Record<string, string> =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => f(i + 1)).flat());

// ------------------------------------------------------------------------------------- cases

const F = `/2015-03-31/functions`;

// prettier-ignore
const LAMBDA_CASES: Case[] = [
  // CreateFunction: bodies
  lambda('create: invalid JSON', 'POST', F, '{"FunctionName": ', { status: 400, type: V }),
  lambda('create: JSON array', 'POST', F, '[]', { status: 400, type: V }),
  lambda('create: JSON number', 'POST', F, '42', { status: 400, type: V }),
  lambda('create: JSON null', 'POST', F, 'null', { status: 400, type: V }),
  lambda('create: JSON string', 'POST', F, '"function"', { status: 400, type: V }),
  lambda('create: empty body', 'POST', F, '', { status: 400, type: V }),
  lambda('create: non-UTF-8 bytes', 'POST', F, NON_UTF8, { status: 400, type: V }),
  lambda('create: non-UTF-8 in FunctionName', 'POST', F, (c) => Buffer.concat([Buffer.from('{"FunctionName":"a'), NON_UTF8.subarray(0, 2), Buffer.from(`","Runtime":"nodejs20.x","Handler":"i.h","Role":"${ROLE}","Code":{"ZipFile":"${c.zip.toString('base64')}"}}`)]), { status: 400 }),
  lambda('create: text/plain garbage', 'POST', F, 'FunctionName=x', { status: 400 }, { 'content-type': 'text/plain' }),
  lambda('create: XML content', 'POST', F, '<CreateFunction/>', { status: 400 }, { 'content-type': 'application/xml' }),
  lambda('create: form content', 'POST', F, 'FunctionName=x&Runtime=nodejs20.x', { status: 400 }, { 'content-type': 'application/x-www-form-urlencoded' }),
  // CreateFunction: fields
  lambda('create: missing FunctionName', 'POST', F, createBody({ FunctionName: undefined }), { status: 400, type: V }),
  lambda('create: FunctionName object', 'POST', F, createBody({ FunctionName: { a: 1 } }), { status: 400, type: V }),
  lambda('create: FunctionName number', 'POST', F, createBody({ FunctionName: 7 }), { status: 400, type: V }),
  lambda('create: FunctionName empty', 'POST', F, createBody({ FunctionName: '' }), { status: 400, type: V }),
  lambda('create: FunctionName 200 chars', 'POST', F, createBody({ FunctionName: 'a'.repeat(200) }), { status: 400, type: V }),
  lambda('create: FunctionName 65 chars', 'POST', F, createBody({ FunctionName: 'a'.repeat(65) }), { status: 400, type: V }),
  lambda('create: FunctionName with spaces', 'POST', F, createBody({ FunctionName: 'bad name' }), { status: 400, type: V }),
  lambda('create: FunctionName path traversal', 'POST', F, createBody({ FunctionName: '../../etc/passwd' }), { status: 400, type: V }),
  lambda('create: FunctionName NUL', 'POST', F, createBody({ FunctionName: 'a\u0000b' }), { status: 400, type: V }),
  lambda('create: FunctionName unicode', 'POST', F, createBody({ FunctionName: 'fünf' }), { status: 400, type: V }),
  lambda('create: existing name', 'POST', F, createBody({ FunctionName: FN }), { status: 409, type: 'ResourceConflictException' }),
  lambda('create: MemorySize string', 'POST', F, createBody({ MemorySize: '256' }), { status: 400, type: V }),
  lambda('create: MemorySize negative', 'POST', F, createBody({ MemorySize: -128 }), { status: 400, type: V }),
  lambda('create: MemorySize huge', 'POST', F, createBody({ MemorySize: 1e15 }), { status: 400, type: V }),
  lambda('create: MemorySize 1e400', 'POST', F, (c) => createBody({})(c).replace('{', '{"MemorySize":1e400,'), { status: 400, type: V }),
  lambda('create: MemorySize fraction', 'POST', F, createBody({ MemorySize: 200.5 }), { status: 400, type: V }),
  lambda('create: Timeout zero', 'POST', F, createBody({ Timeout: 0 }), { status: 400, type: V }),
  lambda('create: Timeout too long', 'POST', F, createBody({ Timeout: 901 }), { status: 400, type: V }),
  lambda('create: Timeout array', 'POST', F, createBody({ Timeout: [3] }), { status: 400, type: V }),
  lambda('create: EphemeralStorage huge', 'POST', F, createBody({ EphemeralStorage: { Size: 1e9 } }), { status: 400, type: V }),
  lambda('create: Runtime unknown', 'POST', F, createBody({ Runtime: 'cobol85' }), { status: 400, type: IPV }),
  lambda('create: Runtime number', 'POST', F, createBody({ Runtime: 20 }), { status: 400, type: V }),
  lambda('create: Handler with spaces', 'POST', F, createBody({ Handler: 'index handler' }), { status: 400, type: V }),
  lambda('create: Handler too long', 'POST', F, createBody({ Handler: 'h'.repeat(500) }), { status: 400, type: V }),
  lambda('create: Role object', 'POST', F, createBody({ Role: { arn: ROLE } }), { status: 400, type: V }),
  lambda('create: Description too long', 'POST', F, createBody({ Description: 'd'.repeat(300) }), { status: 400, type: V }),
  lambda('create: Environment array', 'POST', F, createBody({ Environment: [] }), { status: 400, type: V }),
  lambda('create: Environment value number', 'POST', F, createBody({ Environment: { Variables: { A: 1 } } }), { status: 400, type: V }),
  lambda('create: Environment reserved key', 'POST', F, createBody({ Environment: { Variables: { AWS_REGION: 'x' } } }), { status: 400, type: IPV }),
  lambda('create: Environment bad key', 'POST', F, createBody({ Environment: { Variables: { '1-bad key': 'x' } } }), { status: 400, type: V }),
  lambda('create: Environment over 4 KB', 'POST', F, createBody({ Environment: { Variables: { BIG: 'x'.repeat(5000) } } }), { status: 400, type: IPV }),
  lambda('create: Architectures string', 'POST', F, createBody({ Architectures: 'x86_64' }), { status: 400, type: V }),
  lambda('create: Architectures unknown', 'POST', F, createBody({ Architectures: ['sparc'] }), { status: 400 }),
  lambda('create: Architectures two', 'POST', F, createBody({ Architectures: ['x86_64', 'arm64'] }), { status: 400, type: V }),
  lambda('create: LoggingConfig LogFormat', 'POST', F, createBody({ LoggingConfig: { LogFormat: 'XML' } }), { status: 400, type: V }),
  lambda('create: Layers string', 'POST', F, createBody({ Layers: 'arn:layer' }), { status: 400, type: V }),
  lambda('create: DeadLetterConfig bad ARN', 'POST', F, createBody({ DeadLetterConfig: { TargetArn: 'not-an-arn' } }), { status: 400, type: IPV }),
  lambda('create: PackageType Image', 'POST', F, createBody({ PackageType: 'Image' }), { status: 400, type: IPV }),
  lambda('create: PackageType unknown', 'POST', F, createBody({ PackageType: 'Jar' }), { status: 400, type: V }),
  lambda('create: Publish string', 'POST', F, createBody({ Publish: 'yes' }), { status: 400, type: V }),
  // CreateFunction: code
  lambda('create: missing Code', 'POST', F, createBody({ Code: undefined }), { status: 400, type: V }),
  lambda('create: Code string', 'POST', F, createBody({ Code: 'UEsDBA==' }), { status: 400, type: V }),
  lambda('create: Code empty', 'POST', F, createBody({ Code: {} }), { status: 400, type: IPV }),
  lambda('create: ZipFile number', 'POST', F, createBody({ Code: { ZipFile: 12345 } }), { status: 400, type: V }),
  lambda('create: ZipFile bad base64', 'POST', F, createBody({ Code: { ZipFile: '!!!!****' } }), { status: 400, type: IPV }),
  lambda('create: ZipFile not a zip', 'POST', F, createBody({ Code: { ZipFile: b64('this is not a zip file') } }), { status: 400, type: IPV }),
  lambda('create: ZipFile random bytes', 'POST', F, createBody({ Code: { ZipFile: b64(Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))) } }), { status: 400, type: IPV }),
  lambda('create: ZipFile truncated zip', 'POST', F, (c) => createBody({ Code: { ZipFile: c.zip.subarray(0, 40).toString('base64') } })(c), { status: 400, type: IPV }),
  lambda('create: ZipFile zip magic only', 'POST', F, createBody({ Code: { ZipFile: b64(Buffer.from('PK\u0003\u0004' + '\u0000'.repeat(26))) } }), { status: 400, type: IPV }),
  lambda('create: ZipFile empty zip', 'POST', F, createBody({ Code: { ZipFile: b64(Buffer.from('PK\u0005\u0006' + '\u0000'.repeat(18), 'latin1')) } }), { status: 400, type: IPV }),
  lambda('create: S3 code', 'POST', F, createBody({ Code: { S3Bucket: 'b', S3Key: 'k' } }), { status: 400, type: IPV }),
  lambda('create: ImageUri code', 'POST', F, createBody({ Code: { ImageUri: 'repo/img:1' } }), { status: 400, type: IPV }),
  // Get/List/Delete function: path parameters and query strings
  lambda('get: NUL in name', 'GET', `${F}/a%00b`, undefined, { status: 400, type: V }),
  lambda('get: ../ in name', 'GET', `${F}/..%2F..%2Fetc%2Fpasswd`, undefined, { status: 400, type: V }),
  lambda('get: 300-char name', 'GET', `${F}/${'a'.repeat(300)}`, undefined, { status: 400, type: V }),
  lambda('get: 2000-char name', 'GET', `${F}/${'a'.repeat(2000)}`, undefined, { status: 400, type: V }),
  lambda('get: unicode name', 'GET', `${F}/f%C3%BCnf`, undefined, { status: 400, type: V }),
  lambda('get: broken percent-encoding', 'GET', `${F}/%E0%A4%A`, undefined, { status: 400, type: V }),
  lambda('get: lone percent', 'GET', `${F}/abc%`, undefined, { status: 400, type: V }),
  lambda('invoke: broken percent-encoding', 'POST', `${F}/%FF/invocations`, '{}', { status: 400, type: V }),
  lambda('get: ARN with two qualifiers', 'GET', `${F}/${FN_ARN}:1:2`, undefined, { status: 400, type: V }),
  lambda('get: ARN of another service', 'GET', `${F}/arn:aws:sqs:us-east-1:${ACCOUNT}:q`, undefined, { status: 400, type: V }),
  lambda('get: unknown function', 'GET', `${F}/no-such-function`, undefined, { status: 404, type: RNF }),
  lambda('get: unknown alias qualifier', 'GET', `${F}/${FN}?Qualifier=nope`, undefined, { status: 404, type: RNF }),
  lambda('get: unknown version qualifier', 'GET', `${F}/${FN}?Qualifier=987654`, undefined, { status: 404, type: RNF }),
  lambda('get: ../ qualifier', 'GET', `${F}/${FN}?Qualifier=..%2F..%2Fx`, undefined, { status: 400, type: V }),
  lambda('get: NUL qualifier', 'GET', `${F}/${FN}?Qualifier=%00`, undefined, { status: 400, type: V }),
  lambda('get: huge version qualifier', 'GET', `${F}/${FN}?Qualifier=${'9'.repeat(400)}`, undefined, { status: 400, type: V }),
  lambda('get: repeated Qualifier, last unknown', 'GET', `${F}/${FN}?Qualifier=1&Qualifier=ghost`, undefined, { status: 404, type: RNF }),
  lambda('get: qualifier in name and query differ', 'GET', `${F}/${FN}:1?Qualifier=$LATEST`, undefined, { status: 400, type: IPV }),
  lambda('get configuration: unknown qualifier', 'GET', `${F}/${FN}/configuration?Qualifier=ghost`, undefined, { status: 404, type: RNF }),
  lambda('list: MaxItems not a number', 'GET', `${F}/?MaxItems=ten`, undefined, { status: 400, type: V }),
  lambda('list: MaxItems zero', 'GET', `${F}/?MaxItems=0`, undefined, { status: 400, type: V }),
  lambda('list: MaxItems negative', 'GET', `${F}/?MaxItems=-5`, undefined, { status: 400, type: V }),
  lambda('list: MaxItems huge', 'GET', `${F}/?MaxItems=99999999999999999999`, undefined, { status: 400, type: V }),
  lambda('list: MaxItems repeated, last bad', 'GET', `${F}/?MaxItems=1&MaxItems=ten`, undefined, { status: 400, type: V }),
  lambda('list: Marker garbage', 'GET', `${F}/?Marker=%00%FF`, undefined, { status: 400, type: IPV }),
  lambda('list: Marker repeated', 'GET', `${F}/?Marker=a&Marker=b`, undefined, { status: 400, type: IPV }),
  lambda('delete: unknown function', 'DELETE', `${F}/no-such-function`, undefined, { status: 404, type: RNF }),
  lambda('delete: unknown version', 'DELETE', `${F}/${FN}?Qualifier=987`, undefined, { status: 404, type: RNF }),
  lambda('delete: alias qualifier', 'DELETE', `${F}/${FN}?Qualifier=some-alias`, undefined, { status: 400, type: IPV }),
  lambda('delete: bad name', 'DELETE', `${F}/bad%20name`, undefined, { status: 400, type: V }),
  // UpdateFunctionConfiguration / UpdateFunctionCode
  lambda('update config: invalid JSON', 'PUT', `${F}/${FN}/configuration`, '{nope}', { status: 400, type: V }),
  lambda('update config: JSON array', 'PUT', `${F}/${FN}/configuration`, '[{"MemorySize":256}]', { status: 400, type: V }),
  lambda('update config: MemorySize string', 'PUT', `${F}/${FN}/configuration`, js({ MemorySize: 'big' }), { status: 400, type: V }),
  lambda('update config: MemorySize too small', 'PUT', `${F}/${FN}/configuration`, js({ MemorySize: 64 }), { status: 400, type: V }),
  lambda('update config: Timeout negative', 'PUT', `${F}/${FN}/configuration`, js({ Timeout: -1 }), { status: 400, type: V }),
  lambda('update config: Environment string', 'PUT', `${F}/${FN}/configuration`, js({ Environment: 'A=1' }), { status: 400, type: V }),
  lambda('update config: stale RevisionId', 'PUT', `${F}/${FN}/configuration`, js({ RevisionId: 'stale' }), { status: 412, type: 'PreconditionFailedException' }),
  lambda('update config: RevisionId number', 'PUT', `${F}/${FN}/configuration`, js({ RevisionId: 1 }), { status: 400, type: V }),
  lambda('update config: unknown function', 'PUT', `${F}/ghost/configuration`, js({ Timeout: 5 }), { status: 404, type: RNF }),
  lambda('update config: non-UTF-8', 'PUT', `${F}/${FN}/configuration`, NON_UTF8, { status: 400, type: V }),
  lambda('update code: empty body', 'PUT', `${F}/${FN}/code`, '', { status: 400, type: IPV }),
  lambda('update code: not a zip', 'PUT', `${F}/${FN}/code`, js({ ZipFile: b64('nope') }), { status: 400, type: IPV }),
  lambda('update code: bad base64', 'PUT', `${F}/${FN}/code`, js({ ZipFile: '%%%%' }), { status: 400, type: IPV }),
  lambda('update code: ZipFile object', 'PUT', `${F}/${FN}/code`, js({ ZipFile: { data: 'x' } }), { status: 400, type: V }),
  lambda('update code: DryRun string', 'PUT', `${F}/${FN}/code`, js({ ZipFile: 'UEs=', DryRun: 'true' }), { status: 400, type: V }),
  lambda('update code: S3 only', 'PUT', `${F}/${FN}/code`, js({ S3Bucket: 'b', S3Key: 'k' }), { status: 400, type: IPV }),
  lambda('update code: JSON null', 'PUT', `${F}/${FN}/code`, 'null', { status: 400, type: V }),
  // Versions and aliases
  lambda('publish: JSON array', 'POST', `${F}/${FN}/versions`, '[]', { status: 400, type: V }),
  lambda('publish: CodeSha256 mismatch', 'POST', `${F}/${FN}/versions`, js({ CodeSha256: 'bm9wZQ==' }), { status: 400, type: IPV }),
  lambda('publish: CodeSha256 number', 'POST', `${F}/${FN}/versions`, js({ CodeSha256: 5 }), { status: 400, type: V }),
  lambda('publish: stale RevisionId', 'POST', `${F}/${FN}/versions`, js({ RevisionId: 'stale' }), { status: 412, type: 'PreconditionFailedException' }),
  lambda('publish: unknown function', 'POST', `${F}/ghost/versions`, '{}', { status: 404, type: RNF }),
  lambda('list versions: MaxItems garbage', 'GET', `${F}/${FN}/versions?MaxItems=1e3x`, undefined, { status: 400, type: V }),
  lambda('create alias: invalid JSON', 'POST', `${F}/${FN}/aliases`, '{"Name":', { status: 400, type: V }),
  lambda('create alias: empty body', 'POST', `${F}/${FN}/aliases`, '', { status: 400, type: V }),
  lambda('create alias: numeric name', 'POST', `${F}/${FN}/aliases`, js({ Name: '123', FunctionVersion: '1' }), { status: 400, type: V }),
  lambda('create alias: name with slash', 'POST', `${F}/${FN}/aliases`, js({ Name: 'a/b', FunctionVersion: '1' }), { status: 400, type: V }),
  lambda('create alias: name too long', 'POST', `${F}/${FN}/aliases`, js({ Name: 'a'.repeat(200), FunctionVersion: '1' }), { status: 400, type: V }),
  lambda('create alias: FunctionVersion number', 'POST', `${F}/${FN}/aliases`, js({ Name: 'live', FunctionVersion: 1 }), { status: 400, type: V }),
  lambda('create alias: unknown version', 'POST', `${F}/${FN}/aliases`, js({ Name: 'live', FunctionVersion: '999' }), { status: 404, type: RNF }),
  lambda('create alias: weight > 1', 'POST', `${F}/${FN}/aliases`, js({ Name: 'live', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '2': 5 } } }), { status: 400 }),
  lambda('create alias: weight string', 'POST', `${F}/${FN}/aliases`, js({ Name: 'live', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '2': 'half' } } }), { status: 400, type: V }),
  lambda('create alias: 500 weights', 'POST', `${F}/${FN}/aliases`, js({ Name: 'live', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: Object.fromEntries(Array.from({ length: 500 }, (_, i) => [String(i + 2), 0.001])) } }), { status: 400 }),
  lambda('create alias: RoutingConfig array', 'POST', `${F}/${FN}/aliases`, js({ Name: 'live', FunctionVersion: '1', RoutingConfig: [] }), { status: 400, type: V }),
  lambda('get alias: unknown', 'GET', `${F}/${FN}/aliases/ghost`, undefined, { status: 404, type: RNF }),
  lambda('get alias: NUL', 'GET', `${F}/${FN}/aliases/%00`, undefined),
  lambda('update alias: unknown', 'PUT', `${F}/${FN}/aliases/ghost`, js({ FunctionVersion: '1' }), { status: 404, type: RNF }),
  lambda('update alias: invalid JSON', 'PUT', `${F}/${FN}/aliases/live`, '}{', { status: 400, type: V }),
  lambda('list aliases: MaxItems zero', 'GET', `${F}/${FN}/aliases?MaxItems=0`, undefined, { status: 400, type: V }),
  lambda('list aliases: unknown function', 'GET', `${F}/ghost/aliases`, undefined, { status: 404, type: RNF }),
  // Concurrency
  lambda('reserved: empty body', 'PUT', `/2017-10-31/functions/${FN}/concurrency`, '', { status: 400, type: V }),
  lambda('reserved: string', 'PUT', `/2017-10-31/functions/${FN}/concurrency`, js({ ReservedConcurrentExecutions: 'ten' }), { status: 400, type: V }),
  lambda('reserved: negative', 'PUT', `/2017-10-31/functions/${FN}/concurrency`, js({ ReservedConcurrentExecutions: -1 }), { status: 400, type: V }),
  lambda('reserved: fraction', 'PUT', `/2017-10-31/functions/${FN}/concurrency`, js({ ReservedConcurrentExecutions: 1.5 }), { status: 400, type: V }),
  lambda('reserved: huge', 'PUT', `/2017-10-31/functions/${FN}/concurrency`, js({ ReservedConcurrentExecutions: 1e9 }), { status: 400, type: IPV }),
  lambda('reserved: unknown function', 'PUT', `/2017-10-31/functions/ghost/concurrency`, js({ ReservedConcurrentExecutions: 1 }), { status: 404, type: RNF }),
  lambda('get reserved: bad name', 'GET', `/2019-09-30/functions/a%00/concurrency`, undefined, { status: 400, type: V }),
  lambda('provisioned: no qualifier', 'PUT', `/2019-09-30/functions/${FN}/provisioned-concurrency`, js({ ProvisionedConcurrentExecutions: 1 }), { status: 400, type: IPV }),
  lambda('provisioned: $LATEST', 'PUT', `/2019-09-30/functions/${FN}/provisioned-concurrency?Qualifier=$LATEST`, js({ ProvisionedConcurrentExecutions: 1 }), { status: 400, type: IPV }),
  lambda('provisioned: zero', 'PUT', `/2019-09-30/functions/${FN}/provisioned-concurrency?Qualifier=1`, js({ ProvisionedConcurrentExecutions: 0 }), { status: 400, type: V }),
  lambda('provisioned: huge', 'PUT', `/2019-09-30/functions/${FN}/provisioned-concurrency?Qualifier=1`, js({ ProvisionedConcurrentExecutions: 1e9 }), { status: 400, type: IPV }),
  lambda('provisioned: string', 'PUT', `/2019-09-30/functions/${FN}/provisioned-concurrency?Qualifier=1`, js({ ProvisionedConcurrentExecutions: '1' }), { status: 400, type: V }),
  lambda('provisioned: repeated Qualifier, last unknown', 'PUT', `/2019-09-30/functions/${FN}/provisioned-concurrency?Qualifier=1&Qualifier=ghost`, js({ ProvisionedConcurrentExecutions: 1 }), { status: 404, type: RNF }),
  lambda('provisioned: unknown qualifier', 'PUT', `/2019-09-30/functions/${FN}/provisioned-concurrency?Qualifier=ghost`, js({ ProvisionedConcurrentExecutions: 1 }), { status: 404, type: RNF }),
  lambda('get provisioned: unknown qualifier', 'GET', `/2019-09-30/functions/${FN}/provisioned-concurrency?Qualifier=ghost`, undefined, { status: 404, type: 'ProvisionedConcurrencyConfigNotFoundException' }),
  lambda('delete provisioned: no qualifier', 'DELETE', `/2019-09-30/functions/${FN}/provisioned-concurrency`, undefined, { status: 404 }),
  // Event invoke config
  lambda('event config: retries 5', 'PUT', `/2019-09-25/functions/${FN}/event-invoke-config`, js({ MaximumRetryAttempts: 5 }), { status: 400, type: V }),
  lambda('event config: retries string', 'PUT', `/2019-09-25/functions/${FN}/event-invoke-config`, js({ MaximumRetryAttempts: 'two' }), { status: 400, type: V }),
  lambda('event config: age 10', 'PUT', `/2019-09-25/functions/${FN}/event-invoke-config`, js({ MaximumEventAgeInSeconds: 10 }), { status: 400, type: V }),
  lambda('event config: age huge', 'PUT', `/2019-09-25/functions/${FN}/event-invoke-config`, js({ MaximumEventAgeInSeconds: 1e12 }), { status: 400, type: V }),
  lambda('event config: destination garbage', 'PUT', `/2019-09-25/functions/${FN}/event-invoke-config`, js({ DestinationConfig: { OnFailure: { Destination: 'nowhere' } } }), { status: 400, type: IPV }),
  lambda('event config: destination number', 'PUT', `/2019-09-25/functions/${FN}/event-invoke-config`, js({ DestinationConfig: { OnSuccess: { Destination: 42 } } }), { status: 400, type: V }),
  lambda('event config: DestinationConfig array', 'PUT', `/2019-09-25/functions/${FN}/event-invoke-config`, js({ DestinationConfig: [] }), { status: 400, type: V }),
  lambda('event config: unknown qualifier', 'PUT', `/2019-09-25/functions/${FN}/event-invoke-config?Qualifier=ghost`, '{}', { status: 404, type: RNF }),
  lambda('event config: repeated Qualifier, last unknown', 'GET', `/2019-09-25/functions/${FN}/event-invoke-config?Qualifier=$LATEST&Qualifier=ghost`, undefined, { status: 404, type: RNF }),
  lambda('event config: update missing', 'POST', `/2019-09-25/functions/${FN}/event-invoke-config?Qualifier=1`, '{}', { status: 404, type: RNF }),
  lambda('event config: get missing', 'GET', `/2019-09-25/functions/${FN}/event-invoke-config?Qualifier=1`, undefined, { status: 404, type: RNF }),
  lambda('event config: list MaxItems', 'GET', `/2019-09-25/functions/${FN}/event-invoke-config/list?MaxItems=x`, undefined, { status: 400, type: V }),
  // Event source mappings
  lambda('esm: invalid JSON', 'POST', '/2015-03-31/event-source-mappings/', '{', { status: 400, type: V }),
  lambda('esm: empty body', 'POST', '/2015-03-31/event-source-mappings/', '', { status: 400 }),
  lambda('esm: EventSourceArn short', 'POST', '/2015-03-31/event-source-mappings/', js({ FunctionName: FN, EventSourceArn: 'x' }), { status: 400, type: V }),
  lambda('esm: EventSourceArn number', 'POST', '/2015-03-31/event-source-mappings/', js({ FunctionName: FN, EventSourceArn: 123 }), { status: 400, type: V }),
  lambda('esm: unknown queue', 'POST', '/2015-03-31/event-source-mappings/', js({ FunctionName: FN, EventSourceArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:ghost` }), {}),
  lambda('esm: unsupported source', 'POST', '/2015-03-31/event-source-mappings/', js({ FunctionName: FN, EventSourceArn: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/s` }), {}),
  lambda('esm: unknown function', 'POST', '/2015-03-31/event-source-mappings/', js({ FunctionName: 'ghost', EventSourceArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:${QUEUE}` }), {}),
  lambda('esm: BatchSize string', 'POST', '/2015-03-31/event-source-mappings/', js({ FunctionName: FN, EventSourceArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:${QUEUE}`, BatchSize: 'ten' }), { status: 400, type: V }),
  lambda('esm: BatchSize huge', 'POST', '/2015-03-31/event-source-mappings/', js({ FunctionName: FN, EventSourceArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:${QUEUE}`, BatchSize: 1e9 }), { status: 400 }),
  lambda('esm: MaximumConcurrency 1', 'POST', '/2015-03-31/event-source-mappings/', js({ FunctionName: FN, EventSourceArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:${QUEUE}`, ScalingConfig: { MaximumConcurrency: 1 } }), { status: 400, type: V }),
  lambda('esm: FunctionResponseTypes bad', 'POST', '/2015-03-31/event-source-mappings/', js({ FunctionName: FN, EventSourceArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:${QUEUE}`, FunctionResponseTypes: ['Everything'] }), { status: 400, type: V }),
  lambda('esm: get unknown', 'GET', '/2015-03-31/event-source-mappings/not-a-uuid', undefined, { status: 404, type: RNF }),
  lambda('esm: get NUL', 'GET', '/2015-03-31/event-source-mappings/%00', undefined),
  lambda('esm: update unknown', 'PUT', '/2015-03-31/event-source-mappings/not-a-uuid', js({ BatchSize: 5 }), { status: 404, type: RNF }),
  lambda('esm: update invalid JSON', 'PUT', '/2015-03-31/event-source-mappings/not-a-uuid', '{{', { status: 400 }),
  lambda('esm: delete unknown', 'DELETE', '/2015-03-31/event-source-mappings/not-a-uuid', undefined, { status: 404, type: RNF }),
  lambda('esm: list MaxItems', 'GET', '/2015-03-31/event-source-mappings/?MaxItems=-1', undefined, { status: 400, type: V }),
  lambda('esm: list Marker', 'GET', '/2015-03-31/event-source-mappings/?Marker=zzz', undefined, { status: 400 }),
  // Function URLs
  lambda('url: empty body', 'POST', `/2021-10-31/functions/${FN}/url`, '', { status: 400, type: V }),
  lambda('url: AuthType unknown', 'POST', `/2021-10-31/functions/${FN}/url`, js({ AuthType: 'OPEN' }), { status: 400, type: V }),
  lambda('url: AuthType number', 'POST', `/2021-10-31/functions/${FN}/url`, js({ AuthType: 1 }), { status: 400, type: V }),
  lambda('url: Cors AllowOrigins string', 'POST', `/2021-10-31/functions/${FN}/url`, js({ AuthType: 'NONE', Cors: { AllowOrigins: '*' } }), { status: 400, type: V }),
  lambda('url: Cors MaxAge negative', 'POST', `/2021-10-31/functions/${FN}/url`, js({ AuthType: 'NONE', Cors: { MaxAge: -1 } }), { status: 400, type: V }),
  lambda('url: InvokeMode unknown', 'POST', `/2021-10-31/functions/${FN}/url`, js({ AuthType: 'NONE', InvokeMode: 'FAST' }), { status: 400, type: V }),
  lambda('url: numeric qualifier', 'POST', `/2021-10-31/functions/${FN}/url?Qualifier=1`, js({ AuthType: 'NONE' }), { status: 400, type: V }),
  lambda('url: unknown alias', 'POST', `/2021-10-31/functions/${FN}/url?Qualifier=ghost`, js({ AuthType: 'NONE' }), { status: 404, type: RNF }),
  lambda('url: invalid JSON', 'POST', `/2021-10-31/functions/${FN}/url`, 'AuthType: NONE', { status: 400, type: V }),
  lambda('url: get missing', 'GET', `/2021-10-31/functions/${FN}/url`, undefined, { status: 404, type: RNF }),
  lambda('url: update missing', 'PUT', `/2021-10-31/functions/${FN}/url`, js({ AuthType: 'NONE' }), { status: 404, type: RNF }),
  lambda('url: list MaxItems', 'GET', `/2021-10-31/functions/${FN}/urls?MaxItems=abc`, undefined, { status: 400, type: V }),
  lambda('url: unknown function', 'GET', `/2021-10-31/functions/ghost/url`, undefined, { status: 404, type: RNF }),
  // Routes that do not exist
  lambda('unknown route', 'GET', '/2015-03-31/nothing-here', undefined, { status: 404, type: 'UnknownOperationException' }),
  lambda('unknown method', 'PATCH', `${F}/${FN}`, '{}', { status: 404, type: 'UnknownOperationException' }),
  lambda('unknown API version', 'GET', `/1999-01-01/functions/${FN}`, undefined, { status: 404, type: 'UnknownOperationException' }),
];

const I = (q = ''): string => `${FN}/invocations${q}`;
// prettier-ignore
const INVOKE_CASES: Case[] = [
  invokeCase('invalid JSON payload', I(), '{"a":', { status: 400, type: 'InvalidRequestContentException' }),
  invokeCase('plain text payload', I(), 'hello world', { status: 400, type: 'InvalidRequestContentException' }, { 'content-type': 'text/plain' }),
  invokeCase('non-UTF-8 payload', I(), NON_UTF8, { status: 400, type: 'InvalidRequestContentException' }),
  invokeCase('async invalid JSON payload', I(), '{', { status: 400, type: 'InvalidRequestContentException' }, { 'x-amz-invocation-type': 'Event' }),
  invokeCase('payload > 6 MB', I(), js({ big: 'x'.repeat(6 * 1024 * 1024 + 100) }), { status: 413, type: 'RequestEntityTooLargeException' }),
  invokeCase('async payload > 1 MB', I(), js({ big: 'x'.repeat(1024 * 1024 + 100) }), { status: 413, type: 'RequestEntityTooLargeException' }, { 'x-amz-invocation-type': 'Event' }),
  invokeCase('payload > 6 MB, not JSON', I(), 'x'.repeat(6 * 1024 * 1024 + 100), { status: 413, type: 'RequestEntityTooLargeException' }),
  invokeCase('unknown invocation type', I(), '{}', { status: 400, type: V }, { 'x-amz-invocation-type': 'Whenever' }),
  invokeCase('unknown log type', I(), '{}', { status: 400, type: V }, { 'x-amz-log-type': 'Everything' }),
  invokeCase('client context not base64 JSON', I(), '{}', { status: 400, type: 'InvalidRequestContentException' }, { 'x-amz-client-context': b64('not json') }),
  invokeCase('client context garbage', I(), '{}', { status: 400, type: 'InvalidRequestContentException' }, { 'x-amz-client-context': '!!!!' }),
  invokeCase('client context JSON array', I(), '{}', { status: 400, type: 'InvalidRequestContentException' }, { 'x-amz-client-context': b64('[1,2]') }),
  invokeCase('client context too long', I(), '{}', { status: 400 }, { 'x-amz-client-context': b64(js({ custom: { a: 'x'.repeat(4000) } })) }),
  invokeCase('unknown function', 'ghost/invocations', '{}', { status: 404, type: RNF }),
  invokeCase('unknown alias', I('?Qualifier=ghost'), '{}', { status: 404, type: RNF }),
  invokeCase('unknown version', I('?Qualifier=9999'), '{}', { status: 404, type: RNF }),
  invokeCase('async unknown function', 'ghost/invocations', '{}', { status: 404, type: RNF }, { 'x-amz-invocation-type': 'Event' }),
  invokeCase('dry run unknown function', 'ghost/invocations', '', { status: 404, type: RNF }, { 'x-amz-invocation-type': 'DryRun' }),
  invokeCase('qualifier in name and query differ', `${FN}:1/invocations?Qualifier=2`, '{}', { status: 400, type: IPV }),
  invokeCase('repeated Qualifier, last invalid', I('?Qualifier=1&Qualifier=%00'), '{}', { status: 400, type: V }),
  invokeCase('NUL in name', 'a%00b/invocations', '{}', { status: 400, type: V }),
  invokeCase('../ in name', '..%2F..%2Fx/invocations', '{}', { status: 400, type: V }),
  invokeCase('400-char name', `${'n'.repeat(400)}/invocations`, '{}', { status: 400, type: V }),
  invokeCase('NUL qualifier', I('?Qualifier=%00'), '{}', { status: 400, type: V }),
  invokeCase('../ qualifier', I('?Qualifier=..%2F1'), '{}', { status: 400, type: V }),
  lambda('invoke: GET instead of POST', 'GET', `${F}/${I()}`, undefined, { status: 404, type: 'UnknownOperationException' }),
];

const withQueue = (over: Record<string, unknown>) => (c: Ctx) => js({ QueueUrl: c.queueUrl, ...over });
const tooManyAttrs = (n: number, size = 1) =>
  Object.fromEntries(
    Array.from({ length: n }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: 'v'.repeat(size) }]),
  );

// prettier-ignore
const SQS_JSON_CASES: Case[] = [
  sqsJson('malformed JSON', 'CreateQueue', '{"QueueName": ', { status: 400, type: 'InvalidParameterValue' }),
  sqsJson('non-UTF-8 body', 'CreateQueue', NON_UTF8, { status: 400 }),
  sqsJson('JSON array body', 'CreateQueue', '["q"]', { status: 400 }),
  sqsJson('JSON number body', 'ListQueues', '7', { status: 400, type: 'InvalidParameterValue' }),
  sqsJson('JSON null body', 'GetQueueUrl', 'null', { status: 400 }),
  sqsJson('unknown action', 'FlyToTheMoon', '{}', { status: 400, type: 'InvalidAction' }),
  sqsJson('empty action', '', '{}', { status: 400, type: 'InvalidAction' }),
  sqsJson('action constructor', 'constructor', '{}', { status: 400, type: 'InvalidAction' }),
  sqsJson('action __proto__', '__proto__', '{}', { status: 400, type: 'InvalidAction' }),
  sqsJson('action toString', 'toString', '{}', { status: 400, type: 'InvalidAction' }),
  sqsJson('action hasOwnProperty', 'hasOwnProperty', '{}', { status: 400, type: 'InvalidAction' }),
  sqsJson('CreateQueue: no QueueName', 'CreateQueue', '{}', { status: 400, type: 'MissingParameter' }),
  sqsJson('CreateQueue: QueueName number', 'CreateQueue', js({ QueueName: 5 }), { status: 400 }),
  sqsJson('CreateQueue: QueueName object', 'CreateQueue', js({ QueueName: { a: 1 } }), { status: 400 }),
  sqsJson('CreateQueue: bad QueueName', 'CreateQueue', js({ QueueName: 'bad name!' }), { status: 400 }),
  sqsJson('CreateQueue: QueueName 81 chars', 'CreateQueue', js({ QueueName: 'q'.repeat(81) }), { status: 400 }),
  sqsJson('CreateQueue: QueueName ../', 'CreateQueue', js({ QueueName: '../x' }), { status: 400 }),
  sqsJson('CreateQueue: Attributes array', 'CreateQueue', js({ QueueName: 'x1', Attributes: [] }), { status: 400 }),
  sqsJson('CreateQueue: Attributes nested object', 'CreateQueue', js({ QueueName: 'x1', Attributes: { VisibilityTimeout: { a: 1 } } }), { status: 400 }),
  sqsJson('CreateQueue: 1000 unknown attributes', 'CreateQueue', js({ QueueName: 'x1', Attributes: Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`Attr${i}`, '1'])) }), { status: 400, type: 'InvalidAttributeName' }),
  sqsJson('CreateQueue: VisibilityTimeout text', 'CreateQueue', js({ QueueName: 'x1', Attributes: { VisibilityTimeout: 'abc' } }), { status: 400, type: 'InvalidAttributeValue' }),
  sqsJson('CreateQueue: VisibilityTimeout negative', 'CreateQueue', js({ QueueName: 'x1', Attributes: { VisibilityTimeout: '-5' } }), { status: 400, type: 'InvalidAttributeValue' }),
  sqsJson('CreateQueue: VisibilityTimeout huge', 'CreateQueue', js({ QueueName: 'x1', Attributes: { VisibilityTimeout: '99999999999999999999' } }), { status: 400, type: 'InvalidAttributeValue' }),
  sqsJson('CreateQueue: RedrivePolicy not JSON', 'CreateQueue', js({ QueueName: 'x1', Attributes: { RedrivePolicy: '{nope' } }), { status: 400 }),
  sqsJson('CreateQueue: RedrivePolicy JSON array', 'CreateQueue', js({ QueueName: 'x1', Attributes: { RedrivePolicy: '[]' } }), { status: 400 }),
  sqsJson('CreateQueue: RedrivePolicy JSON null', 'CreateQueue', js({ QueueName: 'x1', Attributes: { RedrivePolicy: 'null' } }), { status: 400 }),
  sqsJson('CreateQueue: RedrivePolicy bad ARN', 'CreateQueue', js({ QueueName: 'x1', Attributes: { RedrivePolicy: js({ deadLetterTargetArn: 'x', maxReceiveCount: 3 }) } }), { status: 400 }),
  sqsJson('CreateQueue: RedrivePolicy count string', 'CreateQueue', js({ QueueName: 'x1', Attributes: { RedrivePolicy: js({ deadLetterTargetArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:${QUEUE}`, maxReceiveCount: 'many' }) } }), { status: 400 }),
  sqsJson('CreateQueue: RedriveAllowPolicy garbage', 'CreateQueue', js({ QueueName: 'x1', Attributes: { RedriveAllowPolicy: '{"redrivePermission":7}' } }), { status: 400, type: 'InvalidAttributeValue' }),
  sqsJson('CreateQueue: RedriveAllowPolicy byQueue without ARNs', 'CreateQueue', js({ QueueName: 'x1', Attributes: { RedriveAllowPolicy: '{"redrivePermission":"byQueue"}' } }), { status: 400, type: 'InvalidAttributeValue' }),
  sqsJson('CreateQueue: RedriveAllowPolicy 11 ARNs', 'CreateQueue', js({ QueueName: 'x1', Attributes: { RedriveAllowPolicy: js({ redrivePermission: 'byQueue', sourceQueueArns: Array.from({ length: 11 }, (_, i) => `arn:aws:sqs:us-east-1:${ACCOUNT}:q${i}`) }) } }), { status: 400, type: 'InvalidAttributeValue' }),
  sqsJson('CreateQueue: FifoQueue without .fifo', 'CreateQueue', js({ QueueName: 'x1', Attributes: { FifoQueue: 'true' } }), { status: 400 }),
  sqsJson('CreateQueue: FifoQueue maybe', 'CreateQueue', js({ QueueName: 'x1.fifo', Attributes: { FifoQueue: 'maybe' } }), { status: 400 }),
  sqsJson('CreateQueue: tags array', 'CreateQueue', js({ QueueName: 'x1', tags: ['a'] }), { status: 400 }),
  sqsJson('CreateQueue: different attributes', 'CreateQueue', js({ QueueName: QUEUE, Attributes: { DelaySeconds: '7' } }), { status: 400, type: 'QueueNameExists' }),
  sqsJson('GetQueueUrl: unknown queue', 'GetQueueUrl', js({ QueueName: 'ghost' }), { status: 400, type: 'QueueDoesNotExist' }),
  sqsJson('GetQueueUrl: other owner', 'GetQueueUrl', js({ QueueName: QUEUE, QueueOwnerAWSAccountId: '123456789012' }), { status: 400, type: 'QueueDoesNotExist' }),
  sqsJson('GetQueueUrl: owner number', 'GetQueueUrl', js({ QueueName: QUEUE, QueueOwnerAWSAccountId: 123456789012 }), { status: 400 }),
  sqsJson('ListQueues: MaxResults zero', 'ListQueues', js({ MaxResults: 0 }), { status: 400 }),
  sqsJson('ListQueues: MaxResults string', 'ListQueues', js({ MaxResults: 'ten' }), { status: 400 }),
  sqsJson('ListQueues: MaxResults fraction', 'ListQueues', js({ MaxResults: 1.5 }), { status: 400 }),
  sqsJson('ListQueues: prefix number', 'ListQueues', js({ QueueNamePrefix: 1 }), { status: 400 }),
  sqsJson('ListQueues: NextToken object', 'ListQueues', js({ NextToken: {} }), { status: 400 }),
  sqsJson('SendMessage: no QueueUrl', 'SendMessage', js({ MessageBody: 'x' }), { status: 400, type: 'MissingParameter' }),
  sqsJson('SendMessage: QueueUrl number', 'SendMessage', js({ QueueUrl: 5, MessageBody: 'x' }), { status: 400 }),
  sqsJson('SendMessage: QueueUrl unknown queue', 'SendMessage', (c) => js({ QueueUrl: `${c.url}/${ACCOUNT}/ghost`, MessageBody: 'x' }), { status: 400, type: 'QueueDoesNotExist' }),
  sqsJson('SendMessage: QueueUrl bad percent-encoding', 'SendMessage', (c) => js({ QueueUrl: `${c.url}/${ACCOUNT}/%E0%A4%A`, MessageBody: 'x' }), { status: 400, type: 'QueueDoesNotExist' }),
  sqsJson('SendMessage: relative QueueUrl with %', 'SendMessage', js({ QueueUrl: `${ACCOUNT}/%`, MessageBody: 'x' }), { status: 400, type: 'QueueDoesNotExist' }),
  sqsJson('SendMessage: QueueUrl deep path', 'SendMessage', js({ QueueUrl: 'http://h/a/b/c/d', MessageBody: 'x' }), { status: 400, type: 'QueueDoesNotExist' }),
  sqsJson('SendMessage: QueueUrl ../', 'SendMessage', js({ QueueUrl: `http://h/${ACCOUNT}/..%2F..%2Fetc`, MessageBody: 'x' }), { status: 400, type: 'QueueDoesNotExist' }),
  sqsJson('SendMessage: QueueUrl an ARN', 'SendMessage', js({ QueueUrl: `arn:aws:sqs:us-east-1:${ACCOUNT}:${QUEUE}`, MessageBody: 'x' }), { status: 400, type: 'QueueDoesNotExist' }),
  sqsJson('SendMessage: QueueUrl empty', 'SendMessage', js({ QueueUrl: '', MessageBody: 'x' }), { status: 400 }),
  sqsJson('SendMessage: no MessageBody', 'SendMessage', withQueue({}), { status: 400, type: 'MissingParameter' }),
  sqsJson('SendMessage: MessageBody object', 'SendMessage', withQueue({ MessageBody: { a: 1 } }), { status: 400 }),
  sqsJson('SendMessage: MessageBody NUL', 'SendMessage', withQueue({ MessageBody: 'a\u0000b' }), { status: 400, type: 'InvalidMessageContents' }),
  sqsJson('SendMessage: MessageBody lone surrogate', 'SendMessage', (c) => `{"QueueUrl":${js(c.queueUrl)},"MessageBody":"a\\ud800b"}`, { status: 400, type: 'InvalidMessageContents' }),
  sqsJson('SendMessage: MessageBody > 1 MiB', 'SendMessage', withQueue({ MessageBody: 'x'.repeat(1024 * 1024 + 1) }), { status: 400, type: 'InvalidParameterValue' }),
  sqsJson('SendMessage: DelaySeconds text', 'SendMessage', withQueue({ MessageBody: 'x', DelaySeconds: 'soon' }), { status: 400 }),
  sqsJson('SendMessage: DelaySeconds negative', 'SendMessage', withQueue({ MessageBody: 'x', DelaySeconds: -1 }), { status: 400 }),
  sqsJson('SendMessage: DelaySeconds huge', 'SendMessage', withQueue({ MessageBody: 'x', DelaySeconds: 1e12 }), { status: 400 }),
  sqsJson('SendMessage: DelaySeconds object', 'SendMessage', withQueue({ MessageBody: 'x', DelaySeconds: {} }), { status: 400 }),
  sqsJson('SendMessage: 11 attributes', 'SendMessage', withQueue({ MessageBody: 'x', MessageAttributes: tooManyAttrs(11) }), { status: 400 }),
  sqsJson('SendMessage: 5000 attributes', 'SendMessage', withQueue({ MessageBody: 'x', MessageAttributes: tooManyAttrs(5000) }), { status: 400 }),
  sqsJson('SendMessage: attributes array', 'SendMessage', withQueue({ MessageBody: 'x', MessageAttributes: [1] }), { status: 400 }),
  sqsJson('SendMessage: attribute null', 'SendMessage', withQueue({ MessageBody: 'x', MessageAttributes: { a: null } }), { status: 400 }),
  sqsJson('SendMessage: attribute string', 'SendMessage', withQueue({ MessageBody: 'x', MessageAttributes: { a: 'v' } }), { status: 400 }),
  sqsJson('SendMessage: attribute bad type', 'SendMessage', withQueue({ MessageBody: 'x', MessageAttributes: { a: { DataType: 'Weird', StringValue: 'v' } } }), { status: 400 }),
  sqsJson('SendMessage: attribute bad number', 'SendMessage', withQueue({ MessageBody: 'x', MessageAttributes: { a: { DataType: 'Number', StringValue: 'ten' } } }), { status: 400 }),
  sqsJson('SendMessage: attribute bad binary', 'SendMessage', withQueue({ MessageBody: 'x', MessageAttributes: { a: { DataType: 'Binary', BinaryValue: '***' } } }), { status: 400 }),
  sqsJson('SendMessage: attribute bad name', 'SendMessage', withQueue({ MessageBody: 'x', MessageAttributes: { 'aws.x': { DataType: 'String', StringValue: 'v' } } }), { status: 400, type: 'InvalidAttributeName' }),
  sqsJson('SendMessage: attribute __proto__', 'SendMessage', (c) => `{"QueueUrl":${js(c.queueUrl)},"MessageBody":"x","MessageAttributes":{"__proto__":{"DataType":"Weird"}}}`, { status: 400 }),
  sqsJson('SendMessage: system attribute unknown', 'SendMessage', withQueue({ MessageBody: 'x', MessageSystemAttributes: { Foo: { DataType: 'String', StringValue: 'v' } } }), { status: 400, type: 'InvalidAttributeName' }),
  sqsJson('SendMessage: system attributes string', 'SendMessage', withQueue({ MessageBody: 'x', MessageSystemAttributes: 'AWSTraceHeader' }), { status: 400 }),
  sqsJson('SendMessage: system attribute value number', 'SendMessage', withQueue({ MessageBody: 'x', MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: 5 } } }), { status: 400 }),
  sqsJson('SendMessage: group id on standard queue', 'SendMessage', withQueue({ MessageBody: 'x', MessageGroupId: 7 }), { status: 400 }),
  sqsJson('SendMessageBatch: no entries', 'SendMessageBatch', withQueue({}), { status: 400, type: 'EmptyBatchRequest' }),
  sqsJson('SendMessageBatch: entries string', 'SendMessageBatch', withQueue({ Entries: 'x' }), { status: 400 }),
  sqsJson('SendMessageBatch: entries of numbers', 'SendMessageBatch', withQueue({ Entries: [1, 2] }), { status: 400 }),
  sqsJson('SendMessageBatch: entry null', 'SendMessageBatch', withQueue({ Entries: [null] }), { status: 400 }),
  sqsJson('SendMessageBatch: 11 entries', 'SendMessageBatch', withQueue({ Entries: Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, MessageBody: 'x' })) }), { status: 400, type: 'TooManyEntriesInBatchRequest' }),
  sqsJson('SendMessageBatch: 5000 entries', 'SendMessageBatch', withQueue({ Entries: Array.from({ length: 5000 }, (_, i) => ({ Id: `e${i}`, MessageBody: 'x' })) }), { status: 400, type: 'TooManyEntriesInBatchRequest' }),
  sqsJson('SendMessageBatch: bad Id', 'SendMessageBatch', withQueue({ Entries: [{ Id: 'a b', MessageBody: 'x' }] }), { status: 400, type: 'InvalidBatchEntryId' }),
  sqsJson('SendMessageBatch: Id number', 'SendMessageBatch', withQueue({ Entries: [{ Id: 1, MessageBody: 'x' }] }), { status: 400, type: 'InvalidParameterValue' }),
  sqsJson('SendMessageBatch: duplicate Ids', 'SendMessageBatch', withQueue({ Entries: [{ Id: 'a', MessageBody: 'x' }, { Id: 'a', MessageBody: 'y' }] }), { status: 400, type: 'BatchEntryIdsNotDistinct' }),
  sqsJson('SendMessageBatch: too long', 'SendMessageBatch', withQueue({ Entries: [{ Id: 'a', MessageBody: 'x'.repeat(600_000) }, { Id: 'b', MessageBody: 'y'.repeat(600_000) }] }), { status: 400, type: 'BatchRequestTooLong' }),
  sqsJson('ReceiveMessage: MaxNumberOfMessages 11', 'ReceiveMessage', withQueue({ MaxNumberOfMessages: 11 }), { status: 400 }),
  sqsJson('ReceiveMessage: MaxNumberOfMessages text', 'ReceiveMessage', withQueue({ MaxNumberOfMessages: 'ten' }), { status: 400 }),
  sqsJson('ReceiveMessage: WaitTimeSeconds 21', 'ReceiveMessage', withQueue({ WaitTimeSeconds: 21 }), { status: 400 }),
  sqsJson('ReceiveMessage: WaitTimeSeconds -1', 'ReceiveMessage', withQueue({ WaitTimeSeconds: -1 }), { status: 400 }),
  sqsJson('ReceiveMessage: VisibilityTimeout huge', 'ReceiveMessage', withQueue({ VisibilityTimeout: 1e9 }), { status: 400 }),
  sqsJson('ReceiveMessage: AttributeNames string', 'ReceiveMessage', withQueue({ AttributeNames: 'All' }), { status: 400 }),
  sqsJson('ReceiveMessage: AttributeNames unknown', 'ReceiveMessage', withQueue({ AttributeNames: ['Bogus'] }), { status: 400, type: 'InvalidAttributeName' }),
  sqsJson('ReceiveMessage: MessageAttributeNames numbers', 'ReceiveMessage', withQueue({ MessageAttributeNames: [1, 2] }), { status: 400 }),
  sqsJson('DeleteMessage: no handle', 'DeleteMessage', withQueue({}), { status: 400, type: 'MissingParameter' }),
  sqsJson('DeleteMessage: garbage handle', 'DeleteMessage', withQueue({ ReceiptHandle: 'garbage' }), { type: 'ReceiptHandleIsInvalid' }),
  sqsJson('DeleteMessage: handle number', 'DeleteMessage', withQueue({ ReceiptHandle: 42 }), { status: 400 }),
  sqsJson('DeleteMessage: binary handle', 'DeleteMessage', withQueue({ ReceiptHandle: '\u0000\uffff' + 'A'.repeat(5000) }), {}),
  sqsJson('ChangeMessageVisibility: text timeout', 'ChangeMessageVisibility', withQueue({ ReceiptHandle: 'garbage', VisibilityTimeout: 'long' }), {}),
  sqsJson('ChangeMessageVisibility: garbage handle', 'ChangeMessageVisibility', withQueue({ ReceiptHandle: 'garbage', VisibilityTimeout: 10 }), { type: 'ReceiptHandleIsInvalid' }),
  sqsJson('ChangeMessageVisibility: timeout missing', 'ChangeMessageVisibility', withQueue({ ReceiptHandle: 'garbage' }), {}),
  sqsJson('DeleteMessageBatch: empty', 'DeleteMessageBatch', withQueue({ Entries: [] }), { status: 400, type: 'EmptyBatchRequest' }),
  sqsJson('ChangeMessageVisibilityBatch: entries object', 'ChangeMessageVisibilityBatch', withQueue({ Entries: { Id: 'a' } }), { status: 400 }),
  sqsJson('GetQueueAttributes: unknown name', 'GetQueueAttributes', withQueue({ AttributeNames: ['Bogus'] }), { status: 400, type: 'InvalidAttributeName' }),
  sqsJson('GetQueueAttributes: names number', 'GetQueueAttributes', withQueue({ AttributeNames: 5 }), { status: 400 }),
  sqsJson('SetQueueAttributes: no attributes', 'SetQueueAttributes', withQueue({}), { status: 400, type: 'MissingParameter' }),
  sqsJson('SetQueueAttributes: MaximumMessageSize 1', 'SetQueueAttributes', withQueue({ Attributes: { MaximumMessageSize: '1' } }), { status: 400, type: 'InvalidAttributeValue' }),
  sqsJson('SetQueueAttributes: read-only attribute', 'SetQueueAttributes', withQueue({ Attributes: { QueueArn: 'x' } }), { status: 400, type: 'InvalidAttributeName' }),
  sqsJson('SetQueueAttributes: Policy not JSON', 'SetQueueAttributes', withQueue({ Attributes: { Policy: '{{' } }), { status: 400 }),
  sqsJson('TagQueue: tags string', 'TagQueue', withQueue({ Tags: 'a=b' }), { status: 400 }),
  sqsJson('TagQueue: 1000 tags', 'TagQueue', withQueue({ Tags: Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, 'v'])) }), { status: 400 }),
  sqsJson('UntagQueue: keys string', 'UntagQueue', withQueue({ TagKeys: 'a' }), { status: 400 }),
  sqsJson('PurgeQueue: unknown queue', 'PurgeQueue', (c) => js({ QueueUrl: `${c.url}/${ACCOUNT}/ghost` }), { status: 400, type: 'QueueDoesNotExist' }),
  sqsJson('DeleteQueue: no QueueUrl', 'DeleteQueue', '{}', { status: 400, type: 'MissingParameter' }),
  sqsJson('ListDeadLetterSourceQueues: MaxResults 0', 'ListDeadLetterSourceQueues', withQueue({ MaxResults: 0 }), { status: 400 }),
  awsJson('Bogus.', 'aws-json')('unknown target prefix', 'DoThings', '{}', { status: 400, type: 'UnknownOperationException' }),
  awsJson('', 'aws-json')('target without prefix', 'ListQueues', '{}', { status: 400, type: 'UnknownOperationException' }),
  // Posted to a queue URL
  { ...sqsJson('queue URL: unknown queue', 'SendMessage', js({ MessageBody: 'x' }), { status: 400, type: 'QueueDoesNotExist' }), path: `/${ACCOUNT}/ghost` },
  { ...sqsJson('queue URL: malformed JSON', 'SendMessage', '{', { status: 400 }), path: `/${ACCOUNT}/${QUEUE}` },
  { ...sqsJson('queue URL: unknown action', 'Explode', '{}', { status: 400, type: 'InvalidAction' }), path: `/${ACCOUNT}/${QUEUE}` },
];

// prettier-ignore
const SQS_QUERY_CASES: Case[] = [
  sqsQuery('unknown action (signed)', { Action: 'FlyToTheMoon' }, { status: 400, type: 'InvalidAction' }, 'sqs'),
  sqsQuery('unknown action (unsigned)', { Action: 'FlyToTheMoon' }, { status: 400, type: 'InvalidAction' }),
  sqsQuery('no action (signed)', { QueueName: 'x' }, { status: 400, type: 'InvalidAction' }, 'sqs'),
  sqsQuery('no action (unsigned)', { QueueName: 'x' }, { status: 400, type: 'InvalidAction' }),
  sqsQuery('action constructor', { Action: 'constructor' }, { status: 400, type: 'InvalidAction' }, 'sqs'),
  sqsQuery('action __proto__', { Action: '__proto__' }, { status: 400, type: 'InvalidAction' }, 'sqs'),
  sqsQuery('garbage form body', '%%%&&&===&=%zz&Action', { status: 400, type: 'InvalidAction' }, 'sqs'),
  sqsQuery('binary body', () => NON_UTF8.toString('latin1'), { status: 400 }, 'sqs'),
  sqsQuery('empty body', '', { status: 400, type: 'InvalidAction' }, 'sqs'),
  sqsQuery('CreateQueue: no QueueName', { Action: 'CreateQueue' }, { status: 400, type: 'MissingParameter' }, 'sqs'),
  sqsQuery('CreateQueue: bad QueueName', { Action: 'CreateQueue', QueueName: 'no spaces please' }, { status: 400, type: 'InvalidParameterValue' }, 'sqs'),
  sqsQuery('CreateQueue: attribute value text', { Action: 'CreateQueue', QueueName: 'x2', 'Attribute.1.Name': 'VisibilityTimeout', 'Attribute.1.Value': 'abc' }, { status: 400, type: 'InvalidAttributeValue' }, 'sqs'),
  sqsQuery('CreateQueue: attribute without name', { Action: 'CreateQueue', QueueName: 'x2', 'Attribute.1.Value': '5' }, { status: 400 }, 'sqs'),
  sqsQuery('CreateQueue: 2000 attributes', { Action: 'CreateQueue', QueueName: 'x2', ...many(2000, (i) => [[`Attribute.${i}.Name`, `A${i}`], [`Attribute.${i}.Value`, '1']]) }, { status: 400, type: 'InvalidAttributeName' }, 'sqs'),
  sqsQuery('CreateQueue: huge attribute index', { Action: 'CreateQueue', QueueName: 'x2', 'Attribute.99999999999999999999999.Name': 'DelaySeconds', 'Attribute.99999999999999999999999.Value': 'x' }, { status: 400 }, 'sqs'),
  sqsQuery('CreateQueue: attribute as plain value', { Action: 'CreateQueue', QueueName: 'x2', Attribute: 'DelaySeconds' }, { status: 400 }, 'sqs'),
  sqsQuery('SendMessage: no QueueUrl', { Action: 'SendMessage', MessageBody: 'x' }, { status: 400, type: 'MissingParameter' }, 'sqs'),
  sqsQuery('SendMessage: empty MessageBody', (c) => ({ Action: 'SendMessage', QueueUrl: c.queueUrl, MessageBody: '' }), { status: 400, type: 'MissingParameter' }, 'sqs'),
  sqsQuery('SendMessage: bad percent in QueueUrl', (c) => ({ Action: 'SendMessage', QueueUrl: `${c.url}/${ACCOUNT}/%E0%A4%A`, MessageBody: 'x' }), { status: 400, type: 'AWS.SimpleQueueService.NonExistentQueue' }, 'sqs'),
  sqsQuery('SendMessage: DelaySeconds text', (c) => ({ Action: 'SendMessage', QueueUrl: c.queueUrl, MessageBody: 'x', DelaySeconds: 'soon' }), { status: 400, type: 'InvalidParameterValue' }, 'sqs'),
  sqsQuery('SendMessage: attribute bad number', (c) => ({ Action: 'SendMessage', QueueUrl: c.queueUrl, MessageBody: 'x', 'MessageAttribute.1.Name': 'n', 'MessageAttribute.1.Value.DataType': 'Number', 'MessageAttribute.1.Value.StringValue': 'ten' }), { status: 400 }, 'sqs'),
  sqsQuery('SendMessage: 500 attributes', (c) => ({ Action: 'SendMessage', QueueUrl: c.queueUrl, MessageBody: 'x', ...many(500, (i) => [[`MessageAttribute.${i}.Name`, `a${i}`], [`MessageAttribute.${i}.Value.DataType`, 'String'], [`MessageAttribute.${i}.Value.StringValue`, 'v']]) }), { status: 400 }, 'sqs'),
  sqsQuery('SendMessage: __proto__ parameter', (c) => ({ Action: 'SendMessage', QueueUrl: c.queueUrl, '__proto__.gustPolluted': 'yes' }), { status: 400, type: 'MissingParameter' }, 'sqs'),
  sqsQuery('SendMessage: nested __proto__ parameter', (c) => ({ Action: 'SendMessage', QueueUrl: c.queueUrl, 'MessageAttribute.__proto__.gustPolluted': 'yes' }), { status: 400 }, 'sqs'),
  sqsQuery('SendMessage: constructor.prototype parameter', (c) => ({ Action: 'SendMessage', QueueUrl: c.queueUrl, 'constructor.prototype.gustPolluted': 'yes' }), { status: 400 }, 'sqs'),
  sqsQuery('ReceiveMessage: MaxNumberOfMessages text', (c) => ({ Action: 'ReceiveMessage', QueueUrl: c.queueUrl, MaxNumberOfMessages: 'lots' }), { status: 400 }, 'sqs'),
  sqsQuery('ReceiveMessage: WaitTimeSeconds 1e3', (c) => ({ Action: 'ReceiveMessage', QueueUrl: c.queueUrl, WaitTimeSeconds: '1e3' }), { status: 400 }, 'sqs'),
  sqsQuery('DeleteMessage: garbage handle', (c) => ({ Action: 'DeleteMessage', QueueUrl: c.queueUrl, ReceiptHandle: 'garbage' }), { type: 'ReceiptHandleIsInvalid' }, 'sqs'),
  sqsQuery('SendMessageBatch: 20 entries', (c) => ({ Action: 'SendMessageBatch', QueueUrl: c.queueUrl, ...many(20, (i) => [[`SendMessageBatchRequestEntry.${i}.Id`, `e${i}`], [`SendMessageBatchRequestEntry.${i}.MessageBody`, 'x']]) }), { status: 400, type: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest' }, 'sqs'),
  sqsQuery('GetQueueUrl: unknown queue', { Action: 'GetQueueUrl', QueueName: 'ghost' }, { status: 400, type: 'AWS.SimpleQueueService.NonExistentQueue' }, 'sqs'),
  { ...sqsQuery('queue URL: unknown action', { Action: 'Explode' }, { status: 400, type: 'InvalidAction' }), path: `/${ACCOUNT}/${QUEUE}` },
  { ...sqsQuery('queue URL: unknown queue', { Action: 'SendMessage', MessageBody: 'x' }, { status: 400, type: 'AWS.SimpleQueueService.NonExistentQueue' }), path: `/${ACCOUNT}/ghost` },
  { ...sqsQuery('queue URL GET: no action', {}, { status: 400, type: 'InvalidAction' }), method: 'GET', path: `/${ACCOUNT}/${QUEUE}`, body: undefined },
];

const topicIs = (over: Record<string, unknown>) => js({ TopicArn: TOPIC_ARN, ...over });
// prettier-ignore
const SNS_JSON_CASES: Case[] = [
  snsJson('malformed JSON', 'CreateTopic', '{"Name":', { status: 400 }),
  snsJson('JSON array body', 'CreateTopic', '[]', { status: 400 }),
  snsJson('non-UTF-8 body', 'Publish', NON_UTF8, { status: 400 }),
  snsJson('unknown action', 'FlyToTheMoon', '{}', { status: 400, type: 'InvalidActionException' }),
  snsJson('action constructor', 'constructor', '{}', { status: 400, type: 'InvalidActionException' }),
  snsJson('action __proto__', '__proto__', '{}', { status: 400, type: 'InvalidActionException' }),
  snsJson('action toString', 'toString', '{}', { status: 400, type: 'InvalidActionException' }),
  snsJson('action hasOwnProperty', 'hasOwnProperty', '{}', { status: 400, type: 'InvalidActionException' }),
  snsJson('action valueOf', 'valueOf', '{}', { status: 400, type: 'InvalidActionException' }),
  snsJson('CreateTopic: no Name', 'CreateTopic', '{}', { status: 400 }),
  snsJson('CreateTopic: Name object', 'CreateTopic', js({ Name: { a: 1 } }), { status: 400 }),
  snsJson('CreateTopic: bad Name', 'CreateTopic', js({ Name: 'bad name!' }), { status: 400, type: 'InvalidParameterException' }),
  snsJson('CreateTopic: Name 300 chars', 'CreateTopic', js({ Name: 't'.repeat(300) }), { status: 400 }),
  snsJson('CreateTopic: FifoTopic maybe', 'CreateTopic', js({ Name: 'x.fifo', Attributes: { FifoTopic: 'maybe' } }), { status: 400 }),
  snsJson('CreateTopic: unknown attribute', 'CreateTopic', js({ Name: 'x', Attributes: { Bogus: '1' } }), { status: 400 }),
  snsJson('CreateTopic: 1000 attributes', 'CreateTopic', js({ Name: 'x', Attributes: Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`A${i}`, '1'])) }), { status: 400 }),
  snsJson('CreateTopic: Policy not JSON', 'CreateTopic', js({ Name: 'x', Attributes: { Policy: '{{' } }), { status: 400 }),
  snsJson('GetTopicAttributes: garbage ARN', 'GetTopicAttributes', js({ TopicArn: 'garbage' }), { status: 400 }),
  snsJson('GetTopicAttributes: ARN number', 'GetTopicAttributes', js({ TopicArn: 12 }), { status: 400 }),
  snsJson('GetTopicAttributes: unknown topic', 'GetTopicAttributes', js({ TopicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:ghost` }), { status: 404, type: 'NotFoundException' }),
  snsJson('SetTopicAttributes: unknown name', 'SetTopicAttributes', topicIs({ AttributeName: 'Bogus', AttributeValue: 'x' }), { status: 400 }),
  snsJson('SetTopicAttributes: no name', 'SetTopicAttributes', topicIs({}), { status: 400 }),
  snsJson('DeleteTopic: garbage ARN', 'DeleteTopic', js({ TopicArn: '../../etc' }), { status: 400 }),
  snsJson('Publish: no TopicArn', 'Publish', js({ Message: 'x' }), { status: 400 }),
  snsJson('Publish: no Message', 'Publish', topicIs({}), { status: 400 }),
  snsJson('Publish: Message object', 'Publish', topicIs({ Message: { a: 1 } }), { status: 400 }),
  snsJson('Publish: Message > 256 KB', 'Publish', topicIs({ Message: 'x'.repeat(262_145) }), { status: 400 }),
  snsJson('Publish: json structure not JSON', 'Publish', topicIs({ Message: 'x', MessageStructure: 'json' }), { status: 400 }),
  snsJson('Publish: json structure no default', 'Publish', topicIs({ Message: '{"sqs":"x"}', MessageStructure: 'json' }), { status: 400 }),
  snsJson('Publish: 300 attributes over 256 KB', 'Publish', topicIs({ Message: 'x', MessageAttributes: tooManyAttrs(300, 1000) }), { status: 400, type: 'InvalidParameterException' }),
  snsJson('Publish: attribute null', 'Publish', topicIs({ Message: 'x', MessageAttributes: { a: null } }), { status: 400 }),
  snsJson('Publish: attribute bad type', 'Publish', topicIs({ Message: 'x', MessageAttributes: { a: { DataType: 'Blob', StringValue: 'x' } } }), { status: 400 }),
  snsJson('Publish: attribute bad number', 'Publish', topicIs({ Message: 'x', MessageAttributes: { a: { DataType: 'Number', StringValue: 'NaN' } } }), { status: 400 }),
  snsJson('Publish: phone number', 'Publish', js({ PhoneNumber: '+1555', Message: 'x' }), { status: 400 }),
  snsJson('Subscribe: unknown protocol', 'Subscribe', topicIs({ Protocol: 'carrier-pigeon', Endpoint: 'x' }), { status: 400 }),
  snsJson('Subscribe: no endpoint', 'Subscribe', topicIs({ Protocol: 'sqs' }), { status: 400 }),
  snsJson('Subscribe: sqs endpoint not an ARN', 'Subscribe', topicIs({ Protocol: 'sqs', Endpoint: 'not-an-arn' }), { status: 400 }),
  snsJson('Subscribe: lambda endpoint garbage', 'Subscribe', topicIs({ Protocol: 'lambda', Endpoint: 'arn:aws:lambda:zz' }), { status: 400 }),
  snsJson('Subscribe: http endpoint garbage', 'Subscribe', topicIs({ Protocol: 'http', Endpoint: 'ht!tp://' }), { status: 400 }),
  snsJson('Subscribe: FilterPolicy not JSON', 'Subscribe', topicIs({ Protocol: 'sqs', Endpoint: `arn:aws:sqs:us-east-1:${ACCOUNT}:${QUEUE}`, Attributes: { FilterPolicy: '{{' } }), { status: 400 }),
  snsJson('Subscribe: FilterPolicy deeply nested', 'Subscribe', topicIs({ Protocol: 'sqs', Endpoint: `arn:aws:sqs:us-east-1:${ACCOUNT}:${QUEUE}`, Attributes: { FilterPolicy: '{"a":'.repeat(2000) + '["x"]' + '}'.repeat(2000) } }), { status: 400 }),
  snsJson('Subscribe: FilterPolicy array', 'Subscribe', topicIs({ Protocol: 'sqs', Endpoint: `arn:aws:sqs:us-east-1:${ACCOUNT}:${QUEUE}`, Attributes: { FilterPolicy: '[1,2]' } }), { status: 400 }),
  snsJson('Subscribe: FilterPolicy numeric garbage', 'Subscribe', topicIs({ Protocol: 'sqs', Endpoint: `arn:aws:sqs:us-east-1:${ACCOUNT}:${QUEUE}`, Attributes: { FilterPolicy: '{"a":[{"numeric":[">","x"]}]}' } }), { status: 400 }),
  snsJson('Subscribe: unknown attribute', 'Subscribe', topicIs({ Protocol: 'sqs', Endpoint: `arn:aws:sqs:us-east-1:${ACCOUNT}:${QUEUE}`, Attributes: { Bogus: 'x' } }), { status: 400 }),
  snsJson('Unsubscribe: garbage ARN', 'Unsubscribe', js({ SubscriptionArn: 'garbage' }), { status: 400 }),
  snsJson('GetSubscriptionAttributes: garbage', 'GetSubscriptionAttributes', js({ SubscriptionArn: '\u0000' }), { status: 400 }),
  snsJson('GetSubscriptionAttributes: unknown', 'GetSubscriptionAttributes', js({ SubscriptionArn: `${TOPIC_ARN}:00000000-0000-0000-0000-000000000000` }), { status: 404 }),
  snsJson('SetSubscriptionAttributes: garbage', 'SetSubscriptionAttributes', js({ SubscriptionArn: 'x', AttributeName: 'RawMessageDelivery', AttributeValue: 'maybe' }), { status: 400 }),
  snsJson('ConfirmSubscription: garbage token', 'ConfirmSubscription', topicIs({ Token: 'garbage' }), {}),
  snsJson('ConfirmSubscription: no token', 'ConfirmSubscription', topicIs({}), { status: 400 }),
  snsJson('ListTopics: NextToken garbage', 'ListTopics', js({ NextToken: '\u0000garbage' }), { status: 400 }),
  snsJson('ListSubscriptionsByTopic: garbage ARN', 'ListSubscriptionsByTopic', js({ TopicArn: 'x' }), { status: 400 }),
  snsJson('PublishBatch: no entries', 'PublishBatch', topicIs({}), { status: 400, type: 'EmptyBatchRequestException' }),
  snsJson('PublishBatch: entries string', 'PublishBatch', topicIs({ PublishBatchRequestEntries: 'x' }), { status: 400 }),
  snsJson('PublishBatch: 11 entries', 'PublishBatch', topicIs({ PublishBatchRequestEntries: Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, Message: 'x' })) }), { status: 400, type: 'TooManyEntriesInBatchRequestException' }),
  snsJson('PublishBatch: duplicate ids', 'PublishBatch', topicIs({ PublishBatchRequestEntries: [{ Id: 'a', Message: 'x' }, { Id: 'a', Message: 'y' }] }), { status: 400, type: 'BatchEntryIdsNotDistinctException' }),
  snsJson('PublishBatch: bad id', 'PublishBatch', topicIs({ PublishBatchRequestEntries: [{ Id: 'a b', Message: 'x' }] }), { status: 400, type: 'InvalidBatchEntryIdException' }),
  snsJson('PublishBatch: entries of numbers', 'PublishBatch', topicIs({ PublishBatchRequestEntries: [1, 2] }), { status: 400 }),
];

// prettier-ignore
const SNS_QUERY_CASES: Case[] = [
  snsQuery('unknown action (signed)', { Action: 'FlyToTheMoon' }, { status: 400, type: 'InvalidAction' }, 'sns'),
  snsQuery('action constructor (signed)', { Action: 'constructor' }, { status: 400, type: 'InvalidAction' }, 'sns'),
  snsQuery('action toString (signed)', { Action: 'toString' }, { status: 400, type: 'InvalidAction' }, 'sns'),
  snsQuery('no action (signed)', { Name: 'x' }, { status: 400, type: 'InvalidAction' }, 'sns'),
  snsQuery('garbage body (signed)', '&&&%%%==', { status: 400, type: 'InvalidAction' }, 'sns'),
  snsQuery('CreateTopic: no Name', { Action: 'CreateTopic' }, { status: 400 }, 'sns'),
  snsQuery('CreateTopic: bad Name', { Action: 'CreateTopic', Name: 'a b c' }, { status: 400, type: 'InvalidParameter' }, 'sns'),
  snsQuery('CreateTopic: 1000 attribute entries', { Action: 'CreateTopic', Name: 'x', ...many(1000, (i) => [[`Attributes.entry.${i}.key`, `A${i}`], [`Attributes.entry.${i}.value`, '1']]) }, { status: 400 }, 'sns'),
  snsQuery('CreateTopic: __proto__ parameter', { Action: 'CreateTopic', '__proto__.gustPolluted': 'yes' }, { status: 400 }, 'sns'),
  snsQuery('CreateTopic: __proto__ attribute key', { Action: 'CreateTopic', Name: 'x', 'Attributes.entry.1.key': '__proto__', 'Attributes.entry.1.value': 'v' }, { status: 400 }, 'sns'),
  snsQuery('CreateTopic: nested __proto__', { Action: 'CreateTopic', 'Attributes.__proto__.gustPolluted': 'yes' }, { status: 400 }, 'sns'),
  snsQuery('Publish: garbage TopicArn', { Action: 'Publish', TopicArn: 'garbage', Message: 'x' }, { status: 400, type: 'InvalidParameter' }, 'sns'),
  snsQuery('Publish: unknown topic', { Action: 'Publish', TopicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:ghost`, Message: 'x' }, { status: 404, type: 'NotFound' }, 'sns'),
  snsQuery('Publish: no Message', { Action: 'Publish', TopicArn: TOPIC_ARN }, { status: 400 }, 'sns'),
  snsQuery('Publish: attribute bad type', { Action: 'Publish', TopicArn: TOPIC_ARN, Message: 'x', 'MessageAttributes.entry.1.Name': 'a', 'MessageAttributes.entry.1.Value.DataType': 'Blob', 'MessageAttributes.entry.1.Value.StringValue': 'x' }, { status: 400 }, 'sns'),
  snsQuery('Publish: 300 attributes over 256 KB', { Action: 'Publish', TopicArn: TOPIC_ARN, Message: 'x', ...many(300, (i) => [[`MessageAttributes.entry.${i}.Name`, `a${i}`], [`MessageAttributes.entry.${i}.Value.DataType`, 'String'], [`MessageAttributes.entry.${i}.Value.StringValue`, 'v'.repeat(1000)]]) }, { status: 400, type: 'InvalidParameter' }, 'sns'),
  snsQuery('PublishBatch: 11 entries', { Action: 'PublishBatch', TopicArn: TOPIC_ARN, ...many(11, (i) => [[`PublishBatchRequestEntries.member.${i}.Id`, `e${i}`], [`PublishBatchRequestEntries.member.${i}.Message`, 'x']]) }, { status: 400, type: 'TooManyEntriesInBatchRequest' }, 'sns'),
  snsQuery('Subscribe: unknown protocol', { Action: 'Subscribe', TopicArn: TOPIC_ARN, Protocol: 'smoke-signal', Endpoint: 'x' }, { status: 400, type: 'InvalidParameter' }, 'sns'),
  snsQuery('Unsubscribe: garbage', { Action: 'Unsubscribe', SubscriptionArn: 'garbage' }, { status: 400 }, 'sns'),
  snsQuery('unknown action (unsigned)', { Action: 'FlyToTheMoon' }, { status: 400, type: 'InvalidAction' }),
  { ...snsQuery('GET /sns/: Publish not allowed', {}, { status: 400, type: 'InvalidParameter' }), method: 'GET', path: `/sns/?Action=Publish&TopicArn=${TOPIC_ARN}&Message=x`, body: undefined },
  { ...snsQuery('GET /sns/: Unsubscribe garbage', {}, { status: 400 }), method: 'GET', path: '/sns/?Action=Unsubscribe&SubscriptionArn=%00garbage', body: undefined },
  { ...snsQuery('GET /sns/: no action', {}, { status: 400 }), method: 'GET', path: '/sns/', body: undefined },
  { ...snsQuery('GET /sns/: confirm garbage token', {}, {}), method: 'GET', path: `/sns/?Action=ConfirmSubscription&TopicArn=${TOPIC_ARN}&Token=zz`, body: undefined },
];

const S = '/schedules';
const schedBody = (over: Record<string, unknown>) =>
  js({
    ScheduleExpression: 'rate(5 minutes)',
    FlexibleTimeWindow: { Mode: 'OFF' },
    Target: { Arn: FN_ARN, RoleArn: ROLE },
    ...over,
  });
// prettier-ignore
const SCHEDULER_CASES: Case[] = [
  scheduler('create: invalid JSON', 'POST', `${S}/s1`, '{"ScheduleExpression":', { status: 400, type: V }),
  scheduler('create: JSON array', 'POST', `${S}/s1`, '[]', { status: 400, type: V }),
  scheduler('create: JSON string', 'POST', `${S}/s1`, '"rate(1 minute)"', { status: 400, type: V }),
  scheduler('create: empty body', 'POST', `${S}/s1`, '', { status: 400, type: V }),
  scheduler('create: non-UTF-8', 'POST', `${S}/s1`, NON_UTF8, { status: 400, type: V }),
  scheduler('create: bad name', 'POST', `${S}/bad%20name`, schedBody({}), { status: 400, type: V }),
  scheduler('create: name 65 chars', 'POST', `${S}/${'s'.repeat(65)}`, schedBody({}), { status: 400, type: V }),
  scheduler('create: NUL in name', 'POST', `${S}/a%00`, schedBody({}), { status: 400, type: V }),
  scheduler('create: no expression', 'POST', `${S}/s1`, schedBody({ ScheduleExpression: undefined }), { status: 400, type: V }),
  scheduler('create: expression number', 'POST', `${S}/s1`, schedBody({ ScheduleExpression: 5 }), { status: 400, type: V }),
  scheduler('create: rate(0 minutes)', 'POST', `${S}/s1`, schedBody({ ScheduleExpression: 'rate(0 minutes)' }), { status: 400, type: V }),
  scheduler('create: rate huge', 'POST', `${S}/s1`, schedBody({ ScheduleExpression: 'rate(99999999999999999999 days)' }), { status: 400, type: V }),
  scheduler('create: cron 5 fields', 'POST', `${S}/s1`, schedBody({ ScheduleExpression: 'cron(0 12 * * ?)' }), { status: 400, type: V }),
  scheduler('create: cron garbage', 'POST', `${S}/s1`, schedBody({ ScheduleExpression: 'cron(a b c d e f)' }), { status: 400, type: V }),
  scheduler('create: cron year 99999', 'POST', `${S}/s1`, schedBody({ ScheduleExpression: 'cron(0 0 1 1 ? 99999)' }), { status: 400, type: V }),
  scheduler('create: at() garbage', 'POST', `${S}/s1`, schedBody({ ScheduleExpression: 'at(tomorrow)' }), { status: 400, type: V }),
  scheduler('create: every day', 'POST', `${S}/s1`, schedBody({ ScheduleExpression: 'every day' }), { status: 400, type: V }),
  scheduler('create: expression 300 chars', 'POST', `${S}/s1`, schedBody({ ScheduleExpression: `rate(${'1'.repeat(295)})` }), { status: 400, type: V }),
  scheduler('create: timezone unknown', 'POST', `${S}/s1`, schedBody({ ScheduleExpressionTimezone: 'Mars/Olympus_Mons' }), { status: 400, type: V }),
  scheduler('create: no FlexibleTimeWindow', 'POST', `${S}/s1`, schedBody({ FlexibleTimeWindow: undefined }), { status: 400, type: V }),
  scheduler('create: FlexibleTimeWindow mode', 'POST', `${S}/s1`, schedBody({ FlexibleTimeWindow: { Mode: 'SOMETIMES' } }), { status: 400, type: V }),
  scheduler('create: no Target', 'POST', `${S}/s1`, schedBody({ Target: undefined }), { status: 400, type: V }),
  scheduler('create: Target string', 'POST', `${S}/s1`, schedBody({ Target: FN_ARN }), { status: 400, type: V }),
  scheduler('create: Target no RoleArn', 'POST', `${S}/s1`, schedBody({ Target: { Arn: FN_ARN } }), { status: 400, type: V }),
  scheduler('create: Target SQS', 'POST', `${S}/s1`, schedBody({ Target: { Arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:${QUEUE}`, RoleArn: ROLE } }), { status: 400, type: V }),
  scheduler('create: Target Input not JSON', 'POST', `${S}/s1`, schedBody({ Target: { Arn: FN_ARN, RoleArn: ROLE, Input: 'hello' } }), { status: 400, type: V }),
  scheduler('create: Target Input > 1 MB', 'POST', `${S}/s1`, schedBody({ Target: { Arn: FN_ARN, RoleArn: ROLE, Input: js('x'.repeat(1024 * 1024 + 1)) } }), { status: 400, type: V }),
  scheduler('create: StartDate garbage', 'POST', `${S}/s1`, schedBody({ StartDate: 'yesterday-ish' }), { status: 400, type: V }),
  scheduler('create: StartDate huge', 'POST', `${S}/s1`, schedBody({ StartDate: 1e300 }), { status: 400, type: V }),
  scheduler('create: EndDate huge negative', 'POST', `${S}/s1`, schedBody({ EndDate: -1e300 }), { status: 400, type: V }),
  scheduler('create: StartDate object', 'POST', `${S}/s1`, schedBody({ StartDate: {} }), { status: 400, type: V }),
  scheduler('create: EndDate before StartDate', 'POST', `${S}/s1`, schedBody({ StartDate: 2_000_000_000, EndDate: 1_900_000_000 }), { status: 400, type: V }),
  scheduler('create: State paused', 'POST', `${S}/s1`, schedBody({ State: 'PAUSED' }), { status: 400, type: V }),
  scheduler('create: GroupName other', 'POST', `${S}/s1`, schedBody({ GroupName: 'other' }), { status: 404, type: RNF }),
  scheduler('create: ActionAfterCompletion', 'POST', `${S}/s1`, schedBody({ ActionAfterCompletion: 'EXPLODE' }), { status: 400, type: V }),
  scheduler('create: Description too long', 'POST', `${S}/s1`, schedBody({ Description: 'd'.repeat(600) }), { status: 400, type: V }),
  scheduler('create: existing', 'POST', `${S}/${SCHEDULE}`, schedBody({}), { status: 409, type: 'ConflictException' }),
  scheduler('update: unknown', 'PUT', `${S}/ghost`, schedBody({}), { status: 404, type: RNF }),
  scheduler('update: invalid JSON', 'PUT', `${S}/${SCHEDULE}`, '{', { status: 400, type: V }),
  scheduler('update: StartDate huge', 'PUT', `${S}/${SCHEDULE}`, schedBody({ StartDate: 9e15 }), { status: 400, type: V }),
  scheduler('get: unknown', 'GET', `${S}/ghost`, undefined, { status: 404, type: RNF }),
  scheduler('get: other group', 'GET', `${S}/${SCHEDULE}?groupName=other`, undefined, { status: 404, type: RNF }),
  scheduler('get: bad name', 'GET', `${S}/..%2F..%2Fetc`, undefined, { status: 400, type: V }),
  scheduler('delete: unknown', 'DELETE', `${S}/ghost`, undefined, { status: 404, type: RNF }),
  scheduler('list: MaxResults text', 'GET', `${S}?MaxResults=lots`, undefined, { status: 400, type: V }),
  scheduler('list: MaxResults 0', 'GET', `${S}?MaxResults=0`, undefined, { status: 400, type: V }),
  scheduler('list: MaxResults 101', 'GET', `${S}?MaxResults=101`, undefined, { status: 400, type: V }),
  scheduler('list: State paused', 'GET', `${S}?State=PAUSED`, undefined, { status: 400, type: V }),
  scheduler('list: ScheduleGroup other', 'GET', `${S}?ScheduleGroup=other`, undefined, { status: 404, type: RNF }),
  scheduler('list: repeated MaxResults, last bad', 'GET', `${S}?MaxResults=1&MaxResults=lots`, undefined, { status: 400, type: V }),
];

const GS = '/gust/v1/schedules';
const gustSched = (over: Record<string, unknown>) =>
  js({ name: 'g1', expression: 'rate(5 minutes)', functionName: FN, ...over });
// prettier-ignore
const GUST_CASES: Case[] = [
  gustApi('schedules create: invalid JSON', 'POST', GS, '{', { status: 400, type: V }),
  gustApi('schedules create: JSON number', 'POST', GS, '1', { status: 400, type: V }),
  gustApi('schedules create: empty body', 'POST', GS, '', { status: 400, type: V }),
  gustApi('schedules create: unknown field', 'POST', GS, gustSched({ color: 'red' }), { status: 400, type: V }),
  gustApi('schedules create: name number', 'POST', GS, gustSched({ name: 1 }), { status: 400, type: V }),
  gustApi('schedules create: bad name', 'POST', GS, gustSched({ name: 'a/b' }), { status: 400, type: V }),
  gustApi('schedules create: unknown function', 'POST', GS, gustSched({ functionName: 'ghost' }), { status: 404, type: RNF }),
  gustApi('schedules create: bad functionName', 'POST', GS, gustSched({ functionName: '../x' }), { status: 400, type: V }),
  gustApi('schedules create: bad qualifier', 'POST', GS, gustSched({ qualifier: 'a/b' }), { status: 400, type: V }),
  gustApi('schedules create: catchUp unknown', 'POST', GS, gustSched({ catchUp: 'some' }), { status: 400, type: V }),
  gustApi('schedules create: startDate garbage', 'POST', GS, gustSched({ startDate: 'soonish' }), { status: 400, type: V }),
  gustApi('schedules create: startDate huge', 'POST', GS, gustSched({ startDate: 1e300 }), { status: 400, type: V }),
  gustApi('schedules create: endDate past the Date range', 'POST', GS, gustSched({ endDate: 8.64e15 + 1 }), { status: 400, type: V }),
  gustApi('schedules create: startDate boolean', 'POST', GS, gustSched({ startDate: true }), { status: 400, type: V }),
  gustApi('schedules create: input > 1 MB', 'POST', GS, gustSched({ input: 'x'.repeat(1024 * 1024 + 1) }), { status: 400, type: V }),
  gustApi('schedules create: expression garbage', 'POST', GS, gustSched({ expression: 'sometimes' }), { status: 400, type: V }),
  gustApi('schedules create: timezone garbage', 'POST', GS, gustSched({ timezone: '../../etc/localtime' }), { status: 400, type: V }),
  gustApi('schedules create: existing', 'POST', GS, gustSched({ name: SCHEDULE }), { status: 409 }),
  gustApi('schedules patch: unknown', 'PATCH', `${GS}/ghost`, js({ state: 'DISABLED' }), { status: 404, type: RNF }),
  gustApi('schedules patch: invalid JSON', 'PATCH', `${GS}/${SCHEDULE}`, '{"state"', { status: 400, type: V }),
  gustApi('schedules patch: state paused', 'PATCH', `${GS}/${SCHEDULE}`, js({ state: 'PAUSED' }), { status: 400, type: V }),
  gustApi('schedules patch: nextFireAt garbage', 'PATCH', `${GS}/${SCHEDULE}`, js({ nextFireAt: 'soon' }), { status: 400, type: V }),
  gustApi('schedules patch: nextFireAt number', 'PATCH', `${GS}/${SCHEDULE}`, js({ nextFireAt: 5 }), { status: 400, type: V }),
  gustApi('schedules patch: endDate huge', 'PATCH', `${GS}/${SCHEDULE}`, js({ endDate: 1e20 }), { status: 400, type: V }),
  gustApi('schedules patch: unknown field', 'PATCH', `${GS}/${SCHEDULE}`, js({ name: 'rename' }), { status: 400, type: V }),
  gustApi('schedules get: unknown', 'GET', `${GS}/ghost`, undefined, { status: 404, type: RNF }),
  gustApi('schedules enable: unknown', 'POST', `${GS}/ghost/enable`, undefined, { status: 404, type: RNF }),
  gustApi('schedules delete: unknown', 'DELETE', `${GS}/ghost`, undefined, { status: 404, type: RNF }),
  gustApi('schedules list: state paused', 'GET', `${GS}?state=PAUSED`, undefined, { status: 400, type: V }),
  gustApi('logs: since garbage', 'GET', '/gust/v1/logs?since=yesterday-ish', undefined, { status: 400, type: IPV }),
  gustApi('logs: until garbage', 'GET', '/gust/v1/logs?until=2024-13-45T99:00:00Z', undefined, { status: 400, type: IPV }),
  gustApi('logs: limit text', 'GET', '/gust/v1/logs?limit=lots', undefined, { status: 400, type: IPV }),
  gustApi('logs: limit negative', 'GET', '/gust/v1/logs?limit=-5', undefined, { status: 400, type: IPV }),
  gustApi('logs: limit huge', 'GET', '/gust/v1/logs?limit=99999999999999999999999', undefined, { status: 400, type: IPV }),
  gustApi('logs: limit a date', 'GET', '/gust/v1/logs?limit=2024-01-01', undefined, { status: 400, type: IPV }),
  gustApi('logs: afterId huge', 'GET', '/gust/v1/logs?afterId=1e400', undefined, { status: 400, type: IPV }),
  gustApi('logs: afterId beyond int64', 'GET', '/gust/v1/logs?afterId=99999999999999999999999', undefined, { status: 400, type: IPV }),
  gustApi('logs: since beyond int64', 'GET', '/gust/v1/logs?since=99999999999999999999999', undefined, { status: 400, type: IPV }),
  gustApi('logs: level unknown', 'GET', '/gust/v1/logs?level=LOUD', undefined, { status: 400, type: IPV }),
  gustApi('logs: repeated since, last bad', 'GET', '/gust/v1/logs?since=1&since=garbage', undefined, { status: 400, type: IPV }),
  gustApi('logs: afterId negative', 'GET', '/gust/v1/logs?afterId=-1', undefined, { status: 400, type: IPV }),
  gustApi('dead letters: limit text', 'GET', '/gust/v1/dead-letters?limit=x', undefined, { status: 400, type: IPV }),
  gustApi('dead letters: limit huge', 'GET', '/gust/v1/dead-letters?limit=1e999', undefined, { status: 400, type: IPV }),
  gustApi('metering: since garbage', 'GET', '/gust/v1/metering?since=last-week', undefined, { status: 400, type: IPV }),
  gustApi('metering: limit huge', 'GET', '/gust/v1/metering?limit=99999999999999999999999', undefined, { status: 400, type: IPV }),
  gustApi('metrics: period text', 'GET', '/gust/v1/metrics?period=minute', undefined, { status: 400, type: IPV }),
  gustApi('metrics: period zero', 'GET', '/gust/v1/metrics?period=0', undefined, { status: 400, type: IPV }),
  gustApi('metrics: period huge', 'GET', '/gust/v1/metrics?period=1e300', undefined, { status: 400, type: IPV }),
  gustApi('metrics: period beyond int64', 'GET', '/gust/v1/metrics?period=99999999999999999999999', undefined, { status: 400, type: IPV }),
  gustApi('metrics: metric unknown', 'GET', '/gust/v1/metrics?metric=happiness', undefined, { status: 400, type: IPV }),
  gustApi('metrics: since garbage', 'GET', '/gust/v1/metrics?since=eventually', undefined, { status: 400, type: IPV }),
  gustApi('metrics: since after until', 'GET', '/gust/v1/metrics?since=2h&until=3h', undefined, { status: 400, type: IPV }),
  gustApi('metrics: too many buckets', 'GET', '/gust/v1/metrics?since=0&period=1', undefined, { status: 400, type: IPV }),
  gustApi('metrics: until beyond the Date range', 'GET', '/gust/v1/metrics?until=99999999999999999999999&period=99999999999999', undefined, { status: 400, type: IPV }),
  gustApi('metrics: age huge', 'GET', '/gust/v1/metrics?since=99999999999999999999d', undefined, { status: 400, type: IPV }),
  gustApi('billing: since garbage', 'GET', '/gust/v1/billing?since=then', undefined, { status: 400, type: IPV }),
  gustApi('billing: until beyond the Date range', 'GET', '/gust/v1/billing?until=99999999999999999999999', undefined, { status: 400, type: IPV }),
  gustApi('billing: since after until', 'GET', '/gust/v1/billing?since=1000&until=10', undefined, { status: 400, type: IPV }),
  gustApi('code: not a hash', 'GET', '/gust/v1/code/..%2F..%2Fetc%2Fpasswd', undefined, { status: 404 }),
  gustApi('code: unknown hash', 'GET', `/gust/v1/code/${'0'.repeat(64)}.zip`, undefined, { status: 404 }),
  gustApi('http routes: invalid JSON', 'POST', '/gust/v1/http/routes', '{', { status: 400, type: 'BadRequestException' }),
  gustApi('http routes: JSON array', 'POST', '/gust/v1/http/routes', '[]', { status: 400, type: 'BadRequestException' }),
  gustApi('http routes: empty body', 'POST', '/gust/v1/http/routes', '', { status: 400, type: 'BadRequestException' }),
  gustApi('http routes: bad route key', 'POST', '/gust/v1/http/routes', js({ routeKey: 'GET nopath', functionName: FN }), { status: 400, type: 'BadRequestException' }),
  gustApi('http routes: route key number', 'POST', '/gust/v1/http/routes', js({ routeKey: 5, functionName: FN }), { status: 400, type: 'BadRequestException' }),
  gustApi('http routes: unknown function', 'POST', '/gust/v1/http/routes', js({ routeKey: 'GET /x', functionName: 'ghost' }), {}),
  gustApi('http routes: timeout text', 'POST', '/gust/v1/http/routes', js({ routeKey: 'GET /x', functionName: FN, timeoutMs: 'slow' }), { status: 400, type: 'BadRequestException' }),
  gustApi('http routes: timeout negative', 'POST', '/gust/v1/http/routes', js({ routeKey: 'GET /x', functionName: FN, timeoutMs: -1 }), { status: 400, type: 'BadRequestException' }),
  gustApi('http routes: unknown field', 'POST', '/gust/v1/http/routes', js({ routeKey: 'GET /x', functionName: FN, color: 1 }), { status: 400, type: 'BadRequestException' }),
  gustApi('http routes: key with NUL', 'POST', '/gust/v1/http/routes', js({ routeKey: 'GET /a\u0000b', functionName: FN }), { status: 400, type: 'BadRequestException' }),
  gustApi('http routes: patch unknown', 'PATCH', '/gust/v1/http/routes/ghost', js({ timeoutMs: 100 }), { status: 404, type: 'NotFoundException' }),
  gustApi('http routes: get unknown', 'GET', '/gust/v1/http/routes/%00', undefined, { status: 404, type: 'NotFoundException' }),
  gustApi('http routes: delete unknown', 'DELETE', '/gust/v1/http/routes/ghost', undefined, { status: 404, type: 'NotFoundException' }),
  gustApi('http cors: invalid JSON', 'PUT', '/gust/v1/http/cors', '{', { status: 400, type: 'BadRequestException' }),
  gustApi('http cors: JSON null', 'PUT', '/gust/v1/http/cors', 'null', { status: 400, type: 'BadRequestException' }),
  gustApi('http cors: origins string', 'PUT', '/gust/v1/http/cors', js({ AllowOrigins: '*' }), { status: 400, type: 'BadRequestException' }),
  gustApi('http cors: MaxAge below -1', 'PUT', '/gust/v1/http/cors', js({ MaxAge: -2 }), { status: 400, type: 'BadRequestException' }),
  gustApi('http cors: unknown field', 'PUT', '/gust/v1/http/cors', js({ Color: 'red' }), { status: 400, type: 'BadRequestException' }),
  gustApi('unknown route', 'GET', '/gust/v1/nothing', undefined, { status: 404, type: 'UnknownOperationException' }),
];

const gw = (
  name: string,
  method: string,
  path: string,
  body: Body,
  status: number,
  headers: Record<string, string> = {},
): Case => ({
  name: `gateway: ${name}`,
  method,
  path: (c) => `${c.gateway}${path}`,
  absolute: true,
  body,
  headers,
  shape: 'gateway',
  status,
});
// prettier-ignore
const GATEWAY_CASES: Case[] = [
  gw('no route', 'GET', '/nothing-routed', undefined, 404),
  gw('unknown function URL', 'GET', `/lambda-url/${'a'.repeat(32)}/`, undefined, 403),
  gw('function URL id garbage', 'POST', '/lambda-url/%00%ff/x', 'x', 403),
  gw('body > 10 MB', 'POST', '/echo', Buffer.alloc(10 * 1024 * 1024 + 10, 0x61), 413),
];

/** Odd but valid requests: answered normally (2xx), not with a crash. */
interface OkCase {
  name: string;
  method: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
  /** X-Amz-Function-Error expected (the function's own failure, still a normal answer). */
  functionError?: string;
}
const ok = (
  name: string,
  method: string,
  path: string,
  body?: string,
  headers?: Record<string, string>,
  functionError?: string,
): OkCase => ({ name, method, path, body, headers, functionError });
// prettier-ignore
const OK_CASES: OkCase[] = [
  ok('repeated function filter on logs', 'GET', '/gust/v1/logs?function=a&function=b&requestId=x&requestId=y'),
  ok('repeated function filter on metering', 'GET', '/gust/v1/metering?function=a&function=b'),
  ok('repeated filters on metrics', 'GET', '/gust/v1/metrics?function=a&function=b&version=1&version=2'),
  ok('repeated filters on billing', 'GET', '/gust/v1/billing?function=a&function=b'),
  ok('repeated function filter on dead letters', 'GET', '/gust/v1/dead-letters?function=a&function=b'),
  ok('repeated filters on Gust schedules', 'GET', '/gust/v1/schedules?prefix=a&prefix=b&function=x&function=y'),
  ok('repeated NamePrefix on ListSchedules', 'GET', '/schedules?NamePrefix=a&NamePrefix=b&groupName=default'),
  ok('repeated filters on ListEventSourceMappings', 'GET', `/2015-03-31/event-source-mappings/?FunctionName=a&FunctionName=b&EventSourceArn=x&EventSourceArn=y`),
  ok('repeated FunctionVersion on ListAliases', 'GET', `${F}/${FN}/aliases?FunctionVersion=1&FunctionVersion=2`),
  ok('__proto__ and constructor query parameters', 'GET', `${F}/?__proto__=x&constructor=y&toString=z`),
  ok('empty Qualifier = unqualified', 'GET', `${F}/${FN}?Qualifier=`),
  ok('repeated Qualifier, last valid', 'GET', `${F}/${FN}?Qualifier=ghost&Qualifier=1`),
  ok('Invoke with an empty body', 'POST', `${F}/${FN}/invocations`),
  ok('Invoke with JSON null (the handler itself fails on null)', 'POST', `${F}/${FN}/invocations`, 'null', {}, 'Unhandled'),
  ok('Invoke with a JSON number', 'POST', `${F}/${FN}/invocations`, '42'),
  ok('Invoke with a JSON string', 'POST', `${F}/${FN}/invocations`, '"text"'),
  ok('Invoke with a JSON array', 'POST', `${F}/${FN}/invocations`, '[1,2,3]'),
  ok('Invoke with unicode and escapes', 'POST', `${F}/${FN}/invocations`, js({ s: 'zoë 日本 \u0000 \ud83d\ude00' })),
  ok('Invoke with an XML content type', 'POST', `${F}/${FN}/invocations`, '{}', { 'content-type': 'application/xml' }),
  ok('qualified ARN, same Qualifier', 'POST', `${F}/${FN_ARN}:1/invocations?Qualifier=1`, '{}'),
];

const ALL: [string, Case[]][] = [
  ['Lambda REST API', LAMBDA_CASES],
  ['Lambda Invoke', INVOKE_CASES],
  ['SQS JSON protocol', SQS_JSON_CASES],
  ['SQS query protocol', SQS_QUERY_CASES],
  ['SNS JSON protocol', SNS_JSON_CASES],
  ['SNS query protocol', SNS_QUERY_CASES],
  ['EventBridge Scheduler API', SCHEDULER_CASES],
  ['Gust API (/gust/v1)', GUST_CASES],
  ['HTTP gateway', GATEWAY_CASES],
];

// ------------------------------------------------------------------------------------ checks

async function check(c: Case, ctx: Ctx): Promise<void> {
  const path = lazy(c.path, ctx);
  const url = c.absolute ? path : `${ctx.url}${path}`;
  const body = lazy(c.body, ctx);
  let res: Response;
  try {
    res = await fetch(url, {
      method: c.method,
      headers: c.headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : new Uint8Array(body),
      signal: AbortSignal.timeout(ANSWER_MS),
    });
  } catch (e) {
    assert.fail(`no answer (hang or dropped connection): ${(e as Error).message}`);
  }
  const text = await res.text();
  const where = `${c.method} ${path.slice(0, 120)} -> ${res.status} ${text.slice(0, 400)}`;
  if (c.status !== undefined) assert.equal(res.status, c.status, where);
  else assert.ok(res.status >= 400 && res.status < 500, `expected a 4xx: ${where}`);
  const gustCode = res.headers.get('x-gust-error-code');
  if (c.shape !== 'gateway') {
    assert.ok(gustCode, `x-gust-error-code header: ${where}`);
    assert.notEqual(gustCode, 'GUST_INTERNAL', where);
  }
  const ctype = res.headers.get('content-type') ?? '';
  switch (c.shape) {
    case 'rest': {
      assert.match(ctype, /^application\/json/, where);
      const errType = res.headers.get('x-amzn-errortype');
      assert.ok(errType, `x-amzn-errortype header: ${where}`);
      const b = JSON.parse(text) as Record<string, unknown>;
      assert.equal(typeof b.message, 'string', where);
      assert.equal(b.Message, b.message, where);
      assert.equal(b.Type, 'User', where);
      if (c.type) assert.equal(errType, c.type, where);
      break;
    }
    case 'sqs-json':
    case 'sns-json':
    case 'aws-json': {
      assert.match(ctype, /^application\/x-amz-json-1\.0/, where);
      const b = JSON.parse(text) as Record<string, unknown>;
      const ns = { 'sqs-json': 'com.amazonaws.sqs#', 'sns-json': 'com.amazonaws.sns#', 'aws-json': '' }[c.shape];
      assert.equal(typeof b.__type, 'string', where);
      assert.ok((b.__type as string).startsWith(ns), where);
      assert.equal(typeof b.message, 'string', where);
      assert.match(res.headers.get('x-amzn-query-error') ?? '', /^[\w.]+;Sender$/, where);
      if (c.type) assert.equal((b.__type as string).split('#').at(-1), c.type, where);
      break;
    }
    case 'xml': {
      assert.match(ctype, /^text\/xml/, where);
      const m =
        /^<\?xml version="1\.0"\?>\s*<ErrorResponse xmlns="[^"]+"><Error><Type>Sender<\/Type><Code>([^<]+)<\/Code><Message>[^<]*<\/Message>(<Detail\/>)?<\/Error><RequestId>[^<]+<\/RequestId><\/ErrorResponse>$/.exec(
          text,
        );
      assert.ok(m, `XML ErrorResponse: ${where}`);
      if (c.type) assert.equal(m[1], c.type, where);
      break;
    }
    case 'gateway': {
      assert.match(ctype, /^application\/json/, where);
      // API Gateway: {"message": "..."}; function URLs answer an unknown URL with {"Message": null}.
      const b = JSON.parse(text) as Record<string, unknown>;
      assert.ok(typeof b.message === 'string' || 'Message' in b, where);
      break;
    }
  }
}

// ------------------------------------------------------------------------------------- suite

describe('bad input gets a client error in the API shape, never a crash', () => {
  let t: TestGust;
  const ctx = {} as Ctx;

  before(async () => {
    t = await startTestGust();
    await deployFixture(t, FN, 'node/basic', 'nodejs20.x', 'index.handler');
    await deployFixture(t, ECHO, 'node/http-echo', 'nodejs20.x', 'index.handler');
    const post = async (path: string, headers: Record<string, string>, body: string): Promise<Response> => {
      const r = await fetch(`${t.url}${path}`, { method: 'POST', headers, body });
      assert.ok(r.ok, `${path}: ${r.status} ${await r.clone().text()}`);
      return r;
    };
    await post(`/2015-03-31/functions/${FN}/versions`, {}, '{}');
    const q = await post(
      '/',
      { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.CreateQueue' },
      js({ QueueName: QUEUE }),
    );
    await post(
      '/',
      { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSimpleNotificationService.CreateTopic' },
      js({ Name: 'bad-input-t' }),
    );
    await post(
      '/gust/v1/schedules',
      { 'content-type': 'application/json' },
      gustSched({ name: SCHEDULE, state: 'DISABLED' }),
    );
    await post(
      '/gust/v1/http/routes',
      { 'content-type': 'application/json' },
      js({ routeKey: 'ANY /echo', functionName: ECHO }),
    );
    const http = (await (await fetch(`${t.url}/gust/v1/http`)).json()) as { url: string };
    ctx.url = t.url;
    ctx.queueUrl = ((await q.json()) as { QueueUrl: string }).QueueUrl;
    ctx.gateway = http.url;
    ctx.zip = await zipFiles({ 'index.mjs': 'export const handler = async () => 1;' });
  });
  after(() => t.stop());

  for (const [api, cases] of ALL) {
    describe(`${api} (${cases.length} cases)`, () => {
      for (const c of cases) it(c.name, () => check(c, ctx));
    });
  }

  describe(`odd but valid requests (${OK_CASES.length} cases)`, () => {
    for (const c of OK_CASES) {
      it(c.name, async () => {
        const res = await fetch(`${ctx.url}${c.path}`, {
          method: c.method,
          headers: c.headers,
          body: c.body,
          signal: AbortSignal.timeout(ANSWER_MS),
        });
        const text = await res.text();
        assert.ok(
          res.status >= 200 && res.status < 300,
          `${c.method} ${c.path} -> ${res.status} ${text.slice(0, 300)}`,
        );
        assert.equal(res.headers.get('x-amz-function-error'), c.functionError ?? null, text);
      });
    }
  });

  it('the gateway passes odd query and header names through as ordinary keys', async () => {
    const res = await fetch(`${ctx.gateway}/echo?constructor=1&toString=2&__proto__=3&a=1&a=2`, {
      headers: { constructor: 'c', 'x-dup': 'one' },
      signal: AbortSignal.timeout(ANSWER_MS),
    });
    assert.equal(res.status, 200);
    const { event: ev } = (await res.json()) as {
      event: { queryStringParameters: Record<string, string>; headers: Record<string, string> };
    };
    assert.equal(Object.hasOwn(ev.queryStringParameters, '__proto__'), true);
    assert.deepEqual(
      { ...ev.queryStringParameters },
      { constructor: '1', toString: '2', ['__proto__']: '3', a: '1,2' },
    );
    assert.equal(ev.headers.constructor, 'c');
    assert.equal(ev.headers['x-dup'], 'one');
  });

  it('no request polluted Object.prototype', () => {
    assert.equal((Object.prototype as Record<string, unknown>).gustPolluted, undefined);
    assert.equal(({} as Record<string, unknown>).gustPolluted, undefined);
  });

  it('nothing was created by the rejected requests', async () => {
    const fns = (await (await fetch(`${t.url}/2015-03-31/functions/`)).json()) as {
      Functions: { FunctionName: string }[];
    };
    assert.deepEqual(fns.Functions.map((f) => f.FunctionName).sort(), [ECHO, FN]);
    const scheds = (await (await fetch(`${t.url}/gust/v1/schedules`)).json()) as { schedules: { name: string }[] };
    assert.deepEqual(
      scheds.schedules.map((s) => s.name),
      [SCHEDULE],
    );
  });

  it('the server still answers a normal Invoke, synchronously and asynchronously', async () => {
    const health = await fetch(`${t.url}/gust/v1/health`);
    assert.equal(health.status, 200);
    const r = await invoke(t, FN, { action: 'echo', n: 1 });
    assert.equal(r.status, 200);
    assert.equal(r.functionError, undefined, r.body);
    assert.deepEqual(r.json.event, { action: 'echo', n: 1 });
    const v1 = await invoke(t, FN, { action: 'echo', n: 2 }, { qualifier: '1' });
    assert.equal(v1.version, '1');
    assert.deepEqual(v1.json.event, { action: 'echo', n: 2 });
    const ev = await fetch(`${t.url}/2015-03-31/functions/${FN}/invocations`, {
      method: 'POST',
      headers: { 'x-amz-invocation-type': 'Event' },
      body: '{}',
    });
    assert.equal(ev.status, 202);
  });

  it('a valid client context still reaches the function', async () => {
    const cc = { custom: { who: 'zoë', 日本: '語' }, env: { platform: 'test' } };
    const res = await fetch(`${t.url}/2015-03-31/functions/${FN}/invocations`, {
      method: 'POST',
      headers: { 'x-amz-client-context': b64(js(cc)) },
      body: js({ action: 'echo' }),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-amz-function-error'), null);
    const body = (await res.json()) as { clientContext: { custom: unknown; env: unknown } };
    assert.deepEqual(body.clientContext.custom, cc.custom);
    assert.deepEqual(body.clientContext.env, cc.env);
  });
});
