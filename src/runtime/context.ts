export type { ContextHost, WorkflowInfo } from './context-host.js';
import type { ActivityOptions } from '../common/activity-options.js';
import { durationMs, type Duration } from '../common/duration.js';
import { encodeSearchAttributes, type SearchAttributes } from '../common/search-attributes.js';
import type { ActivityProxy, WorkflowDefinition } from './definitions.js';
import { activityProxy } from './activity-proxy.js';
import type { SignalDefinition, SignalHandler } from './signals.js';
import type { ContextHost, WorkflowInfo } from './context-host.js';
import type { QueryDefinition, QueryHandler } from './queries.js';
import { runSaga, type Saga, type SagaOptions } from './saga.js';
import type { ScopeHandle } from './scopes.js';
import {
  externalHandle,
  type ChildWorkflowHandle,
  type ChildWorkflowOptions,
  type ExternalWorkflowHandle,
} from './children.js';
import type { UpdateDefinition, UpdateHandler, UpdateHandlerOptions } from './updates.js';
import type { Logger } from '../common/logger.js';
import type { TopicEvent } from '../common/topic-messages.js';
import { checkPatchId } from './patches.js';
import { checkContinueAsNewOptions, ContinueAsNew, type ContinueAsNewOptions } from './continue-as-new.js';
import {
  publishStep,
  waitForEventStep,
  type TopicWaits,
  type WaitForEventOptions,
  type WorkflowPublishOptions,
  type WorkflowPublishReceipt,
} from './topic-steps.js';

/**
 * The workflow context: the only door from workflow code to the world. Every method is
 * deterministic, so a replay of the same history makes the same decisions.
 */
export class WorkflowContext {
  /** The waits of `waitForEvent`, per topic. */
  private readonly topicWaits = new Map<string, TopicWaits>();

  constructor(private readonly host: ContextHost) {}

  /** This execution's ids, type, task queue, attempt and start time. */
  get info(): WorkflowInfo {
    return this.host.info;
  }

  /** A logger that is silent while the workflow replays its history. */
  get logger(): Logger {
    return this.host.logger;
  }

  /**
   * Deterministic time: epoch milliseconds of the event being processed (the same on replay).
   * Use it instead of `Date.now()`.
   */
  now(): number {
    return this.host.nowMs();
  }

  /** Deterministic random number in [0, 1), seeded per execution. Use it instead of `Math.random()`. */
  random(): number {
    return this.host.random();
  }

  /** Deterministic UUID v4, drawn from {@link random}. */
  uuid(): string {
    return this.host.uuid();
  }

  /**
   * A durable timer: resolves after `duration`, counted from the event being processed. It fires
   * at its due time even if every worker was down in between (at once if that time has passed).
   *
   * @param duration - milliseconds or a string such as `'30s'`, `'2h'`.
   * @throws CancelledFailure when the workflow is cancelled while it sleeps.
   * @example
   * await ctx.sleep('1h');
   */
  sleep(duration: Duration): Promise<void> {
    return this.host.sleep(durationMs(duration, 'sleep'));
  }

  /**
   * Waits until `fn()` is true (checked after every event), or until `timeout` has passed, as
   * Temporal's `condition`. The timeout counts from when the wait began, across crashes.
   *
   * @returns true when `fn()` became true, false at the timeout.
   * @example
   * const thrown = await ctx.condition(() => ball !== undefined, '1h');
   */
  condition(fn: () => boolean, timeout?: Duration): Promise<boolean> {
    return this.host.condition(
      fn,
      timeout === undefined ? undefined : durationMs(timeout, 'condition timeout'),
    );
  }

  /**
   * Sets the handler of a signal or a query (undefined removes it). Signals that arrived before
   * are delivered to their handler now, in the order they were accepted. A query handler is
   * synchronous and must not change state.
   *
   * @example
   * ctx.setHandler(throwBall, (ball) => { chosen = ball; });
   * ctx.setHandler(hp, () => pokemon.currentHealth);
   */
  setHandler<Args extends unknown[]>(
    signal: SignalDefinition<Args>,
    handler: SignalHandler<Args> | undefined,
  ): void;
  setHandler<Ret, Args extends unknown[]>(
    query: QueryDefinition<Ret, Args>,
    handler: QueryHandler<Ret, Args> | undefined,
  ): void;
  setHandler<Ret, Args extends unknown[]>(
    update: UpdateDefinition<Ret, Args>,
    handler: UpdateHandler<Ret, Args> | undefined,
    options?: UpdateHandlerOptions<Args>,
  ): void;
  setHandler(
    def:
      | SignalDefinition<unknown[]>
      | QueryDefinition<unknown, unknown[]>
      | UpdateDefinition<unknown, unknown[]>,
    handler: ((...args: never[]) => unknown) | undefined,
    options?: UpdateHandlerOptions<unknown[]>,
  ): void {
    if (def.type === 'update') {
      this.host.setUpdateHandler(
        def.name,
        handler === undefined
          ? undefined
          : { handler: handler as UpdateHandler<unknown, unknown[]>, validator: options?.validator },
      );
    } else if (def.type === 'query')
      this.host.setQueryHandler(def.name, handler as QueryHandler<unknown, unknown[]> | undefined);
    else this.host.setSignalHandler(def.name, handler as SignalHandler<unknown[]> | undefined);
  }

  /**
   * Merges search attributes into the execution's (recorded as `UpsertWorkflowSearchAttributes`),
   * so `client.list({ searchAttributes })` finds it by them.
   *
   * @throws ValidationError naming the attribute when a name or value is not allowed.
   * @example
   * ctx.upsertSearchAttributes({ stage: 'attacked', hp: 50 });
   */
  upsertSearchAttributes(searchAttributes: SearchAttributes): void {
    this.host.upsertSearchAttributes(encodeSearchAttributes(searchAttributes));
  }

  /**
   * Records a marker in the history (`MarkerRecorded`, as Temporal's markers): a named fact for
   * readers of the history (the CLI, the UI, tests), such as a file workflow's step states. It
   * changes nothing in the execution; on replay it is matched by name like any command.
   *
   * @param markerName - what the marker is, e.g. `'baton.step'` (names starting `baton.` are Baton's).
   * @param details - any value the data converter takes (JSON plus Date, BigInt …).
   * @throws PayloadTooLargeError / ValidationError when the data converter refuses `details`.
   * @example
   * ctx.recordMarker('app.stage', { stage: 'attacked', hp: 50 });
   */
  recordMarker(markerName: string, details: unknown): void {
    if (typeof markerName !== 'string' || markerName === '')
      throw new TypeError('recordMarker: markerName must be a non-empty string');
    this.host.recordMarker(markerName, details);
  }

  /**
   * Versioning, as Temporal's `patched`: lets changed code replay histories recorded by the old
   * code. On a new execution (or once the code runs past what its history recorded) it records a
   * patch marker (`MarkerRecorded` `baton.patch`) and returns true; on replay it returns true when
   * the history holds that patch's marker and false when it does not (the old code ran there).
   * The answer is the same for every call with the same id in one run. A patch marker takes no
   * sequence number, so skipping it does not shift the commands after it.
   *
   * @param patchId - names the change, e.g. `'throw-ultra-ball'`; one id per change.
   * @throws TypeError when `patchId` is not a non-empty string.
   * @example
   * const ball = ctx.patched('ultra-ball') ? await act.throwUltraBall(p) : await act.throwPokeball(p);
   */
  patched(patchId: string): boolean {
    checkPatchId(patchId, 'patched');
    return this.host.patched(patchId, false);
  }

  /**
   * Marks a patch whose old branch is gone, as Temporal's `deprecatePatch`: once no execution
   * that ran the old code is left, replace `patched(id) ? new : old` by `deprecatePatch(id); new`.
   * It records the marker on new executions (so code still calling `patched(id)` replays them) and
   * accepts a history with or without it. Remove the call once no history with the marker is left.
   *
   * @throws TypeError when `patchId` is not a non-empty string.
   * @example
   * ctx.deprecatePatch('ultra-ball');
   * const ball = await act.throwUltraBall(p);
   */
  deprecatePatch(patchId: string): void {
    checkPatchId(patchId, 'deprecatePatch');
    this.host.patched(patchId, true);
  }

  /**
   * Continues as new, as Temporal's `continueAsNew`: closes this run (`WorkflowExecutionContinuedAsNew`,
   * status CONTINUED_AS_NEW) and starts a new run of the same workflowId, type and task queue with
   * `args` and a fresh history, in one store transaction. The memo and search attributes are kept;
   * signals not yet delivered to this run go to the new one. It throws {@link ContinueAsNew}: let it
   * escape (rethrow it from a catch-all). See docs/continue-as-new.md.
   *
   * @example
   * if (ctx.info.continueAsNewSuggested) ctx.continueAsNew(state);
   */
  continueAsNew(...args: unknown[]): never {
    throw new ContinueAsNew(args, Object.freeze({}));
  }

  /**
   * A function that continues as new with these options (another workflow type, task queue or
   * memo), as Temporal's `makeContinueAsNewFunc`.
   *
   * @throws ValidationError naming the field when an option is invalid.
   * @example
   * const nextDay = ctx.makeContinueAsNewFunc({ memo: { day: day + 1 } });
   * nextDay(state);
   */
  makeContinueAsNewFunc<Args extends unknown[] = unknown[]>(
    options: ContinueAsNewOptions,
  ): (...args: Args) => never {
    const checked = checkContinueAsNewOptions(options);
    return (...args: Args): never => {
      throw new ContinueAsNew(args, checked);
    };
  }

  /**
   * Runs `fn` in a cancellable scope (as Temporal's `CancellationScope.cancellable`): cancelling
   * the workflow, an enclosing scope, or `scope.cancel()` cancels the activities, timers and
   * conditions it starts.
   *
   * @example
   * await ctx.cancellable(async (scope) => {
   *   const attack = act.attack(p);
   *   if (await ctx.condition(() => fled, '5s')) scope.cancel('the Pokémon fled');
   *   await attack;
   * });
   */
  cancellable<T>(fn: (scope: ScopeHandle) => Promise<T>): Promise<T> {
    return this.host.inScope(true, fn);
  }

  /**
   * Runs `fn` in a scope that cancellation does not reach (as Temporal's
   * `CancellationScope.nonCancellable`): cleanup and compensations go here.
   *
   * @example
   * try { await act.attack(p); } finally { await ctx.nonCancellable(() => act.heal(p)); }
   */
  nonCancellable<T>(fn: () => Promise<T>): Promise<T> {
    return this.host.inScope(false, fn);
  }

  /**
   * Runs `fn` in a cancellable scope that is cancelled after `timeout` (a durable timer), as
   * Temporal's `CancellationScope.withTimeout`; what it waits on then rejects with `CancelledFailure`.
   */
  withTimeout<T>(timeout: Duration, fn: () => Promise<T>): Promise<T> {
    return this.host.withTimeout(durationMs(timeout, 'withTimeout'), fn);
  }

  /**
   * Runs `fn` as a saga: `saga.addCompensation(fn)` after each step that succeeded; when `fn`
   * fails or is cancelled, the compensations run in reverse order (or all at once with
   * `parallelCompensation`) in a non-cancellable scope. See {@link runSaga} for the failure raised.
   *
   * @example
   * return ctx.saga(async (saga) => {
   *   const paralyzed = await act.paralyze(pokemon);
   *   saga.addCompensation(() => act.cure(paralyzed));
   *   return act.throwPokeball(trainer, paralyzed);
   * });
   */
  saga<T>(fn: (saga: Saga) => Promise<T>, options: SagaOptions = {}): Promise<T> {
    return runSaga(fn, options, (compensate) => this.nonCancellable(compensate));
  }

  /**
   * Publishes an event to a durable topic as a recorded step: once per call, even when the
   * workflow is replayed or its worker crashes (the event id is deterministic, so a publish retried
   * within the topics' deduplication window, default 2 min, is deduplicated). Needs a worker made
   * by `baton.worker()`.
   *
   * @throws ValidationError at once for a bad topic name, id, key or correlation id.
   *
   * @returns the event id, its position and whether it was a duplicate.
   * @example
   * await ctx.publish('pokemon.captured', { pokemon }, { key: pokemon.id });
   */
  publish<T>(topic: string, event: T, options: WorkflowPublishOptions = {}): Promise<WorkflowPublishReceipt> {
    return publishStep(this.host, topic, event, options);
  }

  /**
   * Waits for an event of `topic` for which `match` is true, as Inngest's `waitForEvent`. Every
   * event published after this execution started counts, even one published before the wait began
   * or passed over by an earlier wait; each event goes to one wait only (the oldest it matches).
   * Each look at the topic is a recorded step (an activity waiting up to 10 s).
   *
   * @returns the event with its id, position and publish time, or undefined at the timeout.
   * @example
   * const thrown = await ctx.waitForEvent<{ ball: string }>('pokeball.thrown', {
   *   match: (e) => e.trainer === 'Sacha', timeout: '1h',
   * });
   */
  waitForEvent<T = unknown>(
    topic: string,
    options: WaitForEventOptions<T> = {},
  ): Promise<TopicEvent<T> | undefined> {
    return waitForEventStep(this.host, this.topicWaits, topic, options);
  }

  /**
   * Starts a child workflow and resolves with its handle once it has started, as Temporal's
   * `startChild`. Defaults: a workflowId drawn from `ctx.uuid()`, the parent's task queue,
   * `parentClosePolicy` TERMINATE, `cancellationType` WAIT_CANCELLATION_COMPLETED.
   *
   * @throws ValidationError at once for invalid options; the promise rejects with
   *   `ChildWorkflowFailure` (cause type `WorkflowExecutionAlreadyStarted`) when the id is in use.
   * @example
   * const child = await ctx.startChild(capture, { args: ['Pikachu'], parentClosePolicy: 'ABANDON' });
   * await child.signal(throwBall, 'ultra');
   * const caught = await child.result();
   */
  startChild<Args extends unknown[], Ret>(
    workflow: WorkflowDefinition<Args, Ret> | string,
    options: ChildWorkflowOptions<Args> = {},
  ): Promise<ChildWorkflowHandle<Ret>> {
    const type = typeof workflow === 'string' ? workflow : workflow.name;
    return this.host.children.start(type, options) as Promise<ChildWorkflowHandle<Ret>>;
  }

  /**
   * Starts a child workflow and waits for its result (`startChild` then `result()`).
   * @throws ChildWorkflowFailure whose cause says why the child did not complete.
   * @example
   * const caught = await ctx.executeChild(capture, { args: ['Pikachu'] });
   */
  async executeChild<Args extends unknown[], Ret>(
    workflow: WorkflowDefinition<Args, Ret> | string,
    options: ChildWorkflowOptions<Args> = {},
  ): Promise<Ret> {
    return (await this.startChild(workflow, options)).result();
  }

  /**
   * A handle to signal or cancel another execution (its current run, or `runId`), as Temporal's
   * `getExternalWorkflowHandle`; each call is a recorded command.
   * @example
   * await ctx.getExternalWorkflowHandle('trainer-sacha').signal(throwBall, 'ultra');
   */
  getExternalWorkflowHandle(workflowId: string, runId?: string): ExternalWorkflowHandle {
    return externalHandle(this.host.children, workflowId, runId);
  }

  /**
   * Typed proxies for activities registered on the worker (or routed to `options.taskQueue`).
   *
   * @param options - defaults of every call; at least one of `startToCloseTimeout` and
   *   `scheduleToCloseTimeout` is required.
   * @throws ValidationError at once when the options are invalid.
   * @example
   * const act = ctx.activities<typeof activities>({ startToCloseTimeout: '10s', retry: { maximumAttempts: 5 } });
   * const paralyzed = await act.paralyze(pokemon);
   * const weakened = await act.attack.withOptions({ startToCloseTimeout: '1m' })(paralyzed);
   */
  activities<A>(options: ActivityOptions): ActivityProxy<A> {
    return activityProxy(this.host, options);
  }
}
