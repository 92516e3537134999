/**
 * Checking a Conductor workflow definition as a whole: its own fields, its tasks (see
 * `tasks.ts`), the JOINs' `joinOn` and every `${...}` reference. Every problem is reported with
 * its line and column, all at once.
 */
import { WorkflowFileError } from '../files/file-error.js';
import type { SourceDoc, ValuePath } from '../files/source.js';
import { collectReferences } from './expressions.js';
import { allTasks, type ConductorTask, type ConductorWorkflowDef, type TimeoutPolicy } from './model.js';
import { describe, isObject, report, type ReadContext } from './read-kit.js';
import { readTaskList } from './tasks.js';

/** Roots a `${...}` reference may start with besides task reference names. */
const BUILTIN_ROOTS = ['workflow', 'CPEWF_TASK_ID'];

/**
 * Reads and checks a Conductor workflow definition.
 *
 * @throws WorkflowFileError listing every problem: a missing or wrong field, an unsupported task
 *   type (naming the task's reference name and its type), a duplicated reference name, a JOIN on
 *   an unknown task, a `${...}` reference with unsupported JSONPath or an unknown root.
 */
export function readWorkflowDef(doc: SourceDoc): ConductorWorkflowDef {
  const cx: ReadContext = {
    doc,
    problems: [],
    refs: new Map(),
    readList: (value, path, allowEmpty) => readTaskList(cx, value, path, allowEmpty),
  };
  const root = doc.value;
  if (!isObject(root))
    throw new WorkflowFileError([
      doc.problem([], `expected a Conductor workflow definition (an object), got ${describe(root)}`),
    ]);
  const name = typeof root.name === 'string' && root.name.trim() !== '' ? root.name : undefined;
  if (name === undefined) report(cx, ['name'], 'name: expected the workflow name, a non-empty string');
  else if (name.includes('@'))
    report(cx, ['name'], `name '${name}': cannot contain '@' (Baton registers it as name@version)`);
  const version = root.version ?? 1;
  if (!Number.isInteger(version) || (version as number) < 1)
    report(cx, ['version'], `version: expected an integer ≥ 1, got ${describe(version)}`);
  const tasks = readTaskList(cx, root.tasks, ['tasks'], false);
  const def: ConductorWorkflowDef = {
    name: name ?? '',
    version: Number.isInteger(version) ? (version as number) : 1,
    tasks,
    ...readOutputParameters(cx, root.outputParameters),
    inputTemplate: readObject(cx, root.inputTemplate, ['inputTemplate']) ?? {},
    ...readFailureWorkflow(cx, root.failureWorkflow),
    ...readTimeout(cx, root),
  };
  checkJoins(cx, tasks);
  checkReferences(cx, def, root);
  if (cx.problems.length > 0) throw new WorkflowFileError(cx.problems);
  return def;
}

function readObject(cx: ReadContext, value: unknown, path: ValuePath): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (isObject(value)) return value;
  report(cx, path, `${path.join('.')}: expected an object, got ${describe(value)}`);
  return undefined;
}

function readOutputParameters(
  cx: ReadContext,
  value: unknown,
): Pick<ConductorWorkflowDef, 'outputParameters'> {
  const outputs = readObject(cx, value, ['outputParameters']);
  return outputs === undefined || Object.keys(outputs).length === 0 ? {} : { outputParameters: outputs };
}

function readFailureWorkflow(cx: ReadContext, value: unknown): Pick<ConductorWorkflowDef, 'failureWorkflow'> {
  if (value === undefined || value === null || value === '') return {};
  if (typeof value === 'string') return { failureWorkflow: value };
  report(cx, ['failureWorkflow'], `failureWorkflow: expected a workflow name, got ${describe(value)}`);
  return {};
}

function readTimeout(
  cx: ReadContext,
  root: Record<string, unknown>,
): Pick<ConductorWorkflowDef, 'timeoutSeconds' | 'timeoutPolicy'> {
  const seconds = root.timeoutSeconds ?? 0;
  const policy = root.timeoutPolicy ?? 'ALERT_ONLY';
  const policies: TimeoutPolicy[] = ['ALERT_ONLY', 'TIME_OUT_WF'];
  let timeoutSeconds = 0;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0)
    report(
      cx,
      ['timeoutSeconds'],
      `timeoutSeconds: expected a number of seconds ≥ 0, got ${describe(seconds)}`,
    );
  else timeoutSeconds = seconds;
  if (typeof policy !== 'string' || !(policies as string[]).includes(policy)) {
    report(
      cx,
      ['timeoutPolicy'],
      `timeoutPolicy: expected one of ${policies.join(', ')}, got ${describe(policy)}`,
    );
    return { timeoutSeconds, timeoutPolicy: 'ALERT_ONLY' };
  }
  return { timeoutSeconds, timeoutPolicy: policy as TimeoutPolicy };
}

/** Every JOIN's `joinOn` names tasks of this workflow. */
function checkJoins(cx: ReadContext, tasks: readonly ConductorTask[]): void {
  for (const task of allTasks(tasks)) {
    (task.joinOn ?? []).forEach((ref, i) => {
      if (!cx.refs.has(ref))
        report(
          cx,
          [...task.path, 'joinOn', i],
          `task '${task.ref}': joinOn names '${ref}', which is no taskReferenceName of this workflow`,
        );
    });
  }
}

/** Every `${...}` parses and starts with `workflow` or a task reference name of the workflow. */
function checkReferences(cx: ReadContext, def: ConductorWorkflowDef, root: Record<string, unknown>): void {
  const check = (value: unknown, at: ValuePath, owner: string): void => {
    const { refs, errors } = collectReferences(value, at);
    for (const e of errors) report(cx, e.at, `${owner}: ${e.message}`);
    for (const r of refs) {
      const head = r.path.segments[0] as { key: string };
      if (!BUILTIN_ROOTS.includes(head.key) && !cx.refs.has(head.key))
        report(
          cx,
          r.at,
          `${owner}: \${${r.path.source}} starts with '${head.key}', which is neither workflow nor a taskReferenceName of this workflow`,
        );
    }
  };
  for (const task of allTasks(def.tasks))
    check(task.inputParameters, [...task.path, 'inputParameters'], `task '${task.ref}'`);
  if (isObject(root.outputParameters)) check(root.outputParameters, ['outputParameters'], 'outputParameters');
}
