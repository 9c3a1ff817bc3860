/**
 * Placement: owns every function pool, the concurrency gate and the idle reaper. The invoke path
 * asks it for a lease on an environment and hands the lease back when the invocation is over.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { FunctionVersion } from '../control/model.ts';
import type { RegistryEvent } from '../control/registry.ts';
import { GustError } from '../errors.ts';
import type { CgroupSupport } from '../sandbox/cgroup.ts';
import { Environment } from '../sandbox/environment.ts';
import { ConcurrencyGate, type Reservations } from './concurrency.ts';
import { FunctionPool, type Lease, type ProvisionedState } from './pool.ts';

export interface PlacementOptions {
  home: string;
  region: string;
  accountId: string;
  nodePath: string;
  pythonPath: string;
  keepAliveMs: number;
  accountConcurrency: number;
  cgroups: CgroupSupport;
  codeDir: (fn: FunctionVersion) => string;
  /** Make the code tree ready (checked against its manifest) before an environment starts. */
  prepareCode?: (fn: FunctionVersion) => Promise<unknown>;
  reservations?: Reservations;
  onLog: (fn: FunctionVersion, line: string, requestId: string | null, ts: number) => void;
}

export const poolKey = (fn: FunctionVersion): string => `${fn.functionName}:${fn.version}:${fn.revision}`;

export class Placement {
  readonly gate: ConcurrencyGate;
  private pools = new Map<string, FunctionPool>();
  private reaper: NodeJS.Timeout;
  private stopping = false;

  constructor(private opts: PlacementOptions) {
    this.gate = new ConcurrencyGate(opts.accountConcurrency, opts.reservations);
    const every = Math.max(100, Math.min(10_000, Math.floor(opts.keepAliveMs / 2)));
    this.reaper = setInterval(() => this.reap(), every);
    this.reaper.unref();
  }

  private createEnvironment(
    fn: FunctionVersion,
    onExit: (env: Environment) => void,
    initType: 'on-demand' | 'provisioned-concurrency',
  ): Environment {
    const o = this.opts;
    return new Environment({
      id: randomUUID(),
      fn,
      codeDir: o.codeDir(fn),
      prepareCode: o.prepareCode && (() => o.prepareCode!(fn)),
      scratchRoot: path.join(o.home, 'envs'),
      region: o.region,
      accountId: o.accountId,
      nodePath: o.nodePath,
      pythonPath: o.pythonPath,
      cgroups: o.cgroups,
      initType,
      onLog: (line, requestId, ts) => o.onLog(fn, line, requestId, ts),
      onExit,
    });
  }

  private pool(fn: FunctionVersion): FunctionPool {
    const key = poolKey(fn);
    let p = this.pools.get(key);
    if (!p) {
      p = new FunctionPool(key, fn, (f, onExit, initType) => this.createEnvironment(f, onExit, initType));
      this.pools.set(key, p);
    }
    return p;
  }

  /** Lease an environment for one invocation (throws GUST_THROTTLED or InitError). */
  async acquire(fn: FunctionVersion, requestId: string): Promise<Lease> {
    if (this.stopping) throw new GustError('GUST_SERVICE_STOPPING', 'Gust is shutting down');
    this.gate.acquire(fn.functionName);
    try {
      return await this.pool(fn).acquire(requestId);
    } catch (e) {
      this.gate.release(fn.functionName);
      throw e;
    }
  }

  release(lease: Lease): void {
    this.gate.release(lease.pool.fn.functionName);
    lease.pool.release(lease.env);
    if (lease.pool.draining && lease.pool.size === 0) this.pools.delete(lease.pool.key);
  }

  /** Retire pools whose function version changed or was deleted. */
  onRegistryChange(e: RegistryEvent, currentLatest?: FunctionVersion): void {
    if (e.type === 'settings-changed') return;
    const keep = currentLatest ? poolKey(currentLatest) : undefined;
    for (const [key, p] of this.pools) {
      if (p.fn.functionName !== e.name) continue;
      const stale =
        e.type === 'deleted' ||
        (e.type === 'latest-changed' && p.fn.version === '$LATEST' && key !== keep) ||
        (e.type === 'version-deleted' && p.fn.version === e.version);
      if (!stale) continue;
      void p.drain();
      if (p.size === 0) this.pools.delete(key);
    }
  }

  reap(now = Date.now()): void {
    for (const [key, p] of this.pools) {
      p.reap(now, this.opts.keepAliveMs);
      if (p.size === 0 && p.provisionedState().target === 0) this.pools.delete(key);
    }
  }

  /** Set provisioned concurrency for every function version: targets not listed go to zero. */
  reconcileProvisioned(targets: { fn: FunctionVersion; n: number }[]): void {
    if (this.stopping) return;
    const wanted = new Map<string, { fn: FunctionVersion; n: number }>();
    for (const t of targets) {
      const key = poolKey(t.fn);
      wanted.set(key, { fn: t.fn, n: (wanted.get(key)?.n ?? 0) + t.n });
    }
    for (const [key, p] of this.pools) if (!wanted.has(key)) p.setProvisioned(0);
    for (const { fn, n } of wanted.values()) this.pool(fn).setProvisioned(n);
  }

  provisionedState(fn: FunctionVersion): ProvisionedState {
    return this.pools.get(poolKey(fn))?.provisionedState() ?? { target: 0, allocated: 0, status: 'IN_PROGRESS' };
  }

  /** Provisioned concurrency per pool that has some: allocated and busy environments (telemetry). */
  provisionedUsage(): { fn: FunctionVersion; target: number; allocated: number; busy: number }[] {
    const out: { fn: FunctionVersion; target: number; allocated: number; busy: number }[] = [];
    for (const p of this.pools.values()) {
      const s = p.provisionedState();
      if (s.target > 0 || s.allocated > 0)
        out.push({ fn: p.fn, target: s.target, allocated: s.allocated, busy: p.provisionedBusy() });
    }
    return out;
  }

  stats(): { pools: number; environments: number; idle: number; busy: number } {
    let environments = 0;
    let idle = 0;
    for (const p of this.pools.values()) {
      environments += p.size;
      idle += p.idleCount;
    }
    return { pools: this.pools.size, environments, idle, busy: this.gate.current };
  }

  environments(name?: string): Environment[] {
    const out: Environment[] = [];
    for (const p of this.pools.values()) if (!name || p.fn.functionName === name) out.push(...p.environments());
    return out;
  }

  async shutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.reaper);
    await Promise.all([...this.pools.values()].map((p) => p.shutdownAll()));
    this.pools.clear();
  }
}
