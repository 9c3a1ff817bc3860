/** The AWS CLI (Debian's awscli, /usr/bin/aws) against Gust, for every Lambda operation Gust serves. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { zipDirectory } from '../../src/control/zip-dir.ts';
import { FIXTURES, readRecords, startTestGust, waitFor, type TestGust } from '../helpers/gust.ts';
import { awsCli, skipWithoutAwsCli, type CliResult } from '../helpers/aws-cli.ts';

const aws = (url: string, args: string[]): Promise<CliResult> => awsCli(url, 'lambda', args);

describe('AWS CLI compatibility', { skip: skipWithoutAwsCli }, () => {
  let t: TestGust;
  let zipPath: string;
  let zip2Path: string;
  let recordFile: string;
  const ok = async (args: string[]): Promise<CliResult> => {
    const r = await aws(t.url, args);
    assert.equal(r.code, 0, `aws lambda ${args.join(' ')}\n${r.stderr}`);
    return r;
  };

  before(async () => {
    t = await startTestGust({ asyncPollMs: 20 });
    zipPath = path.join(t.home, 'fn.zip');
    fs.writeFileSync(zipPath, await zipDirectory(path.join(FIXTURES, 'node/recorder')));
    zip2Path = path.join(t.home, 'fn2.zip');
    fs.writeFileSync(zip2Path, await zipDirectory(path.join(FIXTURES, 'node/basic')));
    recordFile = path.join(t.home, 'cli.jsonl');
  });
  after(() => t.stop());

  it('create-function, wait, get-function(-configuration), list-functions', async () => {
    const c = await ok([
      'create-function',
      '--function-name',
      'cli',
      '--runtime',
      'nodejs20.x',
      '--handler',
      'index.handler',
      '--role',
      'arn:aws:iam::000000000000:role/x',
      '--zip-file',
      `fileb://${zipPath}`,
      '--environment',
      `Variables={RECORD_FILE=${recordFile}}`,
      '--timeout',
      '5',
    ]);
    assert.equal(c.json.FunctionName, 'cli');
    assert.equal(c.json.State, 'Active');
    await ok(['wait', 'function-active-v2', '--function-name', 'cli']);
    const g = await ok(['get-function', '--function-name', 'cli']);
    assert.equal(g.json.Configuration.Runtime, 'nodejs20.x');
    assert.match(g.json.Code.Location, /^http:\/\/127\.0\.0\.1:\d+\/gust\/v1\/code\/[0-9a-f]{64}\.zip$/);
    const gc = await ok(['get-function-configuration', '--function-name', 'cli']);
    assert.equal(gc.json.Timeout, 5);
    const l = await ok(['list-functions']);
    assert.deepEqual(
      l.json.Functions.map((f: { FunctionName: string }) => f.FunctionName),
      ['cli'],
    );
  });

  it('invoke (RequestResponse with tail, Event, DryRun)', async () => {
    const out = path.join(t.home, 'out.json');
    const r = await ok([
      'invoke',
      '--function-name',
      'cli',
      '--cli-binary-format',
      'raw-in-base64-out',
      '--payload',
      '{"id":"cli1"}',
      '--log-type',
      'Tail',
      out,
    ]);
    assert.equal(r.json.StatusCode, 200);
    assert.equal(r.json.ExecutedVersion, '$LATEST');
    assert.match(Buffer.from(r.json.LogResult, 'base64').toString(), /REPORT RequestId/);
    assert.deepEqual(JSON.parse(fs.readFileSync(out, 'utf8')), { ok: true, id: 'cli1', tag: null });
    const fail = await ok([
      'invoke',
      '--function-name',
      'cli',
      '--cli-binary-format',
      'raw-in-base64-out',
      '--payload',
      '{"fail":true}',
      out,
    ]);
    assert.equal(fail.json.FunctionError, 'Unhandled');
    assert.equal(JSON.parse(fs.readFileSync(out, 'utf8')).errorMessage, 'asked to fail');
    const ev = await ok([
      'invoke',
      '--function-name',
      'cli',
      '--invocation-type',
      'Event',
      '--cli-binary-format',
      'raw-in-base64-out',
      '--payload',
      '{"id":"cli-async"}',
      out,
    ]);
    assert.equal(ev.json.StatusCode, 202);
    assert.ok(await waitFor(() => readRecords(recordFile).some((x) => x.event.id === 'cli-async')));
    const dry = await ok(['invoke', '--function-name', 'cli', '--invocation-type', 'DryRun', out]);
    assert.equal(dry.json.StatusCode, 204);
  });

  it('update-function-code and update-function-configuration', async () => {
    const u = await ok([
      'update-function-configuration',
      '--function-name',
      'cli',
      '--memory-size',
      '256',
      '--description',
      'via cli',
    ]);
    assert.equal(u.json.MemorySize, 256);
    await ok(['wait', 'function-updated-v2', '--function-name', 'cli']);
    const dlqArn = 'arn:aws:sqs:us-east-1:000000000000:cli-dlq';
    const d = await ok([
      'update-function-configuration',
      '--function-name',
      'cli',
      '--dead-letter-config',
      `TargetArn=${dlqArn}`,
    ]);
    assert.deepEqual(d.json.DeadLetterConfig, { TargetArn: dlqArn });
    const cleared = await ok([
      'update-function-configuration',
      '--function-name',
      'cli',
      '--dead-letter-config',
      'TargetArn=',
    ]);
    assert.equal(cleared.json.DeadLetterConfig, undefined);
    const c = await ok(['update-function-code', '--function-name', 'cli', '--zip-file', `fileb://${zip2Path}`]);
    assert.equal(c.json.CodeSize, fs.statSync(zip2Path).size);
    const out = path.join(t.home, 'out2.json');
    await ok([
      'invoke',
      '--function-name',
      'cli',
      '--cli-binary-format',
      'raw-in-base64-out',
      '--payload',
      '{"action":"echo"}',
      out,
    ]);
    assert.equal(JSON.parse(fs.readFileSync(out, 'utf8')).functionName, 'cli');
    await ok(['update-function-code', '--function-name', 'cli', '--zip-file', `fileb://${zipPath}`]);
  });

  it('publish-version, list-versions-by-function, aliases', async () => {
    const v = await ok(['publish-version', '--function-name', 'cli', '--description', 'v1']);
    assert.equal(v.json.Version, '1');
    const lv = await ok(['list-versions-by-function', '--function-name', 'cli']);
    assert.deepEqual(
      lv.json.Versions.map((x: { Version: string }) => x.Version),
      ['$LATEST', '1'],
    );
    const a = await ok(['create-alias', '--function-name', 'cli', '--name', 'live', '--function-version', '1']);
    assert.equal(a.json.AliasArn, 'arn:aws:lambda:us-east-1:000000000000:function:cli:live');
    const ga = await ok(['get-alias', '--function-name', 'cli', '--name', 'live']);
    assert.equal(ga.json.FunctionVersion, '1');
    const ua = await ok(['update-alias', '--function-name', 'cli', '--name', 'live', '--description', 'prod']);
    assert.equal(ua.json.Description, 'prod');
    const la = await ok(['list-aliases', '--function-name', 'cli']);
    assert.equal(la.json.Aliases.length, 1);
    const out = path.join(t.home, 'out3.json');
    const r = await ok([
      'invoke',
      '--function-name',
      'cli',
      '--qualifier',
      'live',
      '--cli-binary-format',
      'raw-in-base64-out',
      '--payload',
      '{}',
      out,
    ]);
    assert.equal(r.json.ExecutedVersion, '1');
  });

  it('concurrency: reserved and provisioned', async () => {
    const p = await ok(['put-function-concurrency', '--function-name', 'cli', '--reserved-concurrent-executions', '5']);
    assert.equal(p.json.ReservedConcurrentExecutions, 5);
    const g = await ok(['get-function-concurrency', '--function-name', 'cli']);
    assert.equal(g.json.ReservedConcurrentExecutions, 5);
    const pc = await ok([
      'put-provisioned-concurrency-config',
      '--function-name',
      'cli',
      '--qualifier',
      'live',
      '--provisioned-concurrent-executions',
      '1',
    ]);
    assert.equal(pc.json.RequestedProvisionedConcurrentExecutions, 1);
    let status = '';
    for (let i = 0; i < 50 && status !== 'READY'; i++) {
      status = (await ok(['get-provisioned-concurrency-config', '--function-name', 'cli', '--qualifier', 'live'])).json
        .Status;
      if (status !== 'READY') await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(status, 'READY');
    const lp = await ok(['list-provisioned-concurrency-configs', '--function-name', 'cli']);
    assert.equal(lp.json.ProvisionedConcurrencyConfigs.length, 1);
    await ok(['delete-provisioned-concurrency-config', '--function-name', 'cli', '--qualifier', 'live']);
    await ok(['delete-function-concurrency', '--function-name', 'cli']);
    const s = await ok(['get-account-settings']);
    assert.equal(s.json.AccountLimit.ConcurrentExecutions, 1000);
    assert.equal(s.json.AccountLimit.UnreservedConcurrentExecutions, 1000);
  });

  it('event invoke config', async () => {
    const p = await ok(['put-function-event-invoke-config', '--function-name', 'cli', '--maximum-retry-attempts', '0']);
    assert.equal(p.json.MaximumRetryAttempts, 0);
    const u = await ok([
      'update-function-event-invoke-config',
      '--function-name',
      'cli',
      '--maximum-event-age-in-seconds',
      '120',
    ]);
    assert.equal(u.json.MaximumEventAgeInSeconds, 120);
    const g = await ok(['get-function-event-invoke-config', '--function-name', 'cli']);
    assert.equal(g.json.MaximumRetryAttempts, 0);
    const l = await ok(['list-function-event-invoke-configs', '--function-name', 'cli']);
    assert.equal(l.json.FunctionEventInvokeConfigs.length, 1);
    await ok(['delete-function-event-invoke-config', '--function-name', 'cli']);
  });

  it('errors come back in the shape the CLI prints', async () => {
    const r = await aws(t.url, ['get-function', '--function-name', 'missing']);
    assert.notEqual(r.code, 0);
    assert.match(
      r.stderr,
      /An error occurred \(ResourceNotFoundException\) when calling the GetFunction operation: Function not found: arn:aws:lambda:us-east-1:000000000000:function:missing/,
    );
    const bad = await aws(t.url, ['update-function-configuration', '--function-name', 'cli', '--timeout', '1000']);
    assert.match(bad.stderr, /ValidationException/);
  });

  it('delete-alias, delete version, delete-function', async () => {
    await ok(['delete-alias', '--function-name', 'cli', '--name', 'live']);
    await ok(['delete-function', '--function-name', 'cli', '--qualifier', '1']);
    await ok(['delete-function', '--function-name', 'cli']);
    const l = await ok(['list-functions']);
    assert.deepEqual(l.json.Functions, []);
  });
});
