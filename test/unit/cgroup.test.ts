/** Cgroup housekeeping: groups left by a killed server are removed when the next one starts. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import { detectCgroups, removeCgroupRoot } from '../../src/sandbox/cgroup.ts';

it('removes the empty groups of a server that no longer runs, and its own on removal', async (ctx) => {
  const probe = detectCgroups(true);
  if (probe.mode === 'none') return ctx.skip(probe.reason);
  const hierarchy = path.dirname(probe.root);
  await removeCgroupRoot(probe);
  // A pid that certainly does not run any more: a child that has exited.
  const deadPid = spawnSync('true').pid!;
  const stale = path.join(hierarchy, `gust-${deadPid}`);
  fs.mkdirSync(path.join(stale, 'env-1'), { recursive: true });
  fs.mkdirSync(path.join(hierarchy, `gust-${deadPid}-2`));
  const live = detectCgroups(true);
  try {
    assert.equal(fs.existsSync(stale), false, `${stale} removed`);
    assert.equal(fs.existsSync(`${stale}-2`), false);
    assert.ok(fs.existsSync(live.root), 'the new server has its own group');
  } finally {
    await removeCgroupRoot(live);
  }
  assert.equal(fs.existsSync(live.root), false);
});
