/** The console's static handler: /console/ from a build directory, the not-built message, GET / redirect. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import Fastify from 'fastify';
import { registerConsoleRoutes } from '../../src/api/console.ts';

function appFor(dist: string) {
  const app = Fastify({ routerOptions: { ignoreTrailingSlash: true } });
  registerConsoleRoutes(app, dist);
  return app;
}

test('without a build, /console/ says how to build it; GET / redirects to /console/', async () => {
  const app = appFor(path.join(os.tmpdir(), 'gust-no-such-console-dist'));
  const r = await app.inject({ method: 'GET', url: '/console/' });
  assert.equal(r.statusCode, 503);
  assert.match(r.body, /npm run build:console/);
  const root = await app.inject({ method: 'GET', url: '/' });
  assert.equal(root.statusCode, 302);
  assert.equal(root.headers.location, '/console/');
  // A query-protocol style GET is not the console's.
  assert.equal((await app.inject({ method: 'GET', url: '/?Action=ListQueues' })).statusCode, 404);
  await app.close();
});

test('serves the build: index, hashed assets, app paths; refuses paths outside it', async () => {
  const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'gust-console-'));
  fs.mkdirSync(path.join(dist, 'assets'));
  fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>console</title>');
  fs.writeFileSync(path.join(dist, 'assets', 'app-1234.js'), 'console.log(1)');
  fs.writeFileSync(path.join(path.dirname(dist), 'gust-secret.txt'), 'TOP-SECRET-CONTENT');
  const app = appFor(dist);
  try {
    const bare = await app.inject({ method: 'GET', url: '/console' });
    assert.equal(bare.statusCode, 302);
    assert.equal(bare.headers.location, '/console/');

    const index = await app.inject({ method: 'GET', url: '/console/' });
    assert.equal(index.statusCode, 200);
    assert.match(String(index.headers['content-type']), /text\/html/);
    assert.equal(index.headers['cache-control'], 'no-cache');
    assert.match(index.body, /<title>console/);

    const js = await app.inject({ method: 'GET', url: '/console/assets/app-1234.js' });
    assert.equal(js.statusCode, 200);
    assert.match(String(js.headers['content-type']), /text\/javascript/);
    assert.match(String(js.headers['cache-control']), /immutable/);

    assert.equal((await app.inject({ method: 'HEAD', url: '/console/assets/app-1234.js' })).statusCode, 200);
    assert.equal((await app.inject({ method: 'GET', url: '/console/assets/nope.js' })).statusCode, 404);
    const page = await app.inject({ method: 'GET', url: '/console/functions/hello' });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<title>console/);

    for (const url of [
      '/console/..%2fgust-secret.txt',
      '/console/%2e%2e/gust-secret.txt',
      '/console/../gust-secret.txt',
    ]) {
      const r = await app.inject({ method: 'GET', url });
      assert.doesNotMatch(r.body, /TOP-SECRET-CONTENT/, url);
    }
  } finally {
    await app.close();
    fs.rmSync(dist, { recursive: true, force: true });
    fs.rmSync(path.join(path.dirname(dist), 'gust-secret.txt'), { force: true });
  }
});
