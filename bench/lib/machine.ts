/** Description of the machine the bench ran on. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

export interface Machine {
  nproc: number;
  cpuModel: string;
  memTotalMb: number;
  node: string;
  python: string;
  kernel: string;
  os: string;
  gitCommit: string;
}

const run = (cmd: string, args: string[], cwd?: string): string => {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch {
    return 'unknown';
  }
};

export function describeMachine(repo: string): Machine {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const meminfo = fs.readFileSync('/proc/meminfo', 'utf8');
  let osName = `${os.type()} ${os.release()}`;
  try {
    osName = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(fs.readFileSync('/etc/os-release', 'utf8'))?.[1] ?? osName;
  } catch {
    /* no os-release */
  }
  return {
    nproc: os.availableParallelism(),
    cpuModel: /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown',
    memTotalMb: Math.round(Number(/^MemTotal:\s+(\d+) kB/m.exec(meminfo)?.[1] ?? 0) / 1024),
    node: process.version,
    python: run(process.env.GUST_PYTHON_PATH ?? 'python3', ['--version']).replace(/^Python /, ''),
    kernel: os.release(),
    os: osName,
    gitCommit: run('git', ['rev-parse', '--short', 'HEAD'], repo),
  };
}
