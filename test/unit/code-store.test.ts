import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, it } from 'node:test';
import yazl from 'yazl';
import { CodeStore } from '../../src/control/code-store.ts';
import { zipFiles } from '../../src/control/zip-dir.ts';
import { GustError } from '../../src/errors.ts';

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'gust-code-'));
after(() => fs.rmSync(home, { recursive: true, force: true }));

function rawZip(entries: { name: string; data: string; mode?: number }[]): Promise<Buffer> {
  const z = new yazl.ZipFile();
  for (const e of entries) z.addBuffer(Buffer.from(e.data), e.name, { mode: e.mode ?? 0o100644 });
  z.end();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    z.outputStream.on('data', (c: Buffer) => chunks.push(c));
    z.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

it('stores by content hash, unpacks once and keeps exec bits', async () => {
  const store = new CodeStore(home);
  const zip = await zipFiles({ bootstrap: { content: '#!/bin/sh\n', mode: 0o755 }, 'lib/a.txt': 'hello' });
  const a = await store.put(zip);
  const b = await store.put(zip);
  assert.equal(a.sha256Hex, b.sha256Hex);
  assert.equal(a.size, zip.length);
  const tree = store.treePath(a.sha256Hex);
  assert.equal(fs.readFileSync(path.join(tree, 'lib/a.txt'), 'utf8'), 'hello');
  assert.ok(fs.statSync(path.join(tree, 'bootstrap')).mode & 0o100, 'bootstrap stays executable');
  assert.ok(store.readBlob(a.sha256Hex).equals(zip));
});

it('rejects garbage and path traversal without leaving files behind', async () => {
  const store = new CodeStore(home);
  await assert.rejects(
    store.put(Buffer.from('definitely not a zip')),
    (e: unknown) => e instanceof GustError && e.code === 'GUST_INVALID_ZIP',
  );
  // yazl refuses to write '../' names, so patch a same-length name in place: 'xx/escape.txt' -> '../escape.txt'.
  const zip = await rawZip([{ name: 'xx/escape.txt', data: 'x' }]);
  const evil = Buffer.from(zip.toString('latin1').replaceAll('xx/escape.txt', '../escape.txt'), 'latin1');
  await assert.rejects(store.put(evil), (e: unknown) => e instanceof GustError && e.code === 'GUST_INVALID_ZIP');
  assert.equal(fs.existsSync(path.join(home, '..', 'escape.txt')), false);
  const leftovers = fs.readdirSync(path.join(home, 'code', 'trees')).filter((d) => d.includes('.tmp-'));
  assert.deepEqual(leftovers, []);
});
