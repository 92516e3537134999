import type Database from 'better-sqlite3';
import { LeaseLostError } from '../../common/errors.js';
import {
  childClosedRow,
  parentClosedReason,
  parseParentLink,
  receiptAttrs,
  type ClosingRun,
} from '../child-links.js';
import type { OutgoingRequest, StoreNotice } from '../types.js';
import { applySignal, applyStart, runningRow } from './execution-ops.js';
import type { ExecutionRow } from './rows.js';
import type { Statement, Statements } from './statements.js';

/** Child workflows in the SQLite store: parent links, receipts, parent close policies. */

const SQL = {
  setParent: `UPDATE executions SET parent_run_id = ?, parent_link = ? WHERE run_id = ?`,
  linkOf: `SELECT parent_run_id, parent_link FROM executions WHERE run_id = ?`,
  openChildren: `SELECT * FROM executions WHERE parent_run_id = ? AND status = 'RUNNING'`,
  runningRun: `SELECT run_id, task_queue FROM executions WHERE run_id = ? AND status = 'RUNNING'`,
} as const;

type ChildStatements = { readonly [K in keyof typeof SQL]: Statement };

const prepared = new WeakMap<Database.Database, ChildStatements>();

/** The statements of this file, prepared once per connection (the one `st` was prepared on). */
function cs(st: Statements): ChildStatements {
  const db = (st.insertEvent as unknown as { database: Database.Database }).database;
  let c = prepared.get(db);
  if (c === undefined) {
    const out: Record<string, Statement> = {};
    for (const [name, sql] of Object.entries(SQL)) out[name] = db.prepare(sql);
    c = out as ChildStatements;
    prepared.set(db, c);
  }
  return c;
}

/** Terminates a running row (execution-ops' `terminateRow`, passed in to keep the imports one-way). */
export type TerminateRow = (
  st: Statements,
  row: ExecutionRow,
  reason: string,
  nowMs: number,
  notices: StoreNotice[],
) => ExecutionRow;

/**
 * Applies an outgoing request (see {@link OutgoingRequest}): fenced by the sender's lease, then
 * the start, signal or cancel request, then the sender's receipt.
 * @throws LeaseLostError, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError (no change made)
 */
export function applyOutgoing(st: Statements, req: OutgoingRequest, notices: StoreNotice[]): void {
  const from = req.from;
  if (st.checkLease.get(from.runId, from.workerId, from.epoch) === undefined)
    throw new LeaseLostError(from.runId);
  if (req.kind === 'startChild') {
    const { start } = req;
    const terminated = applyStart(st, start);
    if (terminated !== undefined)
      notices.push({ kind: 'closed', runId: terminated.run_id, workflowId: terminated.workflow_id });
    cs(st).setParent.run(start.parent.runId, JSON.stringify(start.parent), start.runId);
    const attrs = receiptAttrs({
      seq: start.parent.seq,
      initiatedEventId: start.parent.initiatedEventId,
      workflowId: start.workflowId,
      runId: start.runId,
    });
    st.insertInbox.run(from.runId, 'childStarted', attrs, null, start.nowMs);
    notices.push({ kind: 'task', taskQueue: start.taskQueue }, { kind: 'inbox', runId: from.runId });
    return;
  }
  const target =
    req.kind === 'signal'
      ? runningRow(st, req.signal.workflowId, req.signal.runId)
      : runningRow(st, req.workflowId, req.runId);
  const nowMs = req.kind === 'signal' ? req.signal.nowMs : req.nowMs;
  if (req.kind === 'signal') applySignal(st, target, req.signal);
  else {
    st.insertInbox.run(target.run_id, 'cancel', JSON.stringify({ reason: req.reason }), null, nowMs);
    st.wakeUnowned.run(nowMs, target.run_id);
  }
  const kind = req.kind === 'signal' ? 'externalSignaled' : 'externalCancelRequested';
  const attrs = receiptAttrs({
    seq: req.seq,
    initiatedEventId: req.initiatedEventId,
    workflowId: target.workflow_id,
    runId: target.run_id,
  });
  st.insertInbox.run(from.runId, kind, attrs, null, nowMs);
  notices.push(
    { kind: 'inbox', runId: target.run_id },
    { kind: 'task', taskQueue: target.task_queue },
    { kind: 'inbox', runId: from.runId },
  );
}

/**
 * The links of a run that has just closed (its row already closed): its parent hears of the
 * close through a `childClosed` inbox row, unless a next run follows (`nextRunId`: it inherits the
 * link); its open children get their parent close policy (TERMINATE recursively, REQUEST_CANCEL
 * as a cancel request, ABANDON nothing).
 */
export function closeLinks(
  st: Statements,
  run: ClosingRun,
  nextRunId: string | undefined,
  nowMs: number,
  notices: StoreNotice[],
  terminate: TerminateRow,
): void {
  const c = cs(st);
  const own = c.linkOf.get(run.runId) as
    { parent_run_id: string | null; parent_link: string | null } | undefined;
  if (own?.parent_link != null) {
    if (nextRunId !== undefined) c.setParent.run(own.parent_run_id, own.parent_link, nextRunId);
    else notifyParent(st, c, own.parent_link, run, nowMs, notices);
  }
  for (const child of c.openChildren.all(run.runId) as (ExecutionRow & { parent_link: string })[]) {
    const link = parseParentLink(child.parent_link);
    if (link.parentClosePolicy === 'TERMINATE') {
      terminate(st, child, parentClosedReason(link), nowMs, notices);
      notices.push({ kind: 'closed', runId: child.run_id, workflowId: child.workflow_id });
    } else if (link.parentClosePolicy === 'REQUEST_CANCEL') {
      const reason = JSON.stringify({ reason: parentClosedReason(link) });
      st.insertInbox.run(child.run_id, 'cancel', reason, null, nowMs);
      st.wakeUnowned.run(nowMs, child.run_id);
      notices.push({ kind: 'inbox', runId: child.run_id }, { kind: 'task', taskQueue: child.task_queue });
    }
  }
}

function notifyParent(
  st: Statements,
  c: ChildStatements,
  linkText: string,
  run: ClosingRun,
  nowMs: number,
  notices: StoreNotice[],
): void {
  const link = parseParentLink(linkText);
  const parent = c.runningRun.get(link.runId) as { run_id: string; task_queue: string } | undefined;
  if (parent === undefined) return; // the parent has closed: nobody waits for this child
  const row = childClosedRow(link, run);
  st.insertInbox.run(parent.run_id, 'childClosed', row.attrs, row.payload ?? null, nowMs);
  st.wakeUnowned.run(nowMs, parent.run_id);
  notices.push({ kind: 'inbox', runId: parent.run_id }, { kind: 'task', taskQueue: parent.task_queue });
}
