import type { Payload } from '../common/converter.js';
import type { EventOf, HistoryEvent } from '../common/history.js';
import { newId, newTimeOrderedId } from '../common/ids.js';
import { TimeoutFailure } from '../common/failures.js';
import { decideRetry } from '../common/retry-policy.js';
import type { CreateExecutionRequest, ExecutionRecord } from '../store/types.js';
import type { WorkerServices } from './services.js';

/**
 * The next run of a failed workflow execution under its retry policy (as Temporal's workflow
 * retries: none unless a policy is set), or undefined when it is not retried. The new run has the
 * same workflowId, arguments and options, attempt + 1, and becomes due after the back-off; the
 * execution timeout still counts from the first run.
 */
export function nextRunAfterFailure(
  services: WorkerServices,
  started: EventOf<'WorkflowExecutionStarted'>,
  failurePayload: Payload,
  execution: Pick<ExecutionRecord, 'memo' | 'searchAttributes'>,
): CreateExecutionRequest | undefined {
  return nextRun(services, started, services.converter.fromPayload(failurePayload), execution);
}

/**
 * The next run of a run that reached its run timeout, under the workflow's retry policy, as
 * Temporal retries a run timeout (an execution timeout is final). Undefined when not retried.
 */
export function nextRunAfterRunTimeout(
  services: WorkerServices,
  started: EventOf<'WorkflowExecutionStarted'>,
  execution: Pick<ExecutionRecord, 'memo' | 'searchAttributes'>,
): CreateExecutionRequest | undefined {
  const failure = new TimeoutFailure('workflow execution timed out (workflowRunTimeout)', 'START_TO_CLOSE');
  return nextRun(services, started, failure, execution);
}

function nextRun(
  services: WorkerServices,
  started: EventOf<'WorkflowExecutionStarted'>,
  failure: unknown,
  execution: Pick<ExecutionRecord, 'memo' | 'searchAttributes'>,
): CreateExecutionRequest | undefined {
  // A retry of a run made by a reset is not itself made by a reset.
  const { resetFrom: _resetFrom, ...a } = started.attrs;
  if (a.retry === undefined) return undefined;
  const nowMs = services.clock.nowMs();
  const firstRunStartMs = a.firstRunStartMs ?? started.timeMs;
  const deadlineMs = a.executionTimeoutMs === undefined ? undefined : firstRunStartMs + a.executionTimeoutMs;
  const decision = decideRetry(a.retry, a.attempt, failure, nowMs, deadlineMs);
  if (!decision.retry) return undefined;
  const runId = newTimeOrderedId();
  const startEvent: HistoryEvent = {
    eventId: 1,
    eventType: 'WorkflowExecutionStarted',
    timeMs: nowMs,
    attrs: { ...a, attempt: a.attempt + 1, randomSeed: newId(), firstRunStartMs },
    payload: started.payload,
  };
  return {
    workflowId: a.workflowId,
    runId,
    workflowType: a.workflowType,
    taskQueue: a.taskQueue,
    reusePolicy: 'ALLOW_DUPLICATE',
    startEvent,
    nowMs,
    readyAtMs: nowMs + decision.delayMs,
    memo: execution.memo,
    searchAttributes: execution.searchAttributes,
  };
}
