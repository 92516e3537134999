import type Database from 'better-sqlite3';
import { WorkflowNotFoundError } from '../../common/errors.js';
import { checkResetRange } from '../reset-range.js';
import type { ResetExecutionRequest } from '../types.js';
import { terminateRow } from './execution-ops.js';
import { eventParams, type ExecutionRow } from './rows.js';
import type { Statements } from './statements.js';

/** The statements of a reset, prepared once per connection. */
export interface ResetStatements {
  readonly insertRun: Database.Statement;
  readonly copyEvents: Database.Statement;
  readonly runningOf: Database.Statement;
}

export function prepareReset(db: Database.Database): ResetStatements {
  return {
    // The new run: the old one's type, task queue and memo; its history ends at the copied prefix.
    insertRun: db.prepare(
      `INSERT INTO executions (run_id, workflow_id, workflow_type, task_queue, status, start_time_ms, last_event_id,
         ready_at_ms, memo, search_attributes)
       SELECT @newRunId, workflow_id, workflow_type, task_queue, 'RUNNING', @nowMs, @toEventId, @nowMs, memo, @searchAttributes
         FROM executions WHERE run_id = @runId`,
    ),
    copyEvents: db.prepare(
      `INSERT INTO history_events (run_id, event_id, event_type, time_ms, attrs, payload)
       SELECT @newRunId, event_id, event_type, time_ms, attrs, payload FROM history_events
        WHERE run_id = @runId AND event_id BETWEEN 2 AND @toEventId`,
    ),
    runningOf: db.prepare(`SELECT * FROM executions WHERE workflow_id = ? AND status = 'RUNNING'`),
  };
}

/**
 * Writes a reset inside a group-commit batch: checks first (nothing is changed by a refusal),
 * then terminates the running run of the workflowId if there is one (fencing its owner: the
 * epoch moves on and the run is no longer RUNNING), then inserts the new run, its start event,
 * the copied events 2..toEventId. Returns the terminated run, if any, and the new run's task queue.
 *
 * @throws WorkflowNotFoundError for an unknown run; ValidationError for `toEventId` out of range
 */
export function applyReset(
  st: Statements,
  rs: ResetStatements,
  req: ResetExecutionRequest,
): { terminated: ExecutionRow | undefined; taskQueue: string } {
  const row = st.byWorkflowAndRun.get(req.workflowId, req.runId) as ExecutionRow | undefined;
  if (row === undefined) throw new WorkflowNotFoundError(req.workflowId, req.runId);
  checkResetRange(req, row.last_event_id, row.status !== 'RUNNING');
  const running = rs.runningOf.get(req.workflowId) as ExecutionRow | undefined;
  const terminated =
    running === undefined ? undefined : terminateRow(st, running, `reset: ${req.reason}`, req.nowMs);
  rs.insertRun.run({
    newRunId: req.newRunId,
    runId: req.runId,
    nowMs: req.nowMs,
    toEventId: req.toEventId,
    searchAttributes: JSON.stringify(req.searchAttributes),
  });
  st.insertEvent.run(...eventParams(req.newRunId, req.startEvent));
  rs.copyEvents.run({ newRunId: req.newRunId, runId: req.runId, toEventId: req.toEventId });
  return { terminated, taskQueue: row.task_queue };
}
