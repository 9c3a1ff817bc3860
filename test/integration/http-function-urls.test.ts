/**
 * Lambda function URLs: the URL-config API through the AWS SDK v3 and the AWS CLI, and fetching
 * the returned FunctionUrl from the gateway (path-based, by function name, and by Host header).
 */
import {
  CreateAliasCommand,
  CreateFunctionUrlConfigCommand,
  DeleteFunctionCommand,
  DeleteFunctionUrlConfigCommand,
  GetFunctionUrlConfigCommand,
  ListFunctionUrlConfigsCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  UpdateFunctionUrlConfigCommand,
  type CreateFunctionUrlConfigCommandInput,
} from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { deployFixture, startTestGust, type TestGust } from '../helpers/gust.ts';
import { gatewayUrl, rawRequest } from './http-helpers.ts';
import { awsCli, skipWithoutAwsCli, type CliResult } from '../helpers/aws-cli.ts';

const URL_RE = /^http:\/\/127\.0\.0\.1:\d+\/lambda-url\/([a-z0-9]{32})\/$/;

async function rejects(p: Promise<unknown>, name: string, message?: RegExp): Promise<void> {
  await assert.rejects(p, (e: Error) => {
    assert.equal(e.name, name, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

describe('Lambda function URLs', () => {
  let t: TestGust;
  let gw: string;
  const create = (input: Partial<CreateFunctionUrlConfigCommandInput>) =>
    t.lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'urlfn', AuthType: 'NONE', ...input }));

  before(async () => {
    t = await startTestGust({ gatewayPort: 0 });
    gw = await gatewayUrl(t);
    await deployFixture(t, 'urlfn', 'node/http-echo', 'nodejs20.x', 'index.handler', { Timeout: 3 });
  });
  after(() => t.stop());

  it('creates a URL config whose FunctionUrl works, with a 2.0 event as Lambda sends it', async () => {
    const c = await create({ Cors: { AllowOrigins: ['https://app.example'], AllowMethods: ['POST'] } });
    assert.equal(c.$metadata.httpStatusCode, 201);
    const m = URL_RE.exec(c.FunctionUrl!);
    assert.ok(m, c.FunctionUrl);
    const urlId = m[1]!;
    assert.equal(new URL(c.FunctionUrl!).origin, gw);
    assert.equal(c.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:urlfn');
    assert.equal(c.AuthType, 'NONE');
    assert.deepEqual(c.Cors, { AllowOrigins: ['https://app.example'], AllowMethods: ['POST'] });
    assert.ok(!Number.isNaN(Date.parse(c.CreationTime!)));
    assert.equal(c.InvokeMode, undefined, 'omitted when not set, as Lambda does');

    const res = await fetch(`${c.FunctionUrl}some/path?q=1&q=2`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: 'k=v' },
      body: '{"x":1}',
    });
    assert.equal(res.status, 200);
    const { event } = (await res.json()) as { event: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.equal(event.version, '2.0');
    assert.equal(event.routeKey, '$default');
    assert.equal(event.rawPath, '/some/path');
    assert.equal(event.rawQueryString, 'q=1&q=2');
    assert.deepEqual(event.queryStringParameters, { q: '1,2' });
    assert.deepEqual(event.cookies, ['k=v']);
    assert.equal(event.body, '{"x":1}');
    assert.equal(event.isBase64Encoded, false);
    assert.equal('pathParameters' in event, false);
    const rc = event.requestContext;
    assert.equal(rc.accountId, 'anonymous');
    assert.equal(rc.apiId, urlId);
    assert.equal(rc.domainName, `${urlId}.lambda-url.us-east-1.on.aws`);
    assert.equal(rc.domainPrefix, urlId);
    assert.equal(rc.authorizer, null);
    assert.equal(rc.http.method, 'POST');
    assert.equal(rc.http.path, '/some/path');
    assert.equal(rc.routeKey, '$default');
    assert.equal(rc.stage, '$default');
    assert.equal(rc.requestId, res.headers.get('x-amzn-requestid'), 'the Lambda request id');
    assert.match(rc.requestId, /^[0-9a-f-]{36}$/);
    const logs = t.gust.store.logs.query({ requestId: rc.requestId });
    assert.ok(
      logs.some((l) => l.message.startsWith('REPORT')),
      'the invocation ran with that request id',
    );

    const root = await fetch(c.FunctionUrl!.slice(0, -1));
    assert.equal(((await root.json()) as { event: { rawPath: string } }).event.rawPath, '/');
  });

  it('serves the URL for Host <url-id>.lambda-url.<region>.on.aws and by function name', async () => {
    const g = await t.lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'urlfn' }));
    const urlId = URL_RE.exec(g.FunctionUrl!)![1]!;
    const byHost = await rawRequest(gw, '/by/host?mode=object', {
      headers: { host: `${urlId}.lambda-url.us-east-1.on.aws` },
    });
    assert.equal(byHost.status, 200);
    assert.equal(byHost.text, '{"hello":"world"}');
    const echoed = await rawRequest(gw, '/by/host', { headers: { host: `${urlId}.lambda-url.us-east-1.on.aws` } });
    assert.equal(JSON.parse(echoed.text).event.rawPath, '/by/host');
    const byName = await fetch(`${gw}/lambda-url/urlfn/x?mode=string`);
    assert.equal(await byName.text(), 'hello');
    const unknown = await fetch(`${gw}/lambda-url/${'0'.repeat(32)}/`);
    assert.equal(unknown.status, 403);
    assert.equal(unknown.headers.get('x-amzn-errortype'), 'AccessDeniedException');
    assert.equal(await unknown.text(), '{"Message":null}');
    const unknownHost = await rawRequest(gw, '/', {
      headers: { host: `${'1'.repeat(32)}.lambda-url.us-east-1.on.aws` },
    });
    assert.equal(unknownHost.status, 403);
  });

  it('answers CORS preflights with the URL config and overrides conflicting function headers', async () => {
    const before = t.gust.store.metering.list({ functionName: 'urlfn' }).length;
    const pre = await fetch(`${gw}/lambda-url/urlfn/`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), 'https://app.example');
    assert.equal(pre.headers.get('access-control-allow-methods'), 'POST');
    assert.equal(t.gust.store.metering.list({ functionName: 'urlfn' }).length, before, 'not invoked');
    const actual = await fetch(`${gw}/lambda-url/urlfn/?mode=cors`, { headers: { origin: 'https://app.example' } });
    assert.equal(actual.headers.get('access-control-allow-origin'), 'https://app.example');
  });

  it('gets, updates, lists and deletes URL configs with Lambda errors', async () => {
    const g = await t.lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'urlfn' }));
    assert.ok(g.LastModifiedTime);
    await rejects(create({}), 'ResourceConflictException', /FunctionUrlConfig exists for this Lambda function/);
    const u = await t.lambda.send(
      new UpdateFunctionUrlConfigCommand({ FunctionName: 'urlfn', AuthType: 'AWS_IAM', InvokeMode: 'BUFFERED' }),
    );
    assert.equal(u.AuthType, 'AWS_IAM');
    assert.equal(u.InvokeMode, 'BUFFERED');
    assert.equal(u.FunctionUrl, g.FunctionUrl, 'the URL never changes');
    assert.deepEqual(u.Cors, g.Cors, 'Cors kept when not given');
    const iam = await fetch(`${u.FunctionUrl}?mode=object`);
    assert.equal(iam.status, 200, 'AWS_IAM is accepted but not enforced');
    const iamEvent = (await (await fetch(u.FunctionUrl!)).json()) as {
      event: { requestContext: { accountId: string } };
    };
    assert.equal(iamEvent.event.requestContext.accountId, '000000000000');

    await rejects(create({ FunctionName: 'nope' }), 'ResourceNotFoundException');
    await rejects(
      create({ AuthType: 'BASIC' as CreateFunctionUrlConfigCommandInput['AuthType'] }),
      'ValidationException',
      /authType/,
    );
    await rejects(create({ Qualifier: '1' }), 'ValidationException', /qualifier/);
    await rejects(create({ Qualifier: 'no-alias' }), 'ResourceNotFoundException');
    await rejects(create({ Qualifier: 'x', InvokeMode: 'RESPONSE_STREAM' }), 'InvalidParameterValueException');
    await rejects(
      t.lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'urlfn', Qualifier: 'live' })),
      'ResourceNotFoundException',
      /does not exist/,
    );

    await t.lambda.send(new PublishVersionCommand({ FunctionName: 'urlfn' }));
    await t.lambda.send(new CreateAliasCommand({ FunctionName: 'urlfn', Name: 'live', FunctionVersion: '1' }));
    const a = await create({ Qualifier: 'live' });
    assert.equal(a.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:urlfn:live');
    assert.notEqual(a.FunctionUrl, g.FunctionUrl);
    const viaAlias = (await (await fetch(a.FunctionUrl!)).json()) as { version: string };
    assert.equal(viaAlias.version, '1', 'the alias URL invokes the alias');
    const byName = (await (await fetch(`${gw}/lambda-url/urlfn:live/`)).json()) as { version: string };
    assert.equal(byName.version, '1');

    const l = await t.lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: 'urlfn' }));
    assert.deepEqual(
      l.FunctionUrlConfigs!.map((c) => c.FunctionArn),
      [
        'arn:aws:lambda:us-east-1:000000000000:function:urlfn',
        'arn:aws:lambda:us-east-1:000000000000:function:urlfn:live',
      ],
    );
    const page = await t.lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: 'urlfn', MaxItems: 1 }));
    assert.equal(page.FunctionUrlConfigs!.length, 1);
    assert.ok(page.NextMarker);

    await t.lambda.send(new DeleteFunctionUrlConfigCommand({ FunctionName: 'urlfn', Qualifier: 'live' }));
    await rejects(
      t.lambda.send(new DeleteFunctionUrlConfigCommand({ FunctionName: 'urlfn', Qualifier: 'live' })),
      'ResourceNotFoundException',
    );
    assert.equal((await fetch(a.FunctionUrl!)).status, 403, 'a deleted URL is gone');
    assert.equal((await fetch(`${g.FunctionUrl}?mode=object`)).status, 200, 'the other URL still works');
  });

  it('maps function errors to 502 and throttles to 429', async () => {
    const err = await fetch(`${gw}/lambda-url/urlfn/?mode=throw`);
    assert.equal(err.status, 502);
    assert.equal(await err.text(), 'Internal Server Error');
    const malformed = await fetch(`${gw}/lambda-url/urlfn/?mode=malformed`);
    assert.equal(malformed.status, 502);
    const timedOut = await fetch(`${gw}/lambda-url/urlfn/?mode=sleep&ms=5000`);
    assert.equal(timedOut.status, 502, 'Sandbox.Timedout is a function error');

    await deployFixture(t, 'url-throttled', 'node/http-echo', 'nodejs20.x', 'index.handler');
    await t.lambda.send(
      new PutFunctionConcurrencyCommand({ FunctionName: 'url-throttled', ReservedConcurrentExecutions: 0 }),
    );
    const c = await t.lambda.send(
      new CreateFunctionUrlConfigCommand({ FunctionName: 'url-throttled', AuthType: 'NONE' }),
    );
    const res = await fetch(c.FunctionUrl!);
    assert.equal(res.status, 429);
    assert.deepEqual(await res.json(), { message: 'Too Many Requests' });
  });

  it('deletes the URLs of a deleted function', async () => {
    const c = await t.lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'url-throttled' }));
    await t.lambda.send(new DeleteFunctionCommand({ FunctionName: 'url-throttled' }));
    assert.equal((await fetch(c.FunctionUrl!)).status, 403);
    await deployFixture(t, 'url-throttled', 'node/http-echo', 'nodejs20.x', 'index.handler');
    const l = await t.lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: 'url-throttled' }));
    assert.deepEqual(l.FunctionUrlConfigs, []);
  });
});

const aws = (url: string, args: string[]): Promise<CliResult> => awsCli(url, 'lambda', args);

describe('Lambda function URLs with the AWS CLI', { skip: skipWithoutAwsCli }, () => {
  let t: TestGust;
  const ok = async (args: string[]): Promise<CliResult> => {
    const r = await aws(t.url, args);
    assert.equal(r.code, 0, `aws lambda ${args.join(' ')}\n${r.stderr}`);
    return r;
  };

  before(async () => {
    t = await startTestGust({ gatewayPort: 0 });
    await deployFixture(t, 'cli-url', 'node/http-echo', 'nodejs20.x', 'index.handler');
  });
  after(() => t.stop());

  it('create/get/update/list/delete-function-url-config, and the FunctionUrl answers', async () => {
    const c = await ok([
      'create-function-url-config',
      '--function-name',
      'cli-url',
      '--auth-type',
      'NONE',
      '--cors',
      'AllowOrigins=https://cli.example,MaxAge=60',
    ]);
    assert.match(c.json.FunctionUrl, URL_RE);
    assert.deepEqual(c.json.Cors, { AllowOrigins: ['https://cli.example'], MaxAge: 60 });
    const res = await fetch(`${c.json.FunctionUrl}?mode=object`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { hello: 'world' });

    const g = await ok(['get-function-url-config', '--function-name', 'cli-url']);
    assert.equal(g.json.FunctionUrl, c.json.FunctionUrl);
    const u = await ok(['update-function-url-config', '--function-name', 'cli-url', '--auth-type', 'AWS_IAM']);
    assert.equal(u.json.AuthType, 'AWS_IAM');
    const l = await ok(['list-function-url-configs', '--function-name', 'cli-url']);
    assert.equal(l.json.FunctionUrlConfigs.length, 1);
    await ok(['delete-function-url-config', '--function-name', 'cli-url']);
    const missing = await aws(t.url, ['get-function-url-config', '--function-name', 'cli-url']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /ResourceNotFoundException/);
    assert.equal((await fetch(c.json.FunctionUrl)).status, 403);
  });
});
