import type { DataConverter } from '../common/converter.js';
import type { ResolvedRetryPolicy, RetryPolicy } from '../common/retry-policy.js';
import type { ScheduleRecord, Store } from '../store/types.js';
import { parseBody, type ScheduleOverlapPolicy, type StoredSchedule } from './schedule-body.js';
import { nextNominalMs } from './schedule-spec.js';

/** A schedule as `describe()` shows it, as Temporal's `ScheduleDescription`. Durations in ms. */
export interface ScheduleDescription {
  scheduleId: string;
  spec: {
    cron: string[];
    intervals: { every: number; offset: number }[];
    timezone: string;
    startAt?: Date | undefined;
    endAt?: Date | undefined;
    jitter: number;
  };
  action: {
    workflowType: string;
    taskQueue: string;
    /** The prefix of the runs' workflowIds. */
    workflowId: string;
    args: unknown[];
    workflowExecutionTimeout?: number | undefined;
    workflowRunTimeout?: number | undefined;
    retry?: RetryPolicy | undefined;
  };
  policies: { overlap: ScheduleOverlapPolicy; catchupWindow: number; pauseOnFailure: boolean };
  state: { paused: boolean; note: string };
  info: {
    /** The newest actions (at most 10), oldest first. */
    recentActions: { scheduledAt: Date; takenAt: Date; workflowId: string; runId: string }[];
    /** Runs of this schedule that are running now. */
    runningActions: { workflowId: string; runId: string }[];
    /** The next nominal times of the spec (at most 10; none while paused). */
    nextActionTimes: Date[];
    numActionsTaken: number;
    numActionsMissedCatchupWindow: number;
    numActionsSkippedOverlap: number;
    /** Triggers and buffered starts waiting, and backfill ranges not yet done. */
    numBufferedActions: number;
    createdAt: Date;
    lastUpdatedAt: Date;
  };
  /** Changes with every write of the schedule (as Temporal's conflict token). */
  conflictToken: number;
}

/** The next `count` nominal times after `nowMs` (none while paused). */
export function nextActionTimes(s: StoredSchedule, nowMs: number, count: number): Date[] {
  const out: Date[] = [];
  if (s.state.paused) return out;
  let t = s.nextNominalMs === undefined ? undefined : Math.max(s.nextNominalMs, nowMs) - 1;
  for (t = t === undefined ? undefined : nextNominalMs(s.spec, t); t !== undefined && out.length < count;) {
    out.push(new Date(t));
    t = nextNominalMs(s.spec, t);
  }
  return out;
}

/** Builds the description of a stored schedule (arguments decoded, running runs checked). */
export async function describeRecord(
  store: Store,
  converter: DataConverter,
  rec: ScheduleRecord,
  nowMs: number,
): Promise<ScheduleDescription> {
  const s = parseBody(rec.body);
  const closed = new Set(await store.closedAmong(s.running.map((r) => r.runId)));
  const { spec, action, policies } = s;
  return {
    scheduleId: rec.scheduleId,
    spec: {
      cron: spec.cron,
      intervals: spec.intervals.map((i) => ({ every: i.everyMs, offset: i.offsetMs })),
      timezone: spec.timezone,
      startAt: spec.startAtMs === undefined ? undefined : new Date(spec.startAtMs),
      endAt: spec.endAtMs === undefined ? undefined : new Date(spec.endAtMs),
      jitter: spec.jitterMs,
    },
    action: {
      workflowType: action.workflowType,
      taskQueue: action.taskQueue,
      workflowId: action.workflowIdPrefix,
      args: rec.args === undefined ? [] : converter.fromPayload<unknown[]>(rec.args),
      workflowExecutionTimeout: action.executionTimeoutMs,
      workflowRunTimeout: action.runTimeoutMs,
      retry: toRetryPolicy(action.retry),
    },
    policies: {
      overlap: policies.overlap,
      catchupWindow: policies.catchupWindowMs,
      pauseOnFailure: policies.pauseOnFailure,
    },
    state: { ...s.state },
    info: {
      recentActions: s.recent.map((a) => ({
        scheduledAt: new Date(a.scheduledAtMs),
        takenAt: new Date(a.takenAtMs),
        workflowId: a.workflowId,
        runId: a.runId,
      })),
      runningActions: s.running.filter((r) => !closed.has(r.runId)).map((r) => ({ ...r })),
      nextActionTimes: nextActionTimes(s, nowMs, 10),
      numActionsTaken: s.counts.actions,
      numActionsMissedCatchupWindow: s.counts.missedCatchupWindow,
      numActionsSkippedOverlap: s.counts.skippedOverlap,
      numBufferedActions: s.buffer.length + s.backfills.length,
      createdAt: new Date(rec.createdAtMs),
      lastUpdatedAt: new Date(rec.updatedAtMs),
    },
    conflictToken: rec.conflictToken,
  };
}

/** A resolved retry policy as the options it came from (durations in ms). */
export function toRetryPolicy(r: ResolvedRetryPolicy | undefined): RetryPolicy | undefined {
  if (r === undefined) return undefined;
  return {
    initialInterval: r.initialIntervalMs,
    backoffCoefficient: r.backoffCoefficient,
    maximumInterval: r.maximumIntervalMs,
    maximumAttempts: r.maximumAttempts,
    nonRetryableErrorTypes: [...r.nonRetryableErrorTypes],
  };
}
