/** A counting semaphore with FIFO waiters, for `maxConcurrentActivities`. */
export class Semaphore {
  private inUse = 0;
  private readonly waiters: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly size: number) {}

  /** Resolves with a release function once a slot is free. */
  acquire(): Promise<() => void> {
    if (this.inUse < this.size) {
      this.inUse++;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve) => this.waiters.push(() => resolve(this.releaser())));
  }

  /** A slot's release function if one is free now (no waiting), else undefined. */
  tryAcquire(): (() => void) | undefined {
    if (this.inUse >= this.size || this.waiters.length > 0) return undefined;
    this.inUse++;
    return this.releaser();
  }

  /** Resolves when no slot is in use, or after `timeoutMs`. */
  idle(timeoutMs: number): Promise<void> {
    if (this.inUse === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.idleWaiters = this.idleWaiters.filter((w) => w !== done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.idleWaiters.push(done);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next !== undefined) return next();
      this.inUse--;
      if (this.inUse === 0) for (const w of [...this.idleWaiters]) w();
    };
  }
}
