/**
 * `gust apply` with a declarative file (functions, routes, schedules, queues, topics, mappings),
 * and with an AWS SAM template.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FIXTURES, readRecords, startTestGust, waitFor, type TestGust } from '../helpers/gust.ts';

const BIN = path.resolve(import.meta.dirname, '..', '..', 'bin', 'gust.js');

function gust(url: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return gustIn(process.cwd(), url, ...args);
}

function gustIn(
  cwd: string,
  url: string,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, '-e', url, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c: Buffer) => (stdout += c));
    p.stderr.on('data', (c: Buffer) => (stderr += c));
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

async function sqs(url: string, action: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'x-amz-target': `AmazonSQS.${action}`, 'content-type': 'application/x-amz-json-1.0' },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as Record<string, unknown>;
}

describe('gust apply', () => {
  let t: TestGust;
  let dir: string;
  let record: string;
  before(async () => {
    t = await startTestGust({ gatewayPort: 0, asyncPollMs: 20 });
    dir = fs.mkdtempSync(path.join(t.home, 'project-'));
    record = path.join(dir, 'events.jsonl');
    fs.cpSync(path.join(FIXTURES, 'node/recorder'), path.join(dir, 'app'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'gust.yaml'),
      `functions:
  worker:
    code: ./app
    runtime: nodejs20.x
    handler: index.handler
    memory: 256
    timeout: 5
    environment:
      RECORD_FILE: ${record}
    url: true
    deadLetter: { queue: jobs-dlq }
    events:
      - http: GET /hello/{name}
      - schedule: { name: nightly, expression: "cron(0 3 * * ? *)", timezone: Europe/Paris }
      - queue: { queue: jobs, batchSize: 5 }
      - topic: news
queues:
  jobs:
    visibilityTimeout: 20
    deadLetter: { queue: jobs-dlq, maxReceiveCount: 3 }
  jobs-dlq: {}
topics:
  news: {}
`,
    );
  });
  after(() => t.stop());

  it('creates everything in the file', async () => {
    const r = await gust(t.url, 'apply', '-f', path.join(dir, 'gust.yaml'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /function worker: created/);
    assert.match(r.stdout, /queue jobs: created/);

    // HTTP route through the gateway.
    const { url: gateway } = (await (await fetch(`${t.url}/gust/v1/http`)).json()) as { url: string };
    const res = await fetch(`${gateway}/hello/ada`);
    assert.equal(res.status, 200);
    assert.ok(await waitFor(() => readRecords(record).some((x) => x.event.pathParameters?.name === 'ada')));

    // Queue -> mapping -> function.
    const { QueueUrl } = (await sqs(t.url, 'GetQueueUrl', { QueueName: 'jobs' })) as { QueueUrl: string };
    await sqs(t.url, 'SendMessage', { QueueUrl, MessageBody: 'job-1' });
    assert.ok(await waitFor(() => readRecords(record).some((x) => x.event.Records?.[0]?.body === 'job-1')));

    // Topic -> subscription -> function.
    const topics = await (
      await fetch(t.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'Action=ListTopics&Version=2010-03-31',
      })
    ).text();
    const topicArn = /<TopicArn>([^<]*news)<\/TopicArn>/.exec(topics)?.[1];
    assert.ok(topicArn, topics);
    await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        Action: 'Publish',
        Version: '2010-03-31',
        TopicArn: topicArn,
        Message: 'breaking',
      }).toString(),
    });
    assert.ok(await waitFor(() => readRecords(record).some((x) => x.event.Records?.[0]?.Sns?.Message === 'breaking')));

    // Schedule and function URL exist.
    const sched = (await (await fetch(`${t.url}/gust/v1/schedules/nightly`)).json()) as {
      expression: string;
      timezone: string;
    };
    assert.equal(sched.expression, 'cron(0 3 * * ? *)');
    assert.equal(sched.timezone, 'Europe/Paris');
    const fnUrl = (await (await fetch(`${t.url}/2021-10-31/functions/worker/url`)).json()) as { FunctionUrl: string };
    assert.equal((await fetch(fnUrl.FunctionUrl)).status, 200);

    // The function's dead-letter queue.
    const cfg = (await (await fetch(`${t.url}/2015-03-31/functions/worker/configuration`)).json()) as {
      DeadLetterConfig?: { TargetArn: string };
    };
    assert.equal(cfg.DeadLetterConfig?.TargetArn, 'arn:aws:sqs:us-east-1:000000000000:jobs-dlq');
  });

  it('is idempotent: a second apply creates no duplicates', async () => {
    const r = await gust(t.url, 'apply', '-f', path.join(dir, 'gust.yaml'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /function worker: configuration updated/);
    const routes = (await (await fetch(`${t.url}/gust/v1/http/routes`)).json()) as { routes: unknown[] };
    assert.equal(routes.routes.length, 1);
    const maps = (await (await fetch(`${t.url}/2015-03-31/event-source-mappings/?FunctionName=worker`)).json()) as {
      EventSourceMappings: unknown[];
    };
    assert.equal(maps.EventSourceMappings.length, 1);
    const subs = await (
      await fetch(t.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'Action=ListSubscriptions&Version=2010-03-31',
      })
    ).text();
    assert.equal((subs.match(/<SubscriptionArn>/g) ?? []).length, 1, subs);
  });

  it('rejects an invalid file with a clear message and exit code 2', async () => {
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, 'functions:\n  x:\n    runtime: nodejs20.x\n    events:\n      - queue: missing\n');
    const r = await gust(t.url, 'apply', '-f', bad);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /functions\.x\.code/);
    fs.writeFileSync(
      bad,
      'functions:\n  x:\n    code: ./app\n    runtime: nodejs20.x\n    events:\n      - queue: missing\n',
    );
    const r2 = await gust(t.url, 'apply', '-f', bad);
    assert.equal(r2.code, 2);
    assert.match(r2.stderr, /no queue named missing/);
  });
});

describe('gust apply with an AWS SAM template', () => {
  it('deploys the template in the current directory: functions, HTTP API, queue, topic, schedule, env refs', async () => {
    const t = await startTestGust({ gatewayPort: 0, asyncPollMs: 20 });
    try {
      const dir = fs.mkdtempSync(path.join(t.home, 'sam-'));
      const record = path.join(dir, 'events.jsonl');
      fs.cpSync(path.join(FIXTURES, 'node/recorder'), path.join(dir, 'src'), { recursive: true });
      fs.writeFileSync(
        path.join(dir, 'template.yaml'),
        `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage: { Type: String, Default: dev }
Globals:
  Function:
    Runtime: nodejs20.x
    Timeout: 5
Resources:
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub 'jobs-\${Stage}'
  News:
    Type: AWS::SNS::Topic
  FnRole:
    Type: AWS::IAM::Role
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: index.handler
      Environment:
        Variables:
          RECORD_FILE: ${record}
          TAG: !Ref Jobs
      Events:
        Hello:
          Type: HttpApi
          Properties:
            Path: /hello/{name}
            Method: get
        Queue:
          Type: SQS
          Properties:
            Queue: !GetAtt Jobs.Arn
            BatchSize: 2
        Topic:
          Type: SNS
          Properties:
            Topic: !Ref News
        Nightly:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: cron(0 3 * * ? *)
`,
      );
      const r = await gustIn(dir, t.url, 'apply', '--parameter-overrides', 'Stage=prod');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /skipped: FnRole: AWS::IAM::Role/);
      assert.match(r.stdout, /function Worker: created/);
      assert.match(r.stdout, /queue jobs-prod: created/, 'the parameter override named the queue');

      // !Ref of a queue is its URL.
      const { QueueUrl } = (await sqs(t.url, 'GetQueueUrl', { QueueName: 'jobs-prod' })) as { QueueUrl: string };
      const inv = await fetch(`${t.url}/2015-03-31/functions/Worker/invocations`, { method: 'POST', body: '{}' });
      assert.deepEqual(await inv.json(), { ok: true, id: null, tag: QueueUrl });

      const { url: gateway } = (await (await fetch(`${t.url}/gust/v1/http`)).json()) as { url: string };
      assert.equal((await fetch(`${gateway}/hello/sam`)).status, 200);
      assert.ok(await waitFor(() => readRecords(record).some((x) => x.event.pathParameters?.name === 'sam')));

      await sqs(t.url, 'SendMessage', { QueueUrl, MessageBody: 'sam-job' });
      assert.ok(await waitFor(() => readRecords(record).some((x) => x.event.Records?.[0]?.body === 'sam-job')));

      const sched = (await (await fetch(`${t.url}/gust/v1/schedules/Nightly`)).json()) as { expression: string };
      assert.equal(sched.expression, 'cron(0 3 * * ? *)');
    } finally {
      await t.stop();
    }
  });

  it('says which part of a template Gust cannot run', async () => {
    const t = await startTestGust();
    try {
      const dir = fs.mkdtempSync(path.join(t.home, 'sam-bad-'));
      fs.mkdirSync(path.join(dir, 'src'));
      fs.writeFileSync(
        path.join(dir, 'template.yaml'),
        'Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n' +
          '    Properties:\n      CodeUri: src/\n      Runtime: nodejs20.x\n      Events:\n' +
          '        Up:\n          Type: S3\n          Properties: { Bucket: !Ref B }\n',
      );
      const r = await gustIn(dir, t.url, 'apply');
      assert.equal(r.code, 2);
      assert.match(r.stderr, /template\.yaml \(SAM template\): F\.Events\.Up: event type S3 is not supported/);
    } finally {
      await t.stop();
    }
  });
});
