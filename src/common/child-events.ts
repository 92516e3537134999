import type { ResolvedRetryPolicy } from './retry-policy.js';
import type { RetryState } from './failures.js';

/**
 * Child workflows and messages between executions: their history events (Temporal's names) and
 * the link a child's execution keeps to its parent.
 */

/**
 * What happens to an open child when its parent's run closes, as Temporal's `ParentClosePolicy`:
 * `TERMINATE` (the default) terminates it, `REQUEST_CANCEL` asks it to cancel, `ABANDON` leaves it
 * running.
 */
export type ParentClosePolicy = 'TERMINATE' | 'REQUEST_CANCEL' | 'ABANDON';

/**
 * What cancelling the parent's scope does to a child, as Temporal's `ChildWorkflowCancellationType`:
 * `ABANDON` tells the child nothing; `TRY_CANCEL` asks it to cancel and does not wait;
 * `WAIT_CANCELLATION_REQUESTED` waits until the request reached it; `WAIT_CANCELLATION_COMPLETED`
 * (the default) waits until the child has closed.
 */
export type ChildWorkflowCancellationType =
  'ABANDON' | 'TRY_CANCEL' | 'WAIT_CANCELLATION_REQUESTED' | 'WAIT_CANCELLATION_COMPLETED';

/** Temporal's workflow id reuse policies (also `store/types.ts`'s). */
export type ChildReusePolicy =
  'ALLOW_DUPLICATE' | 'ALLOW_DUPLICATE_FAILED_ONLY' | 'REJECT_DUPLICATE' | 'TERMINATE_IF_RUNNING';

/**
 * The link of a child's execution to its parent, kept on the child's execution row (and in its
 * `WorkflowExecutionStarted`): where its close is reported and how its parent's close treats it.
 */
export interface ParentLink {
  workflowId: string;
  runId: string;
  /** The parent's task queue (its workers are woken when the child closes). */
  taskQueue: string;
  /** The parent's `StartChildWorkflowExecutionInitiated` event, and its command sequence number. */
  initiatedEventId: number;
  seq: number;
  parentClosePolicy: ParentClosePolicy;
}

/** The ids every event about one child carries. */
interface ChildRef {
  seq: number;
  initiatedEventId: number;
  workflowId: string;
}

/** A child's run, once started. */
interface ChildRun extends ChildRef {
  runId: string;
}

/** The ids of an event about a signal or a cancel request sent to another execution. */
interface ExternalRef {
  seq: number;
  initiatedEventId: number;
  workflowId: string;
  runId?: string;
}

/** Attributes of the events of child workflows and external messages (merged into `EventAttributes`). */
export interface ChildEventAttributes {
  /** Payload: the child's argument list. */
  StartChildWorkflowExecutionInitiated: {
    seq: number;
    workflowId: string;
    workflowType: string;
    taskQueue: string;
    parentClosePolicy: ParentClosePolicy;
    cancellationType: ChildWorkflowCancellationType;
    workflowIdReusePolicy: ChildReusePolicy;
    executionTimeoutMs?: number;
    runTimeoutMs?: number;
    retry?: ResolvedRetryPolicy;
  };
  StartChildWorkflowExecutionFailed: ChildRef & {
    workflowType: string;
    cause: 'WORKFLOW_ALREADY_EXISTS';
    message: string;
  };
  ChildWorkflowExecutionStarted: ChildRun;
  /** Payload: the child's result. */
  ChildWorkflowExecutionCompleted: ChildRun;
  /** Payload: the child's failure (the parent sees it as the cause of a `ChildWorkflowFailure`). */
  ChildWorkflowExecutionFailed: ChildRun & { retryState: RetryState };
  ChildWorkflowExecutionCanceled: ChildRun;
  ChildWorkflowExecutionTerminated: ChildRun & { reason?: string };
  ChildWorkflowExecutionTimedOut: ChildRun;
  /** Payload: the signal's argument list. */
  SignalExternalWorkflowExecutionInitiated: {
    seq: number;
    workflowId: string;
    runId?: string;
    signalName: string;
    childWorkflowOnly: boolean;
  };
  ExternalWorkflowExecutionSignaled: ExternalRef;
  SignalExternalWorkflowExecutionFailed: ExternalRef & {
    cause: 'EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND';
    message: string;
  };
  RequestCancelExternalWorkflowExecutionInitiated: {
    seq: number;
    workflowId: string;
    runId?: string;
    childWorkflowOnly: boolean;
  };
  ExternalWorkflowExecutionCancelRequested: ExternalRef;
  RequestCancelExternalWorkflowExecutionFailed: ExternalRef & {
    cause: 'EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND';
    message: string;
  };
}

/** The events that close a child, by the close status its execution reached. */
export const CHILD_CLOSE_EVENTS = {
  COMPLETED: 'ChildWorkflowExecutionCompleted',
  FAILED: 'ChildWorkflowExecutionFailed',
  CANCELED: 'ChildWorkflowExecutionCanceled',
  TERMINATED: 'ChildWorkflowExecutionTerminated',
  TIMED_OUT: 'ChildWorkflowExecutionTimedOut',
} as const;

/** Inbox kinds that bring news of a child or of an external message to its sender. */
export type ChildInboxKind = 'childStarted' | 'childClosed' | 'externalSignaled' | 'externalCancelRequested';
