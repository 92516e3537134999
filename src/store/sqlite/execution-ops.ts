import { WorkflowNotFoundError } from '../../common/errors.js';
import type { HistoryEvent } from '../../common/history.js';
import { refuseStart } from '../reuse-policy.js';
import type { CreateExecutionRequest, ExecutionRecord, SignalRequest, StoreNotice } from '../types.js';
import { closeLinks } from './children.js';
import { eventParams, toExecution, type ExecutionRow } from './rows.js';
import type { Statements } from './statements.js';

/** Statements on one execution, run inside a group-commit batch. Refusals throw before any change. */

/** The newest run of a workflowId. */
export function latestRun(st: Statements, workflowId: string): ExecutionRecord | undefined {
  const row = st.latestByWorkflowId.get(workflowId) as ExecutionRow | undefined;
  return row === undefined ? undefined : toExecution(row);
}

/** The running execution of a workflowId (or that run). @throws WorkflowNotFoundError when unknown or closed */
export function runningRow(st: Statements, workflowId: string, runId: string | undefined): ExecutionRow {
  const row = (
    runId === undefined ? st.latestByWorkflowId.get(workflowId) : st.byWorkflowAndRun.get(workflowId, runId)
  ) as ExecutionRow | undefined;
  if (row === undefined) throw new WorkflowNotFoundError(workflowId, runId);
  if (row.status !== 'RUNNING') {
    throw new WorkflowNotFoundError(
      workflowId,
      row.run_id,
      `workflow execution already closed (${row.status})`,
    );
  }
  return row;
}

/**
 * Writes a start: the execution row, its first event, a due workflow task. Returns the run it
 * terminated (TERMINATE_IF_RUNNING), if any.
 * @throws WorkflowExecutionAlreadyStartedError when the reuse policy refuses it
 */
export function applyStart(st: Statements, req: CreateExecutionRequest): ExecutionRow | undefined {
  // ALLOW_DUPLICATE needs no look-up: the unique index on running workflowIds decides.
  const previous = req.reusePolicy === 'ALLOW_DUPLICATE' ? undefined : latestRun(st, req.workflowId);
  const verdict = refuseStart(req, previous);
  let terminated: ExecutionRow | undefined;
  if (verdict === 'terminate') {
    const reason = 'terminated by a new start (TERMINATE_IF_RUNNING)';
    terminated = terminateRow(st, runningRow(st, req.workflowId, previous!.runId), reason, req.nowMs);
  } else if (verdict !== undefined) {
    throw verdict;
  }
  try {
    st.insertExecution.run(
      req.runId,
      req.workflowId,
      req.workflowType,
      req.taskQueue,
      req.nowMs,
      req.readyAtMs ?? req.nowMs,
      req.memo ?? null,
      JSON.stringify(req.searchAttributes ?? {}),
    );
  } catch (err) {
    if (verdict !== undefined || (err as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw err;
    const refusal = refuseStart(req, latestRun(st, req.workflowId));
    throw refusal instanceof Error ? refusal : err;
  }
  st.insertEvent.run(...eventParams(req.runId, req.startEvent));
  return terminated;
}

/** Adds a signal to a running execution's inbox (accept order = inbox id) and wakes it if unowned. */
export function applySignal(st: Statements, row: ExecutionRow, req: SignalRequest): ExecutionRow {
  st.insertInbox.run(
    row.run_id,
    'signal',
    JSON.stringify({ signalName: req.signalName }),
    req.payload,
    req.nowMs,
  );
  st.wakeUnowned.run(req.nowMs, row.run_id);
  return row;
}

/** Closes a running execution with `WorkflowExecutionTerminated`, fencing out its owner. */
export function terminateRow(
  st: Statements,
  row: ExecutionRow,
  reason: string,
  nowMs: number,
  notices: StoreNotice[] = [],
): ExecutionRow {
  const eventId = row.last_event_id + 1;
  const event: HistoryEvent = {
    eventId,
    eventType: 'WorkflowExecutionTerminated',
    timeMs: nowMs,
    attrs: { reason },
  };
  st.insertEvent.run(...eventParams(row.run_id, event));
  st.terminate.run(nowMs, eventId, row.run_id);
  st.deleteActivitiesOfRun.run(row.run_id);
  st.deleteInboxOfRun.run(row.run_id);
  st.closeUpdatesOfRun.run(row.run_id);
  const closed = { runId: row.run_id, workflowId: row.workflow_id, status: 'TERMINATED' as const };
  closeLinks(st, { ...closed, closeEvent: event }, undefined, nowMs, notices, terminateRow);
  return row;
}
