import { optionalDurationMs, type Duration } from './duration.js';
import { ValidationError } from './errors.js';
import { resolveRetryPolicy, type ResolvedRetryPolicy, type RetryPolicy } from './retry-policy.js';

/**
 * Options of an activity call, as Temporal's `ActivityOptions`. At least one of
 * `startToCloseTimeout` and `scheduleToCloseTimeout` is required.
 */
export interface ActivityOptions {
  /** Longest time one attempt may run; the attempt's `AbortSignal` fires and it is retried. */
  startToCloseTimeout?: Duration;
  /** Longest time for all attempts together; no attempt starts past it. */
  scheduleToCloseTimeout?: Duration;
  /** Longest time between two heartbeats of an attempt before it times out (HEARTBEAT). */
  heartbeatTimeout?: Duration;
  /**
   * For an activity routed to a task queue (`taskQueue`): longest wait of an attempt for a worker
   * of that queue to pick it up; then it fails with `TimeoutFailure` SCHEDULE_TO_START and is not
   * retried, as Temporal's. It is capped by what is left of `scheduleToCloseTimeout` (so with only
   * that one set, an attempt no worker takes fails SCHEDULE_TO_START at the deadline). Attempts run
   * by the workflow's own worker start at once and never see it.
   * @default unlimited
   */
  scheduleToStartTimeout?: Duration;
  /** Retry policy of failed attempts. @default Temporal's: 1 s initial, ×2, 100 s cap, unlimited attempts */
  retry?: RetryPolicy;
  /**
   * What cancelling the activity's scope does, as Temporal's `ActivityCancellationType`:
   * `'TRY_CANCEL'` asks the activity to stop and rejects the call at once;
   * `'WAIT_CANCELLATION_COMPLETED'` asks it to stop and rejects the call once it has stopped;
   * `'ABANDON'` rejects the call at once and lets the activity run on, unaware.
   * @default 'WAIT_CANCELLATION_COMPLETED'
   */
  cancellationType?: ActivityCancellationType;
  /**
   * Task queue of the workers that run this activity. Unset: the activity runs in the worker that
   * runs the workflow.
   */
  taskQueue?: string;
  /**
   * A single-line summary of the call (at most {@link MAX_ACTIVITY_SUMMARY_LENGTH} characters),
   * recorded on `ActivityTaskScheduled`, as Temporal's activity `summary` user metadata. It is
   * shown to people and names the call for a reset (`reset({ toStep: summary })`); step workflows
   * set it to the step's name (`compensate <step>` for a compensation). Not compared on replay.
   * @default none
   */
  summary?: string;
}

/** The longest {@link ActivityOptions.summary}, in characters. */
export const MAX_ACTIVITY_SUMMARY_LENGTH = 200;

/** How an activity reacts to the cancellation of its scope. */
export type ActivityCancellationType = 'TRY_CANCEL' | 'WAIT_CANCELLATION_COMPLETED' | 'ABANDON';
const CANCELLATION_TYPES: readonly ActivityCancellationType[] = [
  'TRY_CANCEL',
  'WAIT_CANCELLATION_COMPLETED',
  'ABANDON',
];

/** {@link ActivityOptions} resolved once into milliseconds (recorded in `ActivityTaskScheduled`). */
export interface ResolvedActivityOptions {
  readonly startToCloseTimeoutMs?: number;
  readonly scheduleToCloseTimeoutMs?: number;
  readonly heartbeatTimeoutMs?: number;
  readonly scheduleToStartTimeoutMs?: number;
  readonly retry: ResolvedRetryPolicy;
  readonly taskQueue?: string;
  readonly cancellationType?: ActivityCancellationType;
  readonly summary?: string;
}

/**
 * Resolves and validates activity options.
 *
 * @throws ValidationError naming the field; when neither startToCloseTimeout nor
 *   scheduleToCloseTimeout is set; when `summary` is not a string of at most
 *   {@link MAX_ACTIVITY_SUMMARY_LENGTH} characters.
 */
export function resolveActivityOptions(options: ActivityOptions): ResolvedActivityOptions {
  // Workflows usually pass one shared, frozen options object: resolve it once per process.
  const frozen = Object.isFrozen(options) && (options.retry === undefined || Object.isFrozen(options.retry));
  const cached = frozen ? resolvedCache.get(options) : undefined;
  if (cached !== undefined) return cached;
  const resolved = resolveUncached(options);
  if (frozen) resolvedCache.set(options, resolved);
  return resolved;
}

const resolvedCache = new WeakMap<ActivityOptions, ResolvedActivityOptions>();

function resolveUncached(options: ActivityOptions): ResolvedActivityOptions {
  const startToCloseTimeoutMs = optionalDurationMs(options.startToCloseTimeout, 'startToCloseTimeout');
  const scheduleToCloseTimeoutMs = optionalDurationMs(
    options.scheduleToCloseTimeout,
    'scheduleToCloseTimeout',
  );
  const heartbeatTimeoutMs = optionalDurationMs(options.heartbeatTimeout, 'heartbeatTimeout');
  const scheduleToStartTimeoutMs = optionalDurationMs(
    options.scheduleToStartTimeout,
    'scheduleToStartTimeout',
  );
  if (startToCloseTimeoutMs === undefined && scheduleToCloseTimeoutMs === undefined) {
    throw new ValidationError(
      'activity options: at least one of startToCloseTimeout and scheduleToCloseTimeout is required',
    );
  }
  for (const [field, value] of [
    ['startToCloseTimeout', startToCloseTimeoutMs],
    ['scheduleToCloseTimeout', scheduleToCloseTimeoutMs],
    ['heartbeatTimeout', heartbeatTimeoutMs],
    ['scheduleToStartTimeout', scheduleToStartTimeoutMs],
  ] as const) {
    if (value === 0) throw new ValidationError(`${field}: expected a duration > 0`);
  }
  if (
    options.taskQueue !== undefined &&
    (typeof options.taskQueue !== 'string' || options.taskQueue === '')
  ) {
    throw new ValidationError('taskQueue: expected a non-empty string');
  }
  const resolved: {
    -readonly [K in keyof ResolvedActivityOptions]: ResolvedActivityOptions[K];
  } = { retry: resolveRetryPolicy(options.retry) };
  if (startToCloseTimeoutMs !== undefined) resolved.startToCloseTimeoutMs = startToCloseTimeoutMs;
  if (scheduleToCloseTimeoutMs !== undefined) resolved.scheduleToCloseTimeoutMs = scheduleToCloseTimeoutMs;
  if (heartbeatTimeoutMs !== undefined) resolved.heartbeatTimeoutMs = heartbeatTimeoutMs;
  if (scheduleToStartTimeoutMs !== undefined) resolved.scheduleToStartTimeoutMs = scheduleToStartTimeoutMs;
  if (options.taskQueue !== undefined) resolved.taskQueue = options.taskQueue;
  if (options.summary !== undefined) resolved.summary = checkedSummary(options.summary);
  if (options.cancellationType !== undefined) {
    if (!CANCELLATION_TYPES.includes(options.cancellationType)) {
      throw new ValidationError(
        `cancellationType: expected one of ${CANCELLATION_TYPES.join(', ')}, got ${String(options.cancellationType)}`,
      );
    }
    resolved.cancellationType = options.cancellationType;
  }
  return Object.freeze(resolved);
}

/** `summary` when it is a string of at most {@link MAX_ACTIVITY_SUMMARY_LENGTH} characters. */
function checkedSummary(summary: unknown): string {
  if (typeof summary !== 'string')
    throw new ValidationError(`summary: expected a string, got ${typeof summary}`);
  if (summary.length > MAX_ACTIVITY_SUMMARY_LENGTH)
    throw new ValidationError(
      `summary: expected at most ${MAX_ACTIVITY_SUMMARY_LENGTH} characters, got ${summary.length}`,
    );
  return summary;
}

/** Merges per-call options over a proxy's defaults (the retry policy is merged field by field). */
export function mergeActivityOptions(base: ActivityOptions, override: ActivityOptions): ActivityOptions {
  const merged: ActivityOptions = { ...base, ...override };
  if (base.retry !== undefined || override.retry !== undefined)
    merged.retry = { ...base.retry, ...override.retry };
  return merged;
}
