import type { EventOf, HistoryEvent } from '../common/history.js';
import { CLOSE_EVENT_TYPES } from '../common/history.js';
import type { PendingActivityRecord } from './types.js';

/**
 * The activities of an execution that are scheduled and not closed, with their state: a
 * pending-activity row when one was written (a retry, a heartbeat, a hand-back), otherwise the
 * first attempt, which the `ActivityTaskScheduled` event itself makes durable (no row is written
 * for it, to keep the happy path at one write per step). `cancelRequested` is set when the
 * workflow asked the activity to stop (ActivityTaskCancelRequested) and it has not stopped yet.
 */
export function openActivities(
  history: readonly HistoryEvent[],
  rows: readonly PendingActivityRecord[],
): {
  record: PendingActivityRecord;
  scheduled: EventOf<'ActivityTaskScheduled'>;
  cancelRequested: boolean;
}[] {
  const open = new Map<number, EventOf<'ActivityTaskScheduled'>>();
  const cancelRequested = new Set<number>();
  for (const e of history) {
    if (CLOSE_EVENT_TYPES.has(e.eventType)) return [];
    switch (e.eventType) {
      case 'ActivityTaskScheduled':
        open.set(e.attrs.seq, e);
        break;
      case 'ActivityTaskCompleted':
      case 'ActivityTaskFailed':
      case 'ActivityTaskTimedOut':
      case 'ActivityTaskCanceled':
        open.delete(e.attrs.seq);
        break;
      case 'ActivityTaskCancelRequested':
        cancelRequested.add(e.attrs.seq);
        break;
      default:
        break;
    }
  }
  const bySeq = new Map(rows.map((r) => [r.seq, r]));
  return [...open.values()].map((scheduled) => ({
    scheduled,
    record: bySeq.get(scheduled.attrs.seq) ?? firstAttempt(scheduled),
    cancelRequested: cancelRequested.has(scheduled.attrs.seq),
  }));
}

/** The state of an activity's first attempt, due when it was scheduled. */
export function firstAttempt(scheduled: EventOf<'ActivityTaskScheduled'>): PendingActivityRecord {
  return {
    seq: scheduled.attrs.seq,
    activityType: scheduled.attrs.activityType,
    scheduledEventId: scheduled.eventId,
    attempt: 1,
    firstScheduledMs: scheduled.timeMs,
    nextAttemptMs: scheduled.timeMs,
    lastFailure: undefined,
    heartbeatDetails: undefined,
    handedBack: false,
  };
}
