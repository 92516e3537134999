import type { Payload } from '../common/converter.js';
import type { ExecutionStatus, HistoryEvent } from '../common/history.js';
import type { ChildInboxKind, ParentLink } from '../common/child-events.js';
import type { CloseLinks, OutgoingRequest } from './child-types.js';
import type { TopicStore } from './topic-types.js';
import type { ResetExecutionRequest, ResetExecutionResult } from './reset-types.js';
import type { ScheduleStore } from './schedule-types.js';

export type { ResetExecutionRequest, ResetExecutionResult } from './reset-types.js';
export type { CloseLinks, OutgoingRequest, OutgoingSender } from './child-types.js';
export type {
  CreateScheduleRequest,
  ScheduleRecord,
  ScheduleStore,
  ScheduleWrite,
} from './schedule-types.js';

/**
 * The Store interface: persistence of executions, their event histories, pending activities and
 * inboxes. It knows nothing of workflow code. Every implementation (SQLite, PostgreSQL) passes the
 * same conformance suite. Times are epoch milliseconds.
 */

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

/** An activity task as a worker polling its task queue claims it: one attempt to run. */
export interface ActivityTaskRecord {
  runId: string;
  workflowId: string;
  workflowType: string;
  seq: number;
  activityType: string;
  taskQueue: string;
  attempt: number;
  firstScheduledMs: number;
  /** The `options` attribute of its `ActivityTaskScheduled` event (resolved activity options). */
  options: Record<string, unknown>;
  /** The encoded argument list. */
  args: Payload;
  heartbeatDetails: Payload | undefined;
}

/** A claim of activity tasks by a worker polling `taskQueue`. */
export interface ActivityTaskClaim {
  taskQueue: string;
  workerId: string;
  /** Only tasks of these activity types (the ones registered on the worker). */
  activityTypes: readonly string[];
  limit: number;
  nowMs: number;
}

/** The end of an attempt of an activity task, reported by the worker that ran it. */
export interface ActivityTaskResult {
  runId: string;
  seq: number;
  attempt: number;
  workerId: string;
  /** True: `payload` is the result; false: `payload` is the failure. */
  ok: boolean;
  payload: Payload | undefined;
  nowMs: number;
}

/**
 * Activity tasks: attempts of activities routed to a task queue, run by whichever worker polls it.
 * The execution's owner keeps deciding (retries, timeouts); the task's worker claims an attempt
 * (its owner hears of it through an `activityStarted` inbox row) and reports its end (an
 * `activityResult` inbox row). Claims and reports are fenced by attempt.
 */
export interface ActivityTaskStore {
  /** Claims up to `limit` due attempts, oldest first, and tells each owner it started. */
  claimActivityTasks(req: ActivityTaskClaim): Promise<ActivityTaskRecord[]>;
  /**
   * Records heartbeat details of a claimed attempt. Resolves false when the attempt is no longer
   * this worker's to run (the owner timed it out, moved on, or cancelled the activity).
   */
  heartbeatActivityTask(
    task: { runId: string; seq: number; attempt: number; workerId: string },
    details: Payload | undefined,
  ): Promise<boolean>;
  /** Reports the end of a claimed attempt to its owner; false when it is no longer this worker's. */
  completeActivityTask(result: ActivityTaskResult): Promise<boolean>;
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

/** A signal for a running execution. */
export interface SignalRequest {
  workflowId: string;
  runId: string | undefined;
  signalName: string;
  /** The encoded argument list. */
  payload: Payload;
  nowMs: number;
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

/** Where an update is: admitted (waiting for the owner), rejected by its validator, accepted, completed. */
export type UpdateStage = 'ADMITTED' | 'REJECTED' | 'ACCEPTED' | 'COMPLETED';

/** An update's state as its caller reads it. */
export interface UpdateRecord {
  updateId: string;
  stage: UpdateStage;
  /** The result (COMPLETED) or the failure (REJECTED, or COMPLETED with `failed`). */
  outcome: Payload | undefined;
  failed: boolean;
}

/** An update request: admitted once per (run, updateId). */
export interface UpdateRequest {
  workflowId: string;
  runId: string | undefined;
  updateId: string;
  updateName: string;
  payload: Payload;
  nowMs: number;
}

/** A query waiting for an answer, as a worker takes it. */
export interface QueryRecord {
  id: number;
  runId: string;
  workflowType: string;
  /** True when the execution is still running (the owner answers from memory). */
  running: boolean;
  queryName: string;
  /** The encoded argument list. */
  payload: Payload | undefined;
}

/** The answer to a query: a result payload, or an error (its name and message). */
export type QueryAnswer = { ok: true; payload: Payload } | { ok: false; name: string; message: string };

/**
 * Filters of {@link Store.listExecutions}; every filter given must hold. Results are newest first
 * (start time, then creation order).
 */
export interface ListFilter {
  status?: ExecutionStatus;
  workflowType?: string;
  workflowId?: string;
  /**
   * Executions whose workflowId contains this text: a literal, case-sensitive substring (`%`, `_`
   * and `\` match themselves).
   */
  workflowIdContains?: string;
  /** Executions started at or after this time (epoch ms, inclusive). */
  startedAfterMs?: number;
  /** Executions started before this time (epoch ms, exclusive). */
  startedBeforeMs?: number;
  /** Executions whose search attributes hold all these values (exact match). */
  searchAttributes?: Record<string, string | number | boolean>;
  /** Most executions returned, an integer ≥ 1. @default 100 */
  limit?: number;
  /** Executions skipped first (paging: the next page's offset is offset + limit). @default 0 */
  offset?: number;
}

/** Work waiting on one task queue, as {@link Store.taskQueueBacklog} counts it. */
export interface TaskQueueBacklog {
  taskQueue: string;
  /**
   * `'workflow'`: executions whose workflow task is due and held by no live lease; `'activity'`:
   * activity tasks whose attempt is due and claimed by no worker.
   */
  kind: 'workflow' | 'activity';
  count: number;
}

/** What a store announces to listeners in the same process, after the commit. */
export type StoreNotice =
  | { kind: 'task'; taskQueue: string }
  | { kind: 'inbox'; runId: string }
  | { kind: 'closed'; runId: string; workflowId: string }
  | { kind: 'query'; runId: string }
  | { kind: 'answered'; queryId: number }
  | { kind: 'update'; runId: string; updateId: string }
  /** An activity task of `taskQueue` may have become due. */
  | { kind: 'activityTask'; taskQueue: string }
  /** A delivery of `topic` may have become due (a publish, a retry, a redrive). */
  | { kind: 'topic'; topic: string };

/** The Store interface. All methods may throw `StoreError`. */
export interface Store {
  /** The URL it was opened with. */
  readonly url: string;
  /** Durable topics kept in this store (the store-backed topic broker sits on it). */
  readonly topics: TopicStore;
  /** Activity tasks (activities routed to a task queue). */
  readonly activityTasks: ActivityTaskStore;
  /** Schedules (as Temporal's Schedules): definitions, state, conditional writes with their starts. */
  readonly schedules: ScheduleStore;
  /** @throws WorkflowExecutionAlreadyStartedError when the reuse policy refuses the start. */
  createExecution(req: CreateExecutionRequest): Promise<void>;
  claimExecutions(req: ClaimRequest): Promise<ClaimedExecution[]>;
  /** Group-committed with other writes of the same event-loop turn. @throws LeaseLostError when fenced. */
  commit(write: ExecutionWrite): Promise<void>;
  /**
   * Extends the leases `workerId` holds on `runIds`; returns the runIds renewed. A runId missing
   * from the answer was closed (terminated) or claimed by another worker.
   */
  renewLeases(workerId: string, runIds: readonly string[], leaseMs: number, nowMs: number): Promise<string[]>;
  release(req: ReleaseRequest): Promise<void>;
  /** Inbox rows of the executions `workerId` holds. */
  inboxFor(workerId: string): Promise<InboxRecord[]>;
  /** The newest run of `workflowId`, or that run. */
  getExecution(workflowId: string, runId?: string): Promise<ExecutionRecord | undefined>;
  /** Events `fromEventId` (default 1) through `toEventId` (default the last), in order. */
  getHistory(runId: string, fromEventId?: number, toEventId?: number): Promise<HistoryEvent[]>;
  /** The newest event of a run (its close event once it has closed). */
  getLastEvent(runId: string): Promise<HistoryEvent | undefined>;
  getPendingActivities(runId: string): Promise<PendingActivityRecord[]>;
  /** The runs among `runIds` that have closed, in one query. */
  closedAmong(runIds: readonly string[]): Promise<string[]>;
  /** @throws ValidationError for a filter of the wrong type or range (naming it). */
  listExecutions(filter: ListFilter): Promise<ExecutionRecord[]>;
  /**
   * Backlog per task queue at `nowMs`: workflow tasks due and held by no live lease, activity
   * tasks due and claimed by no worker. Queues with nothing waiting are absent. Sorted by task
   * queue, then kind.
   */
  taskQueueBacklog(nowMs: number): Promise<TaskQueueBacklog[]>;
  /**
   * Resets a run (see {@link ResetExecutionRequest}). A run of the workflowId that is running (the
   * run reset, or a newer one) is terminated in the same transaction, fenced as
   * {@link Store.terminate}. The reuse policy does not apply.
   * @throws WorkflowNotFoundError when the run is unknown
   * @throws ValidationError when `toEventId` is out of range (nothing written)
   */
  resetExecution(req: ResetExecutionRequest): Promise<ResetExecutionResult>;
  /** Adds a signal to the inbox of a running execution. @throws WorkflowNotFoundError when unknown or closed */
  signal(req: SignalRequest): Promise<void>;
  /**
   * Signals the running execution of `start.workflowId`, or starts it and signals it, in one
   * transaction (as Temporal's SignalWithStart). Resolves with the runId signalled.
   */
  signalWithStart(start: CreateExecutionRequest, signal: SignalRequest): Promise<string>;
  /**
   * Starts a child, signals or asks to cancel another execution for a workflow (see
   * {@link OutgoingRequest}), with the sender's receipt in the same transaction.
   * @throws LeaseLostError when the sender's owner no longer holds it (nothing written)
   * @throws WorkflowExecutionAlreadyStartedError / WorkflowNotFoundError as a start, signal or cancel
   */
  sendFromWorkflow(req: OutgoingRequest): Promise<void>;
  /** Adds a cancel request to the inbox of a running execution. @throws WorkflowNotFoundError */
  requestCancel(workflowId: string, runId: string | undefined, reason: string, nowMs: number): Promise<void>;
  /** Closes a running execution at once with `WorkflowExecutionTerminated`. @throws WorkflowNotFoundError */
  terminate(workflowId: string, runId: string | undefined, reason: string, nowMs: number): Promise<void>;
  /**
   * Admits an update to a running execution (inbox and update row), unless that updateId was
   * admitted before. Resolves with the runId and the update's current record.
   * @throws WorkflowNotFoundError when the execution is unknown or closed
   */
  admitUpdate(req: UpdateRequest): Promise<{ runId: string; record: UpdateRecord }>;
  getUpdate(runId: string, updateId: string): Promise<UpdateRecord | undefined>;
  /** Records a query for a run; a worker answers it. Returns its id. */
  addQuery(runId: string, queryName: string, payload: Payload, nowMs: number): Promise<number>;
  /**
   * Takes unanswered queries this worker can answer: those of the running executions it holds,
   * and those of closed executions of `workflowTypes` on its task queue (answered by replay). A
   * query taken by a worker that did not answer within `reclaimAfterMs` can be taken again.
   */
  takeQueries(req: {
    workerId: string;
    taskQueue: string;
    workflowTypes: readonly string[];
    nowMs: number;
    reclaimAfterMs: number;
  }): Promise<QueryRecord[]>;
  answerQuery(queryId: number, answer: QueryAnswer, nowMs: number): Promise<void>;
  /** The answer, once there is one. */
  queryAnswer(queryId: number): Promise<QueryAnswer | undefined>;
  /** Forgets a query (its client stopped waiting). */
  dropQuery(queryId: number): Promise<void>;
  /** Listens to notices from this process's writes; returns the unsubscribe function. */
  subscribe(listener: (notice: StoreNotice) => void): () => void;
  close(): Promise<void>;
}
