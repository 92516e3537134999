import type { Clock } from '../common/clock.js';
import type { DataConverter } from '../common/converter.js';
import type { Logger } from '../common/logger.js';
import type { ActivityInterface, WorkflowDefinition } from '../runtime/definitions.js';
import type { Store } from '../store/types.js';

/** One attempt of an activity, as reported to {@link WorkerHooks.onActivityAttempt}. */
export interface ActivityAttemptEvent {
  workflowId: string;
  runId: string;
  activityType: string;
  /** The activity's id (its command sequence number). */
  activityId: string;
  attempt: number;
  outcome: 'completed' | 'failed' | 'timed out';
  /** Wall time of the attempt, in ms. */
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

/** Observers of a worker's work (progress displays, tests, fault injection). Must not throw. */
export interface WorkerHooks {
  /** After each activity attempt, before its outcome is recorded. */
  onActivityAttempt?(event: ActivityAttemptEvent): void;
  /** Right after an activity's final outcome was committed to the store. */
  onActivityRecorded?(event: ActivityRecordedEvent): void;
  /** When a workflow task fails (non-determinism, a bug, an unknown activity) and is blocked. */
  onWorkflowTaskFailed?(event: { workflowId: string; runId: string; error: Error }): void;
}

/** What an execution held by a worker needs from that worker. */
export interface WorkerServices {
  readonly store: Store;
  readonly converter: DataConverter;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly hooks: WorkerHooks;
  readonly identity: string;
  readonly taskQueue: string;
  readonly activities: ActivityInterface;
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
