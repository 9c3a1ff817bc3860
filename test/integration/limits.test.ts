/**
 * Per-environment limits as on Lambda: 1,024 open files (soft and hard; only a process with
 * CAP_SYS_RESOURCE could raise the hard limit, which the sandbox of issue 9 takes away), whatever the
 * server's own limit is; opening more fails inside the function only.
 */
import { CreateFunctionCommand, InvokeCommand } from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { zipFiles } from '../../src/control/zip-dir.ts';
import { json, startTestGust, type TestGust } from '../helpers/gust.ts';

let t: TestGust;
before(async () => {
  t = await startTestGust();
});
after(() => t.stop());

async function deploy(
  name: string,
  runtime: 'nodejs20.x' | 'python3.12',
  files: Record<string, string>,
  handler: string,
) {
  await t.lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: runtime,
      Handler: handler,
      Role: 'arn:aws:iam::000000000000:role/test',
      Code: { ZipFile: await zipFiles(files) },
    }),
  );
}

const call = async (name: string): Promise<unknown> =>
  json((await t.lambda.send(new InvokeCommand({ FunctionName: name }))).Payload);

it('a node function gets 1024 open files and EMFILE past them', async () => {
  await deploy(
    'fd-node',
    'nodejs20.x',
    {
      'index.mjs': `import fs from 'node:fs';
export const handler = async () => {
  const line = fs.readFileSync('/proc/self/limits', 'utf8').split('\\n').find((l) => l.startsWith('Max open files'));
  const fds = []; let error = null;
  try { for (let i = 0; i < 2000; i++) fds.push(fs.openSync('/dev/null', 'r')); } catch (e) { error = e.code; }
  for (const fd of fds) fs.closeSync(fd);
  return { limits: line.split(/\\s+/).slice(3, 5), opened: fds.length, error };
};`,
    },
    'index.handler',
  );
  const r = (await call('fd-node')) as { limits: string[]; opened: number; error: string };
  assert.deepEqual(r.limits, ['1024', '1024']);
  assert.equal(r.error, 'EMFILE');
  assert.ok(r.opened < 1024 && r.opened > 900, `opened ${r.opened}`);
});

it('a python function sees the same soft and hard limit', async () => {
  await deploy(
    'fd-python',
    'python3.12',
    {
      'app.py': `import resource
def handler(event, context):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    return {"soft": soft, "hard": hard}
`,
    },
    'app.handler',
  );
  assert.deepEqual(await call('fd-python'), { soft: 1024, hard: 1024 });
});
