/**
 * The control-flow tasks: SWITCH (pick a case), FORK_JOIN (branches in parallel) and JOIN
 * (collect their outputs), DO_WHILE (loop while a script says so).
 */
import { markStep } from '../files/step-kit.js';
import { textOf } from './expressions.js';
import { allTasks, type ConductorTask } from './model.js';
import { evaluateScript, scriptOptions } from './run-leaf.js';
import { settle, TaskFailedSignal, type ConductorRun, type RunScope, type TaskRecord } from './run-state.js';

/** Runs a list of tasks in order (the interpreter's `runList`). */
export type ListRunner = (
  run: ConductorRun,
  tasks: readonly ConductorTask[],
  scope: RunScope,
) => Promise<void>;

/**
 * SWITCH: the case named by the value as text (`true` → "true", `3` → "3"), else `defaultCase`.
 * The SWITCH is COMPLETED once decided (output `{ evaluationResult: [case] }`, as Conductor's);
 * then the chosen case's tasks run; the other cases' tasks are marked SKIPPED.
 */
export async function runSwitch(
  run: ConductorRun,
  rec: TaskRecord,
  scope: RunScope,
  runList: ListRunner,
): Promise<void> {
  const { task } = rec;
  let caseValue = '';
  await settle(run, rec, async () => {
    caseValue = await switchValue(run, rec);
    return { evaluationResult: [caseValue] };
  });
  const cases = task.decisionCases ?? {};
  const chosen = Object.hasOwn(cases, caseValue) ? caseValue : 'defaultCase';
  for (const [name, list] of [...Object.entries(cases), ['defaultCase', task.defaultCase ?? []] as const])
    if (name !== chosen) skipAll(run, list, scope, `case '${chosen}' was taken`);
  await runList(run, chosen === 'defaultCase' ? (task.defaultCase ?? []) : cases[chosen]!, scope);
}

async function switchValue(run: ConductorRun, rec: TaskRecord): Promise<string> {
  const { evaluatorType, expression = '' } = rec.task;
  const value =
    evaluatorType === 'value-param'
      ? rec.input[expression]
      : await evaluateScript(run, rec.stepId, expression, rec.input, scriptOptions());
  return caseText(value);
}

/** A value as the text a case is keyed by (null and nothing: "null"). */
export const caseText = textOf;

function skipAll(run: ConductorRun, tasks: readonly ConductorTask[], scope: RunScope, reason: string): void {
  for (const task of allTasks(tasks)) markStep(run.ctx, task.ref + scope.suffix, 'SKIPPED', reason);
}

/**
 * FORK_JOIN: every branch runs at once, each in order. The FORK is COMPLETED once its branches
 * are started (as Conductor's); the fork waits for all of them. When one fails (or terminates the
 * run), the others are cancelled and that failure goes on.
 */
export async function runFork(
  run: ConductorRun,
  rec: TaskRecord,
  scope: RunScope,
  runList: ListRunner,
): Promise<void> {
  run.complete(rec, {});
  await run.ctx.cancellable(async (handle) => {
    let first: unknown;
    const branches = (rec.task.forkTasks ?? []).map((branch) =>
      runList(run, branch, scope).catch((error: unknown) => {
        if (first === undefined) {
          first = error;
          handle.cancel(`another branch of '${rec.stepId}' ended the fork`);
        }
        throw error;
      }),
    );
    await Promise.allSettled(branches);
    if (first !== undefined) throw first as Error;
  });
}

/** JOIN: `{ <ref>: output }` of every task in `joinOn` that ran. */
export async function runJoin(run: ConductorRun, rec: TaskRecord): Promise<void> {
  await settle(run, rec, async () => {
    const output: Record<string, unknown> = {};
    for (const ref of rec.task.joinOn ?? []) {
      const doc = run.taskDoc(ref);
      if (doc !== undefined) output[ref] = doc.output;
    }
    return output;
  });
}

/**
 * DO_WHILE: runs `loopOver` (iteration 1, 2 …), and after each iteration evaluates `loopCondition`
 * as a script with `$` = the loop's input parameters resolved again (so they may read the loop's
 * own output); a true result (or a number > 0) runs another iteration. The output is
 * `{ iteration: n, "1": { <ref>: output … }, … }`, updated as it goes. Tasks of iteration n have
 * step ids `<ref>[n]`.
 */
export async function runDoWhile(
  run: ConductorRun,
  rec: TaskRecord,
  scope: RunScope,
  runList: ListRunner,
): Promise<void> {
  const { task } = rec;
  const output: Record<string, unknown> = {};
  rec.output = output;
  for (let iteration = 1; ; iteration += 1) {
    output.iteration = iteration;
    const firstSeq = run.records.length;
    try {
      await runList(run, task.loopOver ?? [], { suffix: `${scope.suffix}[${iteration}]`, iteration });
    } catch (error) {
      output[String(iteration)] = iterationOutputs(run, firstSeq);
      if (error instanceof TaskFailedSignal) {
        run.fail(rec, `iteration ${iteration}: task '${error.record.stepId}' ${error.record.status}`, output);
      }
      throw error;
    }
    output[String(iteration)] = iterationOutputs(run, firstSeq);
    const again = await loopAgain(run, rec);
    if (again === undefined) return;
    if (!again) break;
  }
  run.complete(rec, output);
}

/** `{ <ref>: output }` of the tasks scheduled since `firstSeq` (the latest of each reference). */
function iterationOutputs(run: ConductorRun, firstSeq: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const r of run.records.slice(firstSeq)) out[r.task.ref] = r.output;
  return out;
}

/**
 * Evaluates the loop condition: whether to run another iteration, or undefined when the script
 * failed (the DO_WHILE then ended, see `settle`).
 */
async function loopAgain(run: ConductorRun, rec: TaskRecord): Promise<boolean | undefined> {
  const { task } = rec;
  try {
    const input = run.resolve(task.inputParameters, rec.stepId) as Record<string, unknown>;
    rec.input = input;
    return truthy(
      await evaluateScript(run, rec.stepId, task.loopCondition ?? 'false', input, scriptOptions()),
    );
  } catch (error) {
    await settle(
      run,
      rec,
      () => Promise.reject(error instanceof Error ? error : new Error(String(error))),
      () => rec.output,
    );
    return undefined;
  }
}

/** A condition's result as Conductor reads it: true, or a number > 0. */
export function truthy(value: unknown): boolean {
  return value === true || (typeof value === 'number' && value > 0);
}
