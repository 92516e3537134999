import type { WorkerHooks } from './services.js';

/**
 * Counts the writes a worker hands to the store during one event-loop turn and reports them once
 * the turn is over ({@link WorkerHooks.onGroupCommit}): the store group-commits the writes of a
 * turn in one transaction, so this is the part of each group commit that comes from this worker.
 * Its report is scheduled (`setImmediate`) before the store's flush, so it runs first, in the same
 * turn. Made only when the hook is installed: without it a write costs a null check.
 */
export class CommitMeter {
  private writes = 0;

  constructor(private readonly hooks: WorkerHooks) {}

  /** One write is about to be handed to the store; call it before `store.commit`. */
  count(): void {
    if (this.writes++ === 0) setImmediate(this.report);
  }

  private readonly report = (): void => {
    const writes = this.writes;
    this.writes = 0;
    this.hooks.onGroupCommit?.({ writes });
  };
}
