import type { HistoryEvent } from '../common/history.js';
import { openActivities } from '../store/open-activities.js';
import type { PendingActivityRecord } from '../store/types.js';
import type { ActivityRunner } from './activity-runner.js';
import { newActivityState, type ActivityState } from './activity-state.js';
import type { WorkerServices } from './services.js';
import { checkActivityRoute } from './task-policy.js';

/** The activities a claim left open, back in the host's map: to recover, or to cancel. */
export interface ReopenedActivities {
  recovered: ActivityState[];
  /** Asked to stop before the crash: nothing runs them any more, so they are cancelled now. */
  cancelled: ActivityState[];
}

/**
 * Puts the activities a claim left open (scheduled in `history`, not closed) back into
 * `activities`. Returns the error of the first one this worker can neither run nor route (those
 * before it stay in `activities`, to be dropped with the execution).
 */
export function reopenActivities(
  services: WorkerServices,
  history: readonly HistoryEvent[],
  pendingActivities: readonly PendingActivityRecord[],
  activities: Map<number, ActivityState>,
): ReopenedActivities | Error {
  const persisted = new Set(pendingActivities.map((r) => r.seq));
  const reopened: ReopenedActivities = { recovered: [], cancelled: [] };
  for (const { record, scheduled, cancelRequested } of openActivities(history, pendingActivities)) {
    const problem = checkActivityRoute(services, record.activityType, scheduled.attrs.options.taskQueue);
    if (problem !== undefined) return problem;
    const state = newActivityState(
      record,
      scheduled.attrs.options,
      scheduled.payload!,
      persisted.has(record.seq),
    );
    activities.set(record.seq, state);
    if (cancelRequested) reopened.cancelled.push(state);
    else reopened.recovered.push(state);
  }
  return reopened;
}

/**
 * What a graceful hand-back writes: the activities run here whose attempt has not started, marked
 * `handedBack`. An activity task goes on without its owner (its worker reports to the inbox).
 */
export function handedBackActivities(activities: Map<number, ActivityState>): PendingActivityRecord[] {
  const notStarted: PendingActivityRecord[] = [];
  for (const state of activities.values()) {
    if (!state.running && state.record.taskQueue === undefined)
      notStarted.push({ ...state.record, handedBack: true });
  }
  return notStarted;
}

/** Stops every activity attempt of the execution here (`reason` 'closed': its workflow closed). */
export function dropActivities(
  activities: Map<number, ActivityState>,
  runner: ActivityRunner,
  reason: string,
): void {
  for (const state of activities.values()) {
    // An abandoned activity is never told anything, not even that its workflow has closed.
    if (reason === 'closed' && state.options.cancellationType === 'ABANDON') state.dropped = true;
    else runner.drop(state, reason);
  }
}
