import type { DataConverter } from '../common/converter.js';
import { WorkflowUpdateFailedError } from '../runtime/updates.js';
import type { Store, UpdateRecord, UpdateStage } from '../store/types.js';
import { pollUntil } from './poll-until.js';

const ORDER: Record<UpdateStage, number> = { ADMITTED: 0, ACCEPTED: 1, REJECTED: 2, COMPLETED: 2 };

/** Waits for an update to reach a stage; resolves with its record. */
export async function waitForUpdate(
  store: Store,
  runId: string,
  updateId: string,
  stage: 'ACCEPTED' | 'COMPLETED',
  signal?: AbortSignal,
): Promise<UpdateRecord> {
  const record = await pollUntil(
    store,
    (n) => n.kind === 'update' && n.updateId === updateId && n.runId === runId,
    async () => {
      const r = await store.getUpdate(runId, updateId);
      return r !== undefined && ORDER[r.stage] >= ORDER[stage] ? r : undefined;
    },
    undefined,
    signal,
  );
  return record!;
}

/** A handle on an update that was admitted, as Temporal's `WorkflowUpdateHandle`. */
export class WorkflowUpdateHandle<Ret> {
  constructor(
    private readonly store: Store,
    private readonly converter: DataConverter,
    readonly workflowId: string,
    readonly runId: string,
    readonly updateId: string,
  ) {}

  /**
   * Waits for the update's outcome.
   * @throws WorkflowUpdateFailedError when it was rejected (validator) or its handler failed; the cause says why.
   */
  async result(options: { signal?: AbortSignal } = {}): Promise<Ret> {
    const record = await waitForUpdate(this.store, this.runId, this.updateId, 'COMPLETED', options.signal);
    const outcome = record.outcome === undefined ? undefined : this.converter.fromPayload(record.outcome);
    if (record.failed && outcome === undefined) {
      throw new WorkflowUpdateFailedError(
        `update '${this.updateId}' failed: the workflow execution closed before the update completed`,
        this.updateId,
        undefined,
      );
    }
    if (record.failed) {
      const verb = record.stage === 'REJECTED' ? 'rejected' : 'failed';
      throw new WorkflowUpdateFailedError(
        `update '${this.updateId}' ${verb}: ${(outcome as Error | undefined)?.message ?? ''}`,
        this.updateId,
        outcome,
      );
    }
    return outcome as Ret;
  }
}
