/**
 * Gust as a child process (`gust serve`), so the server has its own event loop and the bench
 * client (autocannon) does not compete with it. Stopping is graceful (SIGTERM: Gust drains and
 * retires its environments); if that hangs, the server and every environment process group it
 * had are SIGKILLed and its cgroups removed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { onCleanup, procStat, spawnUntil, stopChild, treeOf, alive, type Child } from './procs.ts';

export interface GustChild {
  url: string;
  pid: number;
  /** e.g. "cgroup v1" or "off" */
  memoryLimits: string;
  child: Child;
  stop(): Promise<void>;
}

export async function startGustChild(
  repo: string,
  home: string,
  opts: { cpuProfDir?: string } = {},
): Promise<GustChild> {
  const nodeArgs = ['--import', 'tsx'];
  if (opts.cpuProfDir) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`);
  const args = [
    ...nodeArgs,
    'src/cli/main.ts',
    'serve',
    '--port',
    '0',
    '--home',
    home,
    '--keep-alive',
    '600',
    '--quiet',
  ];
  const { child, match } = await spawnUntil(
    'gust serve',
    process.execPath,
    args,
    /listening on (http:\/\/\S+) \(home .*memory limits: ([^)]*)\)/,
    30_000,
    { cwd: repo, detached: true },
  );
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      // Environments are detached process groups: remember them in case the server must be killed.
      const envGroups = treeOf(child.pid)
        .filter((p) => p !== child.pid)
        .map((p) => procStat(p)?.pgid)
        .filter((g): g is number => g !== undefined && g !== child.pid);
      const how = await stopChild(child, 15_000);
      const leftovers = [...new Set(envGroups)].filter((g) => alive(g));
      for (const g of leftovers) {
        try {
          process.kill(-g, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
      if (how === 'killed' || leftovers.length) {
        process.stderr.write(
          `bench: gust serve did not stop cleanly (${how}, ${leftovers.length} environment group(s) killed)\n`,
        );
      }
      // Gust removes its cgroups on a graceful stop, but not always every environment's: finish the job.
      const left = removeCgroups(child.pid);
      if (left) process.stderr.write(`bench: removed ${left} cgroup(s) gust serve left behind\n`);
    })());
  onCleanup('gust serve', stop);
  return { url: match[1]!, pid: child.pid, memoryLimits: match[2]!, child, stop };
}

/**
 * Gust names its cgroup root `gust-<pid>` (src/sandbox/cgroup.ts); remove what a stopped server
 * left (empty cgroups only: rmdir refuses one with processes). Returns how many were removed.
 */
function removeCgroups(pid: number): number {
  let n = 0;
  for (const root of [`/sys/fs/cgroup/memory/gust-${pid}`, `/sys/fs/cgroup/gust-${pid}`]) {
    if (!fs.existsSync(root)) continue;
    try {
      for (const d of fs.readdirSync(root, { withFileTypes: true })) {
        if (d.isDirectory()) {
          fs.rmdirSync(path.join(root, d.name));
          n++;
        }
      }
      fs.rmdirSync(root);
      n++;
    } catch (e) {
      process.stderr.write(`bench: could not remove ${root}: ${(e as Error).message}\n`);
    }
  }
  return n;
}
