import { WorkflowExecutionAlreadyStartedError } from '../common/errors.js';
import type { CreateExecutionRequest, ExecutionRecord } from './types.js';

/**
 * Applies a workflow id reuse policy, as Temporal's, to the newest earlier run of the same
 * workflowId. A running execution refuses every start but TERMINATE_IF_RUNNING's.
 *
 * @returns undefined to go ahead, `'terminate'` to terminate the running one first, or the error.
 */
export function refuseStart(
  req: CreateExecutionRequest,
  previous: ExecutionRecord | undefined,
): WorkflowExecutionAlreadyStartedError | 'terminate' | undefined {
  if (previous === undefined) return undefined;
  const refuse = (why: string) =>
    new WorkflowExecutionAlreadyStartedError(
      `workflow execution already started: workflowId '${req.workflowId}' ${why}`,
      req.workflowId,
      req.workflowType,
      previous.runId,
    );
  if (previous.status === 'RUNNING') {
    return req.reusePolicy === 'TERMINATE_IF_RUNNING'
      ? 'terminate'
      : refuse(`is running (runId '${previous.runId}')`);
  }
  switch (req.reusePolicy) {
    case 'REJECT_DUPLICATE':
      return refuse(`was used by run '${previous.runId}' and the reuse policy is REJECT_DUPLICATE`);
    case 'ALLOW_DUPLICATE_FAILED_ONLY':
      return previous.status === 'COMPLETED'
        ? refuse(`completed successfully and the reuse policy is ALLOW_DUPLICATE_FAILED_ONLY`)
        : undefined;
    default:
      return undefined;
  }
}
