/**
 * SNS durability: messages accepted by Publish survive kill -9 and restart — those still in SNS's
 * delivery queue (an HTTP endpoint that is down) and those handed to a throttled Lambda function.
 */
import {
  CreateTopicCommand,
  PublishCommand,
  SNSClient,
  SubscribeCommand,
  GetSubscriptionAttributesCommand,
} from '@aws-sdk/client-sns';
import {
  CreateFunctionCommand,
  DeleteFunctionConcurrencyCommand,
  PutFunctionConcurrencyCommand,
} from '@aws-sdk/client-lambda';
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import { zipDirectory } from '../../src/control/zip-dir.ts';
import { FIXTURES, lambdaClient, readRecords, spawnServer, tempHome, waitFor } from '../helpers/gust.ts';

function snsClient(url: string): SNSClient {
  return new SNSClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
}

/** An HTTP endpoint collecting SNS message ids (and confirming subscriptions by their SubscribeURL). */
function endpoint(port: number, seen: Set<string>): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        Type: string;
        MessageId: string;
        SubscribeURL?: string;
      };
      if (body.Type === 'SubscriptionConfirmation') void fetch(body.SubscribeURL!);
      else seen.add(body.MessageId);
      res.end();
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

const close = (s: http.Server): Promise<void> =>
  new Promise((resolve) => {
    s.closeAllConnections();
    s.close(() => resolve());
  });

describe('SNS durability', () => {
  it('loses no published message across kill -9 and restart', async () => {
    const home = tempHome();
    const file = path.join(home, 'sns-durable.jsonl');
    const env = {
      GUST_ASYNC_POLL_MS: '20',
      GUST_ASYNC_THROTTLE_BASE_MS: '100',
      GUST_SNS_POLL_MS: '20',
      GUST_SNS_RETRY_UNIT_MS: '20',
    };
    const seenByHttp = new Set<string>();
    let httpServer = await endpoint(0, seenByHttp);
    const port = (httpServer.address() as AddressInfo).port;
    let server = await spawnServer(home, env);
    try {
      let lambda = lambdaClient(server.url);
      let sns = snsClient(server.url);
      await lambda.send(
        new CreateFunctionCommand({
          FunctionName: 'sns-durable',
          Runtime: 'nodejs20.x',
          Handler: 'index.handler',
          Role: 'arn:aws:iam::000000000000:role/x',
          Code: { ZipFile: await zipDirectory(path.join(FIXTURES, 'node/recorder')) },
          Environment: { Variables: { RECORD_FILE: file } },
        }),
      );
      // Throttled: every Lambda delivery waits in Gust's async queue.
      await lambda.send(
        new PutFunctionConcurrencyCommand({ FunctionName: 'sns-durable', ReservedConcurrentExecutions: 0 }),
      );
      const topic = (await sns.send(new CreateTopicCommand({ Name: 'durable' }))).TopicArn!;
      await sns.send(
        new SubscribeCommand({
          TopicArn: topic,
          Protocol: 'lambda',
          Endpoint: 'arn:aws:lambda:us-east-1:000000000000:function:sns-durable',
        }),
      );
      // An HTTP subscriber that will be down: its deliveries wait in SNS's own queue, retrying.
      const httpSub = (
        await sns.send(
          new SubscribeCommand({
            TopicArn: topic,
            Protocol: 'http',
            Endpoint: `http://127.0.0.1:${port}/`,
            ReturnSubscriptionArn: true,
            Attributes: {
              DeliveryPolicy: JSON.stringify({
                healthyRetryPolicy: { numRetries: 100, minDelayTarget: 5, maxDelayTarget: 5 },
              }),
            },
          }),
        )
      ).SubscriptionArn!;
      let confirmed = false;
      for (let i = 0; i < 100 && !confirmed; i++) {
        const a = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: httpSub }));
        confirmed = a.Attributes!.PendingConfirmation === 'false';
        if (!confirmed) await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(confirmed, 'the HTTP endpoint confirmed its subscription through the SubscribeURL');
      await close(httpServer);

      const N = 15;
      const published: string[] = [];
      for (let i = 0; i < N; i++) {
        const r = await sns.send(new PublishCommand({ TopicArn: topic, Message: JSON.stringify({ n: i }) }));
        published.push(r.MessageId!);
      }
      server.proc.kill('SIGKILL');
      await new Promise((r) => server.proc.once('exit', r));
      lambda.destroy();
      sns.destroy();
      assert.equal(readRecords(file).length, 0, 'nothing ran while throttled');
      assert.equal(seenByHttp.size, 0, 'the HTTP endpoint was down');
      const db = new Database(path.join(home, 'gust.db'), { readonly: true });
      const queued = db
        .prepare(`SELECT count(*) AS n FROM sns_deliveries WHERE subscription_arn = ? AND status = 'pending'`)
        .get(httpSub) as { n: number };
      db.close();
      assert.equal(queued.n, N, 'every HTTP delivery was waiting in the SNS queue at the kill');

      server = await spawnServer(home, env);
      lambda = lambdaClient(server.url);
      sns = snsClient(server.url);
      httpServer = await endpoint(port, seenByHttp);
      await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'sns-durable' }));
      const lambdaIds = (): Set<string> =>
        new Set(readRecords(file).map((r) => r.event.Records[0].Sns.MessageId as string));
      const allThere = await waitFor(
        () => published.every((id) => lambdaIds().has(id) && seenByHttp.has(id)),
        30_000,
        100,
      );
      assert.ok(allThere, `all ${N} delivered after restart: lambda ${lambdaIds().size}, http ${seenByHttp.size}`);
      lambda.destroy();
      sns.destroy();
    } finally {
      await close(httpServer).catch(() => undefined);
      server.proc.kill('SIGTERM');
      await new Promise((r) => server.proc.once('exit', r));
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
