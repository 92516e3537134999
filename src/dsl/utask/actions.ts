/**
 * The uTask actions Baton runs, each on a built-in activity (so recorded and replayed): `echo`
 * (`baton.echo`), `http` (`baton.http`, retried on 5xx and network errors) and `subtask`
 * (`baton.workflow`). Each gives a step outcome in uTask's terms: state, output, metadata, error.
 */
import type { ActivityOptions } from '../../common/activity-options.js';
import { ActivityFailure, ApplicationFailure, CancelledFailure } from '../../common/failures.js';
import type { WorkflowContext } from '../../runtime/context.js';
import {
  BUILTIN,
  BUILTIN_FAILURE,
  type HttpRequestArg,
  type HttpResponseValue,
  type WorkflowCallArg,
} from '../files/builtins/types.js';
import { callStepActivity } from '../files/step-kit.js';
import type { UtaskActionType, UtaskStep } from './model.js';
import { isRecord } from './reader.js';

/** What an action came to. */
export interface ActionOutcome {
  state: 'DONE' | 'CLIENT_ERROR' | 'SERVER_ERROR' | 'FATAL_ERROR';
  output?: unknown;
  metadata?: unknown;
  error?: string;
}

/** How actions are retried and how long they may take. */
export interface ActionSettings {
  /** Retries of an http step answered 5xx or not answered (after the first attempt). */
  maxRetries: number;
}

/** First retry delay and cap per `retry_pattern` (Baton's approximation of uTask's retry schedule). */
const RETRY_DELAYS: Record<UtaskStep['retryPattern'], { initialInterval: string; maximumInterval: string }> =
  {
    seconds: { initialInterval: '10s', maximumInterval: '1m' },
    minutes: { initialInterval: '1m', maximumInterval: '30m' },
    hours: { initialInterval: '1h', maximumInterval: '6h' },
  };

const HTTP_DEFAULT_TIMEOUT_MS = 30_000;

/** Go's `time.ParseDuration` for the units uTask configurations use (`30s`, `1m30s`, `500ms`). */
export function parseGoDuration(text: string): number | undefined {
  const units: Record<string, number> = {
    ns: 1e-6,
    us: 1e-3,
    µs: 1e-3,
    ms: 1,
    s: 1000,
    m: 60_000,
    h: 3_600_000,
  };
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let i = 0;
  if (text === '') return undefined;
  while (i < text.length) {
    re.lastIndex = i;
    const m = re.exec(text);
    if (m === null) return undefined;
    total += Number(m[1]) * (units[m[2] as string] ?? 0);
    i = re.lastIndex;
  }
  return total;
}

function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Turns a rendered http configuration into the request of `baton.http`. */
export function httpRequest(config: Record<string, unknown>): HttpRequestArg {
  const url = config.url !== undefined ? text(config.url) : `${text(config.host)}${text(config.path)}`;
  const headers: Record<string, string> = {};
  const list = (v: unknown): unknown[] =>
    Array.isArray(v) ? v : isRecord(v) ? Object.entries(v).map(([name, value]) => ({ name, value })) : [];
  for (const h of list(config.headers)) if (isRecord(h)) headers[text(h.name)] = text(h.value);
  const query: Record<string, string> = {};
  for (const q of list(config.query_parameters))
    if (isRecord(q)) query[text(q.key ?? q.name)] = text(q.value);
  const timeout = config.timeout === undefined ? undefined : parseGoDuration(text(config.timeout));
  if (config.timeout !== undefined && timeout === undefined)
    throw new Error(`http timeout '${text(config.timeout)}' is not a duration such as 30s or 1m`);
  return {
    method: text(config.method) === '' ? 'GET' : text(config.method).toUpperCase(),
    url,
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    ...(Object.keys(query).length > 0 ? { query } : {}),
    ...(config.body === undefined || config.body === '' ? {} : { body: text(config.body) }),
    timeoutMs: timeout ?? HTTP_DEFAULT_TIMEOUT_MS,
    bodyParsing: 'content-type',
  };
}

/** Go's canonical header name: `content-type` → `Content-Type`. */
function canonical(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

/** uTask's http metadata: `{HTTPStatus, HTTPHeaders, HTTPCookies}` (headers as Go's `http.Header`). */
function httpMetadata(response: HttpResponseValue): Record<string, unknown> {
  const headers: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(response.headers)) headers[canonical(name)] = [value];
  return { HTTPStatus: response.statusCode, HTTPHeaders: headers, HTTPCookies: {} };
}

function rootCause(error: unknown): unknown {
  return error instanceof ActivityFailure && error.cause !== undefined ? error.cause : error;
}

/**
 * True when `error` is the run being cancelled (a `CancelledFailure`, or an activity cancelled
 * with it): it is not a step outcome, so actions rethrow it and the run ends CANCELED.
 */
export function isCancellation(error: unknown): boolean {
  return rootCause(error) instanceof CancelledFailure;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function runHttp(
  ctx: WorkflowContext,
  id: string,
  step: UtaskStep,
  config: Record<string, unknown>,
  settings: ActionSettings,
): Promise<ActionOutcome> {
  let request: HttpRequestArg;
  try {
    request = httpRequest(config);
  } catch (error) {
    return { state: 'FATAL_ERROR', error: message(error) };
  }
  const options: ActivityOptions = {
    startToCloseTimeout: (request.timeoutMs ?? HTTP_DEFAULT_TIMEOUT_MS) + 5000,
    retry: {
      ...RETRY_DELAYS[step.retryPattern],
      backoffCoefficient: 2,
      maximumAttempts: 1 + settings.maxRetries,
      nonRetryableErrorTypes: [BUILTIN_FAILURE.httpClient],
    },
  };
  try {
    const response = (await callStepActivity(ctx, id, BUILTIN.http, [request], options)) as HttpResponseValue;
    return { state: 'DONE', output: response.body, metadata: httpMetadata(response) };
  } catch (error) {
    if (isCancellation(error)) throw error;
    const cause = rootCause(error);
    if (
      cause instanceof ApplicationFailure &&
      (cause.type === BUILTIN_FAILURE.httpClient || cause.type === BUILTIN_FAILURE.httpServer)
    ) {
      const response = cause.details[0] as HttpResponseValue | undefined;
      const client = cause.type === BUILTIN_FAILURE.httpClient;
      const status =
        response === undefined ? '' : ` ${response.statusCode} ${response.reasonPhrase}`.trimEnd();
      return {
        state: client ? 'CLIENT_ERROR' : 'SERVER_ERROR',
        ...(response === undefined ? {} : { output: response.body, metadata: httpMetadata(response) }),
        error: `HTTP${status}`,
      };
    }
    return { state: 'SERVER_ERROR', error: message(cause) };
  }
}

async function runEcho(
  ctx: WorkflowContext,
  id: string,
  config: Record<string, unknown>,
): Promise<ActionOutcome> {
  const echoed = (await callStepActivity(ctx, id, BUILTIN.echo, [config], {
    startToCloseTimeout: '10s',
    retry: { maximumAttempts: 3 },
  })) as Record<string, unknown>;
  const base = {
    ...(echoed.output === undefined ? {} : { output: echoed.output }),
    ...(echoed.metadata === undefined ? {} : { metadata: echoed.metadata }),
  };
  const errorMessage = text(echoed.error_message);
  if (errorMessage === '') return { state: 'DONE', ...base };
  return {
    state: text(echoed.error_type) === 'client' ? 'CLIENT_ERROR' : 'SERVER_ERROR',
    ...base,
    error: errorMessage,
  };
}

async function runSubtask(
  ctx: WorkflowContext,
  id: string,
  config: Record<string, unknown>,
): Promise<ActionOutcome> {
  let input: unknown = config.input ?? {};
  if (config.json_input !== undefined && config.json_input !== '') {
    try {
      input = JSON.parse(text(config.json_input)) as unknown;
    } catch (error) {
      return { state: 'FATAL_ERROR', error: `subtask json_input is not JSON: ${message(error)}` };
    }
  }
  const childId = `${ctx.info.workflowId}/${id}`;
  const arg: WorkflowCallArg = {
    workflow: text(config.template).trim().toLowerCase(),
    input,
    workflowId: childId,
    taskQueue: ctx.info.taskQueue,
  };
  try {
    const result = await callStepActivity(ctx, id, BUILTIN.workflow, [arg], {
      startToCloseTimeout: '24h',
      retry: { maximumAttempts: 3, nonRetryableErrorTypes: [BUILTIN_FAILURE.childFailed] },
    });
    const output =
      isRecord(result) && result.resolution === 'DONE' && 'result' in result ? result.result : result;
    return { state: 'DONE', output, metadata: { task_id: childId, state: 'DONE' } };
  } catch (error) {
    if (isCancellation(error)) throw error;
    return {
      state: 'CLIENT_ERROR',
      metadata: { task_id: childId, state: 'BLOCKED' },
      error: message(rootCause(error)),
    };
  }
}

/**
 * Runs action `type` of step `step` (id `id`: the step name, or `name[i]` for a foreach child)
 * with its rendered configuration.
 */
export function runAction(
  ctx: WorkflowContext,
  id: string,
  step: UtaskStep,
  type: UtaskActionType,
  config: Record<string, unknown>,
  settings: ActionSettings,
): Promise<ActionOutcome> {
  if (type === 'http') return runHttp(ctx, id, step, config, settings);
  if (type === 'subtask') return runSubtask(ctx, id, config);
  return runEcho(ctx, id, config);
}
