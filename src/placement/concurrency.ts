/**
 * Concurrency accounting: concurrency is the number of busy environments. The account limit caps
 * all of them; per-function reserved concurrency (issue 3) plugs into the same gate.
 */
import { GustError } from '../errors.ts';

export class ConcurrencyGate {
  private inUse = 0;
  private perFunction = new Map<string, number>();

  constructor(public accountLimit: number) {}

  get current(): number {
    return this.inUse;
  }

  functionCurrent(name: string): number {
    return this.perFunction.get(name) ?? 0;
  }

  /** Take one slot for `name` or throw Lambda's throttle error. */
  acquire(name: string): void {
    if (this.inUse >= this.accountLimit) {
      throw new GustError('GUST_THROTTLED', 'Rate Exceeded.', { Reason: 'ConcurrentInvocationLimitExceeded' });
    }
    this.inUse++;
    this.perFunction.set(name, (this.perFunction.get(name) ?? 0) + 1);
  }

  release(name: string): void {
    this.inUse = Math.max(0, this.inUse - 1);
    const n = (this.perFunction.get(name) ?? 1) - 1;
    if (n <= 0) this.perFunction.delete(name);
    else this.perFunction.set(name, n);
  }
}
