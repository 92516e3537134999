import { LeaseLostError } from '../../common/errors.js';
import type { Payload } from '../../common/converter.js';
import type { HistoryEvent } from '../../common/history.js';
import type { ExecutionWrite, StoreNotice } from '../types.js';
import { activityParams, eventParams } from './rows.js';
import type { Statements } from './statements.js';
import { applyStart, terminateRow } from './execution-ops.js';
import { closeLinks } from './children.js';
import { carryInbox } from './continue-as-new.js';

/**
 * Applies an owner's fenced write. The fence is checked by the first statement (no change is made
 * when it fails), so a refused write needs no savepoint.
 *
 * @throws LeaseLostError when the owner or epoch no longer holds the lease, or the history does
 *   not end at `expectedLastEventId`.
 */
export function applyExecutionWrite(st: Statements, w: ExecutionWrite, notices: StoreNotice[] = []): void {
  if (w.events.length > 0) {
    const r = st.advanceHead.run({
      runId: w.runId,
      workerId: w.workerId,
      epoch: w.epoch,
      expectedLastEventId: w.expectedLastEventId,
      lastEventId: w.events[w.events.length - 1]!.eventId,
    });
    if (r.changes === 0) throw new LeaseLostError(w.runId);
    insertEvents(st, w.runId, w.events);
  } else if (st.checkLease.get(w.runId, w.workerId, w.epoch) === undefined) {
    throw new LeaseLostError(w.runId);
  }
  if (w.clearTaskError === true) st.clearTaskError.run(w.runId);
  if (w.searchAttributes !== undefined)
    st.mergeSearchAttributes.run(JSON.stringify(w.searchAttributes), w.runId);
  for (const seq of w.deleteActivities ?? []) st.deleteActivity.run(w.runId, seq);
  for (const a of w.upsertActivities ?? []) st.upsertActivity.run(...activityParams(w.runId, a));
  for (const id of w.consumedInbox ?? []) st.deleteInbox.run(id);
  for (const u of w.updates ?? [])
    st.setUpdateStage.run(u.stage, u.outcome ?? null, u.failed === true ? 1 : 0, w.runId, u.updateId);
  if (w.close !== undefined) {
    const closeTimeMs = w.events[w.events.length - 1]?.timeMs ?? Date.now();
    st.closeExecution.run(w.close, closeTimeMs, w.runId);
    st.deleteActivitiesOfRun.run(w.runId);
    // A run continuing as new keeps its inbox until the new run is written (carryInbox).
    if (w.close !== 'CONTINUED_AS_NEW') st.deleteInboxOfRun.run(w.runId);
    st.closeUpdatesOfRun.run(w.runId);
    if (w.nextRun !== undefined) {
      // The next run carries the memo and search attributes as they are now (upserts included).
      const v = st.visibilityOf.get(w.runId) as { memo: Payload | null; search_attributes: string };
      const searchAttributes = JSON.parse(v.search_attributes) as Record<string, string | number | boolean>;
      // A continue-as-new may give the new run another memo.
      applyStart(st, { ...w.nextRun, memo: w.nextRun.memo ?? v.memo ?? undefined, searchAttributes });
      carryInbox(st, w);
    }
    // Only a run with a parent or (maybe) open children has links to apply; the worker says which
    // (as on PostgreSQL), so a plain close costs no lookup.
    if (w.childLinks !== undefined) {
      const closing = {
        runId: w.runId,
        workflowId: w.workflowId,
        status: w.close,
        closeEvent: w.events.at(-1),
      };
      closeLinks(st, closing, w.nextRun?.runId, closeTimeMs, notices, terminateRow);
    }
  }
}

/** Inserts events three, two or one to a statement (fewer statements per step). */
function insertEvents(st: Statements, runId: string, events: readonly HistoryEvent[]): void {
  let i = 0;
  for (; i + 3 <= events.length; i += 3) {
    st.insertEvents3.run(
      ...eventParams(runId, events[i]!),
      ...eventParams(runId, events[i + 1]!),
      ...eventParams(runId, events[i + 2]!),
    );
  }
  if (events.length - i === 2)
    st.insertEvents2.run(...eventParams(runId, events[i]!), ...eventParams(runId, events[i + 1]!));
  else if (events.length - i === 1) st.insertEvent.run(...eventParams(runId, events[i]!));
}
