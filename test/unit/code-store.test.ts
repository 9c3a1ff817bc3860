import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { CodeStore } from '../../src/control/code-store.ts';
import { zipEntries, zipFiles, type ZipEntry } from '../../src/control/zip-dir.ts';
import { GustError } from '../../src/errors.ts';

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'gust-code-'));
after(() => fs.rmSync(home, { recursive: true, force: true }));

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
  const zip = await zipEntries([{ name: 'xx/escape.txt', data: 'x' }]);
  const evil = Buffer.from(zip.toString('latin1').replaceAll('xx/escape.txt', '../escape.txt'), 'latin1');
  await assert.rejects(store.put(evil), (e: unknown) => e instanceof GustError && e.code === 'GUST_INVALID_ZIP');
  assert.equal(fs.existsSync(path.join(home, '..', 'escape.txt')), false);
  const leftovers = fs.readdirSync(path.join(home, 'code', 'trees')).filter((d) => d.includes('.tmp-'));
  assert.deepEqual(leftovers, []);
});

const invalidZip = (e: unknown): boolean => e instanceof GustError && e.code === 'GUST_INVALID_ZIP';

/** Every file under dir (not following links), relative. */
function listAll(dir: string, rel = ''): string[] {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((d) => {
    const r = path.join(rel, d.name);
    return d.isDirectory() && !d.isSymbolicLink() ? [r, ...listAll(dir, r)] : [r];
  });
}

describe('extraction cannot write outside the tree', () => {
  // Each zip tries to plant `pwned` outside the tree through links whose targets stay inside the tree
  // by name while on disk they climb out (x -> . then x/y -> .. lands y next to the tree, and so on).
  const escapes: Record<string, ZipEntry[]> = {
    'link to the tree root, then a link through it': [
      { name: 'x', link: '.' },
      { name: 'x/y', link: '..' },
      { name: 'x/y/z', link: '..' },
      { name: 'x/y/z/w', link: '..' },
      { name: 'x/y/z/w/pwned', data: 'owned' },
    ],
    'files before the links they would pass through': [
      { name: 'x/y/z/w/pwned', data: 'owned' },
      { name: 'x', link: '.' },
      { name: 'x/y', link: '..' },
    ],
    'a link that climbs out by name': [
      { name: 'a/up', link: '../../..' },
      { name: 'a/up/pwned', data: 'owned' },
    ],
    'an absolute link': [
      { name: 'etc', link: '/etc' },
      { name: 'etc/cron.d/pwned', data: '* * * * * root touch /tmp/x' },
    ],
    'a link replaced by a directory of the same name': [
      { name: 'd/', data: '' },
      { name: 'd', link: '..' },
    ],
    'a link through a link to a sibling': [
      { name: 'sub/', data: '' },
      { name: 'l1', link: 'sub' },
      { name: 'l1/l2', link: '../..' },
      { name: 'l1/l2/pwned', data: 'owned' },
    ],
  };
  for (const [label, entries] of Object.entries(escapes)) {
    it(`refuses ${label}`, async () => {
      const base = fs.mkdtempSync(path.join(os.tmpdir(), 'gust-escape-'));
      try {
        const home2 = path.join(base, 'a', 'b', 'c');
        const store = new CodeStore(home2);
        const before = listAll(base);
        await assert.rejects(store.put(await zipEntries(entries)), invalidZip);
        assert.deepEqual(listAll(base), before, 'nothing new anywhere, inside or outside the store');
        assert.equal(fs.existsSync('/etc/cron.d/pwned'), false);
      } finally {
        fs.rmSync(base, { recursive: true, force: true });
      }
    });
  }

  it('refuses names with NUL, absolute names and duplicates', async () => {
    const store = new CodeStore(home);
    await assert.rejects(
      store.put(await zipEntries([{ name: 'a.txt' }, { name: 'a.txt', data: 'again' }])),
      invalidZip,
    );
    const zip = await zipEntries([{ name: 'xetc/passwd', data: 'x' }]);
    const abs = Buffer.from(zip.toString('latin1').replaceAll('xetc/passwd', '/etc/passwd'), 'latin1');
    await assert.rejects(store.put(abs), invalidZip);
  });

  it('keeps links that stay inside, also dangling ones, and makes files read-only', async () => {
    const store = new CodeStore(home);
    const zip = await zipEntries([
      { name: 'node_modules/pkg/cli.js', data: 'cli', mode: 0o755 },
      { name: 'node_modules/.bin/cli', link: '../pkg/cli.js' },
      { name: 'later', link: 'not-there-yet' },
      { name: 'index.js', data: 'export {}', mode: 0o666 },
    ]);
    const tree = store.treePath((await store.put(zip)).sha256Hex);
    assert.equal(fs.readFileSync(path.join(tree, 'node_modules/.bin/cli'), 'utf8'), 'cli');
    assert.equal(fs.readlinkSync(path.join(tree, 'later')), 'not-there-yet');
    assert.equal(fs.statSync(path.join(tree, 'index.js')).mode & 0o777, 0o444, 'write bits dropped');
    assert.equal(fs.statSync(path.join(tree, 'node_modules/pkg/cli.js')).mode & 0o777, 0o555);
  });
});

describe('code trees are checked before reuse', () => {
  it('a changed, added or removed file is undone from the blob on next use', async () => {
    const h = fs.mkdtempSync(path.join(os.tmpdir(), 'gust-tamper-'));
    try {
      const warnings: string[] = [];
      const zip = await zipFiles({ 'index.js': 'good', 'lib/a.js': 'a' });
      const first = new CodeStore(h, (m) => warnings.push(m));
      const { sha256Hex: hex } = await first.put(zip);
      const tree = first.treePath(hex);
      assert.equal(await first.prepare(hex), tree);
      assert.equal(warnings.length, 0);

      // A takeover: code replaced, a file planted, a file removed. A new server process finds it.
      fs.chmodSync(path.join(tree, 'index.js'), 0o644);
      fs.writeFileSync(path.join(tree, 'index.js'), 'evil');
      fs.writeFileSync(path.join(tree, 'planted.js'), 'evil');
      fs.rmSync(path.join(tree, 'lib/a.js'));
      const second = new CodeStore(h, (m) => warnings.push(m));
      assert.equal(await second.prepare(hex), tree);
      assert.equal(fs.readFileSync(path.join(tree, 'index.js'), 'utf8'), 'good');
      assert.equal(fs.readFileSync(path.join(tree, 'lib/a.js'), 'utf8'), 'a');
      assert.equal(fs.existsSync(path.join(tree, 'planted.js')), false);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /differs from its package/);

      // A link swapped in for a file is found too; so is a lost manifest.
      fs.rmSync(path.join(tree, 'index.js'));
      fs.symlinkSync('/etc/passwd', path.join(tree, 'index.js'));
      await new CodeStore(h, (m) => warnings.push(m)).prepare(hex);
      assert.equal(fs.lstatSync(path.join(tree, 'index.js')).isFile(), true);
      fs.rmSync(first.manifestPath(hex));
      await new CodeStore(h, (m) => warnings.push(m)).prepare(hex);
      assert.ok(fs.existsSync(first.manifestPath(hex)));

      // A blob whose bytes no longer match its hash is not used.
      fs.writeFileSync(first.blobPath(hex), Buffer.from('corrupt'));
      fs.rmSync(first.manifestPath(hex));
      await assert.rejects(
        new CodeStore(h).prepare(hex),
        (e: unknown) => e instanceof GustError && /corrupt/.test(e.message),
      );
    } finally {
      fs.rmSync(h, { recursive: true, force: true });
    }
  });
});
