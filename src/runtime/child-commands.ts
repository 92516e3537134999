import type {
  ChildReusePolicy,
  ChildWorkflowCancellationType,
  ParentClosePolicy,
} from '../common/child-events.js';
import type { Payload } from '../common/converter.js';
import type { ResolvedRetryPolicy } from '../common/retry-policy.js';

/** Commands of child workflows and of messages to other executions (part of `Command`). */
export type ChildCommand =
  | {
      kind: 'startChildWorkflow';
      seq: number;
      workflowId: string;
      workflowType: string;
      taskQueue: string;
      /** The encoded argument list. */
      payload: Payload;
      parentClosePolicy: ParentClosePolicy;
      cancellationType: ChildWorkflowCancellationType;
      workflowIdReusePolicy: ChildReusePolicy;
      executionTimeoutMs?: number;
      runTimeoutMs?: number;
      retry?: ResolvedRetryPolicy;
    }
  | {
      kind: 'signalExternalWorkflow';
      seq: number;
      workflowId: string;
      runId?: string;
      signalName: string;
      /** The encoded argument list. */
      payload: Payload;
      childWorkflowOnly: boolean;
    }
  | {
      kind: 'requestCancelExternalWorkflow';
      seq: number;
      workflowId: string;
      runId?: string;
      childWorkflowOnly: boolean;
    };

/** True for a {@link ChildCommand}. */
export function isChildCommand(c: { kind: string }): c is ChildCommand {
  return (
    c.kind === 'startChildWorkflow' ||
    c.kind === 'signalExternalWorkflow' ||
    c.kind === 'requestCancelExternalWorkflow'
  );
}
