/**
 * Concurrency accounting: concurrency is the number of busy environments. A function with
 * reserved concurrency R may run at most R at once and never competes for the rest; all other
 * functions share the unreserved pool (account limit minus every reservation).
 */
import { GustError } from '../errors.ts';

export interface Reservations {
  /** Reserved concurrency of a function, or undefined when it uses the unreserved pool. */
  of(name: string): number | undefined;
  /** Sum of all reservations. */
  total(): number;
  /** Every function with a reservation. */
  entries(): [string, number][];
}

/** Which functions cannot start another invocation right now because all their slots are busy. */
export interface Saturation {
  /** The unreserved pool is full: functions without a reservation cannot run. */
  unreservedFull: boolean;
  /** Functions with a reservation > 0 whose slots are all busy. */
  busyReserved: string[];
  /** Functions with a reservation and a free slot (or reservation 0: they never get one). */
  otherReserved: string[];
}

export class ConcurrencyGate {
  private inUse = 0;
  private unreservedInUse = 0;
  private perFunction = new Map<string, { n: number; reserved: boolean }>();

  constructor(
    public accountLimit: number,
    private reservations: Reservations = { of: () => undefined, total: () => 0, entries: () => [] },
  ) {}

  get current(): number {
    return this.inUse;
  }

  functionCurrent(name: string): number {
    return this.perFunction.get(name)?.n ?? 0;
  }

  /** Free slots for functions without a reservation. */
  unreservedAvailable(): number {
    return Math.max(0, this.accountLimit - this.reservations.total() - this.unreservedInUse);
  }

  saturation(): Saturation {
    const busyReserved: string[] = [];
    const otherReserved: string[] = [];
    for (const [name, r] of this.reservations.entries()) {
      if (r > 0 && this.functionCurrent(name) >= r) busyReserved.push(name);
      else otherReserved.push(name);
    }
    return { unreservedFull: this.unreservedAvailable() <= 0, busyReserved, otherReserved };
  }

  /** Reserved concurrency 0: the function never runs. */
  disabled(name: string): boolean {
    return this.reservations.of(name) === 0;
  }

  /** Would `acquire(name)` succeed now? */
  canAcquire(name: string): boolean {
    const reserved = this.reservations.of(name);
    if (reserved !== undefined) return this.functionCurrent(name) < reserved;
    return this.unreservedAvailable() > 0;
  }

  /** Take one slot for `name` or throw Lambda's throttle error with its Reason. */
  acquire(name: string): void {
    const reserved = this.reservations.of(name);
    if (reserved !== undefined) {
      if (this.functionCurrent(name) >= reserved) {
        throw new GustError('GUST_THROTTLED', 'Rate Exceeded.', {
          Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
        });
      }
    } else if (this.unreservedAvailable() <= 0) {
      throw new GustError('GUST_THROTTLED', 'Rate Exceeded.', { Reason: 'ConcurrentInvocationLimitExceeded' });
    }
    this.inUse++;
    const cur = this.perFunction.get(name) ?? { n: 0, reserved: reserved !== undefined };
    cur.n++;
    cur.reserved = reserved !== undefined;
    this.perFunction.set(name, cur);
    if (reserved === undefined) this.unreservedInUse++;
  }

  release(name: string): void {
    const cur = this.perFunction.get(name);
    if (!cur) return;
    this.inUse = Math.max(0, this.inUse - 1);
    if (!cur.reserved) this.unreservedInUse = Math.max(0, this.unreservedInUse - 1);
    cur.n--;
    if (cur.n <= 0) this.perFunction.delete(name);
  }
}
