import type { ClaimedExecution, ClaimRequest } from '../types.js';
import {
  toActivity,
  toEvent,
  toExecution,
  toInbox,
  type ActivityRow,
  type EventRow,
  type ExecutionRow,
  type InboxRow,
} from './rows.js';
import type { Statements } from './statements.js';

/**
 * Claims up to `limit` executions with a due workflow task (or an expired lease) and reads what
 * their new owner needs: three reads for the whole batch, whatever its size. Runs inside the
 * caller's IMMEDIATE transaction.
 */
export function claimBatch(st: Statements, req: ClaimRequest): ClaimedExecution[] {
  const params = {
    workerId: req.workerId,
    expiresAtMs: req.nowMs + req.leaseMs,
    taskQueue: req.taskQueue,
    nowMs: req.nowMs,
    limit: req.limit,
  };
  const rows = st.claim.all(params) as ExecutionRow[];
  if (req.includeBlocked && rows.length < req.limit) {
    rows.push(...(st.claimBlocked.all({ ...params, limit: req.limit - rows.length }) as ExecutionRow[]));
  }
  if (rows.length === 0) return [];
  const ids = JSON.stringify(rows.map((r) => r.run_id));
  const claimed = new Map<string, ClaimedExecution>();
  for (const row of rows) {
    claimed.set(row.run_id, { execution: toExecution(row), history: [], pendingActivities: [], inbox: [] });
  }
  for (const r of st.historyOfRuns.all(ids) as (EventRow & { run_id: string })[]) {
    claimed.get(r.run_id)!.history.push(toEvent(r));
  }
  for (const r of st.pendingOfRuns.all(ids) as (ActivityRow & { run_id: string })[]) {
    claimed.get(r.run_id)!.pendingActivities.push(toActivity(r));
  }
  for (const r of st.inboxOfRuns.all(ids) as InboxRow[]) claimed.get(r.run_id)!.inbox.push(toInbox(r));
  return [...claimed.values()];
}
