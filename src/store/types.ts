import type { Payload } from '../common/converter.js';
import type { ExecutionStatus, HistoryEvent } from '../common/history.js';
import type { OutgoingRequest } from './child-types.js';
import type { TopicStore } from './topic-types.js';
import type { ResetExecutionRequest, ResetExecutionResult } from './reset-types.js';
import type { ScheduleStore } from './schedule-types.js';
import type { ActivityTaskStore } from './activity-task-types.js';
import type {
  ClaimedExecution,
  ClaimRequest,
  CreateExecutionRequest,
  ExecutionRecord,
  ExecutionWrite,
  InboxRecord,
  PendingActivityRecord,
  ReleaseRequest,
} from './execution-types.js';
import type {
  QueryAnswer,
  QueryRecord,
  SignalRequest,
  UpdateRecord,
  UpdateRequest,
} from './message-types.js';

export type { ResetExecutionRequest, ResetExecutionResult } from './reset-types.js';
export type { CloseLinks, OutgoingRequest, OutgoingSender } from './child-types.js';
export type {
  CreateScheduleRequest,
  ScheduleRecord,
  ScheduleStore,
  ScheduleWrite,
} from './schedule-types.js';
export type {
  ActivityTaskClaim,
  ActivityTaskRecord,
  ActivityTaskResult,
  ActivityTaskStore,
} from './activity-task-types.js';
export type {
  ClaimedExecution,
  ClaimRequest,
  CreateExecutionRequest,
  ExecutionRecord,
  ExecutionWrite,
  InboxRecord,
  PendingActivityRecord,
  ReleaseRequest,
  WorkflowIdReusePolicy,
} from './execution-types.js';
export type {
  QueryAnswer,
  QueryRecord,
  SignalRequest,
  UpdateRecord,
  UpdateRequest,
  UpdateStage,
} from './message-types.js';

/**
 * The Store interface: persistence of executions, their event histories, pending activities and
 * inboxes. It knows nothing of workflow code. Every implementation (SQLite, PostgreSQL) passes the
 * same conformance suite. Times are epoch milliseconds. Its records live beside it:
 * `execution-types.ts`, `message-types.ts`, `activity-task-types.ts`, `child-types.ts`,
 * `reset-types.ts`, `schedule-types.ts`, `topic-types.ts`.
 */

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
