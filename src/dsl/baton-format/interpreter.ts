/**
 * The interpreter of a compiled Baton workflow file: an ordinary workflow function over `ctx`.
 * Deterministic: steps start in declaration order in the turn their last dependency ended;
 * expressions are pure; every effect is an activity, a timer, a signal wait or a publish, so the
 * run is recorded and replayed like any workflow.
 *
 * A step runs when each dependency ended in the state it names (`COMPLETED` by default; `FAILED`,
 * `SKIPPED`, `ANY`), else it is SKIPPED; then its `if` (false: SKIPPED; not a boolean: FAILED),
 * then its action (once, or per item of `foreach`). A step that fails for good fails the run
 * (unless another step waits for it with `:FAILED` or `:ANY`): the steps in flight are cancelled
 * and awaited, the completed ones compensated newest first, and the workflow fails with the
 * step's failure.
 */
import { ApplicationFailure } from '../../common/failures.js';
import type { WorkflowContext } from '../../runtime/context.js';
import type { Saga } from '../../runtime/saga.js';
import type { ScopeHandle } from '../../runtime/scopes.js';
import { defineSignal } from '../../runtime/signals.js';
import { isCancellation } from '../../runtime/cancellation.js';
import { markStep, type StepState } from '../files/step-kit.js';
import { runAction, stepFailure, stepFailureReason } from './actions.js';
import { toCel } from './cel.js';
import { evaluateCondition } from './condition.js';
import { celScope, evaluateTemplate, type CelScope } from './expressions.js';
import { runForeach } from './foreach.js';
import type { DependencyState } from './graph.js';
import type { Plan, PlannedStep } from './plan.js';
import { Inbox } from '../inbox.js';

/** Failure type of a run that exceeded the file's `timeout`. */
export const WORKFLOW_TIMEOUT_FAILURE = 'WorkflowTimeout';
/** Failure type of an input refused inside the workflow (a start that skipped `prepareInput`). */
export const INVALID_INPUT_FAILURE = 'InvalidInput';

type Outcome =
  | { state: 'COMPLETED'; value: unknown }
  | { state: 'SKIPPED'; reason: string }
  | { state: 'FAILED' | 'CANCELED'; error: unknown };
type Settled = ({ index: number } & Outcome) | { index: -1; state: 'TIMEOUT' };

/**
 * Runs `plan` for one execution: `(ctx, input) => output`.
 *
 * @param prepare - the file's `prepareInput`, applied again here (defaults) so that a start
 *   which skipped it still sees them; a refused input fails the run (`InvalidInput`).
 */
export async function runPlan(
  ctx: WorkflowContext,
  plan: Plan,
  input: unknown,
  prepare: (input: unknown) => unknown,
): Promise<unknown> {
  let prepared: unknown;
  try {
    prepared = prepare(input);
  } catch (error) {
    throw ApplicationFailure.create({
      message: (error as Error).message,
      type: INVALID_INPUT_FAILURE,
      nonRetryable: true,
    });
  }
  const signals = new Map(plan.signals.map((name) => [name, [] as unknown[]]));
  for (const [name, queue] of signals)
    ctx.setHandler(defineSignal<unknown[]>(name), (...args: unknown[]) => {
      queue.push(args[0] ?? null);
    });
  const run = new GraphRun(ctx, plan, prepared, signals);
  return ctx.saga(
    (saga) =>
      ctx.cancellable(async (scope) => {
        await run.execute(saga, scope);
        return run.output();
      }),
    { continueWithError: true },
  );
}

/** Does `state` (a dependency's final state) satisfy `wanted`? */
function satisfies(state: StepState | undefined, wanted: DependencyState): boolean {
  return wanted === 'ANY' || state === wanted;
}

class GraphRun {
  private readonly states: (StepState | undefined)[];
  private readonly outputs: unknown[];
  private readonly waiting: number[];
  private readonly celSteps: Record<string, unknown> = {};
  private readonly base: { inputs: unknown; steps: unknown; workflow: unknown };
  private readonly inbox = new Inbox<Settled>();
  private readonly index: ReadonlyMap<string, number>;
  /** Steps one of whose compensations failed (a foreach step's iterations are compensated one by one). */
  private readonly compensationFailed = new Set<string>();
  private inFlight = 0;
  private failure: { error: unknown } | undefined;
  private saga!: Saga;
  private scope!: ScopeHandle;

  constructor(
    private readonly ctx: WorkflowContext,
    private readonly plan: Plan,
    input: unknown,
    private readonly signals: ReadonlyMap<string, unknown[]>,
  ) {
    this.states = plan.steps.map(() => undefined);
    this.outputs = plan.steps.map(() => null);
    this.waiting = plan.steps.map((s) => s.dependencies.length);
    this.index = new Map(plan.steps.map((s, i) => [s.name, i]));
    const info = ctx.info;
    this.base = {
      inputs: toCel(input),
      steps: this.celSteps,
      workflow: toCel({ id: info.workflowId, runId: info.runId, type: info.workflowType }),
    };
  }

  /** The scope of an expression, with `item`, `index`, `result` when given. */
  scopeWith(extra: { item?: unknown; index?: number; result?: unknown } = {}): CelScope {
    return celScope(this.base, extra);
  }

  async execute(saga: Saga, scope: ScopeHandle): Promise<void> {
    this.saga = saga;
    this.scope = scope;
    const stopTimer = this.startTimer();
    this.plan.steps.forEach((s, i) => {
      if (s.dependencies.length === 0) this.ready(i);
    });
    while (this.inFlight > 0) {
      const settled = await this.inbox.next();
      if (settled.state === 'TIMEOUT') {
        this.fail(
          ApplicationFailure.create({
            message: `workflow '${this.plan.workflowType}' timed out after ${this.plan.timeoutMs} ms`,
            type: WORKFLOW_TIMEOUT_FAILURE,
            nonRetryable: true,
          }),
        );
        continue;
      }
      this.inFlight--;
      this.settle(settled);
    }
    stopTimer();
    if (this.failure !== undefined) throw this.failure.error;
  }

  /** The workflow's output: the file's `output`, or every step's output by name (null if it did not complete). */
  output(): unknown {
    if (this.plan.output !== undefined)
      return evaluateTemplate(this.plan.output, this.scopeWith(), "the workflow's output");
    return Object.fromEntries(this.plan.steps.map((s, i) => [s.name, this.outputs[i]]));
  }

  private startTimer(): () => void {
    const timeoutMs = this.plan.timeoutMs;
    if (timeoutMs === undefined) return () => undefined;
    let stop: () => void = () => undefined;
    void this.ctx
      .cancellable(async (timer) => {
        stop = () => timer.cancel('the workflow ended');
        await this.ctx.sleep(timeoutMs);
      })
      .then(
        () => this.inbox.push({ index: -1, state: 'TIMEOUT' }),
        () => undefined,
      );
    return () => stop();
  }

  private fail(error: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = { error };
    this.scope.cancel('a step failed');
  }

  /** Step `i`'s dependencies have all ended: skip it, or start it. */
  private ready(i: number): void {
    if (this.failure !== undefined) return;
    const step = this.plan.steps[i]!;
    for (const d of step.dependencies) {
      const state = this.states[this.index.get(d.step)!];
      if (!satisfies(state, d.state)) {
        this.finish(i, {
          state: 'SKIPPED',
          reason: `dependency '${d.step}' ended ${state ?? 'unknown'} (expected ${d.state})`,
        });
        return;
      }
    }
    this.inFlight++;
    void this.runStep(step).then((outcome) => this.inbox.push({ index: i, ...outcome }));
  }

  private settle(settled: { index: number } & Outcome): void {
    const step = this.plan.steps[settled.index]!;
    const failedForGood =
      settled.state === 'CANCELED' || (settled.state === 'FAILED' && !this.plan.handled.has(step.name));
    if (failedForGood || this.failure !== undefined) {
      this.record(settled.index, settled);
      if (settled.state === 'FAILED' || settled.state === 'CANCELED') this.fail(settled.error);
      return;
    }
    this.finish(settled.index, settled);
  }

  /** Records step `i`'s final state, then readies the steps that waited only for it. */
  private finish(i: number, outcome: Outcome): void {
    this.record(i, outcome);
    for (const d of this.plan.steps[i]!.dependents) if (--this.waiting[d]! === 0) this.ready(d);
  }

  private record(i: number, outcome: Outcome): void {
    const step = this.plan.steps[i]!;
    this.states[i] = outcome.state;
    const entry: Record<string, unknown> = { state: outcome.state };
    if (outcome.state === 'COMPLETED') {
      this.outputs[i] = outcome.value;
      entry.output = outcome.value;
    }
    if (outcome.state === 'FAILED' || outcome.state === 'CANCELED') entry.error = stepFailure(outcome.error);
    this.celSteps[step.name] = toCel(entry);
    const reason =
      outcome.state === 'SKIPPED'
        ? outcome.reason
        : outcome.state === 'COMPLETED'
          ? undefined
          : stepFailureReason(outcome.error);
    markStep(this.ctx, step.name, outcome.state, reason);
  }

  private async runStep(step: PlannedStep): Promise<Outcome> {
    const label = `step '${step.name}'`;
    try {
      if (step.if !== undefined) {
        if (!evaluateCondition(step.if, this.scopeWith(), label))
          return { state: 'SKIPPED', reason: 'its if is false' };
      }
      markStep(this.ctx, step.name, 'RUNNING');
      const value =
        step.foreach === undefined
          ? await this.runOnce(step, step.name, {})
          : await this.runEach(step, label);
      return { state: 'COMPLETED', value };
    } catch (error) {
      return { state: isCancellation(error) ? 'CANCELED' : 'FAILED', error };
    }
  }

  /**
   * Runs a foreach step. With a `compensate`, the step itself is marked COMPENSATED (or
   * COMPENSATION_FAILED) once its completed iterations' compensations ran: that mark is
   * registered before them, so the saga (newest first) runs it after them.
   */
  private async runEach(step: PlannedStep, label: string): Promise<unknown[]> {
    if (step.compensate === undefined) return runForeach(this.ctx, this, step, label);
    let compensated = false;
    this.saga.addCompensation(async () => {
      if (!compensated) return;
      const failed = this.compensationFailed.has(step.name);
      markStep(this.ctx, step.name, failed ? 'COMPENSATION_FAILED' : 'COMPENSATED');
    });
    const outputs = await runForeach(this.ctx, this, step, label);
    compensated = outputs.length > 0;
    return outputs;
  }

  /**
   * Runs the step's action once (the step, or one iteration `name[i]`), registers its
   * compensation, and returns its output.
   */
  async runOnce(
    step: PlannedStep,
    stepId: string,
    extra: { item?: unknown; index?: number },
  ): Promise<unknown> {
    const label = `step '${stepId}'`;
    const result = await runAction(this.ctx, step.action, stepId, label, this.scopeWith(extra), this.signals);
    const compensate = step.compensate;
    if (compensate !== undefined)
      this.saga.addCompensation(async () => {
        try {
          await runAction(
            this.ctx,
            compensate,
            `compensate ${stepId}`,
            `compensation of ${label}`,
            this.scopeWith({ ...extra, result }),
            this.signals,
          );
        } catch (error) {
          this.compensationFailed.add(step.name);
          markStep(this.ctx, stepId, 'COMPENSATION_FAILED', stepFailureReason(error));
          throw error;
        }
        markStep(this.ctx, stepId, 'COMPENSATED');
      });
    if (step.output === undefined) return result;
    return evaluateTemplate(step.output, this.scopeWith({ ...extra, result }), label);
  }
}

/** What `foreach.ts` needs of a run. */
export type StepRunner = Pick<GraphRun, 'runOnce' | 'scopeWith'>;
