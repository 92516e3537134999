import { ValidationError } from '../common/errors.js';
import type { ResetExecutionRequest } from './types.js';

/**
 * Checks a reset request against the run it resets, the same way in every store, before anything
 * is written: `toEventId` an integer in [1, `lastEventId`], and below the close event of a closed
 * run (a reset re-runs the workflow from a point where it was still running); `startEvent` a
 * `WorkflowExecutionStarted` with event id 1; a new runId.
 *
 * @throws ValidationError naming the field, the range allowed and the value given
 * @example
 * checkResetRange(req, row.lastEventId, row.status !== 'RUNNING');
 */
export function checkResetRange(req: ResetExecutionRequest, lastEventId: number, closed: boolean): void {
  const max = closed ? lastEventId - 1 : lastEventId;
  const id = req.toEventId;
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || id > max) {
    const why = closed ? `, event ${lastEventId} being its close event` : '';
    throw new ValidationError(
      `toEventId: expected an integer in [1, ${max}] for run '${req.runId}' of workflow '${req.workflowId}' (its history ends at event ${lastEventId}${why}), got ${String(id)}`,
    );
  }
  if (req.startEvent.eventId !== 1 || req.startEvent.eventType !== 'WorkflowExecutionStarted')
    throw new ValidationError(
      `startEvent: expected WorkflowExecutionStarted with event id 1, got ${req.startEvent.eventType} ${req.startEvent.eventId}`,
    );
  if (req.newRunId === req.runId)
    throw new ValidationError(`newRunId: expected a runId other than the run reset ('${req.runId}')`);
}
