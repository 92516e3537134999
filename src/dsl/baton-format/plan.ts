/**
 * A Baton workflow file compiled for its interpreter: every expression parsed, every duration and
 * activity option resolved, every dependency resolved. Frozen data, shared by all executions.
 */
import type { ActivityOptions } from '../../common/activity-options.js';
import type { Template } from './expressions.js';
import type { Dependency } from './graph.js';
import type { ActionKind } from './schema.js';

/** An action (a step's, or its compensation's), compiled. */
export interface PlannedAction {
  readonly kind: ActionKind;
  /**
   * The literal name the kind takes: the activity type, the child workflow, the signal, the
   * topic; undefined for `http`, `echo`, `sleep`.
   */
  readonly target: string | undefined;
  /** The rest of the action (url, headers, args, input, event, echo value, sleep duration …). */
  readonly payload: Template;
  /** Activity options of the call (`http`, `echo`, `activity`, `workflow`). */
  readonly options: ActivityOptions;
  /** `waitForSignal`'s timeout, in ms. */
  readonly timeoutMs: number | undefined;
}

/** One step, compiled. */
export interface PlannedStep {
  readonly name: string;
  readonly action: PlannedAction;
  readonly compensate: PlannedAction | undefined;
  readonly dependencies: readonly Dependency[];
  /** Indexes of the steps that depend on this one. */
  readonly dependents: readonly number[];
  readonly if: Template | undefined;
  readonly foreach: Template | undefined;
  /** The `foreach` expression's text, for messages. */
  readonly foreachSource: string;
  readonly parallel: boolean;
  readonly output: Template | undefined;
}

/** A whole file, compiled. */
export interface Plan {
  readonly workflowType: string;
  readonly steps: readonly PlannedStep[];
  /** The workflow's output; undefined: every step's output by name. */
  readonly output: Template | undefined;
  /** The whole run's limit, in ms. */
  readonly timeoutMs: number | undefined;
  /** Names of the signals some step waits for (their handlers are set when the run starts). */
  readonly signals: readonly string[];
  /** Steps that some other step depends on with `:FAILED` or `:ANY`: their failure does not fail the run. */
  readonly handled: ReadonlySet<string>;
}
