/**
 * How a Conductor run ends when it does not complete: its `failureWorkflow` started (not awaited)
 * with the failed execution as input, and Baton's failure carrying the run's output.
 */
import { ApplicationFailure } from '../../common/failures.js';
import { BUILTIN, type WorkflowCallArg } from '../files/builtins/types.js';
import { callStepActivity } from '../files/step-kit.js';
import type { ConductorRun, TaskRecord } from './run-state.js';

/** `ApplicationFailure.type` of a Conductor workflow that ended FAILED, TIMED_OUT or TERMINATED. */
export const CONDUCTOR_WORKFLOW_FAILED = 'ConductorWorkflowFailed';

/** Output key naming the failure workflow's run (or why it could not start), as Conductor's. */
export const FAILURE_WORKFLOW_KEY = 'conductor.failure_workflow';

/** How a run ended, when not COMPLETED. */
export interface RunEnding {
  readonly status: 'FAILED' | 'TIMED_OUT' | 'TERMINATED';
  readonly reason: string;
  /** The task whose failure failed the run. */
  readonly failedTask?: TaskRecord;
}

/** Details of the {@link CONDUCTOR_WORKFLOW_FAILED} failure after the output (`details[1]`). */
export interface ConductorFailureInfo {
  status: RunEnding['status'];
  reason: string;
  /** The failed task's step id, or null. */
  failureTaskId: string | null;
}

/**
 * The execution as Conductor's failure workflow receives it in `failedWorkflow`: ids, name,
 * version, status, reason, input, output, variables, and `tasks` (each with `referenceTaskName`,
 * `taskType`, `status`, `inputData`, `outputData`, `reasonForIncompletion`, `seq`, `taskId` =
 * its step id, `iteration` inside a DO_WHILE).
 */
export function failedWorkflowDoc(
  run: ConductorRun,
  ending: RunEnding,
  output: Record<string, unknown>,
): Record<string, unknown> {
  const failed = run.records.filter((r) => r.status === 'FAILED' || r.status === 'TIMED_OUT');
  return {
    workflowId: run.ctx.info.workflowId,
    workflowName: run.def.name,
    workflowVersion: run.def.version,
    status: ending.status,
    reasonForIncompletion: ending.reason,
    input: run.input,
    output,
    variables: run.variables,
    createTime: run.ctx.info.startTime.getTime(),
    endTime: run.ctx.now(),
    failedReferenceTaskNames: failed.map((r) => r.task.ref),
    failedTaskNames: failed.map((r) => r.task.name),
    tasks: run.records.map((r) => ({
      taskId: r.stepId,
      referenceTaskName: r.task.ref,
      taskDefName: r.task.name,
      taskType: r.task.type,
      status: r.status,
      seq: r.seq,
      ...(r.iteration === undefined ? {} : { iteration: r.iteration }),
      inputData: r.input,
      outputData: r.output,
      ...(r.reason === undefined ? {} : { reasonForIncompletion: r.reason }),
    })),
  };
}

/**
 * Starts the run's `failureWorkflow` (latest version) through `baton.workflow` with `wait: false`
 * and workflowId `<this workflowId>/failureWorkflow`. Its input is this run's input plus
 * `workflowId`, `reason`, `failureStatus`, `failureTaskId` and `failedWorkflow`.
 *
 * @returns the started run's workflowId, or a sentence saying why it could not start (as
 *   Conductor puts either under `conductor.failure_workflow`).
 */
export async function startFailureWorkflow(
  run: ConductorRun,
  ending: RunEnding,
  output: Record<string, unknown>,
): Promise<string> {
  const name = run.def.failureWorkflow!;
  const info = run.ctx.info;
  const input = {
    ...run.input,
    workflowId: info.workflowId,
    reason: ending.reason,
    failureStatus: ending.status,
    failureTaskId: ending.failedTask?.stepId ?? null,
    failedWorkflow: failedWorkflowDoc(run, ending, output),
  };
  const call: WorkflowCallArg = {
    workflow: name,
    input,
    workflowId: `${info.workflowId}/failureWorkflow`,
    taskQueue: info.taskQueue,
    wait: false,
  };
  try {
    const started = (await run.ctx.nonCancellable(() =>
      callStepActivity(run.ctx, 'failureWorkflow', BUILTIN.workflow, [call], {
        startToCloseTimeout: 60_000,
        retry: { maximumAttempts: 3 },
      }),
    )) as { workflowId: string };
    return started.workflowId;
  } catch (error) {
    const why =
      error instanceof Error
        ? error.cause instanceof Error
          ? error.cause.message
          : error.message
        : String(error);
    run.ctx.logger.warn(`failure workflow '${name}' could not start: ${why}`);
    return `failure workflow '${name}' could not start: ${why}`;
  }
}

/**
 * The failure a run that did not complete ends with: `ConductorWorkflowFailed`, not retryable,
 * message `<status>: <reason>`, `details[0]` = the run's output (with `conductor.failure_workflow`
 * when one was started), `details[1]` = {@link ConductorFailureInfo}.
 */
export function runFailure(ending: RunEnding, output: Record<string, unknown>): ApplicationFailure {
  const info: ConductorFailureInfo = {
    status: ending.status,
    reason: ending.reason,
    failureTaskId: ending.failedTask?.stepId ?? null,
  };
  return ApplicationFailure.nonRetryable(
    `${ending.status}: ${ending.reason}`,
    CONDUCTOR_WORKFLOW_FAILED,
    output,
    info,
  );
}
