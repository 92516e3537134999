/**
 * A level-less wake-up: `wait(ms)` resolves at the next `fire()` or after `ms`, whichever comes
 * first, and leaves no timer behind.
 */
export class Signal {
  private readonly waiters = new Set<() => void>();

  /** Wakes every current waiter. */
  fire(): void {
    for (const wake of [...this.waiters]) wake();
  }

  /** Resolves at the next {@link fire} or after `ms` milliseconds; never rejects. */
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, Math.max(0, ms));
      this.waiters.add(wake);
    });
  }
}
