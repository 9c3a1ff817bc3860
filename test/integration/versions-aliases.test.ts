/** Versions and aliases through the AWS SDK v3: immutability, qualifiers, weighted routing. */
import {
  CreateAliasCommand,
  DeleteAliasCommand,
  DeleteFunctionCommand,
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  ListAliasesCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { deployFixture, invoke, startTestGust, type TestGust } from '../helpers/gust.ts';

async function rejects(p: Promise<unknown>, name: string): Promise<void> {
  await assert.rejects(p, (e: Error) => {
    assert.equal(e.name, name, e.message);
    return true;
  });
}

describe('versions and aliases', () => {
  let t: TestGust;
  before(async () => {
    t = await startTestGust();
    await deployFixture(t, 'ver', 'node/recorder', 'nodejs20.x', 'index.handler', {
      Environment: { Variables: { TAG: 'one', RECORD_FILE: path.join(t.home, 'ver.jsonl') } },
    });
  });
  after(() => t.stop());

  it('publishes immutable versions with their own config', async () => {
    const v1 = await t.lambda.send(new PublishVersionCommand({ FunctionName: 'ver', Description: 'first' }));
    assert.equal(v1.Version, '1');
    assert.equal(v1.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:ver:1');
    assert.equal(v1.Description, 'first');
    const again = await t.lambda.send(new PublishVersionCommand({ FunctionName: 'ver' }));
    assert.equal(again.Version, '1', 'unchanged $LATEST publishes no new version');

    await t.lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: 'ver',
        Environment: { Variables: { TAG: 'two', RECORD_FILE: path.join(t.home, 'ver.jsonl') } },
      }),
    );
    const v2 = await t.lambda.send(new PublishVersionCommand({ FunctionName: 'ver' }));
    assert.equal(v2.Version, '2');
    await rejects(
      t.lambda.send(new PublishVersionCommand({ FunctionName: 'ver', CodeSha256: 'bogus' })),
      'InvalidParameterValueException',
    );

    const r1 = await invoke(t, 'ver', {}, { qualifier: '1' });
    assert.equal(r1.json.tag, 'one');
    assert.equal(r1.version, '1');
    const r2 = await invoke(t, 'ver', {}, { qualifier: '2' });
    assert.equal(r2.json.tag, 'two');
    assert.equal(r2.version, '2');
    const latest = await invoke(t, 'ver', {});
    assert.equal(latest.version, '$LATEST');

    const cfg = await t.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'ver', Qualifier: '1' }));
    assert.equal(cfg.Environment?.Variables?.TAG, 'one');
    const list = await t.lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'ver' }));
    assert.deepEqual(
      list.Versions?.map((v) => v.Version),
      ['$LATEST', '1', '2'],
    );
    const paged = await t.lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'ver', MaxItems: 2 }));
    assert.equal(paged.Versions?.length, 2);
    assert.ok(paged.NextMarker);
    await rejects(invoke(t, 'ver', {}, { qualifier: '9' }), 'ResourceNotFoundException');
  });

  it('creates, reads, lists, updates and deletes aliases; invoke by alias', async () => {
    const a = await t.lambda.send(
      new CreateAliasCommand({ FunctionName: 'ver', Name: 'live', FunctionVersion: '1', Description: 'prod' }),
    );
    assert.equal(a.AliasArn, 'arn:aws:lambda:us-east-1:000000000000:function:ver:live');
    assert.equal(a.FunctionVersion, '1');
    await rejects(
      t.lambda.send(new CreateAliasCommand({ FunctionName: 'ver', Name: 'live', FunctionVersion: '1' })),
      'ResourceConflictException',
    );
    await rejects(
      t.lambda.send(new CreateAliasCommand({ FunctionName: 'ver', Name: 'x', FunctionVersion: '42' })),
      'ResourceNotFoundException',
    );
    await rejects(
      t.lambda.send(new CreateAliasCommand({ FunctionName: 'ver', Name: '123', FunctionVersion: '1' })),
      'ValidationException',
    );

    const viaAlias = await invoke(t, 'ver', {}, { qualifier: 'live' });
    assert.equal(viaAlias.json.tag, 'one');
    assert.equal(viaAlias.version, '1', 'X-Amz-Executed-Version is the version behind the alias');
    const viaArn = await invoke(t, 'arn:aws:lambda:us-east-1:000000000000:function:ver:live', {});
    assert.equal(viaArn.version, '1');

    const u = await t.lambda.send(new UpdateAliasCommand({ FunctionName: 'ver', Name: 'live', FunctionVersion: '2' }));
    assert.equal(u.FunctionVersion, '2');
    assert.notEqual(u.RevisionId, a.RevisionId);
    assert.equal((await invoke(t, 'ver', {}, { qualifier: 'live' })).json.tag, 'two');
    await rejects(
      t.lambda.send(new UpdateAliasCommand({ FunctionName: 'ver', Name: 'live', RevisionId: 'stale' })),
      'PreconditionFailedException',
    );

    const got = await t.lambda.send(new GetAliasCommand({ FunctionName: 'ver', Name: 'live' }));
    assert.equal(got.Description, 'prod');
    await t.lambda.send(new CreateAliasCommand({ FunctionName: 'ver', Name: 'beta', FunctionVersion: '1' }));
    const all = await t.lambda.send(new ListAliasesCommand({ FunctionName: 'ver' }));
    assert.deepEqual(
      all.Aliases?.map((x) => x.Name),
      ['beta', 'live'],
    );
    const onV1 = await t.lambda.send(new ListAliasesCommand({ FunctionName: 'ver', FunctionVersion: '1' }));
    assert.deepEqual(
      onV1.Aliases?.map((x) => x.Name),
      ['beta'],
    );

    await rejects(
      t.lambda.send(new DeleteFunctionCommand({ FunctionName: 'ver', Qualifier: '1' })),
      'ResourceConflictException',
    );
    await t.lambda.send(new DeleteAliasCommand({ FunctionName: 'ver', Name: 'beta' }));
    await rejects(
      t.lambda.send(new GetAliasCommand({ FunctionName: 'ver', Name: 'beta' })),
      'ResourceNotFoundException',
    );
  });

  it('splits traffic between two versions by weight', async () => {
    await t.lambda.send(
      new CreateAliasCommand({
        FunctionName: 'ver',
        Name: 'canary',
        FunctionVersion: '1',
        RoutingConfig: { AdditionalVersionWeights: { '2': 0.3 } },
      }),
    );
    const counts: Record<string, number> = {};
    for (let i = 0; i < 200; i++) {
      const r = await invoke(t, 'ver', {}, { qualifier: 'canary' });
      counts[r.version!] = (counts[r.version!] ?? 0) + 1;
      assert.equal(r.json.tag, r.version === '1' ? 'one' : 'two', 'executed version matches the code that ran');
    }
    assert.ok((counts['2'] ?? 0) > 30 && (counts['2'] ?? 0) < 95, `~30% on version 2: ${JSON.stringify(counts)}`);
    await rejects(
      t.lambda.send(
        new UpdateAliasCommand({
          FunctionName: 'ver',
          Name: 'canary',
          RoutingConfig: { AdditionalVersionWeights: { '2': 1.5 } },
        }),
      ),
      'ValidationException',
    );
  });

  it('deletes an unreferenced version', async () => {
    await t.lambda.send(new DeleteAliasCommand({ FunctionName: 'ver', Name: 'canary' }));
    await t.lambda.send(new DeleteAliasCommand({ FunctionName: 'ver', Name: 'live' }));
    const d = await t.lambda.send(new DeleteFunctionCommand({ FunctionName: 'ver', Qualifier: '1' }));
    assert.equal(d.$metadata.httpStatusCode, 204);
    const list = await t.lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'ver' }));
    assert.deepEqual(
      list.Versions?.map((v) => v.Version),
      ['$LATEST', '2'],
    );
    await rejects(invoke(t, 'ver', {}, { qualifier: '1' }), 'ResourceNotFoundException');
  });
});
