/**
 * The workflow that runs a uTask template on Baton's engine, as uTask's resolver does in one
 * resolution: steps start once their dependencies are final in the wanted states (`step:STATE`,
 * `step:ANY`), a dependency that can no longer reach its state prunes the step, foreach steps run
 * one child per item, skip and check conditions set states, and the resolution state is taken from
 * the steps by uTask's priority. Deterministic: all I/O goes through built-in activities.
 */
import { ApplicationFailure } from '../../common/failures.js';
import type { WorkflowContext } from '../../runtime/context.js';
import { BUILTIN } from '../files/builtins/types.js';
import { callStepActivity, markStep } from '../files/step-kit.js';
import { isCancellation, runAction, type ActionSettings } from './actions.js';
import { isFinalState, type UtaskStep, type UtaskTemplate } from './model.js';
import { isRecord } from './reader.js';
import { runForeach, runSingle, type StepRunner } from './step-run.js';
import { render, renderTree, type StepRecord, type ValueSource } from './values.js';

/** Failure type of a run whose resolution is not DONE (`details[0]` is the {@link UtaskRunResult}). */
export const UTASK_RESOLUTION_FAILURE = 'UTaskResolution';

/** A step in the run's result. */
export interface UtaskStepResult {
  state: string;
  output: unknown;
  metadata: unknown;
  error: string | null;
  children?: unknown[];
}

/** What a run gives: its result when DONE, else `details[0]` of its failure. */
export interface UtaskRunResult {
  /** DONE, or BLOCKED_FATAL, BLOCKED_BADREQUEST, ERROR, BLOCKED_DEADLOCK. */
  resolution: string;
  title: string;
  /** `result_format` rendered (DONE only; null otherwise); without one, each step's output by name. */
  result: unknown;
  steps: Record<string, UtaskStepResult>;
}

/** True when a step in `state` is final: DONE, PRUNE, or a custom state. */
export const isFinal = isFinalState;

/** uTask's resolution state from the steps' states, by its priority order. */
export function resolutionOf(states: readonly string[]): string {
  const has = (...s: string[]): boolean => states.some((x) => s.includes(x));
  if (has('CRASHED', 'RUNNING')) return 'CRASHED';
  if (has('FATAL_ERROR')) return 'BLOCKED_FATAL';
  if (has('CLIENT_ERROR')) return 'BLOCKED_BADREQUEST';
  if (has('SERVER_ERROR', 'TO_RETRY', 'AFTERRUN_ERROR')) return 'ERROR';
  if (has('TODO', 'EXPANDED')) return 'BLOCKED_DEADLOCK';
  return 'DONE';
}

/** Evaluates every expression variable once, in one `baton.script` call (recorded). */
async function evaluateExpressions(
  ctx: WorkflowContext,
  template: UtaskTemplate,
  source: ValueSource,
): Promise<Map<string, string | Error>> {
  const results = new Map<string, string | Error>();
  const pending: { name: string; code: string }[] = [];
  for (const v of template.variables) {
    if (v.expression === undefined) continue;
    try {
      pending.push({ name: v.name, code: render(source, v.expression) });
    } catch (error) {
      results.set(v.name, error as Error);
    }
  }
  if (pending.length === 0) return results;
  const script = `__utaskExpressions.map(function (code) {
  try { var v = (0, eval)(code);
    return { value: v === undefined ? 'undefined' : v === null ? 'null' : typeof v === 'object' ? JSON.stringify(v) : String(v) };
  } catch (e) { return { error: String(e) }; } });`;
  let out: { value?: string; error?: string }[];
  try {
    out = (await callStepActivity(
      ctx,
      'variables',
      BUILTIN.script,
      [{ script, bindings: { __utaskExpressions: pending.map((p) => p.code) }, timeoutMs: 5000 }],
      {
        startToCloseTimeout: '30s',
        retry: { maximumAttempts: 3 },
      },
    )) as { value?: string; error?: string }[];
  } catch (error) {
    if (isCancellation(error)) throw error;
    // The sandbox as a whole failed (an expression ran past the time or memory limit): each
    // variable evaluated with it fails, naming them all, and only the steps that eval one fail.
    const names = pending.map((p) => `'${p.name}'`).join(', ');
    const why = errorMessage(error);
    for (const p of pending)
      results.set(p.name, new Error(`variable '${p.name}' (evaluated with ${names}): ${why}`));
    return results;
  }
  pending.forEach((p, i) => {
    const r = out[i];
    results.set(
      p.name,
      r?.error !== undefined || r === undefined
        ? new Error(`variable '${p.name}': ${r?.error ?? 'no result'}`)
        : (r.value ?? ''),
    );
  });
  return results;
}

/** The innermost message of an activity failure (e.g. the script's own error). */
function errorMessage(error: unknown): string {
  let e: unknown = error;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}

class Resolution implements StepRunner {
  readonly records = new Map<string, StepRecord>();
  source!: ValueSource;

  constructor(
    readonly ctx: WorkflowContext,
    readonly template: UtaskTemplate,
    readonly settings: ActionSettings,
  ) {
    for (const step of template.steps) this.records.set(step.name, { state: 'TODO' });
  }

  /** Sets `step`'s state from a condition of `by` (`this` is `self`). */
  setState(target: string, state: string, self: StepRecord, selfId: string, by: string): void {
    const record = target === 'this' ? self : this.records.get(target);
    if (record === undefined) return;
    record.state = state;
    markStep(this.ctx, target === 'this' ? selfId : target, state, `set by a condition of ${by}`);
  }

  action = runAction;

  private ready(step: UtaskStep): boolean {
    return step.dependencies.every((d) => {
      const state = this.records.get(d.step)?.state ?? 'TODO';
      return isFinal(state) && (d.states[0] === 'ANY' || d.states.includes(state));
    });
  }

  /** Prunes TODO steps with a final dependency in an unwanted state, until nothing changes. */
  private prune(): void {
    for (let changed = true; changed;) {
      changed = false;
      for (const step of this.template.steps) {
        const record = this.records.get(step.name) as StepRecord;
        if (record.state !== 'TODO') continue;
        const blocker = step.dependencies.find((d) => {
          const state = this.records.get(d.step)?.state ?? 'TODO';
          return d.states[0] !== 'ANY' && isFinal(state) && !d.states.includes(state);
        });
        if (blocker === undefined) continue;
        record.state = 'PRUNE';
        const reason = `dependency '${blocker.step}' is ${this.records.get(blocker.step)?.state} (wanted ${blocker.states.join(' or ')})`;
        markStep(this.ctx, step.name, 'PRUNE', reason);
        changed = true;
      }
    }
  }

  async runAll(): Promise<void> {
    const inflight = new Map<string, Promise<void>>();
    const launch = (): void => {
      this.prune();
      for (const step of this.template.steps) {
        const record = this.records.get(step.name) as StepRecord;
        if (inflight.has(step.name) || record.state !== 'TODO' || !this.ready(step)) continue;
        record.state = 'RUNNING';
        const run =
          step.foreach === undefined
            ? runSingle(this, step, step.name, record, 'plain')
            : runForeach(this, step, record);
        inflight.set(
          step.name,
          run.then(() => {
            inflight.delete(step.name);
            launch();
          }),
        );
      }
    };
    launch();
    while (inflight.size > 0) await Promise.all([...inflight.values()]);
  }

  stepsResult(): Record<string, UtaskStepResult> {
    const out: Record<string, UtaskStepResult> = {};
    for (const [name, r] of this.records)
      out[name] = {
        state: r.state,
        output: r.output ?? null,
        metadata: r.metadata ?? null,
        error: r.error ?? null,
        ...(r.children === undefined ? {} : { children: r.children }),
      };
    return out;
  }
}

function safeRender(fn: () => unknown, fallback: unknown): unknown {
  try {
    return fn();
  } catch (error) {
    return fallback ?? `(template error: ${(error as Error).message})`;
  }
}

/**
 * Runs `template` with `input` (already checked by `prepareInput`).
 *
 * @returns the {@link UtaskRunResult} when the resolution is DONE.
 * @throws ApplicationFailure of type {@link UTASK_RESOLUTION_FAILURE}, not retryable, for any other
 *   resolution; `details[0]` is the {@link UtaskRunResult} (with each step's state).
 */
export async function runUtaskTemplate(
  ctx: WorkflowContext,
  template: UtaskTemplate,
  input: Record<string, unknown>,
  settings: ActionSettings,
): Promise<UtaskRunResult> {
  const resolution = new Resolution(ctx, template, settings);
  const task = {
    task_id: ctx.info.workflowId,
    resolution_id: ctx.info.runId,
    template_name: template.name,
    created: ctx.info.startTime.toISOString(),
  };
  const base: ValueSource = {
    input,
    task,
    records: resolution.records,
    variables: template.variables,
    expressionResults: new Map(),
  };
  resolution.source = { ...base, expressionResults: await evaluateExpressions(ctx, template, base) };
  const source = resolution.source;
  const title =
    template.titleFormat === undefined
      ? template.name
      : String(safeRender(() => render(source, template.titleFormat!), template.titleFormat.source));
  await resolution.runAll();
  const state = resolutionOf([...resolution.records.values()].map((r) => r.state));
  const steps = resolution.stepsResult();
  if (state === 'DONE') {
    const result =
      template.resultFormat === undefined
        ? Object.fromEntries(Object.entries(steps).map(([n, s]) => [n, s.output]))
        : safeRender(() => renderTree(source, template.resultFormat!), null);
    return { resolution: state, title, result, steps };
  }
  const failed = Object.entries(steps)
    .filter(([, s]) => !isFinal(s.state))
    .map(([n, s]) => `${n} ${s.state}${s.error === null || s.error === '' ? '' : ` (${s.error})`}`);
  const outcome: UtaskRunResult = { resolution: state, title, result: null, steps };
  throw ApplicationFailure.nonRetryable(
    `uTask resolution ${state}: ${failed.join(', ')}`,
    UTASK_RESOLUTION_FAILURE,
    outcome,
  );
}

/** Reads an input that may be missing. */
export function inputRecord(input: unknown): Record<string, unknown> {
  return isRecord(input) ? input : {};
}
