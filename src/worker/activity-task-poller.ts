/**
 * The task side of activity tasks: a worker polls its task queue for attempts of activities
 * registered on it (routed there by workflows held anywhere), runs each like a local attempt
 * (timeouts, heartbeats, abort signal) and reports the end to the owner's inbox. The owner keeps
 * the retry policy; this side only runs attempts. A heartbeat that finds the attempt no longer
 * this worker's (timed out, cancelled, moved on) cancels it.
 */
import { runAttempt, type AttemptOutcome, type RunningAttempt } from '../activity/attempt.js';
import type { Payload } from '../common/converter.js';
import { failurePayload } from '../common/failure-payload.js';
import { ApplicationFailure, CancelledFailure } from '../common/failures.js';
import { childLogger, type Logger } from '../common/logger.js';
import type { ActivityTaskRecord, ActivityTaskStore } from '../store/types.js';
import type { WorkerServices } from './services.js';

/** Most attempts claimed in one poll. */
const MAX_CLAIM = 32;

/** What the poller needs beyond the worker's services. */
export interface PollerDeps {
  services: WorkerServices;
  tasks: ActivityTaskStore;
  pollIntervalMs: number;
  /** Non-blocking slot acquisition (the same slots as local attempts). */
  tryAcquireSlot(): (() => void) | undefined;
  /**
   * True when the worker has `maxActivitiesPerSecond`: then each claim takes one task, after its
   * start permit, so a claimed attempt starts at once (the owner times it from the claim).
   */
  rateLimited: boolean;
}

/** Polls the worker's task queue for activity tasks and runs them. */
export class ActivityTaskPoller {
  private readonly running = new Map<string, RunningAttempt>();
  private readonly finished = new Set<Promise<void>>();
  private wakeUp: (() => void) | undefined;
  private woken = false;

  constructor(private readonly deps: PollerDeps) {}

  /** Polls at once (an activity task of this queue may have become due). */
  wake(): void {
    if (this.wakeUp !== undefined) this.wakeUp();
    else this.woken = true;
  }

  /** Claims and runs until the worker stops; resolves once every attempt it started has ended. */
  async run(): Promise<void> {
    const { services } = this.deps;
    while (!services.stopping) {
      const first = await services.acquireActivitySlot();
      const releases = [first];
      if (this.deps.rateLimited) await services.activityStartPermit();
      if (services.stopping) {
        first();
        break;
      }
      while (!this.deps.rateLimited && releases.length < MAX_CLAIM) {
        const more = this.deps.tryAcquireSlot();
        if (more === undefined) break;
        releases.push(more);
      }
      const claimed = await this.claim(releases.length);
      for (const [i, task] of claimed.entries()) this.start(task, releases[i]!);
      for (const release of releases.slice(claimed.length)) release();
      if (claimed.length === 0) await this.idle();
    }
    await Promise.all(this.finished);
  }

  /** Aborts the attempts still running (shutdown after the grace time): they report a failure. */
  abortAll(): void {
    for (const attempt of this.running.values())
      attempt.abort(new ApplicationFailure('the worker running the attempt shut down', 'WorkerShutdown'));
  }

  private async claim(limit: number): Promise<ActivityTaskRecord[]> {
    const { services } = this.deps;
    try {
      return await this.deps.tasks.claimActivityTasks({
        taskQueue: services.taskQueue,
        workerId: services.identity,
        activityTypes: Object.keys(services.activities),
        limit,
        nowMs: services.clock.nowMs(),
      });
    } catch (err) {
      services.logger.error('claiming activity tasks failed', { error: (err as Error).message });
      return [];
    }
  }

  private idle(): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const cancel = this.deps.services.clock.setTimer(() => done(), this.deps.pollIntervalMs, 'poll');
      const done = (): void => {
        cancel();
        this.wakeUp = undefined;
        resolve();
      };
      this.wakeUp = done;
    });
  }

  private start(task: ActivityTaskRecord, release: () => void): void {
    const p: Promise<void> = this.execute(task)
      .catch((err: unknown) =>
        taskLogger(this.deps.services.logger, task).error('an activity task failed unexpectedly', {
          error: (err as Error).message,
        }),
      )
      .finally(() => {
        release();
        this.finished.delete(p);
      });
    this.finished.add(p);
  }

  private async execute(task: ActivityTaskRecord): Promise<void> {
    const { services } = this.deps;
    const { converter, clock } = services;
    const key = `${task.runId}/${task.seq}`;
    let outcome: AttemptOutcome;
    try {
      const args = converter.fromPayload<unknown[]>(task.args);
      const last =
        task.heartbeatDetails === undefined ? undefined : converter.fromPayload(task.heartbeatDetails);
      const options = task.options as {
        startToCloseTimeoutMs?: number;
        heartbeatTimeoutMs?: number;
        scheduleToCloseTimeoutMs?: number;
      };
      const deadlineMs =
        options.scheduleToCloseTimeoutMs === undefined
          ? undefined
          : task.firstScheduledMs + options.scheduleToCloseTimeoutMs;
      // Claimed past its deadline: the owner times it out (SCHEDULE_TO_START); running it would
      // only be an effect nobody records.
      if (deadlineMs !== undefined && clock.nowMs() >= deadlineMs) return;
      const heartbeats = new HeartbeatWriter(this.deps, task, () => this.running.get(key));
      const attempt = runAttempt(services.activities[task.activityType]!, {
        info: {
          activityType: task.activityType,
          activityId: String(task.seq),
          workflowId: task.workflowId,
          runId: task.runId,
          workflowType: task.workflowType,
          taskQueue: task.taskQueue,
          attempt: task.attempt,
        },
        args,
        startToCloseTimeoutMs: options.startToCloseTimeoutMs,
        heartbeatTimeoutMs: options.heartbeatTimeoutMs,
        deadlineMs,
        lastHeartbeatDetails: last,
        onHeartbeat: (details) => heartbeats.write(details),
        clock,
        logger: services.logger,
      });
      this.running.set(key, attempt);
      outcome = await attempt.outcome;
    } catch (err) {
      outcome = {
        ok: false,
        failure: ApplicationFailure.create({
          message: (err as Error).message,
          type: (err as Error).name,
          nonRetryable: true,
        }),
      };
    } finally {
      this.running.delete(key);
    }
    await this.report(task, outcome);
  }

  private async report(task: ActivityTaskRecord, outcome: AttemptOutcome): Promise<void> {
    const { converter, clock, identity } = this.deps.services;
    let ok = outcome.ok;
    let payload: Payload;
    try {
      payload = outcome.ok
        ? converter.toPayload(outcome.value, `result of activity '${task.activityType}'`)
        : failurePayload(converter, outcome.failure, `failure of activity '${task.activityType}'`);
    } catch (err) {
      ok = false;
      const failure = ApplicationFailure.create({
        message: (err as Error).message,
        type: (err as Error).name,
        nonRetryable: true,
      });
      payload = failurePayload(converter, failure, `failure of activity '${task.activityType}'`);
    }
    await this.deps.tasks.completeActivityTask({
      runId: task.runId,
      seq: task.seq,
      attempt: task.attempt,
      workerId: identity,
      ok,
      payload,
      nowMs: clock.nowMs(),
    });
  }
}

/**
 * Writes an attempt's heartbeats, one write at a time (the newest details win); a write that finds
 * the attempt no longer this worker's cancels the attempt.
 */
class HeartbeatWriter {
  private writing = false;
  private pending: { details: unknown } | undefined;

  constructor(
    private readonly deps: PollerDeps,
    private readonly task: ActivityTaskRecord,
    private readonly attempt: () => RunningAttempt | undefined,
  ) {}

  write(details: unknown): void {
    this.pending = { details };
    if (!this.writing) void this.flush();
  }

  private async flush(): Promise<void> {
    const { services, tasks } = this.deps;
    this.writing = true;
    while (this.pending !== undefined) {
      const { details } = this.pending;
      this.pending = undefined;
      let encoded: Payload | undefined;
      try {
        encoded =
          details === undefined ? undefined : services.converter.toPayload(details, 'heartbeat details');
      } catch (err) {
        taskLogger(services.logger, this.task).warn('heartbeat details dropped', {
          error: (err as Error).message,
        });
      }
      const t = this.task;
      try {
        const mine = await tasks.heartbeatActivityTask(
          { runId: t.runId, seq: t.seq, attempt: t.attempt, workerId: services.identity },
          encoded,
        );
        if (!mine)
          this.attempt()?.cancel(
            new CancelledFailure('the activity was cancelled or this attempt timed out'),
          );
      } catch (err) {
        taskLogger(services.logger, t).warn('heartbeat write failed', { error: (err as Error).message });
      }
    }
    this.writing = false;
  }
}

/** `logger` with the ids of an activity task's attempt bound (for the rare lines about one). */
function taskLogger(logger: Logger, task: ActivityTaskRecord): Logger {
  const { workflowId, runId, activityType, attempt } = task;
  return childLogger(logger, { workflowId, runId, activityType, attempt });
}
