import type { DataConverter } from '../common/converter.js';
import type { ResolvedRetryPolicy, RetryPolicy } from '../common/retry-policy.js';
import type { ScheduleRecord, Store } from '../store/types.js';
import { parseBody, type ScheduleOverlapPolicy, type StoredSchedule } from './schedule-body.js';
import { nextNominalMs, skimTimes, stepCost } from './schedule-spec.js';

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
    /** Actions not started because a run was running (overlap policy), dropped ones included. */
    numActionsSkippedOverlap: number;
    /**
     * Of `numActionsSkippedOverlap`, the due times and triggers dropped because 1000 starts were
     * waiting already (BUFFER_ALL keeps at most 1000, as Temporal's; a backfill waits for room instead).
     */
    numActionsBufferDropped: number;
    /**
     * Starts waiting (triggers, buffered times: at most 1000) plus the nominal times of backfill
     * ranges not yet taken. Those are counted exactly for a spec of one interval; for cron
     * expressions or several intervals, up to {@link BUFFERED_COUNT_LIMIT} times a range.
     */
    numBufferedActions: number;
    createdAt: Date;
    lastUpdatedAt: Date;
  };
  /** Changes with every write of the schedule (as Temporal's conflict token). */
  conflictToken: number;
}

/**
 * The next `count` nominal times after `nowMs` (none while paused). Times no `Date` holds (a
 * schedule stored before they were refused) are left out.
 */
export function nextActionTimes(s: StoredSchedule, nowMs: number, count: number): Date[] {
  const out: Date[] = [];
  if (s.state.paused || s.nextNominalMs === undefined) return out;
  let t = nextNominalMs(s.spec, Math.max(s.nextNominalMs, nowMs) - 1);
  for (; t !== undefined && out.length < count; t = nextNominalMs(s.spec, t)) {
    const date = new Date(t);
    if (Number.isFinite(date.getTime())) out.push(date);
  }
  return out;
}

/** How many backfill times of a range a description counts, when it cannot count them at once. */
export const BUFFERED_COUNT_LIMIT = 1000;

/** Starts waiting plus the times left in backfill ranges (see `numBufferedActions`). */
function bufferedCount(s: StoredSchedule): number {
  let n = s.buffer.length;
  for (const b of s.backfills)
    n += skimTimes(s.spec, b.fromMs, b.toMs, BUFFERED_COUNT_LIMIT * stepCost(s.spec)).count;
  return n;
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
      numActionsBufferDropped: s.counts.bufferDropped ?? 0,
      numBufferedActions: bufferedCount(s),
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
