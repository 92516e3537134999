/**
 * What each supported Conductor task type needs besides the common fields: checked at load, read
 * into the task's model (SWITCH cases, fork branches, loop body, sub-workflow …).
 */
import type { ValuePath } from '../files/source.js';
import { SCRIPT_EVALUATORS, type ConductorTask, type TaskType } from './model.js';
import { describe, isObject, report, type ReadContext } from './read-kit.js';
import { parseWaitDuration } from './wait.js';

type Obj = Record<string, unknown>;

type TypeReader = (
  cx: ReadContext,
  task: Obj,
  path: ValuePath,
  where: string,
  inputs: Obj,
) => Partial<ConductorTask>;

const none: TypeReader = () => ({});

export const TYPE_READERS: Record<TaskType, TypeReader> = {
  SIMPLE: none,
  SET_VARIABLE: none,
  HTTP: readHttp,
  SWITCH: readSwitch,
  FORK_JOIN: readFork,
  JOIN: readJoin,
  DO_WHILE: readDoWhile,
  WAIT: readWait,
  SUB_WORKFLOW: readSubWorkflow,
  TERMINATE: readTerminate,
  INLINE: readInline,
  JSON_JQ_TRANSFORM: (cx, _task, path, where, inputs) => {
    if (typeof inputs.queryExpression !== 'string' || inputs.queryExpression === '')
      report(
        cx,
        [...path, 'inputParameters', 'queryExpression'],
        `${where}: JSON_JQ_TRANSFORM needs inputParameters.queryExpression, a jq program`,
      );
    return {};
  },
};

function readHttp(
  cx: ReadContext,
  _task: Obj,
  path: ValuePath,
  where: string,
  inputs: Obj,
): Partial<ConductorTask> {
  const request = inputs.http_request;
  const at = [...path, 'inputParameters'];
  if (request === undefined) {
    if (inputs.uri === undefined)
      report(
        cx,
        at,
        `${where}: HTTP needs inputParameters.http_request (with uri and method) or inputParameters.uri`,
      );
  } else if (isObject(request) && request.uri === undefined)
    report(cx, [...at, 'http_request'], `${where}: http_request needs uri, the URL to call`);
  else if (!isObject(request) && typeof request !== 'string')
    report(
      cx,
      [...at, 'http_request'],
      `${where}: http_request: expected an object, got ${describe(request)}`,
    );
  return {};
}

function readSwitch(cx: ReadContext, task: Obj, path: ValuePath, where: string): Partial<ConductorTask> {
  const evaluatorType = task.evaluatorType;
  const evaluators = ['value-param', ...SCRIPT_EVALUATORS];
  if (typeof evaluatorType !== 'string' || !evaluators.includes(evaluatorType))
    report(
      cx,
      [...path, 'evaluatorType'],
      `${where}: SWITCH evaluatorType: expected one of ${evaluators.join(', ')}, got ${describe(evaluatorType)}`,
    );
  if (typeof task.expression !== 'string' || task.expression === '')
    report(
      cx,
      [...path, 'expression'],
      `${where}: SWITCH needs expression (an input parameter's name for value-param, else a script)`,
    );
  const cases = task.decisionCases ?? {};
  const decisionCases: Record<string, ConductorTask[]> = {};
  if (!isObject(cases))
    report(cx, [...path, 'decisionCases'], `${where}: decisionCases: expected an object of task lists`);
  else
    for (const [key, list] of Object.entries(cases))
      decisionCases[key] = cx.readList(list, [...path, 'decisionCases', key], true);
  const defaultCase = cx.readList(task.defaultCase ?? [], [...path, 'defaultCase'], true);
  return {
    evaluatorType: String(evaluatorType),
    expression: typeof task.expression === 'string' ? task.expression : '',
    decisionCases,
    defaultCase,
  };
}

function readFork(cx: ReadContext, task: Obj, path: ValuePath, where: string): Partial<ConductorTask> {
  const at = [...path, 'forkTasks'];
  if (!Array.isArray(task.forkTasks) || task.forkTasks.length === 0) {
    report(cx, at, `${where}: FORK_JOIN needs forkTasks, a non-empty list of task lists`);
    return { forkTasks: [] };
  }
  return { forkTasks: task.forkTasks.map((branch, i) => cx.readList(branch, [...at, i], false)) };
}

function readJoin(cx: ReadContext, task: Obj, path: ValuePath, where: string): Partial<ConductorTask> {
  const joinOn = task.joinOn ?? [];
  if (!Array.isArray(joinOn) || joinOn.some((r) => typeof r !== 'string')) {
    report(cx, [...path, 'joinOn'], `${where}: JOIN joinOn: expected a list of task reference names`);
    return { joinOn: [] };
  }
  return { joinOn: joinOn as string[] };
}

function readDoWhile(cx: ReadContext, task: Obj, path: ValuePath, where: string): Partial<ConductorTask> {
  if (task.items !== undefined)
    report(
      cx,
      [...path, 'items'],
      `${where}: DO_WHILE over items is not supported by Baton; use loopCondition`,
      true,
    );
  if (typeof task.loopCondition !== 'string' || task.loopCondition.trim() === '')
    report(
      cx,
      [...path, 'loopCondition'],
      `${where}: DO_WHILE needs loopCondition, a JavaScript script evaluated after each iteration`,
    );
  return {
    loopCondition: typeof task.loopCondition === 'string' ? task.loopCondition : 'false',
    loopOver: cx.readList(task.loopOver, [...path, 'loopOver'], false),
  };
}

function readWait(
  cx: ReadContext,
  _task: Obj,
  path: ValuePath,
  where: string,
  inputs: Obj,
): Partial<ConductorTask> {
  const at = [...path, 'inputParameters'];
  if (inputs.duration === undefined && inputs.until === undefined)
    report(
      cx,
      at,
      `${where}: WAIT needs inputParameters.duration ('10s', '1m') or until; a WAIT for an external update is not supported by Baton`,
    );
  if (typeof inputs.duration === 'string' && !inputs.duration.includes('${')) {
    try {
      parseWaitDuration(inputs.duration);
    } catch (error) {
      report(cx, [...at, 'duration'], `${where}: ${(error as Error).message}`);
    }
  }
  return {};
}

function readSubWorkflow(cx: ReadContext, task: Obj, path: ValuePath, where: string): Partial<ConductorTask> {
  const param = task.subWorkflowParam;
  const at = [...path, 'subWorkflowParam'];
  if (!isObject(param) || typeof param.name !== 'string' || param.name === '') {
    report(cx, at, `${where}: SUB_WORKFLOW needs subWorkflowParam.name, the workflow to start`);
    return { subWorkflow: { name: '' } };
  }
  if (param.workflowDefinition !== undefined)
    report(
      cx,
      [...at, 'workflowDefinition'],
      `${where}: an inline workflowDefinition is not supported by Baton; load it as its own file`,
      true,
    );
  const version = param.version;
  if (version !== undefined && (!Number.isInteger(version) || (version as number) < 1)) {
    report(
      cx,
      [...at, 'version'],
      `${where}: subWorkflowParam.version: expected an integer ≥ 1, got ${describe(version)}`,
    );
    return { subWorkflow: { name: param.name } };
  }
  return {
    subWorkflow:
      version === undefined ? { name: param.name } : { name: param.name, version: version as number },
  };
}

function readTerminate(
  cx: ReadContext,
  _task: Obj,
  path: ValuePath,
  where: string,
  inputs: Obj,
): Partial<ConductorTask> {
  const status = inputs.terminationStatus;
  const allowed = ['COMPLETED', 'FAILED', 'TERMINATED'];
  if (typeof status !== 'string' || (!status.includes('${') && !allowed.includes(status)))
    report(
      cx,
      [...path, 'inputParameters', 'terminationStatus'],
      `${where}: TERMINATE terminationStatus: expected one of ${allowed.join(', ')}, got ${describe(status)}`,
    );
  return {};
}

function readInline(
  cx: ReadContext,
  _task: Obj,
  path: ValuePath,
  where: string,
  inputs: Obj,
): Partial<ConductorTask> {
  const at = [...path, 'inputParameters'];
  const evaluators = ['value-param', ...SCRIPT_EVALUATORS];
  if (typeof inputs.evaluatorType !== 'string' || !evaluators.includes(inputs.evaluatorType))
    report(
      cx,
      [...at, 'evaluatorType'],
      `${where}: INLINE evaluatorType: expected one of ${evaluators.join(', ')}, got ${describe(inputs.evaluatorType)}`,
    );
  if (typeof inputs.expression !== 'string' || inputs.expression === '')
    report(cx, [...at, 'expression'], `${where}: INLINE needs inputParameters.expression, a script`);
  return {};
}
