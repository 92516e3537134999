import type { HistoryEvent } from '../common/history.js';

/**
 * A reset, as Temporal's ResetWorkflowExecution: a new run of the same workflowId whose history
 * starts with events 1..`toEventId` of run `runId` (copied, ids and times kept; event 1 replaced
 * by `startEvent`), written in one transaction with a workflow task due at `nowMs`.
 */
export interface ResetExecutionRequest {
  workflowId: string;
  /** The run reset (the source of the copied events). */
  runId: string;
  /** The last event copied: an integer in [1, the run's last event id], before its close event. */
  toEventId: number;
  /** The new run's id. */
  newRunId: string;
  /**
   * The new run's `WorkflowExecutionStarted` (event id 1): the old run's, with `resetFrom` set and
   * its `randomSeed` kept.
   */
  startEvent: HistoryEvent;
  /** The new run's search attributes, in stored form. */
  searchAttributes: Record<string, string | number | boolean>;
  /** Why: a running run of the workflowId is terminated with reason `reset: <reason>`. */
  reason: string;
  nowMs: number;
}

/** What {@link Store.resetExecution} did. */
export interface ResetExecutionResult {
  /** The run terminated because it was running (the run reset, or the workflowId's current run). */
  terminatedRunId: string | undefined;
}
