import { LeaseLostError } from '../../common/errors.js';
import {
  childClosedRow,
  parentClosedReason,
  parseParentLink,
  receiptAttrs,
  type ClosingRun,
} from '../child-links.js';
import type { ExecutionWrite, OutgoingRequest, StoreNotice } from '../types.js';
import type { Apply } from './client-ops.js';
import { applySignal, applyStart, lockRunning } from './execution-ops.js';
import { ms, payloadColumns, type ExecutionRow } from './rows.js';
import { ST, type Queryable } from './statements.js';

/** Child workflows in the PostgreSQL store: parent links, receipts, parent close policies. */

const SQL = {
  /** The sender still held by its owner (and running), locked until the transaction ends. */
  lockSender: `SELECT run_id FROM executions WHERE run_id = $1 AND lease_owner = $2 AND lease_epoch = $3
    AND status = 'RUNNING' FOR NO KEY UPDATE`,
  setParent: `UPDATE executions SET parent_run_id = $1, parent_link = $2 WHERE run_id = $3`,
  linkOf: `SELECT parent_run_id, parent_link FROM executions WHERE run_id = $1`,
  openChildren: `SELECT * FROM executions WHERE parent_run_id = $1 AND status = 'RUNNING' ORDER BY seq FOR NO KEY UPDATE`,
  runningRun: `SELECT run_id, task_queue FROM executions WHERE run_id = $1 AND status = 'RUNNING'`,
} as const;

/** Terminates a running row (execution-ops' `terminateRow`, passed in to keep the imports one-way). */
export type TerminateRow = (
  tx: Queryable,
  row: ExecutionRow,
  reason: string,
  nowMs: number,
  notices: StoreNotice[],
) => Promise<ExecutionRow>;

async function inbox(
  tx: Queryable,
  runId: string,
  kind: string,
  attrs: string,
  payload: unknown,
  nowMs: number,
) {
  await tx.query(ST.insertInbox, [runId, kind, attrs, ...payloadColumns(payload as never), ms(nowMs)]);
}

/**
 * An outgoing request as a group-commit operation (see {@link OutgoingRequest}): fenced by the
 * sender's lease, then the start, signal or cancel request, then the sender's receipt.
 */
export function outgoingOp(req: OutgoingRequest): Apply {
  return async (tx) => {
    const from = req.from;
    const held = await tx.query(SQL.lockSender, [from.runId, from.workerId, from.epoch]);
    if (held.rowCount === 0) throw new LeaseLostError(from.runId);
    const notices: StoreNotice[] = [{ kind: 'inbox', runId: from.runId }];
    if (req.kind === 'startChild') {
      const { start } = req;
      const terminated = await applyStart(tx, start);
      if (terminated !== undefined)
        notices.push({ kind: 'closed', runId: terminated.run_id, workflowId: terminated.workflow_id });
      await tx.query(SQL.setParent, [start.parent.runId, JSON.stringify(start.parent), start.runId]);
      const attrs = receiptAttrs({
        seq: start.parent.seq,
        initiatedEventId: start.parent.initiatedEventId,
        workflowId: start.workflowId,
        runId: start.runId,
      });
      await inbox(tx, from.runId, 'childStarted', attrs, undefined, start.nowMs);
      notices.push({ kind: 'task', taskQueue: start.taskQueue });
      return notices;
    }
    const target =
      req.kind === 'signal'
        ? await lockRunning(tx, req.signal.workflowId, req.signal.runId)
        : await lockRunning(tx, req.workflowId, req.runId);
    const nowMs = req.kind === 'signal' ? req.signal.nowMs : req.nowMs;
    if (req.kind === 'signal') await applySignal(tx, target, req.signal);
    else {
      await inbox(tx, target.run_id, 'cancel', JSON.stringify({ reason: req.reason }), undefined, nowMs);
      await tx.query(ST.wakeUnowned, [ms(nowMs), target.run_id]);
    }
    const attrs = receiptAttrs({
      seq: req.seq,
      initiatedEventId: req.initiatedEventId,
      workflowId: target.workflow_id,
      runId: target.run_id,
    });
    const kind = req.kind === 'signal' ? 'externalSignaled' : 'externalCancelRequested';
    await inbox(tx, from.runId, kind, attrs, undefined, nowMs);
    notices.push({ kind: 'inbox', runId: target.run_id }, { kind: 'task', taskQueue: target.task_queue });
    return notices;
  };
}

/**
 * The links of a run that has just closed (its row already closed): its parent hears of the
 * close through a `childClosed` inbox row, unless a next run follows (`nextRunId`: it inherits the
 * link); its open children get their parent close policy (TERMINATE recursively, REQUEST_CANCEL
 * as a cancel request, ABANDON nothing).
 */
export async function closeLinks(
  tx: Queryable,
  run: ClosingRun,
  nextRunId: string | undefined,
  nowMs: number,
  notices: StoreNotice[],
  terminate: TerminateRow,
): Promise<void> {
  const { rows } = await tx.query<{ parent_run_id: string | null; parent_link: string | null }>(SQL.linkOf, [
    run.runId,
  ]);
  const own = rows[0];
  if (own?.parent_link != null) {
    if (nextRunId !== undefined)
      await tx.query(SQL.setParent, [own.parent_run_id, own.parent_link, nextRunId]);
    else await notifyParent(tx, own.parent_link, run, nowMs, notices);
  }
  const children = await tx.query<ExecutionRow & { parent_link: string }>(SQL.openChildren, [run.runId]);
  for (const child of children.rows) {
    const link = parseParentLink(child.parent_link);
    if (link.parentClosePolicy === 'TERMINATE') {
      await terminate(tx, child, parentClosedReason(link), nowMs, notices);
      notices.push({ kind: 'closed', runId: child.run_id, workflowId: child.workflow_id });
    } else if (link.parentClosePolicy === 'REQUEST_CANCEL') {
      const reason = JSON.stringify({ reason: parentClosedReason(link) });
      await inbox(tx, child.run_id, 'cancel', reason, undefined, nowMs);
      await tx.query(ST.wakeUnowned, [ms(nowMs), child.run_id]);
      notices.push({ kind: 'inbox', runId: child.run_id }, { kind: 'task', taskQueue: child.task_queue });
    }
  }
}

async function notifyParent(
  tx: Queryable,
  linkText: string,
  run: ClosingRun,
  nowMs: number,
  notices: StoreNotice[],
): Promise<void> {
  const link = parseParentLink(linkText);
  const { rows } = await tx.query<{ run_id: string; task_queue: string }>(SQL.runningRun, [link.runId]);
  const parent = rows[0];
  if (parent === undefined) return; // the parent has closed: nobody waits for this child
  const row = childClosedRow(link, run);
  await inbox(tx, parent.run_id, 'childClosed', row.attrs, row.payload, nowMs);
  await tx.query(ST.wakeUnowned, [ms(nowMs), parent.run_id]);
  notices.push({ kind: 'inbox', runId: parent.run_id }, { kind: 'task', taskQueue: parent.task_queue });
}

/** Notices of the links of owners' closing writes, announced with the writes' own. */
const linkNotices = new WeakMap<ExecutionWrite, StoreNotice[]>();

/** The extra notices of a write (see {@link closeWriteLinks}). */
export function noticesOfLinks(w: ExecutionWrite): StoreNotice[] {
  return linkNotices.get(w) ?? [];
}

/**
 * The links of an owner's closing write that passed its fence (its `childLinks` say whether
 * there is anything to do): run in the batch's transaction, after the batch statement.
 */
export async function closeWriteLinks(
  tx: Queryable,
  w: ExecutionWrite,
  terminate: TerminateRow,
): Promise<void> {
  if (w.close === undefined || w.childLinks === undefined) return;
  const notices: StoreNotice[] = [];
  const last = w.events[w.events.length - 1];
  const run = { runId: w.runId, workflowId: w.workflowId, status: w.close, closeEvent: last };
  await closeLinks(tx, run, w.nextRun?.runId, last?.timeMs ?? Date.now(), notices, terminate);
  linkNotices.set(w, notices);
}
