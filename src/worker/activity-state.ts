import type { ResolvedActivityOptions } from '../common/activity-options.js';
import type { Payload } from '../common/converter.js';
import type { BatonFailure, CancelledFailure } from '../common/failures.js';
import type { PendingActivityRecord } from '../store/types.js';

/** The in-memory state of one pending activity of an execution held by this worker. */
export interface ActivityState {
  record: PendingActivityRecord;
  options: ResolvedActivityOptions;
  /** Encoded arguments, from its `ActivityTaskScheduled` event. */
  args: Payload;
  /** Aborts the running attempt (cancellation, lease loss, shutdown). */
  abort: ((reason: BatonFailure) => void) | undefined;
  /** Asks the running attempt to stop (cancellation requested). */
  cancel: ((reason: CancelledFailure) => void) | undefined;
  /** The workflow asked the activity to stop: its outcome is recorded as ActivityTaskCanceled. */
  cancelRequested: boolean;
  /** Cancels the timer of the next attempt. */
  cancelTimer: (() => void) | undefined;
  running: boolean;
  /** True once a pending-activity row exists for it (a first attempt has none). */
  persisted: boolean;
  /** Dropped: its outcome is ignored (the execution closed, was cancelled, or was lost). */
  dropped: boolean;
  /** Whether a heartbeat write is in flight / another is wanted after it. */
  heartbeatWriting: boolean;
  heartbeatDirty: boolean;
  /** An activity task: cancels the owner's timers of its current attempt (schedule-to-start, timeouts). */
  cancelRemoteTimers: (() => void) | undefined;
  /** An activity task: when a worker of its queue started the current attempt (epoch ms). */
  remoteStartedAtMs: number | undefined;
  /** An activity task: the identity of the worker that took the current attempt. */
  remoteWorker: string | undefined;
  /** Inbox rows about this activity, consumed by the next write that records it. */
  consumeInbox: number[];
}

/** A fresh state for an activity whose record is known. */
export function newActivityState(
  record: PendingActivityRecord,
  options: ResolvedActivityOptions,
  args: Payload,
  persisted: boolean,
): ActivityState {
  return {
    persisted,
    record,
    options,
    args,
    abort: undefined,
    cancel: undefined,
    cancelRequested: false,
    cancelTimer: undefined,
    running: false,
    dropped: false,
    heartbeatWriting: false,
    heartbeatDirty: false,
    cancelRemoteTimers: undefined,
    remoteStartedAtMs: undefined,
    remoteWorker: undefined,
    consumeInbox: [],
  };
}

/** The scheduleToClose deadline of an activity, if it has one. */
export function deadlineOf(state: ActivityState): number | undefined {
  const s2c = state.options.scheduleToCloseTimeoutMs;
  return s2c === undefined ? undefined : state.record.firstScheduledMs + s2c;
}
