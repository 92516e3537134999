/**
 * The tasks that do one thing: SIMPLE, HTTP, INLINE, JSON_JQ_TRANSFORM, WAIT, SUB_WORKFLOW,
 * SET_VARIABLE and TERMINATE. Every call to the world is a Baton activity (a registered activity
 * or a built-in), whose `summary` is the task's step id.
 */
import type { ActivityOptions } from '../../common/activity-options.js';
import { ApplicationFailure } from '../../common/failures.js';
import { BUILTIN, type HttpRequestArg, type JqResult } from '../files/builtins/types.js';
import { callStepActivity } from '../files/step-kit.js';
import type { ConductorTask } from './model.js';
import { settle, TerminateSignal, type ConductorRun, type TaskRecord } from './run-state.js';
import { isObject } from './read-kit.js';
import { parseWaitDuration, parseWaitUntil } from './wait.js';

type Output = Record<string, unknown>;

/** Default connect and read timeouts of an HTTP task, ms each (Conductor's). */
export const HTTP_DEFAULT_TIMEOUT_PART_MS = 3000;
/** Time a script (INLINE, SWITCH, DO_WHILE condition) may run, ms of CPU. */
const SCRIPT_TIMEOUT_MS = 5000;
/** Time given to a sub-workflow's activity: 20 days, since it awaits the child (it heartbeats; Node timers stop at 24.8 days). */
const SUB_WORKFLOW_TIMEOUT_MS = 20 * 24 * 3600 * 1000;

/** Activity options of a task's calls: its retry policy, `startToCloseMs` per attempt. */
export function taskOptions(task: ConductorTask, startToCloseMs: number): ActivityOptions {
  return { startToCloseTimeout: startToCloseMs, retry: task.retry, cancellationType: 'TRY_CANCEL' };
}

/** Options of a script evaluation that is part of control flow (a SWITCH, a loop condition): one attempt. */
export function scriptOptions(): ActivityOptions {
  return {
    startToCloseTimeout: SCRIPT_TIMEOUT_MS + 10_000,
    retry: { maximumAttempts: 1 },
    cancellationType: 'TRY_CANCEL',
  };
}

/** Runs a script in the sandbox with `$` bound to `input`; its completion value is the result. */
export function evaluateScript(
  run: ConductorRun,
  stepId: string,
  script: string,
  input: unknown,
  options: ActivityOptions,
): Promise<unknown> {
  return callStepActivity(
    run.ctx,
    stepId,
    BUILTIN.script,
    [{ script, bindings: { $: input }, timeoutMs: SCRIPT_TIMEOUT_MS }],
    options,
  );
}

/** What a leaf task does with its resolved input; returns its output. */
type LeafExec = (run: ConductorRun, rec: TaskRecord) => Promise<Output>;

/**
 * Runs a leaf task for its record (already begun, input resolved): COMPLETED with its output, or
 * FAILED. An HTTP task's output on failure is `{ response: <reason> }` (Conductor keeps the error
 * text there, so `${ref.output.response.statusCode}` is then null).
 */
export async function runLeaf(run: ConductorRun, rec: TaskRecord): Promise<void> {
  const exec = LEAVES[rec.task.type];
  if (exec === undefined) throw new TypeError(`no leaf executor for task type ${rec.task.type}`);
  const onFailure = rec.task.type === 'HTTP' ? (reason: string) => ({ response: reason }) : undefined;
  await settle(run, rec, () => exec(run, rec), onFailure);
}

const LEAVES: Partial<Record<ConductorTask['type'], LeafExec>> = {
  SIMPLE: runSimple,
  HTTP: runHttp,
  INLINE: runInline,
  JSON_JQ_TRANSFORM: runJq,
  WAIT: runWait,
  SUB_WORKFLOW: runSubWorkflow,
  SET_VARIABLE: async (run, rec) => {
    run.variables = { ...run.variables, ...rec.input };
    return {};
  },
  TERMINATE: runTerminate,
};

/** SIMPLE: the registered activity named as the task, with the resolved input as its argument. */
async function runSimple(run: ConductorRun, rec: TaskRecord): Promise<Output> {
  const { task } = rec;
  const result = await callStepActivity(
    run.ctx,
    rec.stepId,
    task.name,
    [rec.input],
    taskOptions(task, task.attemptTimeoutMs),
  );
  return isObject(result) ? result : { result: result ?? null };
}

/**
 * HTTP: `http_request` (or the same fields flat in the input). As Conductor: `Content-Type` and
 * `Accept` default to application/json (the `contentType` and `accept` fields change them), the
 * body goes as JSON, the timeout is `connectionTimeOut + readTimeOut`, any non-2xx fails the task,
 * and the body is parsed as JSON whenever it parses. A GET or HEAD sends no body.
 */
async function runHttp(run: ConductorRun, rec: TaskRecord): Promise<Output> {
  const request = httpRequestOf(rec.input);
  const response = await callStepActivity(
    run.ctx,
    rec.stepId,
    BUILTIN.http,
    [request],
    taskOptions(rec.task, (request.timeoutMs ?? 0) + 10_000),
  );
  return { response };
}

/** The built-in's request from an HTTP task's resolved input. */
export function httpRequestOf(input: Output): HttpRequestArg {
  const spec = isObject(input.http_request) ? input.http_request : input;
  if (typeof spec.uri !== 'string' || spec.uri === '')
    throw ApplicationFailure.nonRetryable(
      `HTTP task: uri resolved to ${JSON.stringify(spec.uri ?? null)}; expected a URL`,
      'ConductorTaskInvalid',
    );
  const method = typeof spec.method === 'string' && spec.method !== '' ? spec.method.toUpperCase() : 'GET';
  const headers: Record<string, string> = {
    'Content-Type': typeof spec.contentType === 'string' ? spec.contentType : 'application/json',
    Accept: typeof spec.accept === 'string' ? spec.accept : 'application/json',
  };
  if (isObject(spec.headers))
    for (const [name, value] of Object.entries(spec.headers)) {
      for (const key of Object.keys(headers))
        if (key.toLowerCase() === name.toLowerCase()) delete headers[key];
      headers[name] = typeof value === 'string' ? value : JSON.stringify(value);
    }
  const timeoutMs = part(spec.connectionTimeOut) + part(spec.readTimeOut);
  const request: HttpRequestArg = {
    method,
    url: spec.uri,
    headers,
    timeoutMs,
    bodyParsing: 'json-if-parses',
  };
  const hasBody = spec.body !== undefined && spec.body !== null && method !== 'GET' && method !== 'HEAD';
  return hasBody ? { ...request, body: spec.body } : request;
}

function part(value: unknown): number {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : HTTP_DEFAULT_TIMEOUT_PART_MS;
}

/** INLINE: a script with `$` = the input (`value-param`: the input parameter named by `expression`). */
async function runInline(run: ConductorRun, rec: TaskRecord): Promise<Output> {
  const { evaluatorType, expression } = rec.input;
  if (typeof expression !== 'string')
    throw ApplicationFailure.nonRetryable('INLINE task: expression is not a string', 'ConductorTaskInvalid');
  if (evaluatorType === 'value-param') return { result: rec.input[expression] ?? null };
  const result = await evaluateScript(
    run,
    rec.stepId,
    expression,
    rec.input,
    taskOptions(rec.task, SCRIPT_TIMEOUT_MS + 10_000),
  );
  return { result: result ?? null };
}

/** JSON_JQ_TRANSFORM: the jq program `queryExpression` over the whole input. */
async function runJq(run: ConductorRun, rec: TaskRecord): Promise<Output> {
  const query = rec.input.queryExpression;
  if (typeof query !== 'string')
    throw ApplicationFailure.nonRetryable(
      'JSON_JQ_TRANSFORM task: queryExpression is not a string',
      'ConductorTaskInvalid',
    );
  const out = (await callStepActivity(
    run.ctx,
    rec.stepId,
    BUILTIN.jq,
    [{ query, input: rec.input }],
    taskOptions(rec.task, 30_000),
  )) as JqResult;
  return { result: out.result ?? null, resultList: out.resultList };
}

/** WAIT: a durable timer for `duration`, or until `until`. */
async function runWait(run: ConductorRun, rec: TaskRecord): Promise<Output> {
  const { duration, until } = rec.input;
  let waitMs: number;
  try {
    if (typeof duration === 'string' && duration !== '') waitMs = parseWaitDuration(duration);
    else if (typeof until === 'string' && until !== '') waitMs = parseWaitUntil(until) - run.ctx.now();
    else throw new Error('WAIT: duration and until are both empty');
  } catch (error) {
    throw ApplicationFailure.nonRetryable((error as Error).message, 'ConductorTaskInvalid');
  }
  if (waitMs > 0) await run.ctx.sleep(waitMs);
  return {};
}

/** SUB_WORKFLOW: the child (`name@version`, or the latest version), awaited; its output plus `subWorkflowId`. */
async function runSubWorkflow(run: ConductorRun, rec: TaskRecord): Promise<Output> {
  const sub = rec.task.subWorkflow!;
  const workflowId = `${run.ctx.info.workflowId}/${rec.stepId}`;
  const call = {
    workflow: sub.version === undefined ? sub.name : `${sub.name}@${sub.version}`,
    input: rec.input,
    workflowId,
    taskQueue: run.ctx.info.taskQueue,
  };
  const options: ActivityOptions = {
    ...taskOptions(rec.task, SUB_WORKFLOW_TIMEOUT_MS),
    heartbeatTimeout: 60_000,
  };
  const result = await callStepActivity(run.ctx, rec.stepId, BUILTIN.workflow, [call], options);
  return { ...(isObject(result) ? result : { result: result ?? null }), subWorkflowId: workflowId };
}

/**
 * TERMINATE: ends the run with `terminationStatus`; `workflowOutput` becomes the workflow's output
 * (a non-object value is wrapped as `{ output: value }`).
 */
async function runTerminate(run: ConductorRun, rec: TaskRecord): Promise<Output> {
  const status = rec.input.terminationStatus;
  if (status !== 'COMPLETED' && status !== 'FAILED' && status !== 'TERMINATED')
    throw ApplicationFailure.nonRetryable(
      `TERMINATE task: terminationStatus resolved to ${JSON.stringify(status ?? null)}; expected COMPLETED, FAILED or TERMINATED`,
      'ConductorTaskInvalid',
    );
  const value = rec.input.workflowOutput;
  const output = isObject(value) ? value : value === undefined || value === null ? {} : { output: value };
  const reason =
    typeof rec.input.terminationReason === 'string'
      ? rec.input.terminationReason
      : `terminated by task '${rec.stepId}'`;
  run.complete(rec, output);
  throw new TerminateSignal(rec, status, output, reason);
}
