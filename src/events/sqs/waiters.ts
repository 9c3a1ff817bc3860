/**
 * Long polling: receivers wait on their queue and are woken the moment a message may have become
 * available (a send, a visibility change, a FIFO group unblocked), or when their own timer fires.
 */
export class Waiters {
  private byQueue = new Map<string, Set<() => void>>();
  private closed = false;

  /** Wait until woken, `ms` pass or the signal aborts. Resolves immediately once closed. */
  wait(queue: string, ms: number, signal?: AbortSignal): Promise<void> {
    if (this.closed || signal?.aborted || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      let set = this.byQueue.get(queue);
      if (!set) this.byQueue.set(queue, (set = new Set()));
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        set.delete(done);
        if (set.size === 0 && this.byQueue.get(queue) === set) this.byQueue.delete(queue);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      set.add(done);
    });
  }

  wake(queue: string): void {
    const set = this.byQueue.get(queue);
    if (set) for (const done of [...set]) done();
  }

  /** Shutdown: wake everyone; later waits return at once. */
  close(): void {
    this.closed = true;
    for (const q of [...this.byQueue.keys()]) this.wake(q);
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
