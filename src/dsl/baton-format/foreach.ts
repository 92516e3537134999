/**
 * `foreach` steps: the action runs once per item of a list, with `item` and `index` in scope, as
 * iterations `name[0]`, `name[1]` … (each with its own `baton.step` markers). In parallel (the
 * default) every iteration starts at once and the first to fail for good cancels the others;
 * sequential iterations run one after the other and stop at the first failure. The step's output
 * is the list of the iterations' outputs, in item order; an empty list completes at once with `[]`.
 */
import { ApplicationFailure } from '../../common/failures.js';
import type { WorkflowContext } from '../../runtime/context.js';
import { isCancellation } from '../../runtime/cancellation.js';
import { markStep } from '../files/step-kit.js';
import { stepFailureReason } from './actions.js';
import { EXPRESSION_FAILURE, evaluateTemplate } from './expressions.js';
import type { StepRunner } from './interpreter.js';
import type { PlannedStep } from './plan.js';

/** Failure type of a `foreach` whose value is not a list. */
export const NOT_AN_ARRAY_FAILURE = 'NotAnArray';

/**
 * Runs a `foreach` step.
 *
 * @throws ApplicationFailure `NotAnArray` (not retried) when the value is not a list, including
 *   when the expression reads a missing key (the message then says which); the first failure of
 *   an iteration.
 */
export async function runForeach(
  ctx: WorkflowContext,
  run: StepRunner,
  step: PlannedStep,
  label: string,
): Promise<unknown[]> {
  const items = itemsOf(run, step, label);
  if (items.length === 0) return [];
  if (!step.parallel) {
    const outputs: unknown[] = [];
    for (let i = 0; i < items.length; i++) outputs.push(await iteration(ctx, run, step, items, i));
    return outputs;
  }
  return ctx.cancellable(async (siblings) => {
    const outputs: unknown[] = new Array<unknown>(items.length).fill(null);
    let failure: { error: unknown } | undefined;
    await Promise.all(
      items.map((_, i) =>
        iteration(ctx, run, step, items, i).then(
          (value) => {
            outputs[i] = value;
          },
          (error: unknown) => {
            if (failure !== undefined) return;
            failure = { error };
            siblings.cancel(`${label}: iteration ${i} failed`);
          },
        ),
      ),
    );
    if (failure !== undefined) throw failure.error;
    return outputs;
  });
}

function itemsOf(run: StepRunner, step: PlannedStep, label: string): unknown[] {
  let items: unknown;
  try {
    items = evaluateTemplate(step.foreach!, run.scopeWith(), label);
  } catch (error) {
    if (!(error instanceof ApplicationFailure) || error.type !== EXPRESSION_FAILURE) throw error;
    throw notAnArray(label, step, `nothing: ${error.message.slice(label.length + 2)}`);
  }
  if (!Array.isArray(items)) throw notAnArray(label, step, describe(items));
  return items;
}

function notAnArray(label: string, step: PlannedStep, got: string): ApplicationFailure {
  return ApplicationFailure.create({
    message: `${label}: foreach \`${step.foreachSource}\` is not an array (got ${got})`,
    type: NOT_AN_ARRAY_FAILURE,
    nonRetryable: true,
  });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (typeof value === 'object') return 'a map';
  const text = JSON.stringify(value);
  return `${typeof value} ${text.length > 40 ? `${text.slice(0, 37)}...` : text}`;
}

async function iteration(
  ctx: WorkflowContext,
  run: StepRunner,
  step: PlannedStep,
  items: readonly unknown[],
  i: number,
): Promise<unknown> {
  const id = `${step.name}[${i}]`;
  markStep(ctx, id, 'RUNNING');
  try {
    const output = await run.runOnce(step, id, { item: items[i], index: i });
    markStep(ctx, id, 'COMPLETED');
    return output;
  } catch (error) {
    markStep(ctx, id, isCancellation(error) ? 'CANCELED' : 'FAILED', stepFailureReason(error));
    throw error;
  }
}
