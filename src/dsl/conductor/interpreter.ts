/**
 * The workflow function of an imported Conductor definition: a deterministic interpreter that
 * walks the tasks on Baton's engine (every call to the world is an activity, every wait a durable
 * timer), keeps Conductor's task list, and ends as Conductor ends a run: COMPLETED with its
 * output, or FAILED / TIMED_OUT / TERMINATED after starting its `failureWorkflow`.
 */
import type { ScopeHandle } from '../../runtime/scopes.js';
import type { WorkflowContext } from '../../runtime/context.js';
import { FAILURE_WORKFLOW_KEY, runFailure, startFailureWorkflow, type RunEnding } from './failure.js';
import type { ConductorTask, ConductorWorkflowDef } from './model.js';
import { runDoWhile, runFork, runJoin, runSwitch } from './run-control.js';
import { runLeaf } from './run-leaf.js';
import { ConductorRun, TaskFailedSignal, TerminateSignal, TOP_SCOPE, type RunScope } from './run-state.js';
import { isObject } from './read-kit.js';

/** Thrown when a TIME_OUT_WF run passed its `timeoutSeconds`. */
class WorkflowTimedOutSignal extends Error {
  constructor(readonly seconds: number) {
    super(`workflow timed out after ${seconds} s`);
    this.name = 'WorkflowTimedOutSignal';
  }
}

/**
 * Runs a Conductor workflow definition with `input` (an object, already completed by
 * `prepareInput`).
 *
 * @returns the output: `outputParameters` resolved, or the last task's output when there are
 *   none, or a COMPLETED TERMINATE task's `workflowOutput`.
 * @throws ApplicationFailure `ConductorWorkflowFailed` (see `runFailure`) when the run ends FAILED,
 *   TIMED_OUT or TERMINATED; a cancellation of the Baton workflow passes through.
 */
export async function runConductorWorkflow(
  ctx: WorkflowContext,
  def: ConductorWorkflowDef,
  input: unknown,
): Promise<Record<string, unknown>> {
  const run = new ConductorRun(ctx, def, isObject(input) ? input : {});
  let ending: RunEnding | undefined;
  let output: Record<string, unknown> | undefined;
  try {
    await withWorkflowTimeout(run, () => runList(run, def.tasks, TOP_SCOPE));
  } catch (error) {
    if (error instanceof TerminateSignal) {
      output = error.output;
      if (error.status !== 'COMPLETED') ending = { status: error.status, reason: error.reason };
    } else if (error instanceof TaskFailedSignal) {
      ending = { status: 'FAILED', reason: error.record.reason ?? 'a task failed', failedTask: error.record };
    } else if (error instanceof WorkflowTimedOutSignal) {
      ending = { status: 'TIMED_OUT', reason: error.message };
    } else {
      run.cancelInProgress('the workflow was cancelled');
      throw error;
    }
  }
  run.cancelInProgress(ending === undefined ? 'the workflow completed' : `the workflow ${ending.status}`);
  if (ending === undefined) {
    run.status = 'COMPLETED';
    return output ?? workflowOutput(run);
  }
  run.status = ending.status;
  run.reasonForIncompletion = ending.reason;
  const failedOutput = output ?? workflowOutput(run);
  if (def.failureWorkflow !== undefined)
    failedOutput[FAILURE_WORKFLOW_KEY] = await startFailureWorkflow(run, ending, failedOutput);
  throw runFailure(ending, failedOutput);
}

/** `outputParameters` resolved, or the last scheduled task's output (as Conductor's). */
function workflowOutput(run: ConductorRun): Record<string, unknown> {
  if (run.def.outputParameters !== undefined) {
    const resolved = run.resolve(run.def.outputParameters);
    return isObject(resolved) ? resolved : {};
  }
  return { ...(run.lastRecord()?.output ?? {}) };
}

/**
 * Runs `body`; with `timeoutPolicy: TIME_OUT_WF` and `timeoutSeconds` > 0, cancels it after
 * that many seconds (a durable timer) and throws {@link WorkflowTimedOutSignal}. `ALERT_ONLY`
 * never stops the run (Baton raises no alert).
 */
async function withWorkflowTimeout(run: ConductorRun, body: () => Promise<void>): Promise<void> {
  const { timeoutPolicy, timeoutSeconds } = run.def;
  if (timeoutPolicy !== 'TIME_OUT_WF' || timeoutSeconds <= 0) return body();
  const { ctx } = run;
  let timedOut = false;
  let bodyScope: ScopeHandle | undefined;
  let timerScope: ScopeHandle | undefined;
  const timer = ctx
    .cancellable(async (scope) => {
      timerScope = scope;
      await ctx.sleep(timeoutSeconds * 1000);
      timedOut = true;
      bodyScope?.cancel(`workflow timed out after ${timeoutSeconds} s`);
    })
    .catch(() => undefined);
  try {
    await ctx.cancellable(async (scope) => {
      bodyScope = scope;
      await body();
    });
  } catch (error) {
    if (timedOut) throw new WorkflowTimedOutSignal(timeoutSeconds);
    throw error;
  } finally {
    timerScope?.cancel('the workflow ended');
    await timer;
  }
}

/** Runs tasks in order; a FORK_JOIN's JOIN runs after the fork's branches. */
export async function runList(
  run: ConductorRun,
  tasks: readonly ConductorTask[],
  scope: RunScope,
): Promise<void> {
  for (const task of tasks) await runTask(run, task, scope);
}

/** Schedules one task (its input resolved) and runs it per its type. */
async function runTask(run: ConductorRun, task: ConductorTask, scope: RunScope): Promise<void> {
  const rec = run.begin(task, scope);
  const input = run.resolve(task.inputParameters, rec.stepId);
  rec.input = isObject(input) ? input : {};
  switch (task.type) {
    case 'SWITCH':
      return runSwitch(run, rec, scope, runList);
    case 'FORK_JOIN':
      return runFork(run, rec, scope, runList);
    case 'JOIN':
      return runJoin(run, rec);
    case 'DO_WHILE':
      return runDoWhile(run, rec, scope, runList);
    default:
      return runLeaf(run, rec);
  }
}
