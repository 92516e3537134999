import type { Payload } from './converter.js';
import type { ResolvedActivityOptions } from './activity-options.js';
import type { RetryState } from './failures.js';
import type { ResolvedRetryPolicy } from './retry-policy.js';
import type { ChildEventAttributes, ParentLink } from './child-events.js';

/**
 * Event history: the append-only record of one workflow execution, with Temporal's event names.
 * Event ids start at 1 (`WorkflowExecutionStarted`) and have no gaps. Each event carries small
 * attributes (JSON) and at most one payload (arguments, a result or a failure), which went through
 * the data converter and, when one is set, the payload codec.
 */
export interface EventAttributes extends ChildEventAttributes {
  WorkflowExecutionStarted: {
    workflowType: string;
    workflowId: string;
    taskQueue: string;
    attempt: number;
    /** Seed of `ctx.random()` and `ctx.uuid()`. */
    randomSeed: string;
    /** History format written by this Baton; a later Baton reads every older format. */
    historyVersion: number;
    batonVersion: string;
    /** `workflowExecutionTimeout` / `workflowRunTimeout`, in ms, when set. */
    executionTimeoutMs?: number;
    runTimeoutMs?: number;
    /** The workflow retry policy, when set at start. */
    retry?: ResolvedRetryPolicy;
    /** Start of the first run, on the runs a retry policy started. */
    firstRunStartMs?: number;
    /**
     * The search attributes given at start, in stored form (a reset starts from them), when any
     * were given.
     */
    searchAttributes?: Record<string, string | number | boolean>;
    /**
     * On a run made by a reset (`handle.reset()`): the run it was reset from, the last event
     * copied from that run's history, and why. Workflow code never sees it.
     */
    resetFrom?: ResetOrigin;
    /** On a child workflow's runs: its parent (see `child-events.ts`). */
    parent?: ParentLink;
    /** On a run started by continue-as-new: the run that continued as new (as Temporal's). */
    continuedFromRunId?: string;
  };
  ActivityTaskScheduled: { seq: number; activityType: string; options: ResolvedActivityOptions };
  /** `identity`: the worker that ran the attempt; absent when no worker took an activity task. */
  ActivityTaskStarted: { seq: number; scheduledEventId: number; attempt: number; identity?: string };
  ActivityTaskCompleted: { seq: number; scheduledEventId: number; startedEventId: number };
  ActivityTaskFailed: {
    seq: number;
    scheduledEventId: number;
    startedEventId: number;
    retryState: RetryState;
  };
  ActivityTaskTimedOut: {
    seq: number;
    scheduledEventId: number;
    startedEventId: number;
    retryState: RetryState;
  };
  ActivityTaskCancelRequested: { seq: number; scheduledEventId: number };
  /** Payload: the `CancelledFailure`. */
  ActivityTaskCanceled: { seq: number; scheduledEventId: number; startedEventId: number };
  TimerStarted: { seq: number; durationMs: number; fireAtMs: number };
  TimerFired: { seq: number; startedEventId: number };
  TimerCanceled: { seq: number; startedEventId: number };
  /** Payload: the signal's argument list. */
  WorkflowExecutionSignaled: { signalName: string };
  /** Payload: the update's argument list. */
  WorkflowExecutionUpdateAccepted: { updateId: string; updateName: string };
  /** Payload: the result, or the failure when `failed`. */
  WorkflowExecutionUpdateCompleted: { updateId: string; failed: boolean };
  /** The search attributes upserted (merged into the execution's). */
  UpsertWorkflowSearchAttributes: {
    seq: number;
    searchAttributes: Record<string, string | number | boolean>;
  };
  /**
   * A fact the workflow recorded for later readers, as Temporal's `MarkerRecorded` (e.g. a step
   * workflow's `baton.step` state). Payload: the marker's details.
   * A patch marker (`ctx.patched`, `ctx.deprecatePatch`: markerName `baton.patch`) has `patchId`
   * (and `deprecated` when recorded by `deprecatePatch`) and `seq` 0: it takes no sequence number.
   */
  MarkerRecorded: { seq: number; markerName: string; patchId?: string; deprecated?: boolean };
  WorkflowExecutionTimedOut: {
    timeoutType: 'workflowExecutionTimeout' | 'workflowRunTimeout';
    /** Set when a run timeout is retried under the workflow's retry policy (as Temporal's). */
    retryState?: RetryState;
    newExecutionRunId?: string;
  };
  WorkflowExecutionCancelRequested: { reason: string };
  WorkflowExecutionCompleted: Record<string, never>;
  /** When the workflow retry policy starts another run: its id (result() follows it). */
  WorkflowExecutionFailed: { retryState?: RetryState; newExecutionRunId?: string };
  WorkflowExecutionCanceled: Record<string, never>;
  WorkflowExecutionTerminated: { reason: string };
  /**
   * The run continued as new (as Temporal's): the new run's id, type and task queue. Payload: the
   * new run's argument list.
   */
  WorkflowExecutionContinuedAsNew: { newExecutionRunId: string; workflowType: string; taskQueue: string };
}

/** Where a run made by a reset comes from, as its `WorkflowExecutionStarted` records it. */
export interface ResetOrigin {
  /** The run reset. */
  runId: string;
  /** The last event of that run's history copied into this one (events 1..eventId). */
  eventId: number;
  reason: string;
}

/** The name of a history event. */
export type EventType = keyof EventAttributes;

/** One history event as the store keeps it (payload still encoded). */
export type HistoryEvent = {
  [K in EventType]: {
    eventId: number;
    eventType: K;
    /** Epoch milliseconds when the event was recorded. */
    timeMs: number;
    attrs: EventAttributes[K];
    payload?: Payload | undefined;
  };
}[EventType];

/** A history event of one type. */
export type EventOf<K extends EventType> = Extract<HistoryEvent, { eventType: K }>;

/** Version of the history format this Baton writes (recorded in `WorkflowExecutionStarted`). */
export const HISTORY_VERSION = 1;

/** Events that close an execution. */
export const CLOSE_EVENT_TYPES: ReadonlySet<EventType> = new Set([
  'WorkflowExecutionCompleted',
  'WorkflowExecutionFailed',
  'WorkflowExecutionCanceled',
  'WorkflowExecutionTerminated',
  'WorkflowExecutionTimedOut',
  'WorkflowExecutionContinuedAsNew',
]);

/** Every status of a workflow execution, as Temporal's `WorkflowExecutionStatus` (the CLI, API and UI list them). */
export const EXECUTION_STATUSES = [
  'RUNNING',
  'COMPLETED',
  'FAILED',
  'CANCELED',
  'TERMINATED',
  'TIMED_OUT',
  'CONTINUED_AS_NEW',
] as const;

/** Status of a workflow execution, as Temporal's `WorkflowExecutionStatus`. */
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];
