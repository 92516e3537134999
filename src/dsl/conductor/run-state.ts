/**
 * The state of one Conductor workflow run inside Baton's workflow function: the tasks scheduled so
 * far with their input, output and status (Conductor's task list, which `failedWorkflow.tasks`
 * shows), the workflow variables, and the document `${...}` references read.
 */
import { ActivityFailure, BatonFailure, TimeoutFailure } from '../../common/failures.js';
import type { WorkflowContext } from '../../runtime/context.js';
import { markStep } from '../files/step-kit.js';
import { resolveValue } from './expressions.js';
import type { ConductorTask, ConductorWorkflowDef } from './model.js';

/** A task's status, as Conductor's. */
export type TaskStatus =
  'IN_PROGRESS' | 'COMPLETED' | 'COMPLETED_WITH_ERRORS' | 'FAILED' | 'TIMED_OUT' | 'CANCELED';

/** One scheduled task (one per iteration inside a DO_WHILE). */
export interface TaskRecord {
  /** The step id: the reference name, plus `[n]` per enclosing DO_WHILE iteration (1-based). */
  readonly stepId: string;
  readonly task: ConductorTask;
  /** Order of scheduling, from 1. */
  readonly seq: number;
  /** The DO_WHILE iteration it belongs to (innermost), when inside one. */
  readonly iteration?: number;
  status: TaskStatus;
  input: Record<string, unknown>;
  output: Record<string, unknown>;
  reason?: string;
}

/** Where a task list runs: the step id suffix and iteration of the enclosing DO_WHILEs. */
export interface RunScope {
  readonly suffix: string;
  readonly iteration?: number;
}

/** The top-level scope. */
export const TOP_SCOPE: RunScope = Object.freeze({ suffix: '' });

/** Thrown through the task lists when a (non-optional) task failed: the workflow fails. */
export class TaskFailedSignal extends Error {
  constructor(readonly record: TaskRecord) {
    super(`task '${record.stepId}' ${record.status}: ${record.reason ?? ''}`);
    this.name = 'TaskFailedSignal';
  }
}

/** Thrown through the task lists by a TERMINATE task. */
export class TerminateSignal extends Error {
  constructor(
    readonly record: TaskRecord,
    readonly status: 'COMPLETED' | 'FAILED' | 'TERMINATED',
    readonly output: Record<string, unknown>,
    readonly reason: string,
  ) {
    super(`terminated by '${record.stepId}' with ${status}`);
    this.name = 'TerminateSignal';
  }
}

/** One run's state. */
export class ConductorRun {
  readonly records: TaskRecord[] = [];
  private readonly latest = new Map<string, TaskRecord>();
  variables: Record<string, unknown> = {};
  /** The workflow's status as `${workflow.status}` shows it. */
  status = 'RUNNING';
  reasonForIncompletion: string | undefined;
  output: Record<string, unknown> = {};

  constructor(
    readonly ctx: WorkflowContext,
    readonly def: ConductorWorkflowDef,
    readonly input: Record<string, unknown>,
  ) {}

  /** The `workflow` root of references, as Conductor's. */
  workflowDoc(): Record<string, unknown> {
    const info = this.ctx.info;
    return {
      input: this.input,
      output: this.output,
      status: this.status,
      workflowId: info.workflowId,
      workflowType: this.def.name,
      version: this.def.version,
      variables: this.variables,
      reasonForIncompletion: this.reasonForIncompletion ?? null,
      schemaVersion: 2,
      createTime: info.startTime.getTime(),
      correlationId: null,
      parentWorkflowId: null,
    };
  }

  /** The `<ref>` root of references: the latest record with that reference name. */
  taskDoc(ref: string): Record<string, unknown> | undefined {
    const rec = this.latest.get(ref);
    if (rec === undefined) return undefined;
    return {
      input: rec.input,
      output: rec.output,
      status: rec.status,
      referenceTaskName: rec.task.ref,
      taskDefName: rec.task.name,
      taskType: rec.task.type,
      taskId: rec.stepId,
      reasonForIncompletion: rec.reason ?? null,
      seq: rec.seq,
      ...(rec.iteration === undefined ? {} : { iteration: rec.iteration }),
    };
  }

  /** Resolves `${...}` references in `value`; `taskId` answers `${CPEWF_TASK_ID}`. */
  resolve(value: unknown, taskId?: string): unknown {
    return resolveValue(value, (root) => {
      if (root === 'workflow') return this.workflowDoc();
      if (root === 'CPEWF_TASK_ID') return taskId;
      return this.taskDoc(root);
    });
  }

  /** Schedules a task: a record IN_PROGRESS, its step marked RUNNING. */
  begin(task: ConductorTask, scope: RunScope): TaskRecord {
    const rec: TaskRecord = {
      stepId: task.ref + scope.suffix,
      task,
      seq: this.records.length + 1,
      ...(scope.iteration === undefined ? {} : { iteration: scope.iteration }),
      status: 'IN_PROGRESS',
      input: {},
      output: {},
    };
    this.records.push(rec);
    this.latest.set(task.ref, rec);
    markStep(this.ctx, rec.stepId, 'RUNNING');
    return rec;
  }

  /** The task completed with `output`. */
  complete(rec: TaskRecord, output: Record<string, unknown>): void {
    rec.output = output;
    rec.status = 'COMPLETED';
    markStep(this.ctx, rec.stepId, 'COMPLETED');
  }

  /**
   * The task failed. An optional task ends COMPLETED_WITH_ERRORS and the run goes on; any other
   * throws {@link TaskFailedSignal}.
   */
  fail(rec: TaskRecord, reason: string, output: Record<string, unknown>, timedOut = false): void {
    rec.output = output;
    rec.reason = reason;
    if (rec.task.optional) {
      rec.status = 'COMPLETED_WITH_ERRORS';
      markStep(this.ctx, rec.stepId, 'COMPLETED_WITH_ERRORS', reason);
      return;
    }
    rec.status = timedOut ? 'TIMED_OUT' : 'FAILED';
    markStep(this.ctx, rec.stepId, rec.status, reason);
    throw new TaskFailedSignal(rec);
  }

  /** Marks every task still IN_PROGRESS as CANCELED (the run is ending). */
  cancelInProgress(reason: string): void {
    for (const rec of this.records) {
      if (rec.status !== 'IN_PROGRESS') continue;
      rec.status = 'CANCELED';
      rec.reason = reason;
      markStep(this.ctx, rec.stepId, 'CANCELED', reason);
    }
  }

  /** The last task scheduled (whose output is the workflow's when there are no outputParameters). */
  lastRecord(): TaskRecord | undefined {
    return this.records[this.records.length - 1];
  }
}

/**
 * Runs `exec` for a task's record and ends it: COMPLETED with the output, or FAILED (see
 * {@link ConductorRun.fail}) with the failure's reason. Control-flow signals and cancellation pass
 * through (a cancelled task is CANCELED).
 */
export async function settle(
  run: ConductorRun,
  rec: TaskRecord,
  exec: () => Promise<Record<string, unknown>>,
  failureOutput: (reason: string, error: unknown) => Record<string, unknown> = () => ({}),
): Promise<void> {
  let output: Record<string, unknown>;
  try {
    output = await exec();
  } catch (error) {
    if (error instanceof TaskFailedSignal || error instanceof TerminateSignal) throw error;
    if (isCancellation(error)) {
      rec.status = 'CANCELED';
      rec.reason = 'cancelled';
      markStep(run.ctx, rec.stepId, 'CANCELED');
      throw error;
    }
    const reason = failureReason(error);
    run.fail(rec, reason, failureOutput(reason, error), rootCause(error) instanceof TimeoutFailure);
    return;
  }
  run.complete(rec, output);
}

/** True for a cancellation reaching workflow code (a CancelledFailure, or an activity cancelled). */
export function isCancellation(error: unknown): boolean {
  const root = rootCause(error);
  return root instanceof BatonFailure && root.name === 'CancelledFailure';
}

/** The innermost cause of an activity failure. */
export function rootCause(error: unknown): unknown {
  let current = error;
  while (current instanceof ActivityFailure && current.cause !== undefined) current = current.cause;
  return current;
}

/** A task failure's reason in a few words: the innermost failure's message (HTTP: method, URL, status). */
export function failureReason(error: unknown): string {
  const root = rootCause(error);
  return root instanceof Error ? root.message : String(root);
}
