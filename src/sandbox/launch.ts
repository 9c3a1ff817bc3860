/**
 * How each runtime starts: the command line of an execution environment's process and the
 * runtime-specific environment variables. Managed runtimes use Gust's own bootstraps in runtimes/;
 * provided runtimes run the `bootstrap` executable from the function's code.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const RUNTIMES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'runtimes');

export interface LaunchSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
}

export type LaunchResult = LaunchSpec | { error: { errorType: string; errorMessage: string } };

const pythonCache = new Map<string, string>();

/** Resolve `python3` to its real executable once (skips pyenv-style shims on every cold start). */
export function resolvePython(python: string): string {
  let real = pythonCache.get(python);
  if (!real) {
    try {
      real = execFileSync(python, ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim() || python;
    } catch {
      real = python;
    }
    pythonCache.set(python, real);
  }
  return real;
}

export function launchSpec(
  runtime: string,
  memoryMb: number,
  codeDir: string,
  opts: { nodePath: string; pythonPath: string },
): LaunchResult {
  if (runtime.startsWith('nodejs')) {
    const oldSpace = Math.max(32, Math.floor(memoryMb * 0.85));
    return {
      command: opts.nodePath,
      args: [`--max-old-space-size=${oldSpace}`, path.join(RUNTIMES_DIR, 'node', 'bootstrap.mjs')],
      env: { NODE_PATH: [path.join(codeDir, 'node_modules'), '/opt/nodejs/node_modules'].join(':') },
    };
  }
  if (runtime.startsWith('python')) {
    return {
      command: resolvePython(opts.pythonPath),
      args: ['-u', path.join(RUNTIMES_DIR, 'python', 'bootstrap.py')],
      env: { PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' },
    };
  }
  // provided, provided.al2, provided.al2023: the code's own bootstrap executable.
  const bootstrap = path.join(codeDir, 'bootstrap');
  try {
    fs.accessSync(bootstrap, fs.constants.X_OK);
  } catch {
    return {
      error: {
        errorType: 'Runtime.InvalidEntrypoint',
        errorMessage: `Couldn't find valid bootstrap(s): [${bootstrap}] (it must exist and be executable)`,
      },
    };
  }
  return { command: bootstrap, args: [], env: {} };
}
