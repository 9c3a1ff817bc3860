/**
 * The web console end to end, in headless Chromium (Debian's /usr/bin/chromium driven by
 * playwright-core): a real Gust, a deployed function, the console's pages against its APIs.
 * Screenshots land in docs/screenshots/.
 */
import {
  CreateAliasCommand,
  InvokeCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  PutFunctionEventInvokeConfigCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { deployFixture, invoke, startTestGust, type TestGust } from '../helpers/gust.ts';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = path.resolve(import.meta.dirname, '..', '..');
// Screenshots are always taken; they replace docs/screenshots only with GUST_UPDATE_SCREENSHOTS=1
// (`npm run screenshots`), so a test run leaves the working tree clean.
const SHOTS =
  process.env.GUST_UPDATE_SCREENSHOTS === '1'
    ? path.join(ROOT, 'docs', 'screenshots')
    : fs.mkdtempSync(path.join(os.tmpdir(), 'gust-screenshots-'));
const skip = fs.existsSync(CHROMIUM)
  ? false
  : `${CHROMIUM} is absent: install Debian's chromium (bash scripts/system-deps.sh) to run the console tests`;

describe('web console in Chromium', { skip, timeout: 180_000 }, () => {
  let t: TestGust;
  let browser: BrowserContext;
  let page: Page;
  let userDataDir: string;
  const pageErrors: string[] = [];

  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  const console_ = (hash = '') => `${t.url}/console/${hash}`;

  before(async () => {
    if (!fs.existsSync(path.join(ROOT, 'console', 'dist', 'index.html'))) {
      execFileSync('npm', ['run', 'build:console'], { cwd: ROOT, stdio: 'inherit' });
    }
    fs.mkdirSync(SHOTS, { recursive: true });
    t = await startTestGust({ asyncRetryBaseMs: 200, asyncPollMs: 20 });
    await deployFixture(t, 'hello', 'node/basic', 'nodejs20.x', 'index.handler', {
      Description: 'The basic Node.js fixture',
      Environment: { Variables: { CUSTOM: 'from-env' } },
    });
    await invoke(t, 'hello', { action: 'echo' });
    await invoke(t, 'hello', { action: 'log' });
    await invoke(t, 'hello', { action: 'throw' });

    // A second function with versions, a weighted alias, reserved concurrency and an async config.
    await deployFixture(t, 'worker', 'node/basic', 'nodejs20.x', 'index.handler', { MemorySize: 256 });
    await t.lambda.send(new PublishVersionCommand({ FunctionName: 'worker' }));
    await t.lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: 'worker',
        Environment: { Variables: { STAGE: 'v2' } },
        DeadLetterConfig: { TargetArn: 'arn:aws:sqs:us-east-1:000000000000:worker-dlq' },
      }),
    );
    await t.lambda.send(new PublishVersionCommand({ FunctionName: 'worker' }));
    await t.lambda.send(
      new CreateAliasCommand({
        FunctionName: 'worker',
        Name: 'live',
        FunctionVersion: '1',
        RoutingConfig: { AdditionalVersionWeights: { '2': 0.25 } },
      }),
    );
    await t.lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'worker', ReservedConcurrentExecutions: 5 }));
    await t.lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'worker', MaximumRetryAttempts: 1 }));
    await invoke(t, 'worker', { action: 'sleep', ms: 30 }, { qualifier: 'live' });

    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gust-chromium-'));
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 860 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  after(async () => {
    await browser?.close();
    await t?.stop();
    if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
    if (SHOTS.startsWith(os.tmpdir())) fs.rmSync(SHOTS, { recursive: true, force: true });
  });

  test('GET / opens the console; the functions list shows invocation counts', async () => {
    await page.goto(`${t.url}/`);
    assert.equal(new URL(page.url()).pathname, '/console/');
    const hello = page.locator('tr[data-function="hello"]');
    await hello.locator('[data-testid="invocations"]', { hasText: '3' }).waitFor();
    assert.match(await hello.innerText(), /nodejs20\.x/);
    assert.match(await hello.innerText(), /1\s+33(\.3)?%/); // one error of three
    await page.locator('tr[data-function="worker"] [data-testid="invocations"]', { hasText: '1' }).waitFor();
    await shot('functions');
  });

  test('function page: overview with health, charts and recent invocations', async () => {
    await page.locator('tr[data-function="hello"] a', { hasText: 'hello' }).click();
    await page.locator('[data-testid="function-name"]', { hasText: 'hello' }).waitFor();
    await page.locator('.stat', { hasText: 'invocations' }).locator('.stat-value', { hasText: '3' }).waitFor();
    await page.locator('[data-testid="invocations-table"] tbody tr').nth(2).waitFor();
    assert.equal(await page.locator('.chart svg').count(), 2);
    assert.match(await page.locator('[data-testid="metrics-source"]').innerText(), /metering|metrics/);
    await shot('function-overview');
  });

  test('invoke with a payload from the UI shows the result and the decoded log tail', async () => {
    await page.locator('.tabs a', { hasText: 'Invoke' }).click();
    await page.locator('[data-testid="payload"]').fill('{"action": "log"}');
    await page.locator('[data-testid="invoke"]').click();
    const result = page.locator('[data-testid="invoke-result"]');
    await result.waitFor();
    assert.equal(await page.locator('[data-testid="result-body"]').innerText(), '"logged"');
    const tail = await page.locator('[data-testid="log-tail"]').innerText();
    assert.match(tail, /hello from node/);
    assert.match(tail, /REPORT RequestId: [0-9a-f-]{36}/);
    assert.match(await result.innerText(), /200 OK/);

    // An error result shows the function error.
    await page.locator('[data-testid="payload"]').fill('{"action": "throw"}');
    await page.locator('[data-testid="invoke"]').click();
    await result.locator('.badge', { hasText: 'Unhandled' }).waitFor();
    assert.match(await page.locator('[data-testid="result-body"]').innerText(), /bad thing happened/);

    await page.locator('[data-testid="payload"]').fill('{"action": "log"}');
    await page.locator('[data-testid="invoke"]').click();
    await result.locator('.badge', { hasText: '200 OK' }).waitFor();
    await shot('invoke');
  });

  test('an invocation timeline shows its phases and logs, and replays its payload', async () => {
    const link = page.locator('[data-testid="result-request"]');
    const requestId = (await link.innerText()).split(' ')[0]!;
    await link.click();
    const timeline = page.locator('[data-testid="timeline"]');
    await timeline.waitFor();
    assert.match(await timeline.innerText(), /duration/);
    const logs = await page.locator('[data-testid="logs"]').innerText();
    assert.match(logs, new RegExp(`START RequestId: ${requestId}`));
    assert.match(logs, /hello from node/);
    assert.match(logs, /line1/);
    assert.match(await page.locator('.card', { hasText: 'Summary' }).innerText(), /success/);
    assert.match(await page.locator('[data-testid="replay-payload"]').innerText(), /"action": "log"/);
    await shot('invocation-timeline');

    await page.locator('[data-testid="replay"]').click();
    await page.locator('[data-testid="invoke-result"] [data-testid="result-body"]', { hasText: 'logged' }).waitFor();
    const replayed = (await page.locator('[data-testid="result-request"]').innerText()).split(' ')[0];
    assert.notEqual(replayed, requestId);
  });

  test('a cold invocation shows its init phase', async () => {
    // The first invocation of `hello` was cold.
    await page.goto(console_('#/invocations?function=hello'));
    const rows = page.locator('[data-testid="invocations-table"] tbody tr');
    await rows.nth(5).waitFor(); // 3 from the SDK, 3 from the UI, 1 replay
    await page
      .locator('[data-testid="invocations-table"] tbody tr', { hasText: 'cold' })
      .locator('a.request-link')
      .click();
    await page.locator('[data-testid="timeline"] .tl-bar.init').waitFor();
    assert.match(await page.locator('[data-testid="timeline"]').innerText(), /init/);
    assert.match(await page.locator('.card', { hasText: 'Summary' }).innerText(), /cold \(init/);
    await shot('invocation-timeline-cold');
  });

  test('configuration: versions, aliases with weights, concurrency, async config', async () => {
    await page.goto(console_('#/functions/worker/configuration'));
    const aliases = page.locator('[data-testid="aliases"]');
    await aliases.waitFor();
    const text = await aliases.innerText();
    assert.match(text, /live/);
    assert.match(text, /v1 · 75%/);
    assert.match(text, /v2 · 25%/);
    await page.locator('.card', { hasText: 'Concurrency' }).getByText('5 concurrent executions').waitFor();
    await page.locator('.card', { hasText: 'Asynchronous invocation' }).locator('td.num', { hasText: /^1$/ }).waitFor();
    assert.match(await page.locator('.card', { hasText: 'Versions (3)' }).innerText(), /\$LATEST/);
    assert.match(
      await page.locator('.card', { hasText: 'Dead-letter queue' }).innerText(),
      /arn:aws:sqs:us-east-1:000000000000:worker-dlq/,
    );
    await shot('function-configuration');
  });

  test('triggers: what exists is listed, APIs that are not there yet are tolerated', async () => {
    // Created through Gust's APIs where this server has them (404: not there yet).
    const post = async (p: string, body: unknown) =>
      (await fetch(t.url + p, { method: 'POST', body: JSON.stringify(body) })).status;
    const made = {
      url: await post('/2021-10-31/functions/worker/url', { AuthType: 'NONE' }),
      schedule: await post('/gust/v1/schedules', {
        name: 'nightly',
        expression: 'rate(1 day)',
        functionName: 'worker',
      }),
      route: await post('/gust/v1/http/routes', { routeKey: 'GET /work', functionName: 'worker' }),
    };
    for (const status of Object.values(made)) assert.ok(status === 201 || status === 404, String(status));

    await page.goto(console_('#/functions/hello/triggers'));
    await page.locator('[data-testid="triggers"]').waitFor();
    const text = await page.locator('[data-testid="triggers"]').innerText();
    assert.match(text, /Event source mappings\s+(None|.*not available)/);
    assert.match(text, /Function URL\s+(None|.*not available)/);

    await page.goto(console_('#/functions/worker/triggers'));
    await page.locator('[data-testid="triggers"]').waitFor();
    const worker = await page.locator('[data-testid="triggers"]').innerText();
    if (made.url === 201) assert.match(worker, /URL\s+http:\/\//);
    if (made.schedule === 201) assert.match(worker, /nightly\s+rate\(1 day\)/);
    if (made.route === 201) assert.match(worker, /GET \/work/);
    await shot('function-triggers');
  });

  test('invocations, metrics and cost pages', async () => {
    await page.goto(console_('#/invocations'));
    await page.locator('[data-testid="invocations-table"] tbody tr', { hasText: 'worker' }).first().waitFor();
    await shot('invocations');

    await page.goto(console_('#/metrics?function=hello&range=15m'));
    await page.locator('[data-testid="metrics-source"]').waitFor();
    assert.ok((await page.locator('.chart svg').count()) >= 1);
    await shot('metrics');

    // The billing report when the server has /gust/v1/billing, else billed usage from metering.
    await page.goto(console_('#/cost'));
    const table = page.locator('[data-testid="billing"] table, [data-testid="usage"]').first();
    await table.waitFor();
    const usage = await table.innerText();
    assert.match(usage, /hello/);
    assert.match(usage, /worker/);
    await shot('cost');
  });

  test('metrics and billing in the shapes of the telemetry API are charted and itemised', async () => {
    // Served by the browser, so this runs whether or not this server has the endpoints yet.
    const minute = 60_000;
    const start = Math.floor(Date.now() / minute) * minute - 2 * minute;
    const bucket = (i: number, invocations: number, errors: number) => ({
      start: start + i * minute,
      invocations,
      errors,
      errorTypes: errors ? { 'Runtime.HandlerError': errors } : {},
      throttles: 0,
      coldStarts: i === 0 ? 1 : 0,
      p50: 12,
      p90: 20,
      p99: 30,
      avgDuration: 14,
      maxDuration: 31,
      avgInitDuration: i === 0 ? 110 : null,
      maxConcurrency: 2,
      billedMs: 60,
      gbSeconds: 0.0075,
      provisionedUtilization: null,
    });
    await page.route('**/gust/v1/metrics?*', (r) =>
      r.fulfill({ json: { function: 'hello', periodMs: minute, buckets: [bucket(0, 4, 1), bucket(2, 3, 0)] } }),
    );
    const cost = {
      requests: 0.0000014,
      duration: 0.00000036,
      provisioned: 0,
      provisionedDuration: 0,
      total: 0.00000176,
    };
    await page.route('**/gust/v1/billing?*', (r) =>
      r.fulfill({
        json: {
          since: start,
          until: Date.now(),
          prices: { name: 'aws-us-east-1', currency: 'USD' },
          functions: [
            {
              functionName: 'hello',
              architectures: ['x86_64'],
              requests: 7,
              provisionedRequests: 0,
              throttles: 0,
              billedMs: 174,
              gbSeconds: 0.0218,
              provisionedDurationGbSeconds: 0,
              provisionedGbSeconds: 0,
              avgBilledDurationMs: 24.9,
              avgMemoryMb: 128,
              cost,
            },
          ],
          months: [{ month: '2026-11', requests: 7, gbSeconds: 0.0218, cost }],
          total: cost,
        },
      }),
    );
    try {
      await page.goto(console_('#/metrics?function=hello&range=1h'));
      await page.locator('[data-testid="metrics-source"]', { hasText: 'From /gust/v1/metrics' }).waitFor();
      const titles = await page.locator('.chart-title').allInnerTexts();
      assert.deepEqual(titles, ['Invocations', 'Duration', 'Cold starts', 'Concurrency']);
      assert.equal(await page.locator('.chart').first().locator('rect').count(), 3); // 3 ok + 1 error bars, 2 buckets

      await page.goto(console_('#/cost'));
      const billing = page.locator('[data-testid="billing"]');
      await billing.waitFor();
      const text = await billing.innerText();
      assert.match(text, /aws-us-east-1/);
      assert.match(text, /hello/);
      assert.match(text, /\$0\.000002/);
      assert.match(text, /2026-11/);
    } finally {
      await page.unrouteAll();
    }
  });

  test('an async event that was retried shows each attempt and the wait between them', async () => {
    await deployFixture(t, 'flaky', 'node/basic', 'nodejs20.x', 'index.handler');
    await t.lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'flaky', MaximumRetryAttempts: 1 }));
    const ev = await t.lambda.send(
      new InvokeCommand({ FunctionName: 'flaky', InvocationType: 'Event', Payload: Buffer.from('{"action":"throw"}') }),
    );
    const requestId = ev.$metadata.requestId!;
    for (let i = 0; i < 100 && t.gust.store.metering.list({ requestId }).length < 2; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(t.gust.store.metering.list({ requestId }).length, 2, 'two attempts metered');
    const api = (await (await fetch(`${t.url}/gust/v1/metering?requestId=${requestId}`)).json()) as {
      records: { requestId: string }[];
    };
    assert.deepEqual(
      api.records.map((r) => r.requestId),
      [requestId, requestId],
    );
    await page.goto(console_(`#/functions/flaky/invocations/${requestId}`));
    const timeline = page.locator('[data-testid="timeline"]');
    await timeline.waitFor();
    await timeline.getByText('duration #2').waitFor();
    const text = await timeline.innerText();
    assert.match(text, /init #1/);
    assert.match(text, /duration #1/);
    assert.match(text, /retry wait/);
    await shot('invocation-timeline-retried');
  });

  test('no uncaught errors in the page', () => {
    assert.deepEqual(pageErrors, []);
  });
});
