/**
 * Deployment packages through the Lambda API: a zip crafted to write outside its tree is refused
 * with AWS's error and writes nothing anywhere; links that stay inside the package work; a code tree
 * changed on disk behind Gust's back is restored from its package before the next cold start.
 */
import { CreateFunctionCommand, InvokeCommand } from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { zipEntries } from '../../src/control/zip-dir.ts';
import { decode, startTestGust, type TestGust } from '../helpers/gust.ts';

let t: TestGust;
before(async () => {
  t = await startTestGust({ keepAliveMs: 200 });
});
after(() => t.stop());

const create = (name: string, code: Buffer): Promise<unknown> =>
  t.lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: 'arn:aws:iam::000000000000:role/test',
      Code: { ZipFile: code },
    }),
  );

it('CreateFunction refuses a symlink chain that leads out of the tree, and writes nothing', async () => {
  const evil = await zipEntries([
    { name: 'index.mjs', data: 'export const handler = async () => 1;' },
    { name: 'x', link: '.' },
    { name: 'x/y', link: '..' },
    { name: 'x/y/z', link: '..' },
    { name: 'x/y/z/w', link: '..' },
    { name: 'x/y/z/w/v', link: '..' },
    { name: 'x/y/z/w/v/pwned.txt', data: 'owned' },
  ]);
  await assert.rejects(create('evil', evil), (e: Error) => {
    assert.equal(e.name, 'InvalidParameterValueException');
    assert.match(e.message, /Unsafe entry in deployment package/);
    return true;
  });
  // Through the old extractor the links land next to the tree, one level up each: trees/, code/, home,
  // then the file in the home's parent.
  const tmp = path.dirname(t.home);
  assert.equal(fs.existsSync(path.join(tmp, 'pwned.txt')), false);
  for (const [dir, link] of [
    ['code/trees', 'y'],
    ['code', 'z'],
    ['', 'w'],
    ['', 'v'],
  ] as const) {
    assert.equal(fs.existsSync(path.join(t.home, dir, link)), false, `${dir}/${link}`);
  }
  assert.equal(fs.existsSync(path.join(tmp, 'v')), false);
  const trees = fs.readdirSync(path.join(t.home, 'code', 'trees'));
  assert.deepEqual(trees, [], 'no tree and no temporary tree is left');
});

it('links inside the package work, and a tampered tree is restored before the next cold start', async () => {
  const code = await zipEntries([
    { name: 'lib/real.mjs', data: "export const who = 'packaged';" },
    { name: 'lib/alias.mjs', link: 'real.mjs' },
    { name: 'index.mjs', data: "import { who } from './lib/alias.mjs'; export const handler = async () => who;" },
  ]);
  await create('linked', code);
  const call = async (): Promise<string> =>
    decode((await t.lambda.send(new InvokeCommand({ FunctionName: 'linked' }))).Payload);
  assert.equal(await call(), '"packaged"');

  const trees = fs.readdirSync(path.join(t.home, 'code', 'trees'));
  assert.equal(trees.length, 1);
  const real = path.join(t.home, 'code', 'trees', trees[0]!, 'lib', 'real.mjs');
  assert.equal(fs.statSync(real).mode & 0o222, 0, 'code files are read-only');
  fs.chmodSync(real, 0o644);
  fs.writeFileSync(real, "export const who = 'tampered';");

  // A restarted server checks the tree before its first cold start.
  await t.stop({ keepHome: true });
  t = await startTestGust({ home: t.home, keepAliveMs: 200 });
  assert.equal(await call(), '"packaged"');
  assert.equal(fs.readFileSync(real, 'utf8'), "export const who = 'packaged';");
});
