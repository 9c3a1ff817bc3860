/**
 * Child processes of the bench and their cleanup. Everything the bench starts (processes, temp
 * dirs) registers an undo action here; `cleanupAll()` runs them in reverse order exactly once,
 * whether the run succeeds, throws, or is interrupted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

type Undo = { name: string; fn: () => Promise<void> | void };
const undos: Undo[] = [];
let cleaning: Promise<void> | undefined;

export function onCleanup(name: string, fn: () => Promise<void> | void): void {
  undos.push({ name, fn });
}

export function cleanupAll(): Promise<void> {
  return (cleaning ??= (async () => {
    while (undos.length) {
      const u = undos.pop()!;
      try {
        await u.fn();
      } catch (e) {
        process.stderr.write(`bench: cleanup of ${u.name} failed: ${(e as Error).message}\n`);
      }
    }
  })());
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface Child {
  proc: ChildProcess;
  pid: number;
  /** Everything written to stdout/stderr so far (for error messages). */
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawn a child and wait until its stdout matches `ready` (returns the match). */
export async function spawnUntil(
  name: string,
  command: string,
  args: string[],
  ready: RegExp,
  timeoutMs = 20_000,
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; detached?: boolean } = {},
): Promise<{ child: Child; match: RegExpExecArray }> {
  // detached: a terminal's Ctrl-C reaches only the bench, which then stops its children in order.
  const proc = spawn(command, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: opts.detached ?? false,
  });
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => {
      proc.stdin?.destroy(); // an open stdin pipe would keep the bench's event loop alive
      resolve({ code, signal });
    }),
  );
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  if (!proc.pid) {
    await new Promise((r) => proc.once('error', r));
    throw new Error(`${name}: could not start ${command}`);
  }
  const child: Child = { proc, pid: proc.pid, output: () => out, exited };
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${name} not ready after ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const check = (): void => {
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        proc.stdout!.off('data', check);
        resolve(m);
      }
    };
    const fail = (e: Error): void => {
      clearTimeout(timer);
      reject(e);
    };
    proc.stdout!.on('data', check);
    void exited.then((x) => fail(new Error(`${name} exited early (${x.code ?? x.signal}):\n${out}`)));
  }).catch(async (e: unknown) => {
    proc.kill('SIGKILL');
    await exited;
    throw e;
  });
  return { child, match };
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
export async function stopChild(child: Child, graceMs: number): Promise<'graceful' | 'killed'> {
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) return 'graceful';
  child.proc.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const t = await Promise.race([
    child.exited.then(() => 'graceful' as const),
    new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), graceMs))),
  ]);
  clearTimeout(timer);
  if (t === 'graceful') return t;
  child.proc.kill('SIGKILL');
  await child.exited;
  return 'killed';
}

// ---- /proc helpers (Linux) ----

export function procStat(pid: number): { ppid: number; pgid: number } | undefined {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces/parens: fields start after the last ')'.
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), pgid: Number(f[2]) };
  } catch {
    return undefined;
  }
}

export function allPids(): number[] {
  return fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
}

/** Direct children of `pid`. */
export function childrenOf(pid: number): number[] {
  return allPids().filter((p) => procStat(p)?.ppid === pid);
}

/** `pid` and all its descendants. */
export function treeOf(pid: number): number[] {
  const byParent = new Map<number, number[]>();
  for (const p of allPids()) {
    const st = procStat(p);
    if (!st) continue;
    const list = byParent.get(st.ppid) ?? [];
    list.push(p);
    byParent.set(st.ppid, list);
  }
  const out: number[] = [];
  const walk = (p: number): void => {
    out.push(p);
    for (const c of byParent.get(p) ?? []) walk(c);
  };
  walk(pid);
  return out;
}

export function procEnv(pid: number): Record<string, string> {
  try {
    const raw = fs.readFileSync(`/proc/${pid}/environ`, 'utf8');
    return Object.fromEntries(
      raw
        .split('\0')
        .filter(Boolean)
        .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
    );
  } catch {
    return {};
  }
}

/** VmRSS and Pss of one process, in bytes (0 if it is gone). */
export function memoryOf(pid: number): { rss: number; pss: number } {
  const kb = (text: string, key: string): number => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : 0;
  };
  let rss = 0;
  let pss = 0;
  try {
    rss = kb(fs.readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS');
  } catch {
    /* gone */
  }
  try {
    pss = kb(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Pss');
  } catch {
    /* gone or no smaps_rollup */
  }
  return { rss, pss };
}

/** utime + stime of one process, in clock ticks (USER_HZ = 100 on Linux). */
export function cpuTicks(pid: number): number {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return 0;
  }
}

/**
 * CPU used by processes outside the bench's own process tree (other users of the machine) while
 * a measurement runs: call the returned function at the end; it answers in CPU cores (1 = one core
 * fully busy on average). Processes that start and exit inside the window are not seen.
 */
export function foreignCpu(): () => number {
  const CLK_TCK = 100; // USER_HZ on Linux
  const snapshot = (): Map<number, number> => {
    const ours = new Set(treeOf(process.pid));
    return new Map(
      allPids()
        .filter((p) => !ours.has(p))
        .map((p) => [p, cpuTicks(p)]),
    );
  };
  const before = snapshot();
  const t = performance.now();
  return () => {
    const after = snapshot();
    let ticks = 0;
    for (const [p, v] of after) ticks += Math.max(0, v - (before.get(p) ?? 0));
    return Math.round((ticks / CLK_TCK / ((performance.now() - t) / 1000)) * 100) / 100;
  };
}
