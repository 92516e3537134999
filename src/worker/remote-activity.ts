/**
 * The owner's side of activity tasks (activities routed to a task queue). The owner keeps every
 * decision — retries, timeouts, cancellation — as for an activity it runs itself; only the attempt
 * runs elsewhere. It learns that a worker took the attempt (`activityStarted`) and how it ended
 * (`activityResult`) from its inbox, and times the attempt out on its own clock:
 * SCHEDULE_TO_START while nobody has taken it, START_TO_CLOSE (plus a little grace, so the task's
 * worker, which times the attempt out itself, reports first) and SCHEDULE_TO_CLOSE once taken.
 */
import { ApplicationFailure, BatonFailure, TimeoutFailure } from '../common/failures.js';
import type { InboxRecord } from '../store/types.js';
import { deadlineOf, type ActivityState } from './activity-state.js';
import type { WorkerServices } from './services.js';

/** Extra time the owner gives a started attempt past its startToCloseTimeout before timing it out. */
export const START_TO_CLOSE_GRACE_MS = 500;

/** What the remote side needs from the activity runner. */
export interface RemoteActivityHost {
  /** A result for the current attempt: record it (completed) or apply the retry policy (failed). */
  finishRemote(
    state: ActivityState,
    startMs: number,
    result: { ok: true; payload: InboxRecord['payload'] } | { ok: false; failure: BatonFailure },
  ): Promise<void>;
  /** The attempt was never started in time: the activity fails at once, without retries. */
  timedOutBeforeStart(state: ActivityState, failure: TimeoutFailure): void;
  /** A started attempt timed out: report it and apply the retry policy. */
  timedOut(state: ActivityState, startMs: number, failure: TimeoutFailure): Promise<void>;
  /** A worker of the task queue took the current attempt at `startedAtMs` (for the hooks). */
  attemptStarted(state: ActivityState, startedAtMs: number): void;
  crashed(error: Error): void;
}

/** The owner's timers and messages of its activity tasks. */
export class RemoteActivities {
  constructor(
    private readonly services: WorkerServices,
    private readonly host: RemoteActivityHost,
  ) {}

  /** The current attempt is waiting for a worker of its queue: time it out if nobody takes it. */
  waitForStart(state: ActivityState): void {
    this.clear(state);
    state.remoteStartedAtMs = undefined;
    state.remoteWorker = undefined;
    const { record, options } = state;
    const candidates: number[] = [];
    if (options.scheduleToStartTimeoutMs !== undefined)
      candidates.push(record.nextAttemptMs + options.scheduleToStartTimeoutMs);
    const deadlineMs = deadlineOf(state);
    if (deadlineMs !== undefined) candidates.push(deadlineMs);
    if (candidates.length === 0) return;
    const atMs = Math.min(...candidates);
    // The same grace as a started attempt's: a claim made just before the deadline reaches the
    // owner (through its inbox) before the owner gives up on it.
    state.cancelRemoteTimers = this.services.clock.setTimer(
      () => {
        state.cancelRemoteTimers = undefined;
        if (state.dropped || state.remoteStartedAtMs !== undefined) return;
        const waitedMs = atMs - record.nextAttemptMs;
        this.host.timedOutBeforeStart(
          state,
          new TimeoutFailure(
            `activity '${record.activityType}' attempt ${record.attempt} was not picked up by a worker of task queue '${record.taskQueue ?? ''}' within ${waitedMs} ms (SCHEDULE_TO_START)`,
            'SCHEDULE_TO_START',
          ),
        );
      },
      atMs + START_TO_CLOSE_GRACE_MS - this.services.clock.nowMs(),
    );
  }

  /** Worker `workerId` took the current attempt at `startedAtMs`: time it out if it does not report. */
  started(state: ActivityState, startedAtMs: number, workerId: string | undefined): void {
    this.clear(state);
    state.remoteStartedAtMs = startedAtMs;
    state.remoteWorker = workerId;
    state.running = true;
    this.host.attemptStarted(state, startedAtMs);
    const { options, record } = state;
    const candidates: [number, 'START_TO_CLOSE' | 'SCHEDULE_TO_CLOSE'][] = [];
    if (options.startToCloseTimeoutMs !== undefined)
      candidates.push([
        startedAtMs + options.startToCloseTimeoutMs + START_TO_CLOSE_GRACE_MS,
        'START_TO_CLOSE',
      ]);
    const deadlineMs = deadlineOf(state);
    if (deadlineMs !== undefined)
      candidates.push([deadlineMs + START_TO_CLOSE_GRACE_MS, 'SCHEDULE_TO_CLOSE']);
    if (candidates.length === 0) return;
    const [atMs, type] = candidates.sort((a, b) => a[0] - b[0])[0]!;
    state.cancelRemoteTimers = this.services.clock.setTimer(() => {
      state.cancelRemoteTimers = undefined;
      if (state.dropped || state.remoteStartedAtMs !== startedAtMs) return;
      state.running = false;
      const failure = new TimeoutFailure(
        `activity '${record.activityType}' attempt ${record.attempt} timed out (${type}) on a worker of task queue '${record.taskQueue ?? ''}'`,
        type,
      );
      this.host
        .timedOut(state, startedAtMs, failure)
        .catch((err: unknown) => this.host.crashed(asError(err)));
    }, atMs - this.services.clock.nowMs());
  }

  /**
   * A message about this activity from its inbox. Messages about another attempt are only
   * consumed; a start arms the timeouts; a result settles the attempt.
   */
  message(state: ActivityState, record: InboxRecord): void {
    state.consumeInbox.push(record.id);
    const attempt = Number(record.attrs.attempt);
    if (state.dropped || attempt !== state.record.attempt) return;
    if (record.kind === 'activityStarted') {
      if (state.remoteStartedAtMs === undefined)
        this.started(state, Number(record.attrs.startedAtMs), workerOf(record));
      return;
    }
    state.remoteWorker = workerOf(record);
    const startMs = state.remoteStartedAtMs ?? record.acceptedAtMs;
    this.clear(state);
    state.running = false;
    state.remoteStartedAtMs = undefined;
    const result =
      record.attrs.ok === true
        ? ({ ok: true, payload: record.payload } as const)
        : ({ ok: false, failure: this.failureOf(record) } as const);
    this.host.finishRemote(state, startMs, result).catch((err: unknown) => this.host.crashed(asError(err)));
  }

  /** After a restart: an attempt already taken is timed from its claim, otherwise from now. */
  recover(state: ActivityState): void {
    const { claimedBy, claimedAtMs } = state.record;
    if (claimedBy !== undefined && claimedAtMs !== undefined) this.started(state, claimedAtMs, claimedBy);
    else this.waitForStart(state);
  }

  clear(state: ActivityState): void {
    state.cancelRemoteTimers?.();
    state.cancelRemoteTimers = undefined;
  }

  private failureOf(record: InboxRecord): BatonFailure {
    try {
      const decoded =
        record.payload === undefined ? undefined : this.services.converter.fromPayload(record.payload);
      if (decoded instanceof BatonFailure) return decoded;
      return ApplicationFailure.fromError(decoded);
    } catch (err) {
      return ApplicationFailure.create({
        message: asError(err).message,
        type: 'FailureDecodeError',
        nonRetryable: true,
      });
    }
  }
}

function workerOf(record: InboxRecord): string | undefined {
  return typeof record.attrs.workerId === 'string' ? record.attrs.workerId : undefined;
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
