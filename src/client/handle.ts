import type { DataConverter } from '../common/converter.js';
import { checkStoredString } from '../common/stored-string.js';
import { WorkflowContinuedAsNewError, WorkflowFailedError, WorkflowNotFoundError } from '../common/errors.js';
import { CancelledFailure, TerminatedFailure, TimeoutFailure } from '../common/failures.js';
import type { ExecutionStatus, HistoryEvent, ResetOrigin } from '../common/history.js';
import type { Clock } from '../common/clock.js';
import { openActivities } from '../store/open-activities.js';
import type { ExecutionRecord, Store } from '../store/types.js';
import type { SignalDefinition } from '../runtime/signals.js';
import type { CloseWaiter } from './close-waiter.js';
import type { QueryClient } from './query-client.js';
import { waitForUpdate, WorkflowUpdateHandle } from './update-handle.js';
import type { UpdateDefinition } from '../runtime/updates.js';
import { newId } from '../common/ids.js';
import { QueryFailedError, QueryNotRegisteredError, type QueryDefinition } from '../runtime/queries.js';
import { checkResetOptions, resetPoint, type ResetOptions, type StepsShape } from './reset-point.js';
import { buildResetRequest } from './reset-request.js';

/** An activity that has been scheduled and not closed, as `describe()` shows it. */
export interface PendingActivityDescription {
  activityId: string;
  activityType: string;
  /** The attempt running or about to run, starting at 1. */
  attempt: number;
  firstScheduledTime: Date;
  /** When the current attempt may start. */
  nextAttemptTime: Date;
  /** The failure of the previous attempt. */
  lastFailure: Error | undefined;
  lastHeartbeatDetails: unknown;
  /** An activity task: the task queue whose workers run it. */
  taskQueue?: string;
  /** An activity task: the identity of the worker running the current attempt, once one took it. */
  worker?: string;
}

/** What `describe()` returns, as Temporal's `WorkflowExecutionDescription`. */
export interface WorkflowExecutionDescription {
  workflowId: string;
  runId: string;
  workflowType: string;
  taskQueue: string;
  status: ExecutionStatus;
  startTime: Date;
  closeTime: Date | undefined;
  historyLength: number;
  pendingActivities: PendingActivityDescription[];
  /** Set while the workflow task is blocked (non-determinism, a bug, an unknown type or activity). */
  workflowTaskFailure: { attempt: number; message: string } | undefined;
  /** Identity of the worker holding the execution's lease, if any. */
  worker: string | undefined;
  /** The memo set at start. */
  memo: Record<string, unknown> | undefined;
  /** Search attributes as stored (a Date as ISO text). */
  searchAttributes: Record<string, string | number | boolean>;
  /** On a run made by `reset()`: the run reset, the last event copied from it, and why. */
  resetFrom?: ResetOrigin;
}

/** A saved event history, as `fetchHistory()` returns it (payloads as stored). */
export interface WorkflowHistory {
  workflowId: string;
  runId: string;
  events: HistoryEvent[];
}

/** Options of `result()`, as Temporal's `WorkflowResultOptions`. */
export interface WorkflowResultOptions {
  /**
   * Follow the chain of runs: a run retried by its retry policy (after a failure or a run
   * timeout) or continued as new is followed by
   * the next one, and the last run's outcome is returned. false: this run's own outcome; a run
   * that continued as new then throws `WorkflowContinuedAsNewError`.
   * @default the handle's (`followRuns` of `getHandle`, true)
   */
  followRuns?: boolean;
}

/** The run that follows a closed run (retry or continue-as-new), from its close event. */
function nextRunOf(last: HistoryEvent | undefined): string | undefined {
  if (last?.eventType === 'WorkflowExecutionFailed') return last.attrs.newExecutionRunId;
  if (last?.eventType === 'WorkflowExecutionTimedOut') return last.attrs.newExecutionRunId;
  if (last?.eventType === 'WorkflowExecutionContinuedAsNew') return last.attrs.newExecutionRunId;
  return undefined;
}

/** What handles share with their client. */
export interface HandleDeps {
  store: Store;
  converter: DataConverter;
  clock: Clock;
  waiter: CloseWaiter;
  queries: QueryClient;
  /** The graph of a step workflow type, when the client knows it (lets `reset` take step names). */
  stepGraph?: (workflowType: string) => StepsShape | undefined;
}

/**
 * A handle on a workflow execution, as Temporal's `WorkflowHandle`. Made by `client.start()` (its
 * `runId` is the first run of the chain) or `client.getHandle()` (the newest run of the
 * workflowId unless a runId is given, which pins it).
 *
 * `result()` starts at `runId` and follows the chain (workflow retries, continue-as-new);
 * `describe()`, `fetchHistory()` and `reset()` are about `runId`. Signals, queries, updates,
 * cancel and terminate go to `runId` only on a pinned handle: from `client.start()`'s handle they
 * go to the newest run of the workflowId, so a workflow that continued as new is still reached
 * (as Temporal's handle from `start()`, which addresses its chain).
 */
export class WorkflowHandle<R = unknown> {
  constructor(
    private readonly deps: HandleDeps,
    readonly workflowId: string,
    /** The run this handle was made for; undefined: the newest run. */
    readonly runId: string | undefined,
    /** Whether `result()` follows the chain of runs unless told otherwise. */
    readonly followRuns = true,
    /** Whether messages, cancel and terminate go to `runId` (true) or to the newest run (false). */
    private readonly pinned = runId !== undefined,
  ) {}

  /** The run signals, queries, updates, cancel and terminate go to (undefined: the newest). */
  private get messageRunId(): string | undefined {
    return this.pinned ? this.runId : undefined;
  }

  /**
   * Waits for the execution to close and returns its result: by default the result of the last
   * run of the chain (runs started by the workflow retry policy or by continue-as-new are
   * followed, as Temporal's `followRuns`).
   *
   * @throws WorkflowContinuedAsNewError with `followRuns: false`, when the run continued as new.
   * @throws WorkflowFailedError when it failed, was cancelled or terminated (the failure is the cause).
   * @throws WorkflowNotFoundError when there is no such execution.
   */
  async result(options: WorkflowResultOptions = {}): Promise<R> {
    const follow = options.followRuns ?? this.followRuns;
    let record = await this.record();
    let last: HistoryEvent | undefined;
    for (;;) {
      await this.deps.waiter.wait(record);
      last = await this.deps.store.getLastEvent(record.runId);
      // A run followed by another (workflow retry, continue-as-new): wait for that one (as Temporal).
      const next = follow ? nextRunOf(last) : undefined;
      if (next === undefined) break;
      record = (await this.deps.store.getExecution(this.workflowId, next)) ?? record;
      if (record.runId !== next) break;
    }
    if (last === undefined)
      throw new WorkflowNotFoundError(this.workflowId, record.runId, 'close event missing');
    const fail = (message: string, cause: unknown): never => {
      throw new WorkflowFailedError(message, record.workflowId, record.runId, cause);
    };
    switch (last.eventType) {
      case 'WorkflowExecutionCompleted':
        return (last.payload === undefined ? undefined : this.deps.converter.fromPayload(last.payload)) as R;
      case 'WorkflowExecutionFailed':
        return fail('workflow execution failed', this.deps.converter.fromPayload(last.payload!));
      case 'WorkflowExecutionCanceled':
        return fail('workflow execution cancelled', new CancelledFailure('workflow execution cancelled'));
      case 'WorkflowExecutionTerminated':
        return fail('workflow execution terminated', new TerminatedFailure(last.attrs.reason));
      case 'WorkflowExecutionTimedOut':
        return fail(
          'workflow execution timed out',
          new TimeoutFailure(
            `workflow execution timed out (${last.attrs.timeoutType})`,
            last.attrs.timeoutType === 'workflowRunTimeout' ? 'START_TO_CLOSE' : 'SCHEDULE_TO_CLOSE',
          ),
        );
      case 'WorkflowExecutionContinuedAsNew':
        throw new WorkflowContinuedAsNewError(record.workflowId, record.runId, last.attrs.newExecutionRunId);
      default:
        return fail(`unexpected close event ${last.eventType}`, undefined);
    }
  }

  /** Status, timestamps, pending activities (attempt, last failure), a blocked task's error. */
  async describe(): Promise<WorkflowExecutionDescription> {
    const r = await this.record();
    const decode = (p: Parameters<DataConverter['fromPayload']>[0] | undefined): unknown =>
      p === undefined ? undefined : this.deps.converter.fromPayload(p);
    const rows = await this.deps.store.getPendingActivities(r.runId);
    const history = r.status === 'RUNNING' ? await this.deps.store.getHistory(r.runId) : undefined;
    const pending = history === undefined ? [] : openActivities(history, rows).map((a) => a.record);
    const started = history?.[0] ?? (await this.deps.store.getHistory(r.runId, 1, 1))[0];
    const resetFrom = started?.eventType === 'WorkflowExecutionStarted' ? started.attrs.resetFrom : undefined;
    return {
      workflowId: r.workflowId,
      runId: r.runId,
      workflowType: r.workflowType,
      taskQueue: r.taskQueue,
      status: r.status,
      startTime: new Date(r.startTimeMs),
      closeTime: r.closeTimeMs === undefined ? undefined : new Date(r.closeTimeMs),
      historyLength: r.lastEventId,
      pendingActivities: pending.map((a) => ({
        activityId: String(a.seq),
        activityType: a.activityType,
        attempt: a.attempt,
        firstScheduledTime: new Date(a.firstScheduledMs),
        nextAttemptTime: new Date(a.nextAttemptMs),
        lastFailure: decode(a.lastFailure) as Error | undefined,
        lastHeartbeatDetails: decode(a.heartbeatDetails),
        ...(a.taskQueue === undefined ? {} : { taskQueue: a.taskQueue }),
        ...(a.claimedBy === undefined ? {} : { worker: a.claimedBy }),
      })),
      workflowTaskFailure:
        r.taskError === undefined ? undefined : { attempt: r.taskAttempt, message: r.taskError },
      worker: r.leaseOwner,
      memo: decode(r.memo) as Record<string, unknown> | undefined,
      searchAttributes: r.searchAttributes,
      ...(resetFrom === undefined ? {} : { resetFrom }),
    };
  }

  /** The event history, in order. */
  async fetchHistory(): Promise<WorkflowHistory> {
    const r = await this.record();
    return { workflowId: r.workflowId, runId: r.runId, events: await this.deps.store.getHistory(r.runId) };
  }

  /**
   * Sends a signal to the running execution; it is delivered after every signal accepted before
   * it. Resolves once the signal is durable.
   *
   * @throws WorkflowNotFoundError when the execution is unknown or already closed.
   * @throws DataConverterError when an argument cannot be stored (nothing is written).
   * @example
   * await handle.signal(throwBall, 'ultra');
   */
  async signal<Args extends unknown[]>(
    signal: SignalDefinition<Args> | string,
    ...args: Args
  ): Promise<void> {
    const signalName = checkStoredString(typeof signal === 'string' ? signal : signal.name, 'signal name');
    const payload = this.deps.converter.toPayload(args, `arguments of signal '${signalName}'`);
    await this.deps.store.signal({
      workflowId: this.workflowId,
      runId: this.messageRunId,
      signalName,
      payload,
      nowMs: this.deps.clock.nowMs(),
    });
  }

  /**
   * Queries the execution: answered from memory by the worker that holds it (after every signal
   * accepted before the query), or, once it has closed, by replaying its history in any worker
   * that has its code. Adds nothing to the history.
   *
   * @throws QueryNotRegisteredError when the workflow has no handler of that name.
   * @throws QueryTimeoutError when no worker answered within the client's query timeout.
   * @throws WorkflowNotFoundError when there is no such execution.
   * @example
   * const health = await handle.query(hp);
   */
  async query<Ret, Args extends unknown[]>(
    query: QueryDefinition<Ret, Args> | string,
    ...args: Args
  ): Promise<Ret> {
    const queryName = checkStoredString(typeof query === 'string' ? query : query.name, 'query name');
    const payload = this.deps.converter.toPayload(args, `arguments of query '${queryName}'`);
    const record = await this.recordOf(this.messageRunId);
    const answer = await this.deps.queries.ask(record.runId, queryName, payload);
    if (answer.ok) return this.deps.converter.fromPayload<Ret>(answer.payload);
    if (answer.name === 'QueryNotRegisteredError')
      throw Object.assign(new QueryNotRegisteredError(queryName, []), { message: answer.message });
    throw new QueryFailedError(
      answer.name === 'QueryFailedError' ? answer.message : `${answer.name}: ${answer.message}`,
    );
  }

  /**
   * Sends an update and waits for its result. An `updateId` makes it idempotent: a second call
   * with the same id gets the first outcome, and the handler runs once.
   *
   * `signal` stops the wait (not the update: it stays admitted, and the same `updateId` waits for
   * it again), as `fetch`'s.
   *
   * @throws WorkflowUpdateFailedError when the validator rejects it (nothing recorded) or the handler fails.
   * @throws WorkflowNotFoundError when the execution is unknown or closed.
   * @throws `signal.reason` when `signal` aborts first.
   * @example
   * const hp = await handle.executeUpdate(heal, { args: [20], updateId: 'heal-1', signal: AbortSignal.timeout(30_000) });
   */
  async executeUpdate<Ret, Args extends unknown[]>(
    update: UpdateDefinition<Ret, Args> | string,
    options: { args: Args; updateId?: string; signal?: AbortSignal },
  ): Promise<Ret> {
    const handle = await this.startUpdate(update, { ...options, waitForStage: 'ACCEPTED' });
    return handle.result(options.signal === undefined ? {} : { signal: options.signal });
  }

  /**
   * Sends an update and returns a handle once it is accepted (its validator passed) or rejected,
   * as Temporal's `startUpdate` with `waitForStage: 'ACCEPTED'`.
   */
  async startUpdate<Ret, Args extends unknown[]>(
    update: UpdateDefinition<Ret, Args> | string,
    options: { args: Args; updateId?: string; waitForStage: 'ACCEPTED'; signal?: AbortSignal },
  ): Promise<WorkflowUpdateHandle<Ret>> {
    const updateName = checkStoredString(typeof update === 'string' ? update : update.name, 'update name');
    const updateId = options.updateId ?? newId();
    const payload = this.deps.converter.toPayload(options.args, `arguments of update '${updateName}'`);
    const { runId } = await this.deps.store.admitUpdate({
      workflowId: this.workflowId,
      runId: this.messageRunId,
      updateId,
      updateName,
      payload,
      nowMs: this.deps.clock.nowMs(),
    });
    await waitForUpdate(this.deps.store, runId, updateId, options.waitForStage, options.signal);
    return new WorkflowUpdateHandle<Ret>(
      this.deps.store,
      this.deps.converter,
      this.workflowId,
      runId,
      updateId,
    );
  }

  /**
   * Requests cancellation: the workflow sees `CancelledFailure` at its next await, may clean up,
   * and ends Canceled (or otherwise, as its code decides).
   *
   * @throws WorkflowNotFoundError when unknown or already closed.
   */
  async cancel(reason = 'cancelled by client'): Promise<void> {
    await this.deps.store.requestCancel(this.workflowId, this.messageRunId, reason, this.deps.clock.nowMs());
  }

  /**
   * Terminates at once: `WorkflowExecutionTerminated` is appended, no workflow code runs again.
   *
   * @throws WorkflowNotFoundError when unknown or already closed.
   */
  async terminate(reason = 'terminated by client'): Promise<void> {
    await this.deps.store.terminate(this.workflowId, this.messageRunId, reason, this.deps.clock.nowMs());
  }

  /**
   * Resets the execution, as Temporal's ResetWorkflowExecution: a new run of the same workflowId
   * whose history is this run's events 1..N (copied, ids and times kept), after which the workflow
   * code runs again from that point (the copied activities are replayed, not run again). N is
   * `toEventId`, or the event before the first `ActivityTaskScheduled` of `toStep`: a step name
   * (step workflows record it as the activity's `summary`; for older histories, a step workflow
   * whose definition the client knows), else an activity type. Acts on the
   * handle's run (pinned, or the newest). A running run of the workflowId is terminated with
   * reason `reset: <reason>`, in the same transaction as the new run is written; the reuse policy
   * does not apply. The new run's `describe().resetFrom` names this run. See docs/reset.md.
   *
   * @returns a handle pinned to the new run.
   * @throws ValidationError (nothing written) when both or neither of toEventId and toStep are
   *   given; toEventId is not an integer in [1, last event id] or is the close event; the point
   *   leaves an activity or a timer open (the message names it and the nearest valid event ids);
   *   toStep names no activity type or step of the history (the message lists those present).
   * @throws WorkflowNotFoundError when there is no such execution.
   * @example
   * const newRun = await client.getHandle('capture-mewtwo').reset({ toStep: 'throwPokeball', reason: 'ball fixed' });
   * await newRun.result();
   */
  async reset(options: ResetOptions): Promise<WorkflowHandle<R>> {
    const reason = checkResetOptions(options);
    const record = await this.record();
    const history = await this.deps.store.getHistory(record.runId);
    const toEventId = resetPoint(history, record.runId, options, this.deps.stepGraph?.(record.workflowType));
    const req = buildResetRequest(record, history, toEventId, reason, this.deps.clock.nowMs());
    await this.deps.store.resetExecution(req);
    return new WorkflowHandle<R>(this.deps, this.workflowId, req.newRunId);
  }

  /** The execution record of `runId` (undefined: the newest run). */
  private async recordOf(runId: string | undefined): Promise<ExecutionRecord> {
    const r = await this.deps.store.getExecution(this.workflowId, runId);
    if (r === undefined) throw new WorkflowNotFoundError(this.workflowId, runId);
    return r;
  }

  /** The execution record of the run this handle was made for. */
  private record(): Promise<ExecutionRecord> {
    return this.recordOf(this.runId);
  }
}
