/** HTTP routes, CORS and function URLs are durable: they survive a restart and a kill -9. */
import { CreateFunctionUrlConfigCommand, GetFunctionUrlConfigCommand } from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { it } from 'node:test';
import { deployFixture, lambdaClient, spawnServer, startTestGust, tempHome, type TestGust } from '../helpers/gust.ts';
import { gatewayUrl, gustApi } from './http-helpers.ts';

it('keeps routes, CORS, the API id and function URLs across a restart', async () => {
  const home = tempHome();
  let t = await startTestGust({ home, gatewayPort: 0 });
  try {
    await deployFixture(t, 'keep', 'node/http-echo', 'nodejs20.x', 'index.handler');
    const route = await gustApi(t, 'POST', '/gust/v1/http/routes', {
      routeKey: 'GET /kept/{id}',
      functionName: 'keep',
      timeoutMs: 9000,
    });
    assert.equal(route.status, 201);
    await gustApi(t, 'PUT', '/gust/v1/http/cors', { AllowOrigins: ['https://kept.example'] });
    const url = await t.lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'keep', AuthType: 'NONE' }));
    const info = (await gustApi(t, 'GET', '/gust/v1/http')).json;
    await t.stop({ keepHome: true });

    t = await startTestGust({ home, gatewayPort: 0 });
    const routes = (await gustApi(t, 'GET', '/gust/v1/http/routes')).json.routes;
    assert.deepEqual(routes, [route.json]);
    assert.deepEqual((await gustApi(t, 'GET', '/gust/v1/http/cors')).json, {
      cors: { AllowOrigins: ['https://kept.example'] },
    });
    assert.equal((await gustApi(t, 'GET', '/gust/v1/http')).json.apiId, info.apiId);
    const gw = await gatewayUrl(t);
    const res = await fetch(`${gw}/kept/7`, { headers: { origin: 'https://kept.example' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), 'https://kept.example');
    const ev = ((await res.json()) as { event: { pathParameters: unknown; requestContext: { apiId: string } } }).event;
    assert.deepEqual(ev.pathParameters, { id: '7' });
    assert.equal(ev.requestContext.apiId, info.apiId);

    const again = await t.lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'keep' }));
    const id = (u: string): string => new URL(u).pathname;
    assert.equal(id(again.FunctionUrl!), id(url.FunctionUrl!), 'same url-id');
    assert.equal((await fetch(again.FunctionUrl!)).status, 200);
  } finally {
    await t.stop();
  }
});

it('keeps a route created just before a kill -9', async () => {
  const home = tempHome();
  let server = await spawnServer(home);
  try {
    const lambda = lambdaClient(server.url);
    await deployFixture({ lambda } as TestGust, 'k9', 'node/http-echo', 'nodejs20.x', 'index.handler');
    lambda.destroy();
    const r = await gustApi(server.url, 'POST', '/gust/v1/http/routes', { routeKey: 'ANY /k9', functionName: 'k9' });
    assert.equal(r.status, 201);
    server.proc.kill('SIGKILL');
    await new Promise((resolve) => server.proc.once('exit', resolve));

    server = await spawnServer(home);
    const gw = await gatewayUrl(server.url);
    const res = await fetch(`${gw}/k9?mode=object`, { method: 'POST' });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { hello: 'world' });
  } finally {
    server.proc.kill('SIGKILL');
    fs.rmSync(home, { recursive: true, force: true });
  }
});
