/**
 * Gust as a child process (`gust serve`), so the server has its own event loop and the bench
 * client (autocannon) does not compete with it. Stopping is graceful (SIGTERM: Gust drains and
 * retires its environments); if that hangs, the server and every environment process group it
 * had are SIGKILLed and its cgroups removed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { allPids, onCleanup, procEnv, sleep, spawnUntil, stopChild, type Child } from './procs.ts';

export interface GustChild {
  url: string;
  pid: number;
  /** e.g. "cgroup v1" or "off" */
  memoryLimits: string;
  child: Child;
  /** Resolves with the server's output if it exits without stop() having been called. */
  died: Promise<string>;
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
  let stopping = false;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      stopping = true;
      const how = await stopChild(child, 15_000);
      // Environment processes are detached process groups: any still alive (a killed or crashed
      // server leaves them orphaned) are found by their environment, which points into our home.
      const leftovers = allPids().filter((p) => {
        const e = procEnv(p);
        return [e.LAMBDA_TASK_ROOT, e.TMPDIR].some((v) => v?.startsWith(home + path.sep));
      });
      for (const p of leftovers) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
      if (how === 'killed' || leftovers.length) {
        process.stderr.write(
          `bench: gust serve did not stop cleanly (${how === 'killed' ? 'killed after 15 s' : 'it exited'}; ` +
            `${leftovers.length} environment process(es) left, killed)\n`,
        );
        await sleep(100);
      }
      // Gust removes its cgroups on a graceful stop, but not always every environment's: finish the job.
      const left = removeCgroups(child.pid);
      if (left) process.stderr.write(`bench: removed ${left} cgroup(s) gust serve left behind\n`);
    })());
  onCleanup('gust serve', stop);
  const died = new Promise<string>((resolve) => {
    void child.exited.then((x) => {
      if (!stopping) resolve(`gust serve exited unexpectedly (${x.code ?? x.signal}):\n${child.output()}`);
    });
  });
  return { url: match[1]!, pid: child.pid, memoryLimits: match[2]!, child, died, stop };
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
