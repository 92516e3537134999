/**
 * The records of one execution as the store keeps them and its owner writes them: the start, the
 * execution row, pending activities, inbox rows, claims, fenced writes and hand-backs. Part of the
 * Store interface (`types.ts`).
 */
import type { Payload } from '../common/converter.js';
import type { ExecutionStatus, HistoryEvent } from '../common/history.js';
import type { ChildInboxKind, ParentLink } from '../common/child-events.js';
import type { CloseLinks } from './child-types.js';
import type { UpdateStage } from './message-types.js';

/** Temporal's workflow id reuse policies. */
export type WorkflowIdReusePolicy =
  'ALLOW_DUPLICATE' | 'ALLOW_DUPLICATE_FAILED_ONLY' | 'REJECT_DUPLICATE' | 'TERMINATE_IF_RUNNING';

/** A start: the execution row, its first event and a workflow task, written in one transaction. */
export interface CreateExecutionRequest {
  workflowId: string;
  runId: string;
  workflowType: string;
  taskQueue: string;
  reusePolicy: WorkflowIdReusePolicy;
  /** The `WorkflowExecutionStarted` event (event id 1). */
  startEvent: HistoryEvent;
  nowMs: number;
  /** When its workflow task becomes due. @default nowMs */
  readyAtMs?: number;
  /** The encoded memo, if any. */
  memo?: Payload | undefined;
  /** Search attributes in their stored form. */
  searchAttributes?: Record<string, string | number | boolean> | undefined;
  /** A child workflow's link to its parent, kept on its execution row. */
  parent?: ParentLink | undefined;
}

/** One execution as the store keeps it. */
export interface ExecutionRecord {
  workflowId: string;
  runId: string;
  workflowType: string;
  taskQueue: string;
  status: ExecutionStatus;
  startTimeMs: number;
  closeTimeMs: number | undefined;
  lastEventId: number;
  leaseOwner: string | undefined;
  leaseEpoch: number;
  leaseExpiresAtMs: number | undefined;
  /** When its workflow task becomes claimable; undefined: no task. */
  readyAtMs: number | undefined;
  /** Failed attempts of the current workflow task, and the last one's error. */
  taskAttempt: number;
  taskError: string | undefined;
  memo: Payload | undefined;
  searchAttributes: Record<string, string | number | boolean>;
}

/** The durable state of an activity that has been scheduled and has not closed. */
export interface PendingActivityRecord {
  seq: number;
  activityType: string;
  scheduledEventId: number;
  /** Attempt about to run or running, starting at 1. */
  attempt: number;
  firstScheduledMs: number;
  /** When the current attempt may start (after its back-off). */
  nextAttemptMs: number;
  lastFailure: Payload | undefined;
  heartbeatDetails: Payload | undefined;
  /**
   * True when a worker handed the execution back before this attempt started. Otherwise an
   * attempt whose start time has passed may have run, and a new owner counts it as timed out.
   */
  handedBack: boolean;
  /**
   * Set for an activity task: the task queue whose workers run its attempts (in any process).
   * Unset: the attempts run in the worker that holds the execution.
   */
  taskQueue?: string;
  /** An activity task's current attempt was claimed by this worker identity, at this time. */
  claimedBy?: string;
  claimedAtMs?: number;
}

/** A message to the owner of an execution, in accept order (`id` is a monotonic sequence). */
export interface InboxRecord {
  id: number;
  runId: string;
  /**
   * `activityStarted` (attrs: seq, attempt, workerId, startedAtMs) and `activityResult` (attrs:
   * seq, attempt, workerId, ok; payload: result or failure) come from activity tasks.
   */
  kind: 'cancel' | 'signal' | 'update' | 'activityStarted' | 'activityResult' | ChildInboxKind;
  attrs: Record<string, unknown>;
  /** A signal's encoded argument list. */
  payload: Payload | undefined;
  acceptedAtMs: number;
}

/** What a claim hands to a worker: everything needed to rebuild the execution. */
export interface ClaimedExecution {
  execution: ExecutionRecord;
  history: HistoryEvent[];
  pendingActivities: PendingActivityRecord[];
  inbox: InboxRecord[];
  /**
   * When its workflow task became claimable (epoch ms), as it was before this claim: a start, a
   * fired timer, a message to an unowned execution, a hand-back, or the previous owner's lease
   * expiry. Undefined for a blocked execution claimed before its retry time.
   */
  readyAtMs?: number | undefined;
  /** True when it was taken from an owner whose lease had expired (that owner crashed or stalled). */
  leaseExpired?: boolean;
}

/** Parameters of a claim. */
export interface ClaimRequest {
  taskQueue: string;
  workerId: string;
  leaseMs: number;
  limit: number;
  nowMs: number;
  /** Also claim blocked executions whose retry time has not come (a new worker tries at once). */
  includeBlocked: boolean;
}

/**
 * Writes of one execution by its owner, applied atomically and fenced: they apply only if the
 * owner and epoch still hold the lease and, when `events` is not empty, the history still ends at
 * `expectedLastEventId`.
 */
export interface ExecutionWrite {
  runId: string;
  workflowId: string;
  workerId: string;
  epoch: number;
  expectedLastEventId: number;
  events: HistoryEvent[];
  upsertActivities?: PendingActivityRecord[];
  deleteActivities?: number[];
  consumedInbox?: number[];
  /** Closes the execution with this status (its close event is among `events`). */
  close?: ExecutionStatus;
  /** A run to start in the same transaction, once this one is closed (workflow retry). */
  nextRun?: CreateExecutionRequest;
  /** Search attributes to merge into the execution's. */
  searchAttributes?: Record<string, string | number | boolean>;
  /** Update stages reached in this write (rejected, accepted, completed). */
  updates?: { updateId: string; stage: UpdateStage; outcome?: Payload | undefined; failed?: boolean }[];
  /** Clears the workflow task's error after a successful task. */
  clearTaskError?: boolean;
  /** On a closing write: the run's parent and children (see `child-types.ts`). */
  childLinks?: CloseLinks;
}

/** A worker handing an execution back, or blocking its workflow task after a failure. */
export interface ReleaseRequest {
  runId: string;
  /** The execution's task queue (its workers are told it is claimable). */
  taskQueue: string;
  /** Pending activities whose attempt had not started, written with `handedBack: true`. */
  handedBack?: PendingActivityRecord[];
  workerId: string;
  epoch: number;
  readyAtMs: number;
  /** The workflow task failed: count the attempt and record the error for `describe()`. */
  taskError?: string;
}
