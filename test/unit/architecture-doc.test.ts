/** docs/ARCHITECTURE.md names every module under src/ (as docs/ERRORS.md names every error code). */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

it('docs/ARCHITECTURE.md mentions every source module', () => {
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'ARCHITECTURE.md'), 'utf8');
  const modules = (fs.readdirSync(path.join(ROOT, 'src'), { recursive: true }) as string[]).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.d.ts'),
  );
  assert.ok(modules.length > 50, 'found the modules');
  const missing = modules.filter((f) => {
    const base = path.basename(f);
    // index.ts files are named by their folder ("sqs/", "http/index.ts", ...).
    return base === 'index.ts' ? !doc.includes(`${path.basename(path.dirname(f))}/`) : !doc.includes(base);
  });
  assert.deepEqual(missing, [], 'add a row for these modules to docs/ARCHITECTURE.md');
});
