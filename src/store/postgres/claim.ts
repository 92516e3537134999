import type { ClaimedExecution, ClaimRequest } from '../types.js';
import {
  ms,
  toActivity,
  toEvent,
  toExecution,
  toInbox,
  type ActivityRow,
  type EventRow,
  type ExecutionRow,
  type InboxRow,
} from './rows.js';
import { ST, type Queryable } from './statements.js';

/** A claimed row, with when it became claimable and whether it had an owner, as before the claim. */
type ClaimedRow = ExecutionRow & { prev_ready_at_ms: string | number | null; prev_leased: boolean };

/**
 * Claims up to `limit` executions with a due workflow task (or an expired lease) with one
 * `UPDATE … FROM (SELECT … FOR UPDATE SKIP LOCKED)`, so claimers racing get disjoint executions
 * and never wait for each other; then reads what their new owner needs with three reads for the
 * whole batch, whatever its size, run side by side.
 */
export async function claimBatch(db: Queryable, req: ClaimRequest): Promise<ClaimedExecution[]> {
  const expiresAtMs = ms(req.nowMs + req.leaseMs);
  const params = [req.taskQueue, ms(req.nowMs), req.limit, req.workerId, expiresAtMs];
  const { rows } = await db.query<ClaimedRow>(ST.claim, params);
  if (req.includeBlocked && rows.length < req.limit) {
    const blocked = await db.query<ClaimedRow>(ST.claimBlocked, [
      req.taskQueue,
      ms(req.nowMs),
      req.limit - rows.length,
      req.workerId,
      expiresAtMs,
    ]);
    // Claimed before its retry time: when it became claimable is not a fact about this claim.
    for (const r of blocked.rows) if (Number(r.prev_ready_at_ms) > req.nowMs) r.prev_ready_at_ms = null;
    rows.push(...blocked.rows);
  }
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.run_id);
  const claimed = new Map<string, ClaimedExecution>();
  for (const row of rows) {
    claimed.set(row.run_id, {
      execution: toExecution(row),
      history: [],
      pendingActivities: [],
      inbox: [],
      readyAtMs: row.prev_ready_at_ms === null ? undefined : Number(row.prev_ready_at_ms),
      leaseExpired: row.prev_leased,
    });
  }
  const [history, pending, inbox] = await Promise.all([
    db.query<EventRow & { run_id: string }>(ST.historyOfRuns, [ids]),
    db.query<ActivityRow & { run_id: string }>(ST.pendingOfRuns, [ids]),
    db.query<InboxRow>(ST.inboxOfRuns, [ids]),
  ]);
  for (const r of history.rows) claimed.get(r.run_id)!.history.push(toEvent(r));
  for (const r of pending.rows) claimed.get(r.run_id)!.pendingActivities.push(toActivity(r));
  for (const r of inbox.rows) claimed.get(r.run_id)!.inbox.push(toInbox(r));
  return [...claimed.values()];
}
