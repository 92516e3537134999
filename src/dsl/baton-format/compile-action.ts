/**
 * Compiles one action of a Baton workflow file (a step's `action` or its `compensate`): its kind,
 * its literal target (activity type, child workflow, signal, topic), its expressions, and the
 * activity options of the call (the step's `timeout` and `retry` over the defaults).
 */
import { resolveActivityOptions, type ActivityOptions } from '../../common/activity-options.js';
import type { RetryPolicy } from '../../common/retry-policy.js';
import { durationMs } from '../../common/duration.js';
import { ValidationError } from '../../common/errors.js';
import { BUILTIN_FAILURE } from '../files/builtins/types.js';
import type { ValuePath } from '../files/source.js';
import type { CelScopeKinds } from './cel.js';
import { compileTemplate, type TemplateSink } from './expressions.js';
import type { PlannedAction } from './plan.js';
import { ACTION_KINDS, type ActionKind, type BatonActionValue, type BatonStepValue } from './schema.js';
import { where } from './zod-problems.js';

/** `startToCloseTimeout` of a step's calls when the step has no `timeout`. */
export const DEFAULT_STEP_TIMEOUT = '1m';
/** `startToCloseTimeout` of a child-workflow step when the step has no `timeout`. */
export const DEFAULT_CHILD_TIMEOUT = '1h';
/** Whole-request timeout of an HTTP action without `http.timeout`, in ms (as `baton.http`). */
const DEFAULT_HTTP_TIMEOUT_MS = 30_000;

/**
 * Compiles `action` found at `path` of step `step` (at `stepPath`); problems go to `sink`.
 */
export function compileAction(
  action: BatonActionValue,
  path: ValuePath,
  step: BatonStepValue,
  stepPath: ValuePath,
  kinds: CelScopeKinds,
  sink: TemplateSink,
): PlannedAction {
  const kind = ACTION_KINDS.find((k) => k in action)!;
  const a = action as Record<string, unknown>;
  const target = typeof a[kind] === 'string' && kind !== 'sleep' ? a[kind] : undefined;
  if (target?.includes('${') === true && kind !== 'echo')
    sink.problems.push(
      sink.doc.problem(
        [...path, kind],
        `${where([...path, kind])}: expected a literal name, not an expression`,
      ),
    );
  const [value, valuePath] = payloadOf(kind, a, path);
  const payload = compileTemplate(value, valuePath, kinds, sink);
  if (kind === 'sleep' && typeof a.sleep === 'string' && !a.sleep.includes('${'))
    checkDuration(a.sleep, [...path, 'sleep'], sink);
  const options = activityOptions(kind, a, step, stepPath, sink);
  const timeout = kind === 'waitForSignal' ? a.timeout : undefined;
  return Object.freeze({
    kind,
    target: kind === 'echo' ? undefined : target,
    payload,
    options,
    timeoutMs: timeout === undefined ? undefined : durationMs(timeout as string | number, 'timeout'),
  });
}

/** The part of an action holding expressions, and its path. */
function payloadOf(kind: ActionKind, a: Record<string, unknown>, path: ValuePath): [unknown, ValuePath] {
  switch (kind) {
    case 'http': {
      const { timeout, ...request } = a.http as Record<string, unknown>;
      const timeoutMs =
        timeout === undefined ? DEFAULT_HTTP_TIMEOUT_MS : durationMs(timeout as string, 'timeout');
      return [{ ...request, timeoutMs }, [...path, 'http']];
    }
    case 'echo':
      return [a.echo, [...path, 'echo']];
    case 'activity':
      return [a.args, [...path, 'args']];
    case 'workflow':
      return [a.input, [...path, 'input']];
    case 'sleep':
      return [a.sleep, [...path, 'sleep']];
    case 'publish':
      return [{ event: a.event, id: a.id }, path];
    case 'waitForSignal':
      return [null, path];
  }
}

function checkDuration(value: string, path: ValuePath, sink: TemplateSink): void {
  try {
    durationMs(value, where(path));
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    sink.problems.push(sink.doc.problem(path, error.message));
  }
}

function activityOptions(
  kind: ActionKind,
  a: Record<string, unknown>,
  step: BatonStepValue,
  stepPath: ValuePath,
  sink: TemplateSink,
): ActivityOptions {
  let timeout: string | number =
    step.timeout ?? (kind === 'workflow' ? DEFAULT_CHILD_TIMEOUT : DEFAULT_STEP_TIMEOUT);
  if (kind === 'http' && step.timeout === undefined) {
    const request = (a.http as { timeout?: string | number }).timeout;
    const requestMs = request === undefined ? DEFAULT_HTTP_TIMEOUT_MS : durationMs(request, 'timeout');
    timeout = Math.max(durationMs(DEFAULT_STEP_TIMEOUT, 'timeout'), requestMs + 5_000);
  }
  const options: ActivityOptions = { startToCloseTimeout: timeout };
  const retry = step.retry === undefined ? undefined : (definedOnly(step.retry) as RetryPolicy);
  if (kind === 'http') {
    const types = retry?.nonRetryableErrorTypes ?? [];
    options.retry = {
      ...retry,
      nonRetryableErrorTypes: [...new Set([...types, BUILTIN_FAILURE.httpClient])],
    };
  } else if (retry !== undefined) options.retry = retry;
  try {
    resolveActivityOptions(options);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const at = step.retry !== undefined ? [...stepPath, 'retry'] : [...stepPath, 'timeout'];
    sink.problems.push(sink.doc.problem(at, `${where(stepPath)}: ${error.message}`));
  }
  return Object.freeze(options);
}

/** `value` without its undefined fields (zod's optional outputs), for exact optional types. */
function definedOnly(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}
