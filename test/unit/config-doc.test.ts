/** The README's configuration table is SETTINGS, and SETTINGS names every GUST_* variable the code reads. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import { loadConfig, renderSettingsTable, SETTINGS } from '../../src/config.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

it('README.md shows the configuration table rendered from SETTINGS (npm run docs:config)', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = /<!-- config:start -->\n([\s\S]*?)\n<!-- config:end -->/.exec(readme);
  assert.ok(section, 'README.md has the config:start/config:end section');
  assert.equal(section[1], renderSettingsTable(), 'run npm run docs:config');
});

it('every GUST_* variable read in src/ is a row of SETTINGS, naming where it is read', () => {
  const files = (fs.readdirSync(path.join(ROOT, 'src'), { recursive: true }) as string[]).filter(
    (f) => f.endsWith('.ts') && f !== 'config.ts',
  );
  const read = new Map<string, string[]>();
  for (const f of files) {
    const text = fs.readFileSync(path.join(ROOT, 'src', f), 'utf8');
    for (const m of text.matchAll(/\benv(?:\.|\[')(GUST_[A-Z0-9_]+)/g)) {
      read.set(m[1]!, [...(read.get(m[1]!) ?? []), f]);
    }
  }
  assert.ok(read.has('GUST_ENDPOINT'), 'found the variables read outside config.ts');
  const byName = new Map(SETTINGS.map((s) => [s.env, s]));
  for (const [name, where] of read) {
    const s = byName.get(name);
    assert.ok(s, `${name} (read in ${where.join(', ')}) is missing from SETTINGS in src/config.ts`);
    assert.ok(s.key || (s.reader && where.includes(s.reader)), `${name}: reader is ${where.join(', ')}`);
  }
  for (const s of SETTINGS.filter((x) => x.reader)) assert.ok(read.has(s.env), `${s.env} is read by ${s.reader}`);
});

it('loadConfig reads every SETTINGS row that has a key', () => {
  const defaults = loadConfig({}, {});
  for (const s of SETTINGS.filter((x) => x.key)) {
    const value = s.int
      ? String(s.int.min === s.int.default ? s.int.min + 1 : s.int.min)
      : s.env === 'GUST_CGROUPS'
        ? 'off'
        : `/x/${s.env}`;
    const cfg = loadConfig({}, { [s.env]: value });
    assert.notDeepEqual(cfg[s.key!], defaults[s.key!], `${s.env} changes ${s.key}`);
    assert.equal(String(cfg[s.key!]), value, `${s.env}=${value}`);
  }
});
