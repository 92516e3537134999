/**
 * How an execution ended, as `baton result` and `baton start --wait` print it: the result (exit 0),
 * or the failure with its cause chain (exit 1).
 */
import { WorkflowFailedError, type Baton, type ExecutionStatus, type WorkflowHandle } from '../../index.js';
import { err, errorJson, ExitCode, jsonText, out, outJson } from '../output.js';
import { errorExit } from './exit-codes.js';

/** A closed execution's ending, ready to be printed. */
export interface Outcome {
  workflowId: string;
  runId: string;
  status: ExecutionStatus;
  /** Set when it completed. */
  result?: unknown;
  /** Set when it did not complete: the `WorkflowFailedError` whose cause is the failure. */
  error?: WorkflowFailedError;
  /**
   * Prints the ending (JSON: one document with `extra` first) and returns the exit code: 0
   * completed, 1 otherwise.
   */
  report(json: boolean, extra?: Record<string, unknown>): number;
}

/**
 * Waits for the execution of `handle` to close (following the runs a workflow retry policy
 * starts) and returns how it ended.
 *
 * @throws WorkflowNotFoundError when there is no such execution.
 */
export async function awaitOutcome(baton: Baton, handle: WorkflowHandle): Promise<Outcome> {
  try {
    const result = await handle.result();
    const d = await baton.client.getHandle(handle.workflowId).describe();
    return outcome({ workflowId: d.workflowId, runId: d.runId, status: d.status, result });
  } catch (error) {
    if (!(error instanceof WorkflowFailedError)) throw error;
    const d = await baton.client.getHandle(error.workflowId, error.runId).describe();
    return outcome({ workflowId: error.workflowId, runId: error.runId, status: d.status, error });
  }
}

function outcome(o: Omit<Outcome, 'report'>): Outcome {
  return {
    ...o,
    report(json, extra = {}) {
      const head = { ...extra, workflowId: o.workflowId, runId: o.runId, status: o.status };
      if (o.error === undefined) {
        if (json) out(jsonText({ ...head, result: o.result ?? null }));
        else out(o.result === undefined ? '(no result)' : jsonText(o.result, 2));
        return ExitCode.OK;
      }
      const exit = errorExit(o.error)!;
      if (json) outJson({ ...head, failure: errorJson(o.error.cause) });
      else for (const line of exit.lines) err(line);
      return exit.code;
    },
  };
}
