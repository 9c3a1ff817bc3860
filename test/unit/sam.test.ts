/** AWS SAM templates translated into Gust manifests (src/cli/sam.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSamTemplate, parseTemplateYaml, samToManifest, SamError } from '../../src/cli/sam.ts';

const TEMPLATE = `
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: nodejs20.x
    Timeout: 10
    Environment:
      Variables:
        STAGE: dev
Resources:
  Orders:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 30
      RedrivePolicy:
        deadLetterTargetArn: !GetAtt OrdersDlq.Arn
        maxReceiveCount: 3
  OrdersDlq:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: orders-dlq
  News:
    Type: AWS::SNS::Topic
  Role:
    Type: AWS::IAM::Role
  Api:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: api-fn
      CodeUri: src/api
      Handler: app.handler
      MemorySize: 256
      ReservedConcurrentExecutions: 5
      FunctionUrlConfig: { AuthType: NONE }
      DeadLetterQueue: { Type: SQS, TargetArn: !GetAtt OrdersDlq.Arn }
      Environment:
        Variables:
          QUEUE_URL: !Ref Orders
          QUEUE_ARN: !GetAtt Orders.Arn
          TOPIC: !Ref News
          STAGE: prod
      Events:
        Get:
          Type: HttpApi
          Properties: { Path: '/items/{id}', Method: get }
        Any:
          Type: Api
          Properties:
            Path: /{proxy+}
            Method: any
        Catch:
          Type: HttpApi
        Jobs:
          Type: SQS
          Properties:
            Queue: !GetAtt Orders.Arn
            BatchSize: 5
            FunctionResponseTypes: [ReportBatchItemFailures]
            ScalingConfig: { MaximumConcurrency: 4 }
        Alerts:
          Type: SNS
          Properties: { Topic: !Ref News, FilterPolicy: { kind: [urgent] } }
        Nightly:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: cron(0 3 * * ? *)
            ScheduleExpressionTimezone: Europe/Paris
            Input: '{"job":"nightly"}'
        Hourly:
          Type: Schedule
          Properties: { Schedule: rate(1 hour), Enabled: false }
`;

describe('SAM templates', () => {
  it('recognises a SAM template and reads the short-form intrinsics', () => {
    const raw = parseTemplateYaml(TEMPLATE);
    assert.equal(isSamTemplate(raw), true);
    assert.equal(isSamTemplate(parseTemplateYaml('functions: {}')), false);
  });

  it('translates functions, events, queues and topics', () => {
    const warnings: string[] = [];
    const m = samToManifest(parseTemplateYaml(TEMPLATE), (w) => warnings.push(w)) as Record<
      string,
      Record<string, unknown>
    >;
    assert.deepEqual(m.queues, {
      Orders: { visibilityTimeout: 30, deadLetter: { queue: 'orders-dlq', maxReceiveCount: 3 } },
      'orders-dlq': {},
    });
    assert.deepEqual(m.topics, { News: {} });
    assert.deepEqual(m.functions!['api-fn'], {
      code: 'src/api',
      runtime: 'nodejs20.x',
      handler: 'app.handler',
      memory: 256,
      timeout: 10,
      reservedConcurrency: 5,
      url: true,
      environment: {
        STAGE: 'prod',
        QUEUE_URL: { queueUrl: 'Orders' },
        QUEUE_ARN: { queueArn: 'Orders' },
        TOPIC: { topicArn: 'News' },
      },
      deadLetter: { queue: 'orders-dlq' },
      events: [
        { http: 'GET /items/{id}' },
        { http: 'ANY /{proxy+}' },
        { http: '$default' },
        { queue: { queue: 'Orders', batchSize: 5, reportBatchItemFailures: true, maximumConcurrency: 4 } },
        { topic: { topic: 'News', filterPolicy: { kind: ['urgent'] } } },
        {
          schedule: {
            expression: 'cron(0 3 * * ? *)',
            name: 'Nightly',
            timezone: 'Europe/Paris',
            input: { job: 'nightly' },
          },
        },
        { schedule: { expression: 'rate(1 hour)', name: 'Hourly', enabled: false } },
      ],
    });
    assert.deepEqual(warnings, ['Role: AWS::IAM::Role is not something Gust runs; skipped']);
  });

  it('resolves Parameters (defaults and overrides), pseudo parameters and !Sub', () => {
    const yaml = `
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage: { Type: String, Default: dev, AllowedValues: [dev, prod] }
  Memory: { Type: Number, Default: 256 }
Resources:
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub 'jobs-\${Stage}'
  News:
    Type: AWS::SNS::Topic
  F:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: !Sub '\${AWS::StackName}-f'
      CodeUri: src/
      Runtime: nodejs20.x
      MemorySize: !Ref Memory
      Environment:
        Variables:
          STAGE: !Ref Stage
          WHERE: !Sub '\${AWS::Region}/\${AWS::AccountId}'
          JOBS_ARN: !Sub '\${Jobs.Arn}'
          NEWS: !Sub ['topic=\${T}', { T: !Ref News }]
          LITERAL: !Sub 'cost: \${!Price}'
      Events:
        Q:
          Type: SQS
          Properties: { Queue: !GetAtt Jobs.Arn }
`;
    const m = samToManifest(parseTemplateYaml(yaml), undefined, {
      region: 'eu-west-1',
      accountId: '123456789012',
      stackName: 'shop',
      parameters: { Stage: 'prod' },
    }) as { functions: Record<string, Record<string, unknown>>; queues: Record<string, unknown> };
    assert.deepEqual(Object.keys(m.queues), ['jobs-prod']);
    const f = m.functions['shop-f']!;
    assert.equal(f.memory, 256);
    assert.deepEqual(f.environment, {
      STAGE: 'prod',
      WHERE: 'eu-west-1/123456789012',
      JOBS_ARN: 'arn:aws:sqs:eu-west-1:123456789012:jobs-prod',
      NEWS: 'topic=arn:aws:sns:eu-west-1:123456789012:News',
      LITERAL: 'cost: ${Price}',
    });
    assert.deepEqual(f.events, [{ queue: { queue: 'jobs-prod' } }]);
    assert.throws(
      () => samToManifest(parseTemplateYaml(yaml), undefined, { parameters: { Stage: 'qa' } }),
      /Parameters\.Stage: "qa" is not one of its AllowedValues/,
    );
    assert.throws(
      () => samToManifest(parseTemplateYaml(yaml), undefined, { parameters: { Nope: '1' } }),
      /parameter override Nope: the template has no such parameter/,
    );
  });

  it('rejects what Gust cannot honour, saying where', () => {
    const bad = (yaml: string): string => {
      try {
        samToManifest(parseTemplateYaml(yaml));
      } catch (e) {
        assert.ok(e instanceof SamError);
        return e.message;
      }
      assert.fail('expected a SamError');
    };
    const fn = (props: string): string =>
      `Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n${props}`;
    assert.match(
      bad(fn('      Runtime: nodejs20.x\n      Events:\n        S3:\n          Type: S3\n')),
      /F\.Events\.S3: event type S3 is not supported/,
    );
    assert.match(bad(fn('      InlineCode: x\n')), /F: InlineCode is not supported/);
    assert.match(
      bad(fn("      Environment:\n        Variables:\n          X: !Join ['', [a, b]]\n")),
      /F\.Environment\.Variables\.X: only literals/,
    );
    assert.match(
      bad(fn("      Environment:\n        Variables:\n          X: !Sub '${Nowhere}'\n")),
      /!Sub cannot resolve \$\{Nowhere\}/,
    );
    assert.match(
      bad(fn('      Events:\n        Q:\n          Type: SQS\n          Properties: { Queue: !GetAtt Nope.Arn }\n')),
      /F\.Events\.Q\.Queue: must reference a queue/,
    );
  });
});
