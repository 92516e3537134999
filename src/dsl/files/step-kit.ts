/**
 * What every file-workflow interpreter uses to run a step on the engine: built-in activity calls
 * whose `summary` is the step's id (so history, `baton run`'s progress and the UI's graph find the
 * step), and `baton.step` markers recording each step's state in the history.
 */
import type { ActivityOptions } from '../../common/activity-options.js';
import { MAX_ACTIVITY_SUMMARY_LENGTH } from '../../common/activity-options.js';
import type { WorkflowContext } from '../../runtime/context.js';

/**
 * A step's state. `RUNNING` when it starts; then one final state: `COMPLETED`, `FAILED`,
 * `SKIPPED` (its condition was false, or a dependency's state ruled it out; uTask's PRUNE),
 * `CANCELED`, or a format's own (uTask's `CLIENT_ERROR`, `SERVER_ERROR`, `FATAL_ERROR`, a custom
 * state).
 */
export type StepState = 'RUNNING' | 'COMPLETED' | 'FAILED' | 'SKIPPED' | 'CANCELED' | (string & {});

/** Marker name of step states in the history (`MarkerRecorded`). */
export const STEP_MARKER = 'baton.step';

/** Details of a `baton.step` marker. */
export interface StepMark {
  /** The step's id (a {@link FileGraphNode} id), with `[i]` appended for a foreach or loop iteration. */
  step: string;
  state: StepState;
  /** Why it failed or was skipped, in a few words. */
  reason?: string;
}

/**
 * Records that `step` is now in `state` (a `MarkerRecorded` event, in the same commit as whatever
 * the workflow does next). Call it when a step starts and when it ends.
 *
 * @example
 * markStep(ctx, 'attack', 'RUNNING');
 */
export function markStep(ctx: WorkflowContext, step: string, state: StepState, reason?: string): void {
  const details: StepMark = reason === undefined ? { step, state } : { step, state, reason };
  ctx.recordMarker(STEP_MARKER, details);
}

/**
 * Calls activity `activityType` (a built-in, see `BUILTIN`, or a registered activity) for step
 * `step`, with `options`; the call's `summary` is the step's id.
 *
 * @example
 * const response = await callStepActivity(ctx, 'fetch_ref', BUILTIN.http, [request], { startToCloseTimeout: '30s' });
 */
export function callStepActivity(
  ctx: WorkflowContext,
  step: string,
  activityType: string,
  args: unknown[],
  options: ActivityOptions,
): Promise<unknown> {
  const withSummary: ActivityOptions =
    step.length <= MAX_ACTIVITY_SUMMARY_LENGTH ? { ...options, summary: step } : options;
  const stub =
    ctx.activities<Record<string, (...a: unknown[]) => Promise<unknown>>>(withSummary)[activityType];
  if (stub === undefined) throw new TypeError(`no activity stub for '${activityType}'`);
  return stub(...args);
}
