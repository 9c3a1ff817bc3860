/**
 * Memory limits and accounting for execution environments through Linux cgroups.
 * Prefers a writable cgroup v2 hierarchy with the memory controller, then cgroup v1's memory
 * controller; where neither is writable, environments run unlimited and Gust logs one warning.
 * A process joins its cgroup before exec (see launchPrefix), so everything it allocates is charged.
 */
import fs from 'node:fs';
import path from 'node:path';

export type CgroupMode = 'v2' | 'v1' | 'none';

export interface CgroupSupport {
  mode: CgroupMode;
  /** Parent directory under which one cgroup per environment is created. */
  root: string;
  reason?: string;
}

function writableDir(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.W_OK);
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function tryMkdir(parent: string, name: string): string | undefined {
  const dir = path.join(parent, name);
  try {
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  } catch {
    return undefined;
  }
}

let instances = 0;

/**
 * Detect which cgroup hierarchy Gust can use, creating its parent group: `gust-<pid>`, or
 * `gust-<pid>-<n>` for the n-th further server in the same process (tests), so that stopping one
 * server never touches another's environments.
 */
export function detectCgroups(enabled: boolean): CgroupSupport {
  if (!enabled) return { mode: 'none', root: '', reason: 'disabled by configuration (GUST_CGROUPS=off)' };
  if (process.platform !== 'linux') return { mode: 'none', root: '', reason: `not Linux (${process.platform})` };
  const n = instances++;
  const name = n === 0 ? `gust-${process.pid}` : `gust-${process.pid}-${n}`;
  // cgroup v2 (unified): needs the memory controller enabled for children of our parent group.
  const v2 = '/sys/fs/cgroup';
  if (fs.existsSync(path.join(v2, 'cgroup.controllers')) && writableDir(v2)) {
    removeStaleRoots(v2);
    const controllers = fs.readFileSync(path.join(v2, 'cgroup.controllers'), 'utf8');
    if (controllers.includes('memory')) {
      const dir = tryMkdir(v2, name);
      if (dir) {
        try {
          fs.writeFileSync(path.join(dir, 'cgroup.subtree_control'), '+memory');
        } catch {
          /* may already be enabled or not delegable */
        }
        return { mode: 'v2', root: dir };
      }
    }
  }
  const v1 = '/sys/fs/cgroup/memory';
  if (fs.existsSync(path.join(v1, 'memory.limit_in_bytes')) && writableDir(v1)) {
    removeStaleRoots(v1);
    const dir = tryMkdir(v1, name);
    if (dir) return { mode: 'v1', root: dir };
  }
  return { mode: 'none', root: '', reason: 'no writable cgroup v1 or v2 memory controller' };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A server that was killed (kill -9, power loss) leaves its `gust-<pid>` group behind; its
 * environments died with it (their process groups were killed or have exited), so the groups are
 * empty and can be removed. Groups with processes left in them cannot be removed and are kept.
 */
function removeStaleRoots(hierarchy: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(hierarchy);
  } catch {
    return;
  }
  for (const name of names) {
    const m = /^gust-(\d+)(?:-\d+)?$/.exec(name);
    if (!m || pidAlive(Number(m[1]))) continue;
    const root = path.join(hierarchy, name);
    try {
      for (const d of fs.readdirSync(root, { withFileTypes: true })) {
        if (d.isDirectory()) fs.rmdirSync(path.join(root, d.name));
      }
      fs.rmdirSync(root);
    } catch {
      /* still has processes: leave it */
    }
  }
}

/** One environment's memory cgroup. */
export class MemoryCgroup {
  readonly dir: string;

  constructor(
    private support: CgroupSupport,
    id: string,
    limitMb?: number,
  ) {
    this.dir = path.join(support.root, id);
    if (limitMb === undefined) return; // an existing cgroup, opened to remove it
    fs.mkdirSync(this.dir);
    const bytes = String(limitMb * 1024 * 1024);
    if (support.mode === 'v1') {
      fs.writeFileSync(path.join(this.dir, 'memory.limit_in_bytes'), bytes);
      try {
        // No swap beyond the limit, so the limit is a real OOM boundary.
        fs.writeFileSync(path.join(this.dir, 'memory.memsw.limit_in_bytes'), bytes);
      } catch {
        /* swap accounting disabled */
      }
    } else {
      fs.writeFileSync(path.join(this.dir, 'memory.max'), bytes);
      try {
        fs.writeFileSync(path.join(this.dir, 'memory.swap.max'), '0');
      } catch {
        /* no swap controller */
      }
    }
  }

  /** File a process writes its pid into to join this cgroup. */
  get procsFile(): string {
    return path.join(this.dir, 'cgroup.procs');
  }

  private peakFd: number | undefined;
  private static readonly peakBuf = Buffer.alloc(32);

  /**
   * Peak memory in bytes since creation (v1 max_usage_in_bytes, v2 memory.peak), or undefined.
   * Read after every invocation: the file stays open and is re-read from offset 0.
   */
  peakBytes(): number | undefined {
    try {
      this.peakFd ??= fs.openSync(
        path.join(this.dir, this.support.mode === 'v1' ? 'memory.max_usage_in_bytes' : 'memory.peak'),
        'r',
      );
      const n = fs.readSync(this.peakFd, MemoryCgroup.peakBuf, 0, MemoryCgroup.peakBuf.length, 0);
      return Number(MemoryCgroup.peakBuf.toString('latin1', 0, n).trim());
    } catch {
      return undefined;
    }
  }

  private closePeak(): void {
    if (this.peakFd === undefined) return;
    try {
      fs.closeSync(this.peakFd);
    } catch {
      /* already closed */
    }
    this.peakFd = undefined;
  }

  /** Number of OOM kills in this cgroup. */
  oomKills(): number {
    try {
      const file = this.support.mode === 'v1' ? 'memory.oom_control' : 'memory.events';
      const text = fs.readFileSync(path.join(this.dir, file), 'utf8');
      const m = /oom_kill (\d+)/.exec(text);
      return m ? Number(m[1]) : 0;
    } catch {
      return 0;
    }
  }

  /**
   * SIGKILL every process still in the cgroup (those that left the runtime's process group with
   * setsid included). A few passes, for processes forked while the first pass ran.
   */
  killAll(): void {
    for (let pass = 0; pass < 3; pass++) {
      let pids: number[];
      try {
        pids = fs
          .readFileSync(this.procsFile, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map(Number)
          .filter((p) => Number.isInteger(p) && p > 0 && p !== process.pid);
      } catch {
        return; // no cgroup (any more)
      }
      if (!pids.length) return;
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    }
  }

  /** Remove the cgroup (retries briefly while the kernel finishes reaping its processes). */
  async destroy(): Promise<void> {
    this.closePeak();
    for (let i = 0; i < 50; i++) {
      try {
        fs.rmdirSync(this.dir);
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  }
}

/**
 * Remove Gust's parent cgroup, and any environment cgroup still in it (an environment retired just
 * before shutdown may still be removing its own): waits up to ~1 s for their processes to be reaped.
 */
export async function removeCgroupRoot(support: CgroupSupport): Promise<void> {
  if (support.mode === 'none') return;
  let children: string[];
  try {
    children = fs
      .readdirSync(support.root, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
  } catch {
    return; // already gone
  }
  await Promise.all(children.map((c) => new MemoryCgroup(support, c).destroy()));
  try {
    fs.rmdirSync(support.root);
  } catch {
    /* a child could not be removed: leave the parent */
  }
}
