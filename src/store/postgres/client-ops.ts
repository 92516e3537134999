import { WorkflowExecutionAlreadyStartedError } from '../../common/errors.js';
import type {
  CreateExecutionRequest,
  ReleaseRequest,
  SignalRequest,
  StoreNotice,
  UpdateRequest,
} from '../types.js';
import { applySignal, applyStart, latestRun, lockRunning, terminateRow } from './execution-ops.js';
import { activityParams, columns, ms, payloadColumns, type ExecutionRow } from './rows.js';
import { ST, type Queryable } from './statements.js';

/**
 * The writes of clients (and a worker's hand-back), as group-commit operations: each runs its
 * statements in the batch's transaction, refuses before its first change, and returns the
 * notices to announce once committed.
 */
export type Apply = (tx: Queryable) => Promise<StoreNotice[]>;

/** A start under a reuse policy that needs a look-up (or may terminate the running run). */
export function startOp(req: CreateExecutionRequest): Apply {
  return async (tx) => {
    const terminated = await applyStart(tx, req);
    const notices: StoreNotice[] = [{ kind: 'task', taskQueue: req.taskQueue }];
    if (terminated !== undefined)
      notices.unshift({ kind: 'closed', runId: terminated.run_id, workflowId: terminated.workflow_id });
    return notices;
  };
}

export function signalOp(req: SignalRequest): Apply {
  return async (tx) =>
    inboxNotices(await applySignal(tx, await lockRunning(tx, req.workflowId, req.runId), req));
}

/** Signals the running execution, or starts it and signals it; `onRun` gets the runId signalled. */
export function signalWithStartOp(
  start: CreateExecutionRequest,
  signal: SignalRequest,
  onRun: (runId: string) => void,
): Apply {
  return async (tx) => {
    const notices: StoreNotice[] = [];
    const running = await latestRun(tx, start.workflowId);
    if (running === undefined || running.status !== 'RUNNING') {
      try {
        await applyStart(tx, start);
        notices.push({ kind: 'task', taskQueue: start.taskQueue });
      } catch (err) {
        // A start racing this one won: signal that run instead (the refusal changed nothing).
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
    }
    const row = await applySignal(tx, await lockRunning(tx, start.workflowId, undefined), signal);
    onRun(row.run_id);
    return [...notices, ...inboxNotices(row)];
  };
}

export function cancelOp(
  workflowId: string,
  runId: string | undefined,
  reason: string,
  nowMs: number,
): Apply {
  return async (tx) => {
    const row = await lockRunning(tx, workflowId, runId);
    await tx.query(ST.insertInbox, [row.run_id, 'cancel', JSON.stringify({ reason }), null, null, ms(nowMs)]);
    await tx.query(ST.wakeUnowned, [ms(nowMs), row.run_id]);
    return inboxNotices(row);
  };
}

export function terminateOp(
  workflowId: string,
  runId: string | undefined,
  reason: string,
  nowMs: number,
): Apply {
  return async (tx) => {
    const links: StoreNotice[] = [];
    const row = await terminateRow(tx, await lockRunning(tx, workflowId, runId), reason, nowMs, links);
    return [{ kind: 'closed', runId: row.run_id, workflowId: row.workflow_id }, ...links];
  };
}

/** Admits an update unless that updateId was admitted before; `onRun` gets the runId. */
export function admitUpdateOp(req: UpdateRequest, onRun: (runId: string) => void): Apply {
  return async (tx) => {
    const row = await lockRunning(tx, req.workflowId, req.runId);
    onRun(row.run_id);
    const admitted = await tx.query(ST.insertUpdate, [
      row.run_id,
      req.updateId,
      req.updateName,
      ms(req.nowMs),
    ]);
    if (admitted.rowCount !== 1) return [];
    const attrs = JSON.stringify({ updateId: req.updateId, updateName: req.updateName });
    await tx.query(ST.insertInbox, [
      row.run_id,
      'update',
      attrs,
      ...payloadColumns(req.payload),
      ms(req.nowMs),
    ]);
    await tx.query(ST.wakeUnowned, [ms(req.nowMs), row.run_id]);
    return inboxNotices(row);
  };
}

/** A worker handing an execution back (fenced by owner and epoch), or blocking its task. */
export function releaseOp(req: ReleaseRequest): Apply {
  return async (tx) => {
    const r = await tx.query(ST.release, [
      req.runId,
      req.workerId,
      req.epoch,
      ms(req.readyAtMs),
      req.taskError === undefined ? 0 : 1,
      req.taskError ?? null,
    ]);
    const handedBack = req.handedBack ?? [];
    if (r.rowCount === 1 && handedBack.length > 0) {
      await tx.query(
        ST.upsertActivities,
        columns(
          handedBack.map((a) => activityParams(req.runId, a)),
          13,
        ),
      );
    }
    return [{ kind: 'task', taskQueue: req.taskQueue }];
  };
}

/** Tells the owner (or the workers of the queue, when unowned) that the inbox has mail. */
function inboxNotices(row: ExecutionRow): StoreNotice[] {
  return [
    { kind: 'inbox', runId: row.run_id },
    { kind: 'task', taskQueue: row.task_queue },
  ];
}
