import type { ParentLink } from '../common/child-events.js';
import type { CreateExecutionRequest, SignalRequest } from './types.js';

/**
 * What a workflow's owner asks of another execution on the workflow's behalf (start a child,
 * signal, request cancellation). Each is fenced by the sender's lease (its owner and epoch, and it
 * must still be running) and, once done, leaves a receipt in the sender's inbox in the same
 * transaction: `childStarted` (attrs: seq, initiatedEventId, workflowId, runId),
 * `externalSignaled` / `externalCancelRequested` (attrs: seq, initiatedEventId, workflowId, runId?).
 */
export type OutgoingRequest = { from: OutgoingSender } & (
  | { kind: 'startChild'; start: CreateExecutionRequest & { parent: ParentLink } }
  | { kind: 'signal'; seq: number; initiatedEventId: number; signal: SignalRequest }
  | {
      kind: 'cancel';
      seq: number;
      initiatedEventId: number;
      workflowId: string;
      runId: string | undefined;
      reason: string;
      nowMs: number;
    }
);

/** The execution sending an {@link OutgoingRequest}, as its owner holds it. */
export interface OutgoingSender {
  runId: string;
  workerId: string;
  epoch: number;
}

/**
 * What the owner of a closing run tells the store about its links (hints that spare a closing
 * write the look-ups when the run has neither a parent nor children).
 */
export interface CloseLinks {
  /** The run's parent: told of the close (unless a next run follows, which inherits the link). */
  parent?: ParentLink;
  /** True when the run may have open children: the parent close policies are applied to them. */
  openChildren: boolean;
}
