import {
  StoreError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
} from '../../common/errors.js';
import type { HistoryEvent } from '../../common/history.js';
import { refuseStart } from '../reuse-policy.js';
import type { CreateExecutionRequest, ExecutionRecord, SignalRequest, StoreNotice } from '../types.js';
import { closeLinks } from './children.js';
import { columns, eventParams, ms, payloadColumns, toExecution, type ExecutionRow } from './rows.js';
import { ST, type Queryable } from './statements.js';

/**
 * Statements on one execution, run inside a group-commit transaction. Refusals throw before any
 * change (a PostgreSQL error would abort the whole transaction, so conflicts are detected with
 * `ON CONFLICT DO NOTHING`, never by catching a unique violation).
 */

/** The newest run of a workflowId. */
export async function latestRun(tx: Queryable, workflowId: string): Promise<ExecutionRecord | undefined> {
  const { rows } = await tx.query<ExecutionRow>(ST.latestByWorkflowId, [workflowId]);
  return rows[0] === undefined ? undefined : toExecution(rows[0]);
}

/**
 * The running execution of a workflowId (or that run), locked until the transaction ends so that
 * a close committing meanwhile is seen (then it is not running any more).
 * @throws WorkflowNotFoundError when unknown or closed
 */
export async function lockRunning(
  tx: Queryable,
  workflowId: string,
  runId: string | undefined,
): Promise<ExecutionRow> {
  const { rows } =
    runId === undefined
      ? await tx.query<ExecutionRow>(ST.lockLatest, [workflowId])
      : await tx.query<ExecutionRow>(ST.lockRun, [workflowId, runId]);
  let row = rows[0];
  // The newest run closed while this waited for its lock, maybe starting the next run (a
  // continue-as-new, a retry) that this statement could not see: look again (a new statement sees
  // it), until the newest run is running or is the closed one seen before.
  while (runId === undefined && row !== undefined && row.status !== 'RUNNING') {
    const again = (await tx.query<ExecutionRow>(ST.lockLatest, [workflowId])).rows[0];
    if (again?.run_id === row.run_id) break;
    row = again;
  }
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
 * @throws WorkflowExecutionAlreadyStartedError when the reuse policy refuses it (before any change)
 */
export async function applyStart(
  tx: Queryable,
  req: CreateExecutionRequest,
): Promise<ExecutionRow | undefined> {
  // ALLOW_DUPLICATE needs no look-up: the unique index on running workflowIds decides.
  const previous = req.reusePolicy === 'ALLOW_DUPLICATE' ? undefined : await latestRun(tx, req.workflowId);
  const verdict = refuseStart(req, previous);
  let terminated: ExecutionRow | undefined;
  if (verdict === 'terminate') {
    const reason = 'terminated by a new start (TERMINATE_IF_RUNNING)';
    terminated = await terminateRow(
      tx,
      await lockRunning(tx, req.workflowId, previous!.runId),
      reason,
      req.nowMs,
    );
  } else if (verdict !== undefined) {
    throw verdict;
  }
  const inserted = await tx.query(ST.insertStart, [
    req.runId,
    req.workflowId,
    req.workflowType,
    req.taskQueue,
    ms(req.nowMs),
    ms(req.readyAtMs ?? req.nowMs),
    ...payloadColumns(req.memo),
    JSON.stringify(req.searchAttributes ?? {}),
    ...eventParams(req.runId, req.startEvent).slice(1),
  ]);
  if (inserted.rowCount === 1) return terminated;
  // Another run of the workflowId is running (or the runId is taken).
  const error = alreadyStarted(req, refuseStart(req, await latestRun(tx, req.workflowId)));
  // After a termination the refusal is no longer change-free: fail the write as a whole.
  if (terminated !== undefined) throw new StoreError(error.message, error);
  throw error;
}

/**
 * Writes many ALLOW_DUPLICATE starts with one statement. A start whose workflowId has a running
 * execution (or an earlier start of the same batch) is refused and writes nothing.
 * @returns for each start, undefined when written or the WorkflowExecutionAlreadyStartedError
 */
export async function applyStarts(
  tx: Queryable,
  reqs: readonly CreateExecutionRequest[],
): Promise<(WorkflowExecutionAlreadyStartedError | undefined)[]> {
  const rows = reqs.map((req) => [
    req.runId,
    req.workflowId,
    req.workflowType,
    req.taskQueue,
    ms(req.nowMs),
    ms(req.readyAtMs ?? req.nowMs),
    ...payloadColumns(req.memo),
    JSON.stringify(req.searchAttributes ?? {}),
    ...eventParams(req.runId, req.startEvent).slice(1),
  ]);
  const { rows: inserted } = await tx.query<{ run_id: string }>(ST.insertStarts, columns(rows, 15));
  const ok = new Set(inserted.map((r) => r.run_id));
  const out: (WorkflowExecutionAlreadyStartedError | undefined)[] = [];
  for (const req of reqs) {
    if (ok.has(req.runId)) out.push(undefined);
    else out.push(alreadyStarted(req, refuseStart(req, await latestRun(tx, req.workflowId))));
  }
  return out;
}

/** The refusal of a start that conflicted: the policy's, or a generic one. */
function alreadyStarted(
  req: CreateExecutionRequest,
  refusal: ReturnType<typeof refuseStart>,
): WorkflowExecutionAlreadyStartedError {
  return refusal instanceof WorkflowExecutionAlreadyStartedError
    ? refusal
    : new WorkflowExecutionAlreadyStartedError(
        `workflow execution already started: workflowId '${req.workflowId}' (run '${req.runId}' conflicts with a running execution or an existing run)`,
        req.workflowId,
        req.workflowType,
      );
}

/** Adds a signal to a running execution's inbox (accept order = inbox id) and wakes it if unowned. */
export async function applySignal(
  tx: Queryable,
  row: ExecutionRow,
  req: SignalRequest,
): Promise<ExecutionRow> {
  await tx.query(ST.insertInbox, [
    row.run_id,
    'signal',
    JSON.stringify({ signalName: req.signalName }),
    ...payloadColumns(req.payload),
    ms(req.nowMs),
  ]);
  await tx.query(ST.wakeUnowned, [ms(req.nowMs), row.run_id]);
  return row;
}

/** Closes a running execution with `WorkflowExecutionTerminated`, fencing out its owner. */
export async function terminateRow(
  tx: Queryable,
  row: ExecutionRow,
  reason: string,
  nowMs: number,
  notices: StoreNotice[] = [],
): Promise<ExecutionRow> {
  const eventId = row.last_event_id + 1;
  const event: HistoryEvent = {
    eventId,
    eventType: 'WorkflowExecutionTerminated',
    timeMs: nowMs,
    attrs: { reason },
  };
  await tx.query(ST.insertEvent, eventParams(row.run_id, event));
  await tx.query(ST.terminate, [ms(nowMs), eventId, row.run_id]);
  await tx.query(ST.closeLeftovers, [[row.run_id]]);
  const closed = { runId: row.run_id, workflowId: row.workflow_id, status: 'TERMINATED' as const };
  await closeLinks(tx, { ...closed, closeEvent: event }, undefined, nowMs, notices, terminateRow);
  return row;
}
