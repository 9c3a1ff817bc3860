/**
 * A pool of execution environments for one function version at one code/config revision.
 * Warm reuse is LIFO (the most recently used idle environment is kept hot); when none is idle the
 * pool scales out with a cold start. Environments idle longer than the keep-alive are reaped.
 * A drained pool (the function changed or was deleted) retires every environment as it frees up.
 */
import type { FunctionVersion } from '../control/model.ts';
import type { Environment } from '../sandbox/environment.ts';

export interface Lease {
  env: Environment;
  cold: boolean;
  pool: FunctionPool;
}

export type EnvironmentFactory = (fn: FunctionVersion, onExit: (env: Environment) => void) => Environment;

export class FunctionPool {
  private envs = new Set<Environment>();
  private idle: Environment[] = [];
  draining = false;

  constructor(
    readonly key: string,
    readonly fn: FunctionVersion,
    private factory: EnvironmentFactory,
  ) {}

  get size(): number {
    return this.envs.size;
  }

  get idleCount(): number {
    return this.idle.length;
  }

  environments(): Environment[] {
    return [...this.envs];
  }

  /** A warm idle environment, or a freshly started one (throws InitError if its init fails). */
  async acquire(requestId: string): Promise<Lease> {
    while (this.idle.length) {
      const env = this.idle.pop()!;
      if (env.alive && env.state === 'idle') return { env, cold: false, pool: this };
    }
    const env = this.factory(this.fn, (e) => this.forget(e));
    this.envs.add(env);
    try {
      await env.start(requestId);
    } catch (e) {
      this.forget(env);
      throw e;
    }
    return { env, cold: true, pool: this };
  }

  release(env: Environment): void {
    if (!env.alive) {
      this.forget(env);
      return;
    }
    if (this.draining) {
      this.forget(env);
      void env.shutdown();
      return;
    }
    this.idle.push(env);
  }

  /** Shut down environments idle for longer than keepAliveMs. */
  reap(now: number, keepAliveMs: number): number {
    let n = 0;
    this.idle = this.idle.filter((env) => {
      if (env.alive && now - env.lastUsed < keepAliveMs) return true;
      this.envs.delete(env);
      void env.shutdown();
      n++;
      return false;
    });
    return n;
  }

  /** Retire the pool: idle environments now, busy ones when released. */
  async drain(): Promise<void> {
    this.draining = true;
    const idle = this.idle.splice(0);
    await Promise.all(
      idle.map((env) => {
        this.envs.delete(env);
        return env.shutdown();
      }),
    );
  }

  /** Shut down everything, busy or not. */
  async shutdownAll(): Promise<void> {
    this.draining = true;
    this.idle = [];
    const all = [...this.envs];
    this.envs.clear();
    await Promise.all(all.map((env) => env.shutdown()));
  }

  private forget(env: Environment): void {
    this.envs.delete(env);
    const i = this.idle.indexOf(env);
    if (i >= 0) this.idle.splice(i, 1);
  }
}
