import type { ExecutionRecord, Store } from '../store/types.js';

/**
 * Waits for executions to close: woken at once by the store's notices for closes made in this
 * process, and by one shared query per poll for closes made by other processes.
 */
export class CloseWaiter {
  private readonly waiters = new Map<string, (() => void)[]>();
  private unsubscribe: (() => void) | undefined;
  private poller: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly pollIntervalMs: number,
  ) {}

  /** Resolves once the run of `record` has closed. */
  wait(record: ExecutionRecord): Promise<void> {
    if (record.status !== 'RUNNING') return Promise.resolve();
    return new Promise((resolve) => {
      const entry = this.waiters.get(record.runId);
      if (entry === undefined) this.waiters.set(record.runId, [resolve]);
      else entry.push(resolve);
      this.arm();
    });
  }

  /** Stops listening; pending waits stay pending. */
  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.poller !== undefined) clearInterval(this.poller);
    this.poller = undefined;
  }

  private arm(): void {
    this.unsubscribe ??= this.store.subscribe((n) => {
      if (n.kind === 'closed') this.closed(n.runId);
    });
    this.poller ??= setInterval(() => void this.pollAll(), this.pollIntervalMs);
  }

  private async pollAll(): Promise<void> {
    try {
      for (const runId of await this.store.closedAmong([...this.waiters.keys()])) this.closed(runId);
    } catch {
      // The next poll tries again.
    }
  }

  private closed(runId: string): void {
    const entry = this.waiters.get(runId);
    if (entry === undefined) return;
    this.waiters.delete(runId);
    for (const resolve of entry) resolve();
    if (this.waiters.size === 0) this.close();
  }
}
