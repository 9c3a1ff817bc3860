/** The HTTP gateway's pure parts without a server: route keys and selection, response mapping, events, CORS. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { preflightHeaders, responseCorsHeaders } from '../../src/events/http/cors.ts';
import { buildEvent, clfTime, isTextContentType, parseQueryString } from '../../src/events/http/event.ts';
import { mapLambdaResult } from '../../src/events/http/response.ts';
import { parseRouteKey } from '../../src/events/http/route-key.ts';
import { RouteTable, type RouteRecord } from '../../src/events/http/route-table.ts';

const table = (...keys: string[]): RouteTable =>
  new RouteTable(
    keys.map((routeKey, i): RouteRecord => ({
      routeId: `r${i}`,
      routeKey,
      functionName: 'f',
      timeoutMs: 30000,
      createdAt: new Date(1000 + i).toISOString(),
      updatedAt: '',
    })),
  );
const selected = (t: RouteTable, method: string, path: string): string | undefined =>
  t.match(method, path)?.route.record.routeKey;

describe('route keys and selection', () => {
  it('parses keys to a canonical form and a shape', () => {
    assert.deepEqual(
      [parseRouteKey('get /a/{id}').key, parseRouteKey('GET /a/{x}').shape, parseRouteKey('GET /').key],
      ['GET /a/{id}', 'GET /a/{}', 'GET /'],
    );
    assert.equal(parseRouteKey('GET /a/{p+}').shape, 'GET /a/{+}');
    for (const bad of ['GET /a/', 'GET a', '$Default', 'GET  /a', 'GET /{a', 'GET /a?b', 'GET /{a+}/b', 'GET /{}']) {
      assert.throws(() => parseRouteKey(bad), /GUST|Invalid route key/, bad);
    }
  });

  it('prefers literal paths over variables over greedy variables, then exact methods over ANY', () => {
    const t = table(
      'ANY /{proxy+}',
      'GET /a/{x}',
      'ANY /a/b',
      'GET /a/{x}/{y+}',
      '$default',
      'ANY /c/{x}',
      'GET /c/{y}',
    );
    assert.equal(selected(t, 'GET', '/a/b'), 'ANY /a/b', 'a literal path beats a variable with an exact method');
    assert.equal(selected(t, 'GET', '/a/z'), 'GET /a/{x}');
    assert.equal(selected(t, 'GET', '/a/z/w/v'), 'GET /a/{x}/{y+}');
    assert.equal(selected(t, 'POST', '/a/z'), 'ANY /{proxy+}');
    assert.equal(selected(t, 'GET', '/c/1'), 'GET /c/{y}');
    assert.equal(selected(t, 'PUT', '/c/1'), 'ANY /c/{x}');
    assert.equal(selected(t, 'GET', '/'), '$default', 'a greedy variable needs at least one character');
    assert.equal(selected(table('GET /a'), 'GET', '/a/'), undefined, 'no trailing-slash match');
    assert.equal(selected(table('GET /a'), 'HEAD', '/a'), undefined, 'GET does not match HEAD');
  });

  it('decodes path parameters but matches percent-encoded slashes inside one segment', () => {
    const t = table('GET /f/{name}', 'GET /g/{p+}');
    assert.deepEqual(t.match('GET', '/f/a%2Fb')?.pathParameters, { name: 'a/b' });
    assert.deepEqual(t.match('GET', '/g/x%20y/z')?.pathParameters, { p: 'x y/z' });
    assert.equal(selected(table('GET /h/a%20b'), 'GET', '/h/a%20b'), 'GET /h/a%20b');
    assert.equal(selected(table('GET /h/a%2520b'), 'GET', '/h/a%2520b'), 'GET /h/a%2520b');
    assert.equal(selected(table('GET /h/a%2520b'), 'GET', '/h/a%20b'), undefined, 'no double decoding');
  });
});

describe('response mapping (format 2.0)', () => {
  const map = (v: unknown) => mapLambdaResult(Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)));

  it('infers 200 application/json for values without statusCode', () => {
    const r = map(null)!;
    assert.deepEqual([r.status, r.headers['content-type'], r.body.toString()], [200, 'application/json', 'null']);
    assert.equal(map({ a: 1 })!.body.toString(), '{"a":1}');
    assert.equal(map('"quoted"')!.body.toString(), 'quoted');
  });

  it('rejects malformed responses', () => {
    assert.equal(mapLambdaResult(Buffer.from('not json')), undefined);
    for (const bad of [
      { statusCode: 99 },
      { statusCode: 600 },
      { statusCode: 200.5 },
      { statusCode: '2xx' },
      { statusCode: 200, headers: 'x' },
      { statusCode: 200, headers: { a: { b: 1 } } },
      { statusCode: 200, cookies: 'a=1' },
      { statusCode: 200, multiValueHeaders: { a: 'b' } },
    ]) {
      assert.equal(map(bad), undefined, JSON.stringify(bad));
    }
  });

  it('maps bodies, base64, header precedence and cookies', () => {
    const r = map({
      statusCode: 200,
      headers: { 'X-A': '1', 'Set-Cookie': 'h=1', 'Content-Length': '999' },
      multiValueHeaders: { 'x-a': ['2', '3'] },
      cookies: ['c=1'],
      body: { nested: true },
    })!;
    assert.deepEqual(r.headers['x-a'], ['2', '3'], 'multiValueHeaders win for the same name');
    assert.deepEqual(r.headers['set-cookie'], ['h=1', 'c=1']);
    assert.equal(r.headers['content-length'], undefined, 'hop-by-hop headers are dropped');
    assert.equal(r.body.toString(), '{"nested":true}');
    const b = map({ statusCode: 200, isBase64Encoded: true, body: Buffer.from([0, 255]).toString('base64') })!;
    assert.deepEqual([...b.body], [0, 255]);
  });
});

describe('payload 2.0 events', () => {
  it('classifies text content types and parses query strings as API Gateway', () => {
    for (const ct of ['text/html', 'application/json', 'application/vnd.api+json; charset=utf-8', 'image/svg+xml']) {
      assert.equal(isTextContentType(ct), true, ct);
    }
    for (const ct of [undefined, 'application/octet-stream', 'multipart/form-data; boundary=x', 'image/png']) {
      assert.equal(isTextContentType(ct), false, String(ct));
    }
    assert.deepEqual(parseQueryString('a=1&a=2&b=x+y&c=%ZZ&&d'), { a: '1,2', b: 'x+y', c: '%ZZ', d: '' });
    assert.equal(parseQueryString(''), undefined);
    assert.equal(clfTime(Date.UTC(2020, 2, 2, 9, 3, 8)), '02/Mar/2020:09:03:08 +0000');
  });

  it('base64-encodes bodies that are not valid UTF-8 even with a text content type', () => {
    const ev = buildEvent(
      {
        method: 'POST',
        rawPath: '/',
        rawQueryString: '',
        rawHeaders: ['Content-Type', 'text/plain', 'X-A', '1', 'x-a', '2'],
        body: Buffer.from([0xff, 0xfe]),
        sourceIp: '1.2.3.4',
        protocol: 'HTTP/1.1',
        port: 9001,
      },
      {
        routeKey: '$default',
        requestId: 'r',
        accountId: 'a',
        apiId: 'api',
        domainName: 'd',
        domainPrefix: 'd',
        timeEpoch: 0,
      },
    );
    assert.equal(ev.isBase64Encoded, true);
    assert.equal(ev.body, Buffer.from([0xff, 0xfe]).toString('base64'));
    assert.equal((ev.headers as Record<string, string>)['x-a'], '1,2');
    assert.equal('cookies' in ev, false);
  });
});

describe('CORS headers', () => {
  it('echoes the origin (not *) with credentials, and * without', () => {
    const any = { AllowOrigins: ['*'], ExposeHeaders: ['x-a'] };
    assert.equal(responseCorsHeaders(any, 'https://a.example')['access-control-allow-origin'], '*');
    const creds = { AllowOrigins: ['https://a.example'], AllowCredentials: true, AllowHeaders: ['*'] };
    const h = preflightHeaders(creds, 'https://a.example', 'PUT', 'x-b');
    assert.equal(h['access-control-allow-origin'], 'https://a.example');
    assert.equal(h['access-control-allow-headers'], 'x-b', 'AllowHeaders * echoes the requested headers');
    assert.equal(h.vary, 'Origin');
    assert.deepEqual(preflightHeaders(creds, 'https://b.example', 'PUT', undefined), {});
    assert.deepEqual(responseCorsHeaders({ AllowOrigins: ['http://*'] }, 'https://a.example'), {});
  });
});
