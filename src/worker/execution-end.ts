import type { ExecutionRecord } from '../store/types.js';
import type { ClosedStatus, ExecutionRef, ReleaseReason, WorkerServices } from './services.js';

/** How an execution held by a worker ended there. */
export type ExecutionEnd =
  | { closed: ClosedStatus }
  | { released: ReleaseReason }
  /** The store said it closed, or another worker has it: which one is read from the store. */
  | { elsewhere: true };

/**
 * Tells {@link WorkerServices.hooks} how an execution held here ended: `onWorkflowClosed` or
 * `onWorkflowReleased`. For an end seen from outside (a `closed` notice, a renewal refused), the
 * execution's row says whether it was terminated (reported closed: no worker closed it) or taken
 * by another worker (reported `lease lost`, even when that worker has closed it since: it reports
 * the close itself). That read is made only when one of the two hooks is installed; a failed read
 * reports `lease lost`.
 */
export function reportEnd(services: WorkerServices, e: ExecutionRecord, end: ExecutionEnd): void {
  const hooks = services.hooks;
  if (hooks.onWorkflowClosed === undefined && hooks.onWorkflowReleased === undefined) return;
  const ref: ExecutionRef = {
    workflowId: e.workflowId,
    runId: e.runId,
    workflowType: e.workflowType,
    taskQueue: e.taskQueue,
  };
  if ('closed' in end) {
    const durationMs = services.clock.nowMs() - e.startTimeMs;
    services.hooks.onWorkflowClosed?.({ ...ref, status: end.closed, durationMs });
  } else if ('released' in end) {
    services.hooks.onWorkflowReleased?.({ ...ref, reason: end.released });
  } else {
    const lost = (): void => services.hooks.onWorkflowReleased?.({ ...ref, reason: 'lease lost' });
    let read: Promise<ExecutionRecord | undefined>;
    try {
      read = services.store.getExecution(e.workflowId, e.runId);
    } catch {
      return lost();
    }
    read.then((now) => {
      // Any other close was written by the worker that took the execution over, which reports it.
      if (now?.status !== 'TERMINATED') return lost();
      const durationMs = (now.closeTimeMs ?? services.clock.nowMs()) - e.startTimeMs;
      services.hooks.onWorkflowClosed?.({ ...ref, status: 'TERMINATED', durationMs });
    }, lost);
  }
}
