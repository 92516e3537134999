import type { EventOf } from '../common/history.js';
import type { ClaimedExecution } from '../store/types.js';
import type { WorkflowTakenEvent } from './services.js';

/**
 * What a store may tell about a claim beyond {@link ClaimedExecution}. Both are optional: a store
 * that does not fill them in makes `leaseExpired` false and `scheduleToStartMs` known only for
 * first tasks (from the start event).
 */
export interface ClaimDetails {
  /**
   * When the execution's workflow task became claimable, epoch ms: its `ready_at` before this
   * claim (a start, a fired timer, a message to an unowned execution, a hand-back, or the expiry
   * of the previous owner's lease).
   */
  readyAtMs?: number;
  /** True when the execution was taken from an owner whose lease had expired. */
  leaseExpired?: boolean;
}

/** The {@link WorkflowTakenEvent} of a claimed execution, claimed at `nowMs` (worker clock). */
export function takenEvent(claimed: ClaimedExecution, nowMs: number): WorkflowTakenEvent {
  const e = claimed.execution;
  const details = claimed as ClaimedExecution & ClaimDetails;
  const firstTask = claimed.history.length === 1 && e.leaseEpoch <= 1;
  let readyAtMs = details.readyAtMs;
  if (readyAtMs === undefined && firstTask) {
    const started = claimed.history[0] as EventOf<'WorkflowExecutionStarted'>;
    // A run started by a workflow retry becomes due after its back-off, which the event does not keep.
    if (started.attrs.attempt <= 1) readyAtMs = started.timeMs;
  }
  return {
    workflowId: e.workflowId,
    runId: e.runId,
    workflowType: e.workflowType,
    taskQueue: e.taskQueue,
    firstTask,
    leaseExpired: details.leaseExpired === true,
    scheduleToStartMs: readyAtMs === undefined ? undefined : Math.max(0, nowMs - readyAtMs),
    takenAtMs: nowMs,
  };
}
