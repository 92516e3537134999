import type { EventOf } from '../common/history.js';
import type { ClaimedExecution } from '../store/types.js';
import type { WorkflowTakenEvent } from './services.js';

/** The {@link WorkflowTakenEvent} of a claimed execution, claimed at `nowMs` (worker clock). */
export function takenEvent(claimed: ClaimedExecution, nowMs: number): WorkflowTakenEvent {
  const e = claimed.execution;
  const firstTask = claimed.history.length === 1 && e.leaseEpoch <= 1;
  let readyAtMs = claimed.readyAtMs;
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
    leaseExpired: claimed.leaseExpired === true,
    scheduleToStartMs: readyAtMs === undefined ? undefined : Math.max(0, nowMs - readyAtMs),
    takenAtMs: nowMs,
  };
}
