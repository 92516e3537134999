/**
 * Runs one action of a Baton workflow file in workflow code: expressions evaluated here (pure),
 * every effect through the engine: the built-in activities (`baton.http`, `baton.echo`,
 * `baton.workflow`), a registered activity, a durable timer, a signal wait, a topic publish.
 */
import { durationMs } from '../../common/duration.js';
import { ValidationError } from '../../common/errors.js';
import { ApplicationFailure } from '../../common/failures.js';
import type { WorkflowContext } from '../../runtime/context.js';
import {
  BUILTIN,
  type HttpRequestArg,
  type HttpResponseValue,
  type WorkflowCallArg,
} from '../files/builtins/types.js';
import { callStepActivity } from '../files/step-kit.js';
import { asText, evaluateTemplate, type CelScope } from './expressions.js';
import type { PlannedAction } from './plan.js';

/** Failure type of a `waitForSignal` that timed out, and of a `sleep` whose value is no duration. */
export const SIGNAL_TIMEOUT_FAILURE = 'SignalTimeout';
export const BAD_DURATION_FAILURE = 'InvalidDuration';

/**
 * The failure a step shows for `error` (in `steps.<name>.error` and its markers' reason): the
 * first {@link ApplicationFailure} of its cause chain — the activity's own failure under the
 * engine's `ActivityFailure` wrapper, `HttpNetworkError` rather than the socket error under it,
 * `ChildWorkflowFailed` rather than the child's own failure — else the innermost cause (a
 * `TimeoutFailure`, a `CancelledFailure`).
 *
 * @returns `{ message, type }`: the failure's type (an Error's `name` when it has none).
 */
export function stepFailure(error: unknown): { message: string; type: string } {
  let found: unknown = error;
  while (!(found instanceof ApplicationFailure) && found instanceof Error && found.cause instanceof Error)
    found = found.cause;
  if (found instanceof ApplicationFailure) return { message: found.message, type: found.type };
  return found instanceof Error
    ? { message: found.message, type: found.name }
    : { message: String(found), type: 'Error' };
}

/** {@link stepFailure}'s message, cut to 200 characters: the reason of a `baton.step` marker. */
export function stepFailureReason(error: unknown): string {
  const text = stepFailure(error).message;
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

/** The signals received so far and not yet taken by a `waitForSignal` step, by name (oldest first). */
export type SignalQueues = ReadonlyMap<string, unknown[]>;

/**
 * Runs `action` for step (or iteration) `stepId`; `label` names it in failures (`step 'x'`).
 *
 * @returns the action's result: the HTTP response `{ statusCode, headers, body }`, the echoed
 *   value, the activity's or child's result, null after a sleep, the signal's first argument, the
 *   publish receipt `{ id, seq, deduplicated }`.
 * @throws ApplicationFailure `ExpressionError` (an expression failed), `SignalTimeout`,
 *   `InvalidDuration`; the activity's `ActivityFailure`; `CancelledFailure` when cancelled.
 */
export async function runAction(
  ctx: WorkflowContext,
  action: PlannedAction,
  stepId: string,
  label: string,
  scope: CelScope,
  signals: SignalQueues,
): Promise<unknown> {
  const value = evaluateTemplate(action.payload, scope, label);
  switch (action.kind) {
    case 'http': {
      const response = (await callStepActivity(
        ctx,
        stepId,
        BUILTIN.http,
        [httpRequest(value)],
        action.options,
      )) as HttpResponseValue | undefined;
      return response === undefined
        ? null
        : { statusCode: response.statusCode, headers: response.headers, body: response.body };
    }
    case 'echo':
      return callStepActivity(ctx, stepId, BUILTIN.echo, [value], action.options);
    case 'activity':
      return callStepActivity(
        ctx,
        stepId,
        action.target!,
        Array.isArray(value) ? value : [value],
        action.options,
      );
    case 'workflow': {
      const call: WorkflowCallArg = {
        workflow: action.target!,
        input: value ?? {},
        workflowId: `${ctx.info.workflowId}/${stepId}`,
        taskQueue: ctx.info.taskQueue,
      };
      return callStepActivity(ctx, stepId, BUILTIN.workflow, [call], action.options);
    }
    case 'sleep':
      await ctx.sleep(sleepMs(value, label));
      return null;
    case 'waitForSignal':
      return waitForSignal(ctx, action, label, signals);
    case 'publish': {
      const { event, id } = value as { event?: unknown; id?: unknown };
      return ctx.publish(action.target!, event ?? null, id === undefined ? {} : { id: asText(id) });
    }
  }
}

function httpRequest(value: unknown): HttpRequestArg {
  const v = value as {
    method?: unknown;
    url?: unknown;
    headers?: Record<string, unknown>;
    query?: Record<string, unknown>;
    body?: unknown;
    timeoutMs: number;
  };
  const request: HttpRequestArg = {
    method: asText(v.method ?? 'GET').toUpperCase(),
    url: asText(v.url),
    timeoutMs: v.timeoutMs,
  };
  if (v.headers !== undefined)
    request.headers = Object.fromEntries(Object.entries(v.headers).map(([k, h]) => [k, asText(h)]));
  if (v.query !== undefined)
    request.query = Object.fromEntries(
      Object.entries(v.query).map(([k, q]) => [
        k,
        typeof q === 'number' || typeof q === 'boolean' || typeof q === 'string' ? q : asText(q),
      ]),
    );
  if (v.body !== undefined) request.body = v.body;
  return request;
}

function sleepMs(value: unknown, label: string): number {
  try {
    if (typeof value !== 'number' && typeof value !== 'string')
      throw new ValidationError(`got ${asText(value)}`);
    return durationMs(value, 'sleep');
  } catch (error) {
    throw ApplicationFailure.create({
      message: `${label}: sleep: expected a duration (milliseconds, or a string like '10s'): ${(error as Error).message}`,
      type: BAD_DURATION_FAILURE,
      nonRetryable: true,
    });
  }
}

async function waitForSignal(
  ctx: WorkflowContext,
  action: PlannedAction,
  label: string,
  signals: SignalQueues,
): Promise<unknown> {
  const queue = signals.get(action.target!)!;
  // The signal is taken inside the condition, so that when one signal arrives for two waiting
  // steps, the first one checked takes it and the other goes on waiting (a check after the
  // condition resolved would let both see it, and one of them get nothing).
  let taken: { value: unknown } | undefined;
  await ctx.condition(() => {
    if (taken === undefined && queue.length > 0) taken = { value: queue.shift() };
    return taken !== undefined;
  }, action.timeoutMs);
  if (taken === undefined)
    throw ApplicationFailure.create({
      message: `${label}: no signal '${action.target!}' within ${action.timeoutMs ?? 0} ms`,
      type: SIGNAL_TIMEOUT_FAILURE,
      nonRetryable: true,
    });
  return taken.value ?? null;
}
