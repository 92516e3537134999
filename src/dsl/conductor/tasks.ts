/**
 * Reading and checking the tasks of a Conductor workflow definition: their common fields, their
 * retry settings and what each supported type needs. Problems are collected (with their line and
 * column) rather than thrown, so that one load reports them all.
 */
import type { ValuePath } from '../files/source.js';
import { SUPPORTED_TASK_TYPES, type ConductorTask, type TaskType } from './model.js';
import { describe, isObject, report, type ReadContext } from './read-kit.js';
import { RETRY_LOGICS, retryPolicyOf, type TaskRetrySettings } from './retry.js';
import { TYPE_READERS } from './task-types.js';

type Obj = Record<string, unknown>;

/** Default time an attempt of a SIMPLE task may take: Conductor's `responseTimeoutSeconds`, 1 h. */
const DEFAULT_ATTEMPT_TIMEOUT_MS = 3600_000;
/** The longest attempt timeout used: 20 days (Node timers stop at 24.8 days). */
const MAX_ATTEMPT_TIMEOUT_MS = 20 * 24 * 3600_000;

/**
 * Reads a list of tasks (`tasks`, a SWITCH case, a fork branch, `loopOver`).
 *
 * @param allowEmpty - false where Conductor needs at least one task.
 */
export function readTaskList(
  cx: ReadContext,
  value: unknown,
  path: ValuePath,
  allowEmpty: boolean,
): ConductorTask[] {
  if (!Array.isArray(value)) {
    report(cx, path, `expected a list of tasks, got ${describe(value)}`);
    return [];
  }
  if (value.length === 0 && !allowEmpty) report(cx, path, 'expected at least one task, got an empty list');
  const tasks: ConductorTask[] = [];
  value.forEach((item, i) => {
    const task = readTask(cx, item, [...path, i]);
    if (task !== undefined) tasks.push(task);
  });
  checkForkJoinPairs(cx, tasks);
  return tasks;
}

/** Reads one task; undefined when it is too broken to use (its problems are recorded). */
export function readTask(cx: ReadContext, value: unknown, path: ValuePath): ConductorTask | undefined {
  if (!isObject(value)) {
    report(
      cx,
      path,
      `expected a task (an object with name, taskReferenceName and type), got ${describe(value)}`,
    );
    return undefined;
  }
  const ref = value.taskReferenceName;
  if (typeof ref !== 'string' || ref === '') {
    report(cx, path, 'task: expected taskReferenceName, a non-empty string');
    return undefined;
  }
  const where = `task '${ref}'`;
  if (ref.includes('[') || ref.includes(']'))
    report(cx, [...path, 'taskReferenceName'], `${where}: a taskReferenceName cannot contain '[' or ']'`);
  const seen = cx.refs.get(ref);
  if (seen !== undefined) {
    const first = cx.doc.locate(seen);
    report(
      cx,
      [...path, 'taskReferenceName'],
      `${where}: taskReferenceName already used at line ${first.line}`,
    );
  } else cx.refs.set(ref, path);
  const name = typeof value.name === 'string' && value.name !== '' ? value.name : undefined;
  if (name === undefined) report(cx, [...path, 'name'], `${where}: expected name, a non-empty string`);
  const type = readType(cx, value.type, path, where);
  if (type === undefined) return undefined;
  const inputParameters = value.inputParameters ?? {};
  if (!isObject(inputParameters))
    report(
      cx,
      [...path, 'inputParameters'],
      `${where}: inputParameters: expected an object, got ${describe(inputParameters)}`,
    );
  if (value.optional !== undefined && typeof value.optional !== 'boolean')
    report(cx, [...path, 'optional'], `${where}: optional: expected true or false`);
  const base = {
    name: name ?? ref,
    ref,
    type,
    path,
    inputParameters: isObject(inputParameters) ? inputParameters : {},
    optional: value.optional === true,
    ...readRetry(cx, value, path, where),
  };
  return { ...base, ...TYPE_READERS[type](cx, value, path, where, base.inputParameters) };
}

function readType(cx: ReadContext, value: unknown, path: ValuePath, where: string): TaskType | undefined {
  const type = value ?? 'SIMPLE';
  if (typeof type !== 'string') {
    report(cx, [...path, 'type'], `${where}: type: expected a string, got ${describe(type)}`);
    return undefined;
  }
  if ((SUPPORTED_TASK_TYPES as readonly string[]).includes(type)) return type as TaskType;
  report(
    cx,
    [...path, 'type'],
    `${where}: task type '${type}' is not supported by Baton; expected one of ${SUPPORTED_TASK_TYPES.join(', ')}`,
  );
  return undefined;
}

/** The task's retry policy and attempt timeout, from `retryCount` and `taskDefinition`. */
function readRetry(
  cx: ReadContext,
  task: Obj,
  path: ValuePath,
  where: string,
): Pick<ConductorTask, 'retry' | 'attemptTimeoutMs'> {
  const settings: TaskRetrySettings = {};
  const count = nonNegative(cx, task.retryCount, [...path, 'retryCount'], `${where}: retryCount`);
  if (count !== undefined) settings.taskRetryCount = count;
  let attemptTimeoutMs = DEFAULT_ATTEMPT_TIMEOUT_MS;
  const def = task.taskDefinition;
  if (def !== undefined) {
    const at = [...path, 'taskDefinition'];
    if (!isObject(def)) report(cx, at, `${where}: taskDefinition: expected an object, got ${describe(def)}`);
    else {
      const field = (key: string): number | undefined =>
        nonNegative(cx, def[key], [...at, key], `${where}: taskDefinition.${key}`);
      const logic = def.retryLogic;
      if (logic !== undefined && !(RETRY_LOGICS as readonly unknown[]).includes(logic))
        report(
          cx,
          [...at, 'retryLogic'],
          `${where}: taskDefinition.retryLogic: expected one of ${RETRY_LOGICS.join(', ')}, got ${describe(logic)}`,
        );
      settings.definition = {
        ...optional('retryCount', field('retryCount')),
        ...optional('retryLogic', typeof logic === 'string' ? logic : undefined),
        ...optional('retryDelaySeconds', field('retryDelaySeconds')),
        ...optional('backoffScaleFactor', field('backoffScaleFactor')),
      };
      const response = field('responseTimeoutSeconds');
      if (response !== undefined && response > 0)
        attemptTimeoutMs = Math.min(response * 1000, MAX_ATTEMPT_TIMEOUT_MS);
    }
  }
  return { retry: retryPolicyOf(settings), attemptTimeoutMs };
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function nonNegative(cx: ReadContext, value: unknown, path: ValuePath, what: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    report(cx, path, `${what}: expected a number ≥ 0, got ${describe(value)}`);
    return undefined;
  }
  return value;
}

/** A FORK_JOIN must be followed by a JOIN in its list, as Conductor requires. */
function checkForkJoinPairs(cx: ReadContext, tasks: readonly ConductorTask[]): void {
  tasks.forEach((task, i) => {
    if (task.type === 'FORK_JOIN' && tasks[i + 1]?.type !== 'JOIN')
      report(cx, task.path, `task '${task.ref}': a FORK_JOIN must be followed by a JOIN task`);
  });
}
