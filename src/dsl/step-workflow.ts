/**
 * Step workflows (the orchestrator style): a list or a DAG of named steps, each an activity with
 * an optional compensation, compiled into an ordinary workflow definition, so they run on the same
 * engine as workflows as code: same history, retries, replay after a crash, worker and client.
 */
import {
  MAX_ACTIVITY_SUMMARY_LENGTH,
  mergeActivityOptions,
  resolveActivityOptions,
  type ActivityOptions,
} from '../common/activity-options.js';
import { durationMs, type Duration } from '../common/duration.js';
import { ValidationError } from '../common/errors.js';
import type { RetryPolicy } from '../common/retry-policy.js';
import { defineWorkflow, type WorkflowDefinition } from '../runtime/definitions.js';
import type { SagaOptions } from '../runtime/saga.js';
import { stepWorkflowFunction, type CompiledStep, type StepOutputs } from './run-steps.js';
import { buildStepGraph, type StepGraph, type StepNode } from './step-graph.js';

export type { StepOutputs } from './run-steps.js';

/**
 * One step: an activity registered on the worker, run with the workflow's activity options, this
 * step's `retry` and `timeout` over them.
 *
 * @example
 * { name: 'ThrowPokeball', run: 'throwPokeball', dependsOn: ['Attack'],
 *   retry: { maximumAttempts: 3 }, args: (input, outputs) => [input.trainer, outputs.Attack] }
 */
export interface StepDefinition<Input = unknown> {
  /** The step's name, unique in the workflow (any non-empty string, e.g. `'hello trainer'`). */
  name: string;
  /** The activity type the step runs. */
  run: string;
  /** The activity type that undoes the step, run when a later step fails for good. */
  compensate?: string;
  /**
   * The step's retry policy, merged field by field over `activityOptions.retry`.
   * @default `activityOptions.retry`
   */
  retry?: RetryPolicy;
  /**
   * The step's `startToCloseTimeout`: how long one attempt may run before it is retried.
   * @default `activityOptions.startToCloseTimeout`
   */
  timeout?: Duration;
  /**
   * The steps this one starts after. When no step of the workflow declares `dependsOn`, the steps
   * run in order, each after the previous one; when any does, the steps form a DAG: a step
   * without `dependsOn` (or with `[]`) starts at once, the others as soon as all theirs completed.
   */
  dependsOn?: readonly string[];
  /**
   * Builds the activity's arguments from the workflow's input and the outputs of the steps
   * completed so far (by name).
   * @default `[output of the dependency]` when the step depends on exactly one step (in a
   *   sequence: the previous one), else `[input]`
   */
  args?: (input: Input, outputs: StepOutputs) => unknown[];
  /**
   * Builds the compensation's arguments from the step's output, the input and the outputs of
   * every step completed when the compensations began.
   * @default `[output]`
   */
  compensateArgs?: (output: unknown, input: Input, outputs: StepOutputs) => unknown[];
}

/** Options of {@link defineStepWorkflow}. */
export interface StepWorkflowOptions<Input = unknown, Output = StepOutputs> {
  /** The workflow type, unique among a worker's workflows. */
  name: string;
  /** The steps, in declaration order (the order of a sequence, and the tie-break of a DAG). */
  steps: readonly StepDefinition<Input>[];
  /**
   * Options of every step's activity and of the compensations (which do not take a step's
   * `retry` or `timeout`). When neither `startToCloseTimeout` nor `scheduleToCloseTimeout` is
   * given, `startToCloseTimeout` is `'1m'`. Their `summary` is set per call: the step's name for
   * a step, `compensate <step>` for a compensation (a given `summary` is not used).
   * @default `{ startToCloseTimeout: '1m' }`, with Temporal's retry policy (1 s initial interval,
   *   coefficient 2, unlimited attempts)
   */
  activityOptions?: ActivityOptions;
  /**
   * The workflow's result, from the outputs of every step (by name) and the input.
   * @default an object of every step's output by step name, in declaration order
   */
  output?: (outputs: StepOutputs, input: Input) => Output;
  /**
   * How compensations run (see `ctx.saga`). With `continueWithError` (the default here), a
   * compensation that fails for good does not stop the others; the workflow then fails with
   * `SagaCompensationFailed`, whose cause is the step's failure.
   * @default `{ continueWithError: true }`
   */
  saga?: SagaOptions;
}

/** A step workflow: a workflow definition (for a worker and a client) that carries its graph. */
export interface StepWorkflowDefinition<Input = unknown, Output = StepOutputs> extends WorkflowDefinition<
  [input: Input],
  Output
> {
  /** The steps as data (frozen), to draw the workflow before it runs. */
  readonly graph: StepGraph;
}

/** The fields a step may have (anything else, e.g. a misspelt `compensation`, is refused). */
const STEP_FIELDS: readonly string[] = [
  'name',
  'run',
  'compensate',
  'retry',
  'timeout',
  'dependsOn',
  'args',
  'compensateArgs',
];

/** Default `startToCloseTimeout` of the steps and compensations. */
export const DEFAULT_STEP_TIMEOUT = '1m';

/**
 * Defines a step workflow: a list or a DAG of named steps, each one activity call, compiled into
 * an ordinary workflow. It takes one input value; its result is `output(outputs, input)`.
 *
 * Each step is recorded in the history and retried under its policy; after a crash the workflow
 * is replayed and goes on after the last completed step. When a step fails for good, the steps in
 * flight are cancelled and awaited, the completed steps' compensations run newest first in a
 * non-cancellable scope, and the workflow fails with the step's failure (an `ActivityFailure`).
 * Cancelling the workflow compensates the same way, and it ends Canceled.
 *
 * @throws ValidationError naming the step and what was expected: empty steps, a duplicate name, an
 *   unknown dependency, a dependency cycle (named), a field of the wrong type, invalid options.
 * @example
 * export const captureSteps = defineStepWorkflow({
 *   name: 'CapturePokemonSteps',
 *   steps: [
 *     { name: 'Paralyze', run: 'paralyze', compensate: 'cure', args: (input: CaptureInput) => [input.pokemon] },
 *     { name: 'Attack', run: 'attack', compensate: 'heal' },
 *     { name: 'ThrowPokeball', run: 'throwPokeball', retry: { maximumAttempts: 3 },
 *       args: (input, outputs) => [input.trainer, outputs.Attack] },
 *   ],
 *   output: (outputs) => outputs.ThrowPokeball as CaptureResult,
 * });
 * const { pokemon } = await baton.client.execute(captureSteps, { taskQueue: 'capture', args: [{ trainer, pokemon }] });
 */
export function defineStepWorkflow<Input = unknown, Output = StepOutputs>(
  options: StepWorkflowOptions<Input, Output>,
): StepWorkflowDefinition<Input, Output> {
  if (typeof options !== 'object' || options === null)
    throw new ValidationError('defineStepWorkflow: expected options { name, steps }');
  const name: unknown = options.name;
  if (typeof name !== 'string' || name.trim() === '')
    throw new ValidationError(`defineStepWorkflow: name: expected a non-empty string, got ${String(name)}`);
  const fail = (message: string): never => {
    throw new ValidationError(`defineStepWorkflow('${name}'): ${message}`);
  };
  const graph = buildStepGraph(name, options.steps);
  const base = baseOptions(options.activityOptions, fail);
  const dependents = dependentsOf(graph);
  const steps = graph.steps.map((node, i) =>
    compileStep(node, options.steps[i]!, dependents[i]!, base, fail),
  );
  const stepNames = graph.steps.map((s) => s.name);
  const output =
    options.output ?? ((outputs: StepOutputs) => inDeclarationOrder(outputs, stepNames) as Output);
  if (typeof output !== 'function') fail(`output: expected a function (outputs, input) => result`);
  if (options.saga !== undefined && (typeof options.saga !== 'object' || options.saga === null))
    fail(`saga: expected { parallelCompensation?, continueWithError? }`);
  const saga = Object.freeze({ continueWithError: true, ...options.saga });
  const fn = stepWorkflowFunction<Input, Output>({ steps, output, saga });
  return Object.freeze({ ...defineWorkflow(name, fn), graph });
}

function baseOptions(given: ActivityOptions | undefined, fail: (message: string) => never): ActivityOptions {
  if (given !== undefined && (typeof given !== 'object' || given === null))
    fail(`activityOptions: expected an object of activity options, got ${String(given)}`);
  const options: ActivityOptions = { ...given };
  if (options.startToCloseTimeout === undefined && options.scheduleToCloseTimeout === undefined)
    options.startToCloseTimeout = DEFAULT_STEP_TIMEOUT;
  return checked(options, 'activityOptions', fail);
}

function compileStep<Input>(
  node: StepNode,
  step: StepDefinition<Input>,
  dependents: readonly number[],
  base: ActivityOptions,
  fail: (message: string) => never,
): CompiledStep<Input> {
  const where = `step '${node.name}'`;
  const unknown = Object.keys(step).filter((k) => !STEP_FIELDS.includes(k));
  if (unknown.length > 0)
    fail(
      `${where}: unknown field ${unknown.map((k) => `'${k}'`).join(', ')}; expected only ${STEP_FIELDS.join(', ')}`,
    );
  if (step.timeout !== undefined) {
    try {
      if (durationMs(step.timeout, 'timeout') === 0) fail(`${where}: timeout: expected a duration > 0`);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      fail(`${where}: ${error.message}`);
    }
  }
  for (const field of ['args', 'compensateArgs'] as const)
    if (step[field] !== undefined && typeof step[field] !== 'function')
      fail(`${where}: ${field}: expected a function returning the activity's arguments (an array)`);
  if (step.compensateArgs !== undefined && node.compensation === null)
    fail(`${where}: compensateArgs is set but compensate (the compensation's activity) is not`);
  if (step.retry !== undefined && (typeof step.retry !== 'object' || step.retry === null))
    fail(`${where}: retry: expected a retry policy object, got ${String(step.retry)}`);
  const override: ActivityOptions = {};
  if (step.retry !== undefined) override.retry = step.retry;
  if (step.timeout !== undefined) override.startToCloseTimeout = step.timeout;
  const options = checked(withSummary(mergeActivityOptions(base, override), node.name), where, fail);
  const single = node.dependsOn.length === 1 ? node.dependsOn[0] : undefined;
  const build = step.args ?? defaultArgs<Input>(single);
  const compiled: CompiledStep<Input> = {
    name: node.name,
    activity: node.activity,
    options,
    args: (input, outputs) => arrayOf(`${where}: args`, build(input, outputs)),
    waitsFor: node.dependsOn.length,
    dependents,
  };
  if (node.compensation === null) return Object.freeze(compiled);
  const compensateArgs = step.compensateArgs ?? ((output: unknown) => [output]);
  return Object.freeze({
    ...compiled,
    compensation: Object.freeze({
      activity: node.compensation,
      options: checked(withSummary(base, compensationSummary(node.name)), where, fail),
      args: (output: unknown, input: Input, outputs: StepOutputs) =>
        arrayOf(`${where}: compensateArgs`, compensateArgs(output, input, outputs)),
    }),
  });
}

/** The `summary` of a step's compensation: `compensate <step>`. */
function compensationSummary(step: string): string {
  return `compensate ${step}`;
}

/**
 * `options` whose `summary` names the call (a step name, or {@link compensationSummary}), as
 * recorded on `ActivityTaskScheduled`, so that a reset finds a step by its name without the
 * graph. A summary too long to record ({@link MAX_ACTIVITY_SUMMARY_LENGTH}) is left out.
 */
function withSummary(options: ActivityOptions, summary: string): ActivityOptions {
  const { summary: _given, ...rest } = options;
  return summary.length <= MAX_ACTIVITY_SUMMARY_LENGTH ? { ...rest, summary } : rest;
}

/** `[output of the single dependency]`, or `[input]`. */
function defaultArgs<Input>(single: string | undefined): (input: Input, outputs: StepOutputs) => unknown[] {
  return single === undefined ? (input) => [input] : (_input, outputs) => [outputs[single]];
}

/** For each step, the indexes of the steps that wait for it, in declaration order. */
function dependentsOf(graph: StepGraph): number[][] {
  const index = new Map(graph.steps.map((s, i) => [s.name, i]));
  const dependents = graph.steps.map((): number[] => []);
  graph.steps.forEach((s, i) => s.dependsOn.forEach((d) => dependents[index.get(d)!]!.push(i)));
  return dependents;
}

/** The array an `args` function returned; a `TypeError` (a bug: the workflow task fails) if not one. */
function arrayOf(what: string, value: unknown): unknown[] {
  if (!Array.isArray(value))
    throw new TypeError(`${what}: expected an array of the activity's arguments, got ${typeof value}`);
  return value;
}

/** Resolves `options` once (errors name where they come from), then freezes them for the run. */
function checked(options: ActivityOptions, where: string, fail: (message: string) => never): ActivityOptions {
  try {
    resolveActivityOptions(options);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    fail(`${where}: ${error.message}`);
  }
  const frozen: ActivityOptions = { ...options };
  if (options.retry !== undefined) frozen.retry = Object.freeze({ ...options.retry });
  return Object.freeze(frozen);
}

function inDeclarationOrder(outputs: StepOutputs, names: readonly string[]): StepOutputs {
  return Object.fromEntries(names.map((n) => [n, outputs[n]]));
}
