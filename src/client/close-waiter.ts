import type { ExecutionRecord, Store } from '../store/types.js';

type Waiter = (record: ExecutionRecord) => void;

/**
 * Waits for executions to close: woken at once by the store's notices for closes made in this
 * process, and by a shared poll for closes made by other processes.
 */
export class CloseWaiter {
  private readonly waiters = new Map<string, { workflowId: string; resolve: Waiter[] }>();
  private unsubscribe: (() => void) | undefined;
  private poller: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly pollIntervalMs: number,
  ) {}

  /** Resolves with the closed execution record. */
  async wait(workflowId: string, runId: string, known?: ExecutionRecord): Promise<ExecutionRecord> {
    const now = known ?? (await this.store.getExecution(workflowId, runId));
    if (now !== undefined && now.status !== 'RUNNING') return now;
    return new Promise((resolve) => {
      let entry = this.waiters.get(runId);
      if (entry === undefined) {
        entry = { workflowId, resolve: [] };
        this.waiters.set(runId, entry);
      }
      entry.resolve.push(resolve);
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
      if (n.kind === 'closed' && this.waiters.has(n.runId)) void this.check(n.runId);
    });
    this.poller ??= setInterval(() => void this.pollAll(), this.pollIntervalMs);
  }

  private async pollAll(): Promise<void> {
    let closed: string[];
    try {
      closed = await this.store.closedAmong([...this.waiters.keys()]);
    } catch {
      return;
    }
    for (const runId of closed) await this.check(runId);
  }

  private async check(runId: string): Promise<void> {
    const entry = this.waiters.get(runId);
    if (entry === undefined) return;
    let record: ExecutionRecord | undefined;
    try {
      record = await this.store.getExecution(entry.workflowId, runId);
    } catch {
      return;
    }
    if (record === undefined || record.status === 'RUNNING' || !this.waiters.has(runId)) return;
    this.waiters.delete(runId);
    for (const resolve of entry.resolve) resolve(record);
    if (this.waiters.size === 0) this.close();
  }
}
