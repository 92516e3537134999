import type { EventOf, HistoryEvent } from '../common/history.js';
import { newId, newTimeOrderedId } from '../common/ids.js';
import type { Command } from '../runtime/commands.js';
import type { CreateExecutionRequest, ExecutionWrite } from '../store/types.js';
import type { TurnContext } from './translate-commands.js';

/**
 * Records a continue-as-new in `write`: the close event `WorkflowExecutionContinuedAsNew` (with
 * the new run's id), status CONTINUED_AS_NEW, and the new run to start in the same transaction.
 * The store carries the memo (unless the command gives one), the search attributes, and the
 * closing run's inbox rows not consumed by this write (signals and cancel requests) to the new run.
 */
export function recordContinueAsNew(
  t: TurnContext,
  c: Extract<Command, { kind: 'continueAsNew' }>,
  write: ExecutionWrite,
): void {
  const nextRun = nextRunOfContinueAsNew(t.started, t.execution.runId, c, t.services.clock.nowMs());
  write.events.push(
    t.writer.event(
      'WorkflowExecutionContinuedAsNew',
      { newExecutionRunId: nextRun.runId, workflowType: c.workflowType, taskQueue: c.taskQueue },
      c.payload,
    ),
  );
  write.close = 'CONTINUED_AS_NEW';
  write.nextRun = nextRun;
}

/**
 * The new run of a continue-as-new: same workflowId, attempt 1 (as Temporal's), a new random seed,
 * the timeouts and retry policy of this run (the execution timeout still counts from the first run
 * of the chain), and `continuedFromRunId`. Its memo is the command's, or (unset) the closing run's,
 * which the store copies.
 */
export function nextRunOfContinueAsNew(
  started: EventOf<'WorkflowExecutionStarted'>,
  runId: string,
  c: Extract<Command, { kind: 'continueAsNew' }>,
  nowMs: number,
): CreateExecutionRequest {
  // A run after a reset is not itself made by a reset; nor does it continue anything but this run.
  const { resetFrom: _resetFrom, continuedFromRunId: _from, ...a } = started.attrs;
  const newRunId = newTimeOrderedId();
  const startEvent: HistoryEvent = {
    eventId: 1,
    eventType: 'WorkflowExecutionStarted',
    timeMs: nowMs,
    attrs: {
      ...a,
      workflowType: c.workflowType,
      taskQueue: c.taskQueue,
      attempt: 1,
      randomSeed: newId(),
      firstRunStartMs: a.firstRunStartMs ?? started.timeMs,
      continuedFromRunId: runId,
    },
    payload: c.payload,
  };
  return {
    workflowId: a.workflowId,
    runId: newRunId,
    workflowType: c.workflowType,
    taskQueue: c.taskQueue,
    reusePolicy: 'ALLOW_DUPLICATE',
    startEvent,
    nowMs,
    ...(c.memo === undefined ? {} : { memo: c.memo }),
  };
}
