import type { EventOf } from '../common/history.js';

/** Which of a workflow's own timeouts ends it (as Temporal's `WorkflowExecutionTimedOut`). */
export type DeadlineType = 'workflowExecutionTimeout' | 'workflowRunTimeout';

/** When a run must end, in epoch ms, and which timeout says so. */
export interface Deadline {
  readonly timeoutType: DeadlineType;
  readonly atMs: number;
}

/**
 * The earlier of a run's execution timeout (counted from the first run of its chain) and run
 * timeout (counted from this run's start), or undefined when it has neither.
 *
 * @example
 * const due = workflowDeadline(history[0]); // { timeoutType: 'workflowRunTimeout', atMs: … }
 */
export function workflowDeadline(started: EventOf<'WorkflowExecutionStarted'>): Deadline | undefined {
  const { executionTimeoutMs, runTimeoutMs, firstRunStartMs } = started.attrs;
  const execution =
    executionTimeoutMs === undefined
      ? undefined
      : {
          timeoutType: 'workflowExecutionTimeout' as const,
          atMs: (firstRunStartMs ?? started.timeMs) + executionTimeoutMs,
        };
  const run =
    runTimeoutMs === undefined
      ? undefined
      : { timeoutType: 'workflowRunTimeout' as const, atMs: started.timeMs + runTimeoutMs };
  if (execution === undefined || run === undefined) return execution ?? run;
  return run.atMs < execution.atMs ? run : execution;
}
