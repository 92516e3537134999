/**
 * A Conductor workflow definition as Baton reads it: the checked, normalised form that the
 * interpreter runs (the file's other fields, such as `description` or `ownerEmail`, are ignored).
 */
import type { RetryPolicy } from '../../common/retry-policy.js';
import type { ValuePath } from '../files/source.js';

/** The task types Baton runs. */
export const SUPPORTED_TASK_TYPES = [
  'SIMPLE',
  'HTTP',
  'SWITCH',
  'FORK_JOIN',
  'JOIN',
  'DO_WHILE',
  'WAIT',
  'SUB_WORKFLOW',
  'TERMINATE',
  'SET_VARIABLE',
  'INLINE',
  'JSON_JQ_TRANSFORM',
] as const;

/** A supported task type. */
export type TaskType = (typeof SUPPORTED_TASK_TYPES)[number];

/** Script evaluators of SWITCH and INLINE (both are JavaScript, run in Baton's QuickJS sandbox). */
export const SCRIPT_EVALUATORS = ['javascript', 'graaljs'] as const;

/** One workflow task, checked. */
export interface ConductorTask {
  /** The task's `name` (for SIMPLE: the activity type it calls). */
  readonly name: string;
  /** Its `taskReferenceName`: unique in the workflow, the step id. */
  readonly ref: string;
  readonly type: TaskType;
  /** Where the task is in the file (for messages). */
  readonly path: ValuePath;
  /** `inputParameters` as written (resolved when the task is scheduled). */
  readonly inputParameters: Readonly<Record<string, unknown>>;
  /** `optional`: a failure leaves the task COMPLETED_WITH_ERRORS and the workflow goes on. */
  readonly optional: boolean;
  /** Retry policy of the task's activity (see `retryPolicyOf`). */
  readonly retry: RetryPolicy;
  /** SIMPLE: time one attempt may take, ms (`responseTimeoutSeconds`, default 3600 s). */
  readonly attemptTimeoutMs: number;
  /** SWITCH: `value-param`, `javascript` or `graaljs`. */
  readonly evaluatorType?: string;
  /** SWITCH: the input parameter's name (value-param) or the script. */
  readonly expression?: string;
  readonly decisionCases?: Readonly<Record<string, readonly ConductorTask[]>>;
  readonly defaultCase?: readonly ConductorTask[];
  /** FORK_JOIN: the branches, each a list of tasks run in order. */
  readonly forkTasks?: readonly (readonly ConductorTask[])[];
  /** JOIN: the reference names whose outputs it collects. */
  readonly joinOn?: readonly string[];
  /** DO_WHILE: the script evaluated after each iteration. */
  readonly loopCondition?: string;
  readonly loopOver?: readonly ConductorTask[];
  /** SUB_WORKFLOW: the workflow to run (latest version when none). */
  readonly subWorkflow?: { readonly name: string; readonly version?: number };
}

/** What `timeoutSeconds` does: nothing (`ALERT_ONLY`) or time the run out (`TIME_OUT_WF`). */
export type TimeoutPolicy = 'ALERT_ONLY' | 'TIME_OUT_WF';

/** A workflow definition, checked. */
export interface ConductorWorkflowDef {
  readonly name: string;
  /** `version`, 1 when absent. */
  readonly version: number;
  readonly tasks: readonly ConductorTask[];
  /** `outputParameters`, or undefined when absent or empty (the output is then the last task's). */
  readonly outputParameters?: Readonly<Record<string, unknown>>;
  /** `inputTemplate`: defaults merged under the input. */
  readonly inputTemplate: Readonly<Record<string, unknown>>;
  /** `failureWorkflow`: a workflow name (latest version), started when this one fails. */
  readonly failureWorkflow?: string;
  /** `timeoutSeconds` (0: none). */
  readonly timeoutSeconds: number;
  readonly timeoutPolicy: TimeoutPolicy;
}

/** Every task of a list, nested ones included, in file order. */
export function allTasks(tasks: readonly ConductorTask[]): ConductorTask[] {
  const out: ConductorTask[] = [];
  const visit = (list: readonly ConductorTask[]): void => {
    for (const task of list) {
      out.push(task);
      for (const child of childLists(task)) visit(child.tasks);
    }
  };
  visit(tasks);
  return out;
}

/** The task lists nested in a task, with the SWITCH case (or `defaultCase`) each belongs to. */
export function childLists(task: ConductorTask): { branch?: string; tasks: readonly ConductorTask[] }[] {
  const lists: { branch?: string; tasks: readonly ConductorTask[] }[] = [];
  for (const [branch, list] of Object.entries(task.decisionCases ?? {})) lists.push({ branch, tasks: list });
  if (task.defaultCase !== undefined) lists.push({ branch: 'defaultCase', tasks: task.defaultCase });
  for (const branch of task.forkTasks ?? []) lists.push({ tasks: branch });
  if (task.loopOver !== undefined) lists.push({ tasks: task.loopOver });
  return lists;
}
