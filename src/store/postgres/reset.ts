import { WorkflowNotFoundError } from '../../common/errors.js';
import { checkResetRange } from '../reset-range.js';
import type { ResetExecutionRequest, StoreNotice } from '../types.js';
import type { Apply } from './client-ops.js';
import { terminateRow } from './execution-ops.js';
import { eventParams, ms, type ExecutionRow } from './rows.js';
import { ST, type Statement } from './statements.js';

const named = (name: string, text: string): Statement => ({ name: `baton_reset_${name}`, text });

const SQL = {
  /** The running run of a workflowId ($1), locked against a concurrent close. */
  lockRunningOf: named(
    'lock_running_of',
    `SELECT * FROM executions WHERE workflow_id = $1 AND status = 'RUNNING' FOR NO KEY UPDATE`,
  ),
  /**
   * $1 new run, $2 old run, $3 now, $4 last event id, $5 search attributes: the new run, with the
   * old one's type, task queue and memo; its workflow task is due now.
   */
  insertRun: named(
    'insert_run',
    `INSERT INTO executions (run_id, workflow_id, workflow_type, task_queue, status, start_time_ms, last_event_id,
       ready_at_ms, memo_text, memo_bytes, search_attributes)
     SELECT $1, workflow_id, workflow_type, task_queue, 'RUNNING', $3, $4, $3, memo_text, memo_bytes, $5::jsonb
       FROM executions WHERE run_id = $2`,
  ),
  /** $1 new run, $2 old run, $3 last event copied: events 2..$3, ids and times kept. */
  copyEvents: named(
    'copy_events',
    `INSERT INTO history_events (run_id, event_id, event_type, time_ms, attrs, payload_text, payload_bytes)
     SELECT $1, event_id, event_type, time_ms, attrs, payload_text, payload_bytes FROM history_events
      WHERE run_id = $2 AND event_id BETWEEN 2 AND $3`,
  ),
};

/**
 * A reset as a group-commit operation: checks first (a refusal changes nothing), then terminates
 * the running run of the workflowId if there is one (locked, so its owner's next write is fenced
 * by the new epoch and status), then inserts the new run, its start event and the copied events
 * 2..toEventId. `onDone` gets the terminated run's id, if any.
 *
 * @throws WorkflowNotFoundError for an unknown run; ValidationError for `toEventId` out of range
 */
export function resetOp(
  req: ResetExecutionRequest,
  onDone: (terminatedRunId: string | undefined) => void,
): Apply {
  return async (tx) => {
    const { rows } = await tx.query<ExecutionRow>(ST.lockRun, [req.workflowId, req.runId]);
    const row = rows[0];
    if (row === undefined) throw new WorkflowNotFoundError(req.workflowId, req.runId);
    checkResetRange(req, row.last_event_id, row.status !== 'RUNNING');
    const running = (await tx.query<ExecutionRow>(SQL.lockRunningOf, [req.workflowId])).rows[0];
    const notices: StoreNotice[] = [];
    if (running !== undefined) {
      await terminateRow(tx, running, `reset: ${req.reason}`, req.nowMs);
      notices.push({ kind: 'closed', runId: running.run_id, workflowId: running.workflow_id });
    }
    await tx.query(SQL.insertRun, [
      req.newRunId,
      req.runId,
      ms(req.nowMs),
      req.toEventId,
      JSON.stringify(req.searchAttributes),
    ]);
    await tx.query(ST.insertEvent, eventParams(req.newRunId, req.startEvent));
    await tx.query(SQL.copyEvents, [req.newRunId, req.runId, req.toEventId]);
    onDone(running?.run_id);
    notices.push({ kind: 'task', taskQueue: row.task_queue });
    return notices;
  };
}
