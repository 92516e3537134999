/**
 * The body of a step workflow: an ordinary workflow function over `ctx`. Each step is one
 * activity call (recorded, retried, replayed like any other); the steps run inside a saga, so a
 * step that fails for good cancels the steps in flight, waits for them, and undoes the completed
 * ones in reverse completion order before the workflow fails with that step's failure.
 */
import type { ActivityOptions } from '../common/activity-options.js';
import type { WorkflowContext } from '../runtime/context.js';
import type { Saga, SagaOptions } from '../runtime/saga.js';
import type { ScopeHandle } from '../runtime/scopes.js';
import { Inbox } from './inbox.js';

/** The outputs of the steps completed so far, by step name (read-only). */
export type StepOutputs = Readonly<Record<string, unknown>>;

/** One step, compiled by `defineStepWorkflow`: options resolved and frozen, dependents indexed. */
export interface CompiledStep<Input> {
  readonly name: string;
  readonly activity: string;
  readonly options: ActivityOptions;
  readonly args: (input: Input, outputs: StepOutputs) => unknown[];
  readonly compensation?: {
    readonly activity: string;
    readonly options: ActivityOptions;
    readonly args: (output: unknown, input: Input, outputs: StepOutputs) => unknown[];
  };
  /** How many steps this one waits for. */
  readonly waitsFor: number;
  /** Indexes of the steps that wait for this one, in declaration order. */
  readonly dependents: readonly number[];
}

/** A step workflow, compiled: what {@link stepWorkflowFunction} runs. */
export interface StepPlan<Input, Output> {
  readonly steps: readonly CompiledStep<Input>[];
  readonly output: (outputs: StepOutputs, input: Input) => Output;
  readonly saga: SagaOptions;
}

/** A step's call, settled: its output, or why it failed. */
type Settled = { index: number; ok: true; value: unknown } | { index: number; ok: false; error: unknown };

/** Calls the activity `type` with `options` (an ordinary, recorded activity call). */
function callActivity(
  ctx: WorkflowContext,
  type: string,
  options: ActivityOptions,
  args: unknown[],
): Promise<unknown> {
  const stub = ctx.activities<Record<string, (...a: unknown[]) => Promise<unknown>>>(options)[type];
  if (stub === undefined) throw new TypeError(`no activity stub for '${type}'`);
  return stub(...args);
}

/**
 * The workflow function of a compiled step workflow: `(ctx, input) => output`.
 *
 * Steps start, in declaration order, in the workflow turn where their last dependency completed,
 * so the commands (and a replay) are deterministic. A plain bug (say a `TypeError` in an `args`
 * or `output` function) is not a step failure: as in any workflow code, it fails the workflow task
 * at once (nothing of that turn is recorded), which waits for fixed code; nothing is compensated.
 */
export function stepWorkflowFunction<Input, Output>(
  plan: StepPlan<Input, Output>,
): (ctx: WorkflowContext, input: Input) => Promise<Output> {
  return async (ctx, input) => {
    const outputs = await ctx.saga(
      (saga) => ctx.cancellable((scope) => runGraph(ctx, plan, input, saga, scope)),
      plan.saga,
    );
    return plan.output(outputs, input);
  };
}

async function runGraph<Input>(
  ctx: WorkflowContext,
  plan: StepPlan<Input, unknown>,
  input: Input,
  saga: Saga,
  scope: ScopeHandle,
): Promise<StepOutputs> {
  const outputs: Record<string, unknown> = {};
  const waiting = plan.steps.map((s) => s.waitsFor);
  const inbox = new Inbox<Settled>();
  let inFlight = 0;
  let failure: { error: unknown } | undefined;

  const start = (index: number): void => {
    const step = plan.steps[index]!;
    // A throw here (a bug in `args`, arguments the data converter refuses) leaves the workflow
    // function at once, in this turn, so the workflow task fails before anything else is recorded.
    const call = callActivity(ctx, step.activity, step.options, step.args(input, outputs));
    inFlight++;
    void call.then(
      (value) => inbox.push({ index, ok: true, value }),
      (error: unknown) => inbox.push({ index, ok: false, error }),
    );
  };

  for (const [i, s] of plan.steps.entries()) if (s.waitsFor === 0) start(i);
  while (inFlight > 0) {
    const settled = await inbox.next();
    inFlight--;
    const step = plan.steps[settled.index]!;
    if (!settled.ok) {
      // The first failure wins; the steps still in flight are cancelled, then awaited.
      if (failure === undefined) {
        failure = { error: settled.error };
        scope.cancel(`step '${step.name}' failed`);
      }
      continue;
    }
    // A step that completed, even while the others were being cancelled, is compensated.
    Object.defineProperty(outputs, step.name, { value: settled.value, enumerable: true });
    const compensation = step.compensation;
    if (compensation !== undefined)
      saga.addCompensation(() =>
        callActivity(
          ctx,
          compensation.activity,
          compensation.options,
          compensation.args(settled.value, input, outputs),
        ),
      );
    if (failure !== undefined) continue;
    for (const d of step.dependents) if (--waiting[d]! === 0) start(d);
  }
  if (failure !== undefined) throw failure.error;
  return outputs;
}
