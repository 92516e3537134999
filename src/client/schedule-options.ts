import type { DataConverter, Payload } from '../common/converter.js';
import { ValidationError } from '../common/errors.js';
import { optionalDurationMs, type Duration } from '../common/duration.js';
import { resolveRetryPolicy, type RetryPolicy } from '../common/retry-policy.js';
import { checkStoredString } from '../common/stored-string.js';
import type { WorkflowRef } from './start-request.js';
import {
  OVERLAP_POLICIES,
  type ScheduleOverlapPolicy,
  type StoredAction,
  type StoredSchedule,
} from './schedule-body.js';
import { resolveSpec, type ScheduleSpec } from './schedule-spec.js';

export type { ScheduleOverlapPolicy } from './schedule-body.js';
export type { ScheduleSpec } from './schedule-spec.js';

/**
 * The workflow a schedule starts, as Temporal's `ScheduleOptionsStartWorkflowAction`.
 *
 * @example
 * const action: ScheduleAction = { workflow: sendReport, args: ['weekly'], taskQueue: 'reports' };
 */
export interface ScheduleAction {
  /** A workflow definition or its type name. Required. */
  workflow: WorkflowRef;
  /** Arguments of each run (converted once, when the schedule is created or updated). @default [] */
  args?: unknown[];
  /** The task queue whose workers run it. Required. */
  taskQueue: string;
  /** Prefix of the runs' workflowIds: `${workflowId}-${nominal time}`. @default the schedule id */
  workflowId?: string | undefined;
  /** As `client.start()`'s. @default unlimited */
  workflowExecutionTimeout?: Duration | undefined;
  /** As `client.start()`'s. @default unlimited */
  workflowRunTimeout?: Duration | undefined;
  /** Retry policy of each run, as `client.start()`'s. @default no retries */
  retry?: RetryPolicy | undefined;
}

/** Policies of a schedule, as Temporal's `SchedulePolicies`. */
export interface SchedulePolicies {
  /** What to do when an action is due while a run of this schedule is running. @default 'SKIP' */
  overlap?: ScheduleOverlapPolicy;
  /**
   * How late an action may still start after its nominal time (after downtime: nothing ran the
   * schedule). Later ones are counted as missed. Backfills ignore it. @default '365d' (Temporal's)
   */
  catchupWindow?: Duration;
  /** Pause the schedule when one of its runs fails or times out. @default false */
  pauseOnFailure?: boolean;
}

/** Options of `client.schedule.create()`, as Temporal's `ScheduleOptions`. */
export interface ScheduleOptions {
  /** Unique among schedules. Required. */
  scheduleId: string;
  spec: ScheduleSpec;
  action: ScheduleAction;
  policies?: SchedulePolicies;
  /** @default { paused: false, note: '' } */
  state?: { paused?: boolean; note?: string };
}

/** The default catch-up window: one year, as Temporal's. */
export const DEFAULT_CATCHUP_WINDOW_MS = 365 * 24 * 3600 * 1000;

/** Validates an action and resolves it; its arguments are encoded. @throws ValidationError, DataConverterError */
export function resolveAction(
  converter: DataConverter,
  scheduleId: string,
  action: ScheduleAction,
): { action: StoredAction; args: Payload } {
  if (action === null || typeof action !== 'object') throw new ValidationError('action: expected an object');
  const workflowType = typeof action.workflow === 'string' ? action.workflow : action.workflow?.name;
  if (typeof workflowType !== 'string' || workflowType === '')
    throw new ValidationError('action.workflow: expected a workflow definition or a non-empty type name');
  if (typeof action.taskQueue !== 'string' || action.taskQueue === '')
    throw new ValidationError('action.taskQueue: expected a non-empty string');
  const prefix = action.workflowId ?? scheduleId;
  if (typeof prefix !== 'string' || prefix === '')
    throw new ValidationError('action.workflowId: expected a non-empty string (the prefix of the runs’ ids)');
  checkStoredString(prefix, 'action.workflowId');
  checkStoredString(action.taskQueue, 'action.taskQueue');
  const argList = action.args ?? [];
  if (!Array.isArray(argList)) throw new ValidationError('action.args: expected an array of arguments');
  return {
    action: {
      workflowType,
      taskQueue: action.taskQueue,
      workflowIdPrefix: prefix,
      executionTimeoutMs: optionalDurationMs(
        action.workflowExecutionTimeout,
        'action.workflowExecutionTimeout',
      ),
      runTimeoutMs: optionalDurationMs(action.workflowRunTimeout, 'action.workflowRunTimeout'),
      retry: action.retry === undefined ? undefined : resolveRetryPolicy(action.retry, 'action.retry'),
    },
    args: converter.toPayload(argList, `arguments of the action of schedule '${scheduleId}'`),
  };
}

/** Validates policies and resolves them with Temporal's defaults. @throws ValidationError */
export function resolvePolicies(p: SchedulePolicies = {}): StoredSchedule['policies'] {
  if (p === null || typeof p !== 'object') throw new ValidationError('policies: expected an object');
  const overlap = resolveOverlap(p.overlap, 'policies.overlap') ?? 'SKIP';
  const catchupWindowMs =
    optionalDurationMs(p.catchupWindow, 'policies.catchupWindow') ?? DEFAULT_CATCHUP_WINDOW_MS;
  if (catchupWindowMs < 1000)
    throw new ValidationError(`policies.catchupWindow: expected at least 1s, got ${catchupWindowMs} ms`);
  if (p.pauseOnFailure !== undefined && typeof p.pauseOnFailure !== 'boolean')
    throw new ValidationError('policies.pauseOnFailure: expected a boolean');
  return { overlap, catchupWindowMs, pauseOnFailure: p.pauseOnFailure ?? false };
}

/** An overlap policy option, checked. @throws ValidationError naming `field` */
export function resolveOverlap(value: unknown, field: string): ScheduleOverlapPolicy | undefined {
  if (value === undefined) return undefined;
  if (!OVERLAP_POLICIES.includes(value as ScheduleOverlapPolicy))
    throw new ValidationError(
      `${field}: expected one of ${OVERLAP_POLICIES.join(', ')}, got ${JSON.stringify(value)}`,
    );
  return value as ScheduleOverlapPolicy;
}

/** A state option, checked. @throws ValidationError */
export function resolveState(state: ScheduleOptions['state'] = {}): StoredSchedule['state'] {
  if (state === null || typeof state !== 'object') throw new ValidationError('state: expected an object');
  if (state.paused !== undefined && typeof state.paused !== 'boolean')
    throw new ValidationError('state.paused: expected a boolean');
  if (state.note !== undefined && typeof state.note !== 'string')
    throw new ValidationError('state.note: expected a string');
  return { paused: state.paused ?? false, note: state.note ?? '' };
}

/** Checks a schedule id. @throws ValidationError */
export function checkScheduleId(scheduleId: unknown): string {
  if (typeof scheduleId !== 'string' || scheduleId === '')
    throw new ValidationError('scheduleId: expected a non-empty string');
  return checkStoredString(scheduleId, 'scheduleId');
}

export { resolveSpec };
