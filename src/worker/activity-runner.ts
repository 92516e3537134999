import { runAttempt, type AttemptOutcome } from '../activity/attempt.js';
import type { Payload } from '../common/converter.js';
import {
  CancelledFailure,
  failureType,
  ApplicationFailure,
  TimeoutFailure,
  type BatonFailure,
  type RetryState,
} from '../common/failures.js';
import { decideRetry } from '../common/retry-policy.js';
import { failurePayload } from '../common/failure-payload.js';
import { childLogger, type Logger } from '../common/logger.js';
import type { ExecutionWrite } from '../store/types.js';
import { deadlineOf, type ActivityState } from './activity-state.js';
import { RemoteActivities, type RemoteActivityHost } from './remote-activity.js';
import type { ActivityAttemptEvent, ActivityStartedEvent, WorkerServices } from './services.js';

/** The final outcome of an activity, handed to its execution to record. */
export type ActivityOutcome =
  | { state: ActivityState; eventType: 'ActivityTaskCompleted'; payload: Payload | undefined }
  | { state: ActivityState; eventType: 'ActivityTaskCanceled'; failure: CancelledFailure }
  | {
      state: ActivityState;
      eventType: 'ActivityTaskFailed' | 'ActivityTaskTimedOut';
      failure: BatonFailure;
      retryState: RetryState;
    };

/** What the runner needs from the execution that owns the activities. */
export interface ActivityOwner {
  readonly workflowId: string;
  readonly runId: string;
  readonly workflowType: string;
  /** The worker's logger with the execution's workflowId and runId bound. */
  readonly log: Logger;
  /** Builds a fenced write of the owner with no history events. */
  bareWrite(): ExecutionWrite;
  /** Commits a write; false when the lease was lost (the owner is gone). */
  commit(write: ExecutionWrite): Promise<boolean>;
  /** Hands a final outcome over to be recorded in the history. */
  outcome(outcome: ActivityOutcome): void;
  /** Something this worker did not expect went wrong: block the workflow task with the error. */
  crashed(error: Error): void;
}

/**
 * Runs the attempts of an execution's activities in this worker, or has a worker of their task
 * queue run them (activity tasks, see {@link RemoteActivities}): waits out back-offs, applies the
 * retry policy, keeps attempt numbers and heartbeat details durable before they matter.
 */
export class ActivityRunner implements RemoteActivityHost {
  /** The owner's side of activity tasks. */
  readonly remote: RemoteActivities;

  constructor(
    private readonly services: WorkerServices,
    private readonly owner: ActivityOwner,
  ) {
    this.remote = new RemoteActivities(services, this);
  }

  /** Runs the current attempt at its start time (an activity task: waits for a worker to take it). */
  schedule(state: ActivityState): void {
    if (state.record.taskQueue !== undefined) return this.remote.waitForStart(state);
    const delayMs = state.record.nextAttemptMs - this.services.clock.nowMs();
    if (delayMs <= 0) this.launch(state);
    else state.cancelTimer = this.services.clock.setTimer(() => this.launch(state), delayMs);
  }

  private launch(state: ActivityState): void {
    this.run(state).catch((err: unknown) =>
      this.owner.crashed(err instanceof Error ? err : new Error(String(err))),
    );
  }

  /**
   * Takes over an activity from an earlier owner. An attempt that may have started (its start
   * time has passed and it was not handed back) counts as timed out (START_TO_CLOSE).
   */
  async recover(state: ActivityState): Promise<void> {
    if (state.dropped) return;
    if (state.record.taskQueue !== undefined) return this.remote.recover(state);
    const now = this.services.clock.nowMs();
    if (state.record.handedBack) {
      state.record.handedBack = false;
      if (!(await this.persist(state))) return;
      this.schedule(state);
    } else if (state.record.nextAttemptMs > now) {
      this.schedule(state);
    } else {
      const failure = new TimeoutFailure(
        `activity '${state.record.activityType}' attempt ${state.record.attempt} was lost with its worker`,
        'START_TO_CLOSE',
      );
      this.report(state, now, failure, true);
      await this.afterFailure(state, failure);
    }
  }

  /**
   * The workflow asked the activity to stop: a running attempt is told (its signal fires, its
   * heartbeat throws) and its end is recorded as ActivityTaskCanceled (a completion still wins);
   * an activity between attempts is cancelled at once.
   */
  requestCancel(state: ActivityState): void {
    if (state.dropped || state.cancelRequested) return;
    state.cancelRequested = true;
    const reason = new CancelledFailure('activity cancellation requested');
    if (state.record.taskQueue !== undefined) {
      // An activity task is cancelled at once (its attempt, if taken, learns it at its next heartbeat).
      if (state.remoteStartedAtMs !== undefined) this.report(state, state.remoteStartedAtMs, reason);
      this.remote.clear(state);
      state.running = false;
      this.owner.outcome({ state, eventType: 'ActivityTaskCanceled', failure: reason });
      return;
    }
    if (state.running) {
      state.cancel?.(reason);
      return;
    }
    state.cancelTimer?.();
    state.cancelTimer = undefined;
    this.owner.outcome({ state, eventType: 'ActivityTaskCanceled', failure: reason });
  }

  /** Stops an activity: its timer is cancelled, its attempt aborted, its outcome ignored. */
  drop(state: ActivityState, reason: string): void {
    state.dropped = true;
    state.cancelTimer?.();
    this.remote.clear(state);
    state.abort?.(new ApplicationFailure(reason, 'ActivityDropped'));
  }

  private async run(state: ActivityState): Promise<void> {
    state.cancelTimer = undefined;
    if (state.dropped || state.cancelRequested || this.services.stopping) return;
    const { converter, clock } = this.services;
    const record = state.record;
    let args: unknown[];
    let lastHeartbeatDetails: unknown;
    try {
      args = converter.fromPayload<unknown[]>(state.args);
      if (record.heartbeatDetails !== undefined)
        lastHeartbeatDetails = converter.fromPayload(record.heartbeatDetails);
    } catch (err) {
      const failure = ApplicationFailure.create({
        message: (err as Error).message,
        type: (err as Error).name,
        nonRetryable: true,
      });
      return this.afterFailure(state, failure);
    }
    const release = await this.services.acquireActivitySlot();
    const permit = this.services.activityStartPermit();
    if (permit !== undefined) await permit;
    let outcome: AttemptOutcome;
    const startMs = clock.nowMs();
    try {
      if (state.dropped || state.cancelRequested || this.services.stopping) return;
      const deadlineMs = deadlineOf(state);
      if (deadlineMs !== undefined && startMs >= deadlineMs) {
        const late = new TimeoutFailure(
          `activity '${record.activityType}' reached its scheduleToClose deadline before attempt ${record.attempt} could start`,
          'SCHEDULE_TO_CLOSE',
        );
        this.report(state, startMs, late);
        return await this.afterFailure(state, late);
      }
      state.running = true;
      this.services.hooks.onActivityStarted?.(this.startedEvent(state, startMs, false));
      const attempt = runAttempt(this.services.activities[record.activityType]!, {
        info: {
          activityType: record.activityType,
          activityId: String(record.seq),
          workflowId: this.owner.workflowId,
          runId: this.owner.runId,
          workflowType: this.owner.workflowType,
          taskQueue: this.services.taskQueue,
          attempt: record.attempt,
        },
        args,
        startToCloseTimeoutMs: state.options.startToCloseTimeoutMs,
        heartbeatTimeoutMs: state.options.heartbeatTimeoutMs,
        deadlineMs,
        lastHeartbeatDetails,
        onHeartbeat: (details) => this.heartbeat(state, details),
        clock,
        logger: this.services.logger,
      });
      state.abort = attempt.abort;
      state.cancel = attempt.cancel;
      outcome = await attempt.outcome;
    } finally {
      release();
      state.running = false;
      state.abort = undefined;
      state.cancel = undefined;
    }
    if (state.dropped) return;
    await this.finishAttempt(state, startMs, outcome);
  }

  async finishRemote(
    state: ActivityState,
    startMs: number,
    result: { ok: true; payload: Payload | undefined } | { ok: false; failure: BatonFailure },
  ): Promise<void> {
    if (state.cancelRequested) return;
    if (result.ok) {
      this.report(state, startMs, undefined);
      this.owner.outcome({ state, eventType: 'ActivityTaskCompleted', payload: result.payload });
      return;
    }
    this.report(state, startMs, result.failure);
    await this.afterFailure(state, result.failure);
  }

  timedOutBeforeStart(state: ActivityState, failure: TimeoutFailure): void {
    this.report(state, this.services.clock.nowMs(), failure);
    this.owner.outcome({ state, eventType: 'ActivityTaskTimedOut', failure, retryState: 'TIMEOUT' });
  }

  async timedOut(state: ActivityState, startMs: number, failure: TimeoutFailure): Promise<void> {
    this.report(state, startMs, failure);
    await this.afterFailure(state, failure);
  }

  crashed(error: Error): void {
    this.owner.crashed(error);
  }

  attemptStarted(state: ActivityState, startedAtMs: number): void {
    this.services.hooks.onActivityStarted?.(this.startedEvent(state, startedAtMs, true));
  }

  private startedEvent(state: ActivityState, startedAtMs: number, remote: boolean): ActivityStartedEvent {
    const r = state.record;
    return {
      workflowId: this.owner.workflowId,
      runId: this.owner.runId,
      workflowType: this.owner.workflowType,
      activityType: r.activityType,
      activityId: String(r.seq),
      attempt: r.attempt,
      taskQueue: r.taskQueue ?? this.services.taskQueue,
      remote,
      startedAtMs,
      scheduleToStartMs: Math.max(0, startedAtMs - r.nextAttemptMs),
    };
  }

  /** Reports an attempt and hands its outcome on: completed, or a failure for the retry policy. */
  private async finishAttempt(state: ActivityState, startMs: number, outcome: AttemptOutcome): Promise<void> {
    let failure: BatonFailure | undefined;
    let payload: Payload | undefined;
    if (outcome.ok) {
      try {
        payload = this.services.converter.toPayload(
          outcome.value,
          `result of activity '${state.record.activityType}'`,
        );
      } catch (err) {
        failure = ApplicationFailure.create({
          message: (err as Error).message,
          type: (err as Error).name,
          nonRetryable: true,
        });
      }
    } else failure = outcome.failure;
    this.report(state, startMs, failure);
    if (failure === undefined) this.owner.outcome({ state, eventType: 'ActivityTaskCompleted', payload });
    else if (state.cancelRequested) {
      const reason =
        failure instanceof CancelledFailure ? failure : new CancelledFailure('activity cancelled');
      this.owner.outcome({ state, eventType: 'ActivityTaskCanceled', failure: reason });
    } else await this.afterFailure(state, failure);
  }

  private report(
    state: ActivityState,
    startMs: number,
    failure: BatonFailure | undefined,
    lost = false,
  ): void {
    const hooks = this.services.hooks;
    if (hooks.onActivityAttempt === undefined) return;
    const event: ActivityAttemptEvent = {
      workflowId: this.owner.workflowId,
      runId: this.owner.runId,
      activityType: state.record.activityType,
      activityId: String(state.record.seq),
      attempt: state.record.attempt,
      outcome: 'completed',
      elapsedMs: this.services.clock.nowMs() - startMs,
    };
    if (failure !== undefined) {
      event.outcome = failure instanceof TimeoutFailure ? 'timed out' : 'failed';
      event.error = failure.message;
      event.errorType = failureType(failure);
      if (lost) event.lost = true;
    }
    hooks.onActivityAttempt(event);
  }

  private async afterFailure(state: ActivityState, failure: BatonFailure): Promise<void> {
    const now = this.services.clock.nowMs();
    const decision = decideRetry(state.options.retry, state.record.attempt, failure, now, deadlineOf(state));
    if (!decision.retry) {
      const eventType = failure instanceof TimeoutFailure ? 'ActivityTaskTimedOut' : 'ActivityTaskFailed';
      this.owner.outcome({ state, eventType, failure, retryState: decision.retryState });
      return;
    }
    const record = state.record;
    record.attempt += 1;
    record.nextAttemptMs = now + decision.delayMs;
    delete record.claimedBy;
    delete record.claimedAtMs;
    record.lastFailure = failurePayload(
      this.services.converter,
      failure,
      `failure of activity '${record.activityType}'`,
    );
    if (await this.persist(state)) this.schedule(state);
  }

  private heartbeat(state: ActivityState, details: unknown): void {
    try {
      state.record.heartbeatDetails = this.services.converter.toPayload(
        details,
        `heartbeat details of activity '${state.record.activityType}'`,
      );
    } catch (err) {
      const { activityType, attempt } = state.record;
      childLogger(this.owner.log, { activityType, attempt }).warn('heartbeat details dropped', {
        error: (err as Error).message,
      });
      return;
    }
    if (state.heartbeatWriting) {
      state.heartbeatDirty = true;
      return;
    }
    void this.writeHeartbeats(state);
  }

  private async writeHeartbeats(state: ActivityState): Promise<void> {
    state.heartbeatWriting = true;
    do {
      state.heartbeatDirty = false;
      if (!state.running || state.dropped) break;
      if (!(await this.persist(state))) break;
    } while (state.heartbeatDirty);
    state.heartbeatWriting = false;
  }

  private persist(state: ActivityState): Promise<boolean> {
    const write = this.owner.bareWrite();
    write.upsertActivities = [{ ...state.record }];
    if (state.consumeInbox.length > 0) write.consumedInbox = state.consumeInbox.splice(0);
    state.persisted = true;
    return this.owner.commit(write);
  }
}
