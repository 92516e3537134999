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

/** A claimable execution as it was before the claim. */
interface Candidate {
  run_id: string;
  ready_at_ms: number | undefined;
  /** 1 when it had an owner (whose lease expired). */
  leased: number;
}

/**
 * Claims up to `limit` executions with a due workflow task (or an expired lease) and reads what
 * their new owner needs: the candidates (with when each became claimable and whether an expired
 * lease was taken over), one update, and three reads for the whole batch, whatever its size. Runs
 * inside the caller's IMMEDIATE transaction, so the candidates cannot change before the update.
 */
export function claimBatch(st: Statements, req: ClaimRequest): ClaimedExecution[] {
  const where = { taskQueue: req.taskQueue, nowMs: req.nowMs };
  const candidates = st.claimCandidates.all({ ...where, limit: req.limit }) as Candidate[];
  if (req.includeBlocked && candidates.length < req.limit) {
    const blocked = st.claimBlockedCandidates.all({
      ...where,
      limit: req.limit - candidates.length,
    }) as Candidate[];
    // Claimed before its retry time: when it became claimable is not a fact about this claim.
    for (const c of blocked)
      if (c.ready_at_ms !== undefined && c.ready_at_ms > req.nowMs) c.ready_at_ms = undefined;
    candidates.push(...blocked);
  }
  if (candidates.length === 0) return [];
  const rows = st.claimRuns.all({
    workerId: req.workerId,
    expiresAtMs: req.nowMs + req.leaseMs,
    ids: JSON.stringify(candidates.map((c) => c.run_id)),
  }) as ExecutionRow[];
  const before = new Map(candidates.map((c) => [c.run_id, c]));
  const ids = JSON.stringify(rows.map((r) => r.run_id));
  const claimed = new Map<string, ClaimedExecution>();
  for (const row of rows) {
    const { ready_at_ms, leased } = before.get(row.run_id)!;
    claimed.set(row.run_id, {
      execution: toExecution(row),
      history: [],
      pendingActivities: [],
      inbox: [],
      readyAtMs: ready_at_ms ?? undefined,
      leaseExpired: leased === 1,
    });
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
