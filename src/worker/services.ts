import type { Clock } from '../common/clock.js';
import type { DataConverter } from '../common/converter.js';
import type { Logger } from '../common/logger.js';
import type { ActivityInterface, WorkflowDefinition } from '../runtime/definitions.js';
import type { ContinueAsNewThresholds } from '../runtime/continue-as-new.js';
import type { Store } from '../store/types.js';
import type { CommitMeter } from './commit-meter.js';

/** One attempt of an activity, as reported to {@link WorkerHooks.onActivityAttempt}. */
export interface ActivityAttemptEvent {
  workflowId: string;
  runId: string;
  activityType: string;
  /** The activity's id (its command sequence number). */
  activityId: string;
  attempt: number;
  outcome: 'completed' | 'failed' | 'timed out';
  /** Wall time of the attempt, in ms (0 for an attempt that never started or was lost). */
  elapsedMs: number;
  /** The failure's message, when it failed or timed out. */
  error?: string;
  /** The failure's type (an `ApplicationFailure`'s type, else the error's name). */
  errorType?: string;
  /** True when the attempt was lost with its worker (crash) and is counted as timed out. */
  lost?: boolean;
}

/** An activity outcome that has become durable, as reported to {@link WorkerHooks.onActivityRecorded}. */
export interface ActivityRecordedEvent {
  workflowId: string;
  runId: string;
  activityType: string;
  activityId: string;
  eventType: 'ActivityTaskCompleted' | 'ActivityTaskFailed' | 'ActivityTaskTimedOut' | 'ActivityTaskCanceled';
}

/** The execution an event is about (see {@link WorkerHooks}). */
export interface ExecutionRef {
  workflowId: string;
  runId: string;
  workflowType: string;
  /** The execution's task queue. */
  taskQueue: string;
}

/** An execution this worker claimed, as reported to {@link WorkerHooks.onWorkflowTaken}. */
export interface WorkflowTakenEvent extends ExecutionRef {
  /**
   * True for the execution's first workflow task: its history holds only
   * `WorkflowExecutionStarted` and no worker claimed the run before (its lease epoch is 1). Reported
   * once per run, by whichever worker or process takes it first.
   */
  firstTask: boolean;
  /**
   * True when the execution was taken from an owner whose lease had expired (the owner crashed or
   * stalled), false when it was unowned (new, handed back, or woken by a timer or a message). False
   * when the store does not say (see `docs/observability.md`).
   */
  leaseExpired: boolean;
  /**
   * Claim time − when the workflow task became claimable, in ms (≥ 0); undefined when the store
   * does not say and it cannot be told from the history (it can for a first task).
   */
  scheduleToStartMs: number | undefined;
  /** When this worker claimed it, epoch ms (worker clock). */
  takenAtMs: number;
}

/** Close statuses, as {@link WorkflowClosedEvent} reports them. */
export type ClosedStatus =
  'COMPLETED' | 'FAILED' | 'CANCELED' | 'TERMINATED' | 'TIMED_OUT' | 'CONTINUED_AS_NEW';

/** An execution held by this worker closed, as reported to {@link WorkerHooks.onWorkflowClosed}. */
export interface WorkflowClosedEvent extends ExecutionRef {
  status: ClosedStatus;
  /** Close time − the run's start time (its `WorkflowExecutionStarted`), in ms. */
  durationMs: number;
}

/** Why a worker let go of an execution that is still running. */
export type ReleaseReason =
  /** Graceful shutdown: the lease was released, another worker may take it at once. */
  | 'handed back'
  /** Another worker claimed it (this worker's lease had expired) or a write was fenced. */
  | 'lease lost'
  /** Its workflow task failed (non-determinism, a bug, an unknown activity): retried after a back-off. */
  | 'task failed';

/** A worker let go of a running execution, as reported to {@link WorkerHooks.onWorkflowReleased}. */
export interface WorkflowReleasedEvent extends ExecutionRef {
  reason: ReleaseReason;
}

/** An activity attempt started, as reported to {@link WorkerHooks.onActivityStarted}. */
export interface ActivityStartedEvent {
  workflowId: string;
  runId: string;
  workflowType: string;
  activityType: string;
  /** The activity's id (its command sequence number). */
  activityId: string;
  /** Attempt number, from 1. */
  attempt: number;
  /** The task queue of the worker running it: the activity task's queue, else this worker's. */
  taskQueue: string;
  /** True for an activity task: a worker polling `taskQueue` took it (perhaps in another process). */
  remote: boolean;
  /** When the attempt started (an activity task: when a worker claimed it), epoch ms (worker clock). */
  startedAtMs: number;
  /**
   * Start − when the attempt became due (scheduled, or its retry back-off ended), in ms: time spent
   * waiting for a slot, a rate limit or, for an activity task, a worker.
   */
  scheduleToStartMs: number;
}

/** Writes this worker handed to the store in one event-loop turn, as reported to {@link WorkerHooks.onGroupCommit}. */
export interface GroupCommitEvent {
  /** Owner writes (history appends, activity state) of this worker's executions; ≥ 1. */
  writes: number;
}

/**
 * Observers of a worker's work (metrics, traces, progress displays, tests, fault injection). Each
 * is called synchronously on the worker's path and must not throw; an absent hook costs nothing
 * (its event is not even built). Combine several with `combineHooks`.
 *
 * Every execution reported to {@link onWorkflowTaken} is later reported exactly once to
 * {@link onWorkflowClosed} or {@link onWorkflowReleased} (unless the process dies).
 */
export interface WorkerHooks {
  /** This worker claimed an execution and is about to run (or replay) its workflow function. */
  onWorkflowTaken?(event: WorkflowTakenEvent): void;
  /** An execution held here closed: by this worker, or elsewhere (terminated). */
  onWorkflowClosed?(event: WorkflowClosedEvent): void;
  /** This worker let go of an execution that is still running. */
  onWorkflowReleased?(event: WorkflowReleasedEvent): void;
  /** An activity attempt of an execution held here started (here, or on a worker of its task queue). */
  onActivityStarted?(event: ActivityStartedEvent): void;
  /** After each activity attempt, before its outcome is recorded. */
  onActivityAttempt?(event: ActivityAttemptEvent): void;
  /** Right after an activity's final outcome was committed to the store. */
  onActivityRecorded?(event: ActivityRecordedEvent): void;
  /** When a workflow task fails (non-determinism, a bug, an unknown activity) and is blocked. */
  onWorkflowTaskFailed?(event: { workflowId: string; runId: string; error: Error }): void;
  /**
   * Once per event-loop turn in which this worker wrote: how many writes it handed to the store,
   * which commits them together (group commit).
   */
  onGroupCommit?(event: GroupCommitEvent): void;
}

/** What an execution held by a worker needs from that worker. */
export interface WorkerServices {
  readonly store: Store;
  readonly converter: DataConverter;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly hooks: WorkerHooks;
  /** Counts the writes of each turn for {@link WorkerHooks.onGroupCommit}; undefined without that hook. */
  readonly commitMeter: CommitMeter | undefined;
  readonly identity: string;
  readonly taskQueue: string;
  readonly activities: ActivityInterface;
  /** When `ctx.info.continueAsNewSuggested` turns true (worker option `continueAsNewSuggestedAt`). */
  readonly continueAsNewThresholds?: ContinueAsNewThresholds | undefined;
  /** True once shutdown began: no new attempt starts. */
  readonly stopping: boolean;
  workflow(type: string): WorkflowDefinition | undefined;
  workflowTypes(): string[];
  /** Waits for a free activity slot (maxConcurrentActivities); returns its release. */
  acquireActivitySlot(): Promise<() => void>;
  /** Waits until another attempt may start (maxActivitiesPerSecond); undefined when there is no limit. */
  activityStartPermit(): Promise<void> | undefined;
  /** The execution left this worker (closed, lost, blocked or handed back). */
  forget(runId: string): void;
}

/** Resolves after every pending microtask has run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
