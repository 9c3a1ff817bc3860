/**
 * HTTP API routes end to end: a real server with its gateway on a random port, a node function,
 * plain fetch / node:http clients. Route CRUD and validation, payload format 2.0 events, response
 * mapping, route priority, CORS, and API Gateway's error answers.
 */
import { PutFunctionConcurrencyCommand } from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { deployFixture, startTestGust, type TestGust } from '../helpers/gust.ts';
import { gatewayUrl, gustApi, rawRequest } from './http-helpers.ts';

const ROUTES = '/gust/v1/http/routes';

describe('HTTP routes', () => {
  let t: TestGust;
  let gw: string;
  const routeIds: Record<string, string> = {};

  const addRoute = async (routeKey: string, extra: Record<string, unknown> = {}): Promise<string> => {
    const r = await gustApi(t, 'POST', ROUTES, { routeKey, functionName: 'echo', ...extra });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    routeIds[routeKey] = r.json.routeId;
    return r.json.routeId as string;
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const echo = async (path: string, init?: RequestInit): Promise<any> => {
    const res = await fetch(gw + path, init);
    assert.equal(res.status, 200, `${path}: ${res.status}`);
    return ((await res.json()) as { event: unknown }).event;
  };
  const invocations = (fn: string): number => t.gust.store.metering.list({ functionName: fn }).length;

  before(async () => {
    t = await startTestGust({ gatewayPort: 0 });
    gw = await gatewayUrl(t);
    await deployFixture(t, 'echo', 'node/http-echo', 'nodejs20.x', 'index.handler', { Timeout: 5 });
  });
  after(() => t.stop());

  it('serves the gateway on its own random port and reports it', async () => {
    assert.match(gw, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(new URL(gw).port, new URL(t.url).port);
    assert.equal(t.gust.config.gatewayPort, 0);
    const res = await fetch(`${gw}/nothing-here`);
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { message: 'Not Found' });
    assert.match(res.headers.get('apigw-requestid') ?? '', /^[A-Za-z0-9+/]{15}=$/);
  });

  it('validates routes with stable error codes', async () => {
    const bad = async (body: unknown, code: string, status = 400): Promise<void> => {
      const r = await gustApi(t, 'POST', ROUTES, body);
      assert.equal(r.status, status, JSON.stringify(body));
      assert.equal(r.code, code, JSON.stringify(body));
      assert.equal(typeof r.json.message, 'string');
    };
    await bad({ routeKey: 'GET pets', functionName: 'echo' }, 'GUST_HTTP_INVALID_ROUTE');
    await bad({ routeKey: 'FETCH /pets', functionName: 'echo' }, 'GUST_HTTP_INVALID_ROUTE');
    await bad({ routeKey: 'GET /pets/{proxy+}/x', functionName: 'echo' }, 'GUST_HTTP_INVALID_ROUTE');
    await bad({ routeKey: 'GET /a//b', functionName: 'echo' }, 'GUST_HTTP_INVALID_ROUTE');
    await bad({ routeKey: 'GET /a/{id}/{id}', functionName: 'echo' }, 'GUST_HTTP_INVALID_ROUTE');
    await bad({ routeKey: 'GET /a/x{id}', functionName: 'echo' }, 'GUST_HTTP_INVALID_ROUTE');
    await bad({ routeKey: 'GET /a', functionName: 'echo', timeoutMs: 10 }, 'GUST_HTTP_INVALID_ROUTE');
    await bad({ routeKey: 'GET /a', functionName: 'echo', target: 'x' }, 'GUST_HTTP_INVALID_ROUTE');
    await bad({ routeKey: 'GET /a' }, 'GUST_HTTP_INVALID_ROUTE');
    await bad({ routeKey: 'GET /a', functionName: 'bad name!' }, 'GUST_HTTP_INVALID_ROUTE');
    await bad('{not json', 'GUST_HTTP_INVALID_ROUTE');
    await bad({ routeKey: 'GET /a', functionName: 'missing-fn' }, 'GUST_FUNCTION_NOT_FOUND', 404);
    await bad({ routeKey: 'GET /a', functionName: 'echo', qualifier: 'no-such-alias' }, 'GUST_FUNCTION_NOT_FOUND', 404);
    const list = await gustApi(t, 'GET', ROUTES);
    assert.deepEqual(list.json.routes, [], 'nothing was created');
  });

  it('creates, reads, updates and deletes routes; conflicting keys are refused', async () => {
    const c = await gustApi(t, 'POST', ROUTES, { routeKey: 'get /crud/{id}', functionName: 'echo', timeoutMs: 5000 });
    assert.equal(c.status, 201);
    assert.match(c.json.routeId, /^[a-z0-9]{7}$/);
    assert.equal(c.json.routeKey, 'GET /crud/{id}', 'method upper-cased');
    assert.equal(c.json.qualifier, null);
    assert.equal(c.json.timeoutMs, 5000);
    const id = c.json.routeId as string;

    const dup = await gustApi(t, 'POST', ROUTES, { routeKey: 'GET /crud/{id}', functionName: 'echo' });
    assert.equal(dup.status, 409);
    assert.equal(dup.code, 'GUST_HTTP_ROUTE_CONFLICT');
    const sameShape = await gustApi(t, 'POST', ROUTES, { routeKey: 'GET /crud/{other}', functionName: 'echo' });
    assert.equal(sameShape.code, 'GUST_HTTP_ROUTE_CONFLICT');

    const g = await gustApi(t, 'GET', `${ROUTES}/${id}`);
    assert.deepEqual(g.json, c.json);
    const u = await gustApi(t, 'PATCH', `${ROUTES}/${id}`, { routeKey: 'POST /crud/{id}', timeoutMs: 30000 });
    assert.equal(u.status, 200);
    assert.equal(u.json.routeKey, 'POST /crud/{id}');
    assert.equal(u.json.timeoutMs, 30000);
    assert.equal(u.json.createdAt, c.json.createdAt);
    assert.equal((await fetch(`${gw}/crud/1`)).status, 404, 'GET no longer routed');
    const ev = await echo('/crud/1', { method: 'POST' });
    assert.equal(ev.routeKey, 'POST /crud/{id}');
    const badUpdate = await gustApi(t, 'PATCH', `${ROUTES}/${id}`, { routeKey: '$nope' });
    assert.equal(badUpdate.code, 'GUST_HTTP_INVALID_ROUTE');

    assert.equal((await gustApi(t, 'DELETE', `${ROUTES}/${id}`)).status, 204);
    const gone = await gustApi(t, 'GET', `${ROUTES}/${id}`);
    assert.equal(gone.status, 404);
    assert.equal(gone.code, 'GUST_HTTP_ROUTE_NOT_FOUND');
    assert.equal((await gustApi(t, 'DELETE', `${ROUTES}/${id}`)).code, 'GUST_HTTP_ROUTE_NOT_FOUND');
    assert.equal((await fetch(`${gw}/crud/1`, { method: 'POST' })).status, 404, 'route removed from the gateway');
  });

  it('sends payload format 2.0 events: path params, query, multi-value headers, cookies', async () => {
    await addRoute('GET /pets/{name}');
    const before = Date.now();
    const res = await rawRequest(gw, '/pets/dog%201?x=1&x=2&y=&z=a%20b&flag', {
      headers: {
        'x-multi': ['a', 'b'],
        cookie: ['c1=v1; c2=v2', 'c3=v3'],
        'user-agent': 'gust-test/1',
        'X-Forwarded-For': '10.1.2.3',
      },
    });
    assert.equal(res.status, 200, res.text);
    const ev = JSON.parse(res.text).event;
    assert.equal(ev.version, '2.0');
    assert.equal(ev.routeKey, 'GET /pets/{name}');
    assert.equal(ev.rawPath, '/pets/dog%201');
    assert.equal(ev.rawQueryString, 'x=1&x=2&y=&z=a%20b&flag');
    assert.deepEqual(ev.queryStringParameters, { x: '1,2', y: '', z: 'a b', flag: '' });
    assert.deepEqual(ev.pathParameters, { name: 'dog 1' });
    assert.deepEqual(ev.cookies, ['c1=v1', 'c2=v2', 'c3=v3']);
    assert.equal(ev.headers.cookie, undefined, 'cookies are not repeated in headers');
    assert.equal(ev.headers['x-multi'], 'a,b');
    assert.equal(ev.headers['user-agent'], 'gust-test/1');
    assert.equal(ev.headers.host, new URL(gw).host);
    assert.equal(ev.headers['x-forwarded-for'], '10.1.2.3, 127.0.0.1');
    assert.equal(ev.headers['x-forwarded-proto'], 'http');
    assert.equal(ev.headers['x-forwarded-port'], new URL(gw).port);
    assert.match(ev.headers['x-amzn-trace-id'], /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    for (const k of Object.keys(ev.headers)) assert.equal(k, k.toLowerCase());
    assert.equal(ev.isBase64Encoded, false);
    assert.equal('body' in ev, false, 'no body field without a body');
    const rc = ev.requestContext;
    const info = await gustApi(t, 'GET', '/gust/v1/http');
    assert.equal(rc.accountId, '000000000000');
    assert.equal(rc.apiId, info.json.apiId);
    assert.match(rc.apiId, /^[a-z0-9]{10}$/);
    assert.equal(rc.domainName, new URL(gw).host);
    assert.equal(rc.domainPrefix, '127');
    assert.deepEqual(rc.http, {
      method: 'GET',
      path: '/pets/dog%201',
      protocol: 'HTTP/1.1',
      sourceIp: '127.0.0.1',
      userAgent: 'gust-test/1',
    });
    assert.equal(rc.requestId, res.headers['apigw-requestid']);
    assert.equal(rc.routeKey, 'GET /pets/{name}');
    assert.equal(rc.stage, '$default');
    assert.match(rc.time, /^\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000$/);
    assert.ok(rc.timeEpoch >= before && rc.timeEpoch <= Date.now(), `timeEpoch ${rc.timeEpoch}`);
    assert.equal(rc.authorizer, undefined);
  });

  it('passes text bodies as text and binary bodies as base64; decodes base64 responses', async () => {
    await addRoute('POST /upload');
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const bin = await echo('/upload', {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    assert.equal(bin.isBase64Encoded, true);
    assert.deepEqual(Buffer.from(bin.body, 'base64'), bytes);
    const json = await echo('/upload', {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: '{"a":"é"}',
    });
    assert.equal(json.isBase64Encoded, false);
    assert.equal(json.body, '{"a":"é"}');
    const text = await echo('/upload', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' });
    assert.deepEqual([text.isBase64Encoded, text.body], [false, 'hi']);
    const form = await echo('/upload', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1&b=2',
    });
    assert.deepEqual([form.isBase64Encoded, Buffer.from(form.body, 'base64').toString()], [true, 'a=1&b=2']);

    await addRoute('GET /shapes');
    const res = await fetch(`${gw}/shapes?mode=binary`);
    assert.equal(res.headers.get('content-type'), 'application/octet-stream');
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), bytes);
  });

  it('maps results: inferred 200 JSON for non-responses, explicit statusCode/headers/cookies/body', async () => {
    const get = async (mode: string): Promise<Response> => fetch(`${gw}/shapes?mode=${mode}`);
    const inferred = async (mode: string, body: string): Promise<void> => {
      const res = await get(mode);
      assert.equal(res.status, 200, mode);
      assert.equal(res.headers.get('content-type'), 'application/json', mode);
      assert.equal(await res.text(), body, mode);
    };
    await inferred('object', '{"hello":"world"}');
    await inferred('string', 'hello');
    await inferred('number', '42');
    await inferred('array', '["a",1,true]');
    await inferred('body-without-status', '{"body":"not a response","headers":{"x-ignored":"1"}}');

    const custom = await get('custom');
    assert.equal(custom.status, 201);
    assert.equal(custom.headers.get('content-type'), 'text/plain');
    assert.equal(custom.headers.get('x-custom'), 'v');
    assert.equal(custom.headers.get('x-num'), '7');
    assert.equal(custom.headers.get('x-multi'), 'a, b');
    assert.deepEqual(custom.headers.getSetCookie(), ['a=1; Path=/', 'b=2; HttpOnly']);
    assert.equal(await custom.text(), 'created');

    const teapot = await get('status-string');
    assert.equal(teapot.status, 418);
    assert.equal(await teapot.text(), "i'm a teapot");
    const empty = await get('no-body');
    assert.equal(empty.status, 204);
    assert.equal(await empty.text(), '');
    const plain = await get('default-type');
    assert.equal(plain.headers.get('content-type'), 'application/json', 'default content type');
    assert.equal(await plain.text(), 'plain');
  });

  it('answers 502 {"message":"Internal Server Error"} for function errors and malformed responses', async () => {
    for (const mode of ['throw', 'malformed', 'bad-header']) {
      const res = await fetch(`${gw}/shapes?mode=${mode}`);
      assert.equal(res.status, 502, mode);
      assert.equal(res.headers.get('content-type'), 'application/json');
      assert.deepEqual(await res.json(), { message: 'Internal Server Error' }, mode);
    }
  });

  it('selects routes by API Gateway priority: exact, then variables, then greedy, then $default', async () => {
    await addRoute('GET /zoo/dog/1');
    await addRoute('GET /zoo/dog/{id}');
    await addRoute('GET /zoo/{proxy+}');
    await addRoute('GET /zoo/{kind}/{id}/{proxy+}');
    await addRoute('ANY /things/{id}');
    await addRoute('DELETE /things/{thingId}');
    await addRoute('ANY /{proxy+}');
    await addRoute('$default');
    const routeOf = async (method: string, path: string): Promise<[string, unknown]> => {
      const ev = await echo(path, { method });
      return [ev.routeKey, ev.pathParameters];
    };
    assert.deepEqual(await routeOf('GET', '/zoo/dog/1'), ['GET /zoo/dog/1', undefined]);
    assert.deepEqual(await routeOf('GET', '/zoo/dog/2'), ['GET /zoo/dog/{id}', { id: '2' }]);
    assert.deepEqual(await routeOf('GET', '/zoo/cat/1'), ['GET /zoo/{proxy+}', { proxy: 'cat/1' }]);
    assert.deepEqual(await routeOf('GET', '/zoo/cat/1/a/b'), [
      'GET /zoo/{kind}/{id}/{proxy+}',
      { kind: 'cat', id: '1', proxy: 'a/b' },
    ]);
    assert.deepEqual(await routeOf('POST', '/zoo/dog/1'), ['ANY /{proxy+}', { proxy: 'zoo/dog/1' }]);
    assert.deepEqual(await routeOf('DELETE', '/things/7'), ['DELETE /things/{thingId}', { thingId: '7' }]);
    assert.deepEqual(await routeOf('PUT', '/things/7'), ['ANY /things/{id}', { id: '7' }]);
    assert.deepEqual(await routeOf('GET', '/'), ['$default', undefined]);
    const list = await gustApi(t, 'GET', ROUTES);
    const keys = (list.json.routes as { routeKey: string }[]).map((r) => r.routeKey);
    assert.equal(keys.at(-1), '$default');
    assert.ok(keys.indexOf('GET /zoo/dog/1') < keys.indexOf('GET /zoo/dog/{id}'));
    assert.ok(keys.indexOf('GET /zoo/dog/{id}') < keys.indexOf('GET /zoo/{proxy+}'));
    assert.ok(keys.indexOf('GET /zoo/{kind}/{id}/{proxy+}') < keys.indexOf('GET /zoo/{proxy+}'));
    for (const k of ['ANY /{proxy+}', '$default']) {
      assert.equal((await gustApi(t, 'DELETE', `${ROUTES}/${routeIds[k]}`)).status, 204);
    }
    assert.equal((await fetch(`${gw}/zoo-nothing`)).status, 404);
  });

  it('answers CORS preflights itself and adds the configured headers to responses', async () => {
    await addRoute('ANY /cors');
    const invalid = async (body: unknown): Promise<void> => {
      const r = await gustApi(t, 'PUT', '/gust/v1/http/cors', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.code, 'GUST_HTTP_INVALID_CORS', JSON.stringify(body));
    };
    await invalid({ AllowOrigins: ['*'], AllowCredentials: true });
    await invalid({ AllowOrigin: ['*'] });
    await invalid({ MaxAge: 100000 });
    await invalid({ AllowOrigins: ['not an origin'] });
    await invalid({ AllowMethods: ['FETCH'] });
    assert.deepEqual((await gustApi(t, 'GET', '/gust/v1/http/cors')).json, { cors: null });

    const cors = {
      AllowOrigins: ['https://app.example'],
      AllowMethods: ['GET', 'post'],
      AllowHeaders: ['content-type', 'x-api-key'],
      ExposeHeaders: ['x-custom'],
      MaxAge: 300,
      AllowCredentials: true,
    };
    const put = await gustApi(t, 'PUT', '/gust/v1/http/cors', cors);
    assert.equal(put.status, 200);
    assert.deepEqual(put.json.cors.AllowMethods, ['GET', 'POST']);

    const calls = invocations('echo');
    const pre = await fetch(`${gw}/cors`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), 'https://app.example');
    assert.equal(pre.headers.get('access-control-allow-methods'), 'GET,POST');
    assert.equal(pre.headers.get('access-control-allow-headers'), 'content-type,x-api-key');
    assert.equal(pre.headers.get('access-control-max-age'), '300');
    assert.equal(pre.headers.get('access-control-allow-credentials'), 'true');
    const other = await fetch(`${gw}/cors`, {
      method: 'OPTIONS',
      headers: { origin: 'https://other.example', 'access-control-request-method': 'GET' },
    });
    assert.equal(other.status, 204);
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    const unrouted = await fetch(`${gw}/no-route-here`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' },
    });
    assert.equal(unrouted.status, 204, 'preflights need no OPTIONS route');
    assert.equal(invocations('echo'), calls, 'preflights do not invoke the function');

    const actual = await fetch(`${gw}/cors?mode=cors`, { headers: { origin: 'https://app.example' } });
    assert.equal(actual.status, 200);
    assert.equal(actual.headers.get('access-control-allow-origin'), 'https://app.example', "function's own ignored");
    assert.equal(actual.headers.get('access-control-expose-headers'), 'x-custom');
    assert.equal(actual.headers.get('access-control-allow-credentials'), 'true');
    assert.equal(actual.headers.get('x-custom'), 'c');
    const noOrigin = await fetch(`${gw}/cors?mode=object`);
    assert.equal(noOrigin.headers.get('access-control-allow-origin'), null);

    await gustApi(t, 'PUT', '/gust/v1/http/cors', { AllowOrigins: ['https://*'], AllowMethods: ['*'] });
    const wild = await fetch(`${gw}/cors`, {
      method: 'OPTIONS',
      headers: { origin: 'https://any.example', 'access-control-request-method': 'PATCH' },
    });
    assert.equal(wild.headers.get('access-control-allow-origin'), 'https://any.example');
    assert.equal(wild.headers.get('access-control-allow-methods'), 'PATCH');

    assert.equal((await gustApi(t, 'DELETE', '/gust/v1/http/cors')).status, 204);
    const routed = await fetch(`${gw}/cors`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' },
    });
    assert.equal(routed.status, 200, 'without CORS, OPTIONS goes to the ANY route');
    assert.equal(invocations('echo'), calls + 3, 'two actual requests and the routed OPTIONS');
  });

  it('answers 413 for bodies over 10 MB', async () => {
    const res = await fetch(`${gw}/upload`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: Buffer.alloc(10 * 1024 * 1024 + 1, 97),
    });
    assert.equal(res.status, 413);
    assert.deepEqual(await res.json(), { message: 'Request Entity Too Large' });
    const lambdaLimit = await fetch(`${gw}/upload`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: Buffer.alloc(7 * 1024 * 1024, 97),
    });
    assert.equal(lambdaLimit.status, 413, 'an event over the 6 MB invoke limit');
  });

  it('maps throttles to 500, function timeouts to 502 and integration timeouts to 503', async () => {
    await deployFixture(t, 'echo-throttled', 'node/http-echo', 'nodejs20.x', 'index.handler');
    await t.lambda.send(
      new PutFunctionConcurrencyCommand({ FunctionName: 'echo-throttled', ReservedConcurrentExecutions: 0 }),
    );
    await gustApi(t, 'POST', ROUTES, { routeKey: 'GET /throttled', functionName: 'echo-throttled' });
    const throttled = await fetch(`${gw}/throttled`);
    assert.equal(throttled.status, 500);
    assert.deepEqual(await throttled.json(), { message: 'Internal Server Error' });
    const ledger = t.gust.store.metering.list({ functionName: 'echo-throttled' });
    assert.equal(ledger[0]?.outcome, 'throttle');

    await deployFixture(t, 'echo-1s', 'node/http-echo', 'nodejs20.x', 'index.handler', { Timeout: 1 });
    await gustApi(t, 'POST', ROUTES, { routeKey: 'GET /slow', functionName: 'echo-1s' });
    const timedOut = await fetch(`${gw}/slow?mode=sleep&ms=3000`);
    assert.equal(timedOut.status, 502);
    assert.deepEqual(await timedOut.json(), { message: 'Internal Server Error' });

    await gustApi(t, 'POST', ROUTES, { routeKey: 'GET /integration', functionName: 'echo', timeoutMs: 300 });
    const start = Date.now();
    const late = await fetch(`${gw}/integration?mode=sleep&ms=1500`);
    assert.equal(late.status, 503);
    assert.deepEqual(await late.json(), { message: 'Service Unavailable' });
    assert.ok(Date.now() - start < 1400, `answered at the integration timeout (${Date.now() - start} ms)`);
  });

  it('answers 500 when the route points to a function that no longer exists', async () => {
    await deployFixture(t, 'short-lived', 'node/http-echo', 'nodejs20.x', 'index.handler');
    await gustApi(t, 'POST', ROUTES, { routeKey: 'GET /short-lived', functionName: 'short-lived' });
    assert.equal((await fetch(`${gw}/short-lived?mode=object`)).status, 200);
    const del = await fetch(`${t.url}/2015-03-31/functions/short-lived`, { method: 'DELETE' });
    assert.equal(del.status, 204);
    const res = await fetch(`${gw}/short-lived?mode=object`);
    assert.equal(res.status, 500);
    assert.deepEqual(await res.json(), { message: 'Internal Server Error' });
  });
});
