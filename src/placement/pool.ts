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
  /** The environment is one of the pool's provisioned-concurrency environments. */
  provisioned?: boolean;
}

export type EnvironmentFactory = (
  fn: FunctionVersion,
  onExit: (env: Environment) => void,
  initType: 'on-demand' | 'provisioned-concurrency',
) => Environment;

export interface ProvisionedState {
  target: number;
  allocated: number;
  status: 'IN_PROGRESS' | 'READY' | 'FAILED';
  reason?: string;
}

export class FunctionPool {
  private envs = new Set<Environment>();
  private idle: Environment[] = [];
  draining = false;
  /** Provisioned concurrency: environments initialised ahead of demand and never reaped. */
  private provisioned = new Set<Environment>();
  private provisionedTarget = 0;
  private allocating = 0;
  private provisionFailure?: string;

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
      if (env.alive && env.state === 'idle')
        return { env, cold: false, pool: this, provisioned: this.provisioned.has(env) };
    }
    const env = this.factory(this.fn, (e) => this.forget(e), 'on-demand');
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

  /** Keep `n` environments initialised (provisioned concurrency); extra ones become on-demand. */
  setProvisioned(n: number): void {
    if (n !== this.provisionedTarget) this.provisionFailure = undefined;
    this.provisionedTarget = n;
    for (const env of [...this.provisioned]) {
      if (this.provisioned.size <= n) break;
      this.provisioned.delete(env);
    }
    this.topUp();
  }

  provisionedState(): ProvisionedState {
    const allocated = this.provisioned.size;
    const status = this.provisionFailure ? 'FAILED' : allocated >= this.provisionedTarget ? 'READY' : 'IN_PROGRESS';
    return { target: this.provisionedTarget, allocated, status, reason: this.provisionFailure };
  }

  /** Provisioned environments leased to an invocation right now (utilisation metrics). */
  provisionedBusy(): number {
    let n = 0;
    for (const env of this.provisioned) if (!this.idle.includes(env)) n++;
    return n;
  }

  private topUp(): void {
    while (
      !this.draining &&
      !this.provisionFailure &&
      this.provisioned.size + this.allocating < this.provisionedTarget
    ) {
      this.allocating++;
      const env = this.factory(this.fn, (e) => this.forget(e), 'provisioned-concurrency');
      this.envs.add(env);
      env
        .start(null)
        .then(() => {
          this.allocating--;
          if (this.draining || this.provisioned.size >= this.provisionedTarget) {
            this.envs.delete(env);
            void env.shutdown();
            return;
          }
          this.provisioned.add(env);
          this.idle.push(env);
        })
        .catch((e: unknown) => {
          this.allocating--;
          this.envs.delete(env);
          this.provisionFailure = `FUNCTION_ERROR_INIT_FAILURE: ${(e as Error).message}`;
        });
    }
  }

  /** Shut down environments idle for longer than keepAliveMs (provisioned ones stay). */
  reap(now: number, keepAliveMs: number): number {
    let n = 0;
    this.idle = this.idle.filter((env) => {
      if (this.provisioned.has(env) && env.alive) return true;
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
    this.provisioned.clear();
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
    this.provisioned.clear();
    this.idle = [];
    const all = [...this.envs];
    this.envs.clear();
    await Promise.all(all.map((env) => env.shutdown()));
  }

  private forget(env: Environment): void {
    this.envs.delete(env);
    const i = this.idle.indexOf(env);
    if (i >= 0) this.idle.splice(i, 1);
    // A provisioned environment that died (timeout, crash, OOM) is replaced.
    if (this.provisioned.delete(env)) this.topUp();
  }
}
