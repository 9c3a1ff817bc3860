/** OpenTelemetry export: each invocation reaches an OTLP/HTTP collector as a span tree. */
import { InvokeCommand } from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { deployFixture, invoke, startTestGust, waitFor, type TestGust } from '../helpers/gust.ts';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: { key: string; value: { stringValue?: string; boolValue?: boolean; intValue?: string | number } }[];
  status?: { code?: number };
}

describe('OTLP trace export', () => {
  let t: TestGust;
  let collector: http.Server;
  const spans: OtlpSpan[] = [];
  const contentTypes: string[] = [];

  before(async () => {
    collector = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        contentTypes.push(String(req.headers['content-type']));
        if (req.url === '/v1/traces') {
          const body = JSON.parse(Buffer.concat(chunks).toString()) as {
            resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[];
          };
          for (const rs of body.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
    const port = (collector.address() as AddressInfo).port;
    t = await startTestGust({ otlpEndpoint: `http://127.0.0.1:${port}`, asyncPollMs: 20 });
    await deployFixture(t, 'traced', 'node/basic', 'nodejs20.x', 'index.handler');
  });
  after(async () => {
    await t.stop();
    collector.close();
  });

  const attr = (s: OtlpSpan, key: string): unknown => {
    const v = s.attributes.find((a) => a.key === key)?.value;
    return v?.stringValue ?? v?.boolValue ?? v?.intValue;
  };

  it('exports a cold invocation as invoke > init + execute', async () => {
    const r = await invoke(t, 'traced', { action: 'echo' });
    const requestId = r.json.requestId as string;
    assert.ok(await waitFor(() => spans.some((s) => attr(s, 'faas.invocation_id') === requestId), 10_000));
    const root = spans.find((s) => attr(s, 'faas.invocation_id') === requestId)!;
    assert.equal(root.name, 'invoke traced');
    assert.equal(attr(root, 'faas.coldstart'), true);
    assert.equal(attr(root, 'faas.name'), 'traced');
    const children = spans.filter((s) => s.parentSpanId === root.spanId);
    assert.deepEqual(children.map((c) => c.name).sort(), ['execute', 'init']);
    for (const c of children) {
      assert.equal(c.traceId, root.traceId);
      assert.ok(BigInt(c.startTimeUnixNano) >= BigInt(root.startTimeUnixNano));
      assert.ok(BigInt(c.endTimeUnixNano) <= BigInt(root.endTimeUnixNano));
    }
    assert.ok(contentTypes.every((c) => c.startsWith('application/json')));
  });

  it('marks failures and shows queue time for async events', async () => {
    await t.lambda.send(
      new InvokeCommand({
        FunctionName: 'traced',
        InvocationType: 'Event',
        Payload: Buffer.from('{"action":"throw"}'),
      }),
    );
    assert.ok(await waitFor(() => spans.some((s) => s.name === 'queue'), 10_000));
    const queue = spans.find((s) => s.name === 'queue')!;
    const root = spans.find((s) => s.spanId === queue.parentSpanId)!;
    assert.equal(root.status?.code, 2, 'ERROR status');
    assert.equal(attr(root, 'error.type'), 'TypeError');
    assert.equal(attr(root, 'faas.trigger'), 'pubsub');
  });
});
