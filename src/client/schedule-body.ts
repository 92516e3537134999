import type { ResolvedRetryPolicy } from '../common/retry-policy.js';
import { jitterOf, nextNominalMs, type ResolvedSpec } from './schedule-spec.js';

/**
 * The JSON body of a stored schedule, written by the client (definition, state, manual actions)
 * and by the scheduler (what it did). Both sides write it with a conditional write on the
 * schedule's conflict token. Times are epoch milliseconds.
 */

/** What a schedule does when an action is due while an earlier run of it is running, as Temporal's. */
export type ScheduleOverlapPolicy =
  'SKIP' | 'BUFFER_ONE' | 'BUFFER_ALL' | 'CANCEL_OTHER' | 'TERMINATE_OTHER' | 'ALLOW_ALL';

export const OVERLAP_POLICIES: readonly ScheduleOverlapPolicy[] = [
  'SKIP',
  'BUFFER_ONE',
  'BUFFER_ALL',
  'CANCEL_OTHER',
  'TERMINATE_OTHER',
  'ALLOW_ALL',
];

/** The action of a stored schedule (its arguments are stored beside the body, encoded). */
export interface StoredAction {
  workflowType: string;
  taskQueue: string;
  /** Runs are `${workflowIdPrefix}-${nominal time, ISO 8601 to the second}`. */
  workflowIdPrefix: string;
  executionTimeoutMs?: number | undefined;
  runTimeoutMs?: number | undefined;
  retry?: ResolvedRetryPolicy | undefined;
}

/** A run a schedule started. */
export interface StoredRun {
  workflowId: string;
  runId: string;
}

/** A start waiting for its turn: a trigger, or a due time buffered behind a running run. */
export interface BufferedStart {
  nominalMs: number;
  overlap: ScheduleOverlapPolicy;
  /**
   * True for a trigger or a backfill time: it runs even while the schedule is paused. A waiting
   * time of the spec is dropped when the schedule pauses (as Temporal's).
   */
  manual?: boolean;
}

export interface StoredSchedule {
  spec: ResolvedSpec;
  action: StoredAction;
  policies: { overlap: ScheduleOverlapPolicy; catchupWindowMs: number; pauseOnFailure: boolean };
  state: { paused: boolean; note: string };
  /** The spec's next nominal time not yet acted on; undefined: the spec has no more. */
  nextNominalMs?: number | undefined;
  buffer: BufferedStart[];
  /** Backfill ranges not yet done (`fromMs` moves forward as they are), both ends included. */
  backfills: { fromMs: number; toMs: number; overlap: ScheduleOverlapPolicy }[];
  /** Runs started and not yet seen closed. */
  running: StoredRun[];
  /** The newest actions, oldest first (at most {@link RECENT_ACTIONS}). */
  recent: (StoredRun & { scheduledAtMs: number; takenAtMs: number })[];
  /**
   * `bufferDropped`: of `skippedOverlap`, the starts dropped because the buffer was full (absent in
   * bodies stored before it was counted).
   */
  counts: { actions: number; missedCatchupWindow: number; skippedOverlap: number; bufferDropped?: number };
}

/** How many recent actions a schedule keeps, as Temporal's. */
export const RECENT_ACTIONS = 10;

/** How often a schedule waiting for a run to close looks again, in ms. */
export const RECHECK_MS = 1000;

export function parseBody(body: string): StoredSchedule {
  return JSON.parse(body) as StoredSchedule;
}

/**
 * The id of the run of nominal time `nominalMs`: `<prefix>-<ISO 8601 time to the second>`, as
 * Temporal's `<workflowId>-<timestamp>`.
 *
 * @example
 * scheduledWorkflowId('report', Date.UTC(2024, 0, 1)); // 'report-2024-01-01T00:00:00Z'
 */
export function scheduledWorkflowId(prefix: string, nominalMs: number): string {
  const iso = new Date(Math.floor(nominalMs / 1000) * 1000).toISOString();
  return `${prefix}-${iso.replace('.000Z', 'Z')}`;
}

/** The spec's first nominal time after `nowMs` (where a new or changed spec starts from). */
export function firstNominalMs(spec: ResolvedSpec, nowMs: number): number | undefined {
  return nextNominalMs(spec, nowMs - 1);
}

/**
 * When the scheduler should look at a schedule next: now when manual work waits (triggers,
 * backfills, buffered starts), else at its next nominal time plus jitter (unless paused).
 */
export function wakeAtMs(scheduleId: string, s: StoredSchedule, nowMs: number): number | undefined {
  if (s.buffer.length > 0 || s.backfills.length > 0) return nowMs;
  let wake: number | undefined;
  if (s.running.length > 0 && s.policies.pauseOnFailure && !s.state.paused) wake = nowMs + RECHECK_MS;
  if (!s.state.paused && s.nextNominalMs !== undefined) {
    const due = s.nextNominalMs + jitterOf(scheduleId, s.nextNominalMs, s.spec.jitterMs);
    wake = wake === undefined ? due : Math.min(wake, due);
  }
  return wake;
}
