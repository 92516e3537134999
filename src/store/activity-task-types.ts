import type { Payload } from '../common/converter.js';

/** An activity task as a worker polling its task queue claims it: one attempt to run. */
export interface ActivityTaskRecord {
  runId: string;
  workflowId: string;
  workflowType: string;
  seq: number;
  activityType: string;
  taskQueue: string;
  attempt: number;
  firstScheduledMs: number;
  /** The `options` attribute of its `ActivityTaskScheduled` event (resolved activity options). */
  options: Record<string, unknown>;
  /** The encoded argument list. */
  args: Payload;
  heartbeatDetails: Payload | undefined;
}

/** A claim of activity tasks by a worker polling `taskQueue`. */
export interface ActivityTaskClaim {
  taskQueue: string;
  workerId: string;
  /** Only tasks of these activity types (the ones registered on the worker). */
  activityTypes: readonly string[];
  limit: number;
  nowMs: number;
}

/** The end of an attempt of an activity task, reported by the worker that ran it. */
export interface ActivityTaskResult {
  runId: string;
  seq: number;
  attempt: number;
  workerId: string;
  /** True: `payload` is the result; false: `payload` is the failure. */
  ok: boolean;
  payload: Payload | undefined;
  nowMs: number;
}

/**
 * Activity tasks: attempts of activities routed to a task queue, run by whichever worker polls it.
 * The execution's owner keeps deciding (retries, timeouts); the task's worker claims an attempt
 * (its owner hears of it through an `activityStarted` inbox row) and reports its end (an
 * `activityResult` inbox row). Claims and reports are fenced by attempt.
 */
export interface ActivityTaskStore {
  /** Claims up to `limit` due attempts, oldest first, and tells each owner it started. */
  claimActivityTasks(req: ActivityTaskClaim): Promise<ActivityTaskRecord[]>;
  /**
   * Records heartbeat details of a claimed attempt. Resolves false when the attempt is no longer
   * this worker's to run (the owner timed it out, moved on, or cancelled the activity).
   */
  heartbeatActivityTask(
    task: { runId: string; seq: number; attempt: number; workerId: string },
    details: Payload | undefined,
  ): Promise<boolean>;
  /** Reports the end of a claimed attempt to its owner; false when it is no longer this worker's. */
  completeActivityTask(result: ActivityTaskResult): Promise<boolean>;
}
