/**
 * The one place where an error of a client command becomes an exit code and the lines printed for
 * it (to stderr): 1 when the workflow (or the query or update handler it ran) failed, 2 when the
 * request could not be made (bad usage, malformed input, an unknown or closed workflow execution,
 * an unknown schedule or a schedule id taken, an unusable store, nobody answering a query).
 */
import {
  DataConverterError,
  QueryFailedError,
  QueryNotRegisteredError,
  QueryTimeoutError,
  ScheduleAlreadyRunningError,
  ScheduleNotFoundError,
  StoreError,
  ValidationError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '../../index.js';
import { causeChain, describeError, ExitCode } from '../output.js';
import { printable } from './format.js';

/**
 * A command line that parsed but cannot be used: malformed `--input` JSON, a bad `--query`,
 * options that contradict each other, a store file that does not exist. The message names what
 * was wrong and what was expected.
 *
 * @example
 * throw new UsageError('--input #2 is not valid JSON: unexpected \'}\' at position 5');
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** How an error ends a command: its exit code and the lines for stderr. */
export interface ErrorExit {
  code: number;
  /** One line each: control characters of messages (stored failures too) are escaped. */
  lines: string[];
}

/**
 * The exit code and stderr lines of an error a client command met, or undefined for an error no
 * user can act on (a bug: it keeps its stack).
 *
 * @example
 * errorExit(new WorkflowNotFoundError('order-1')); // { code: 2, lines: ["baton: workflow execution 'order-1' not found"] }
 */
export function errorExit(error: unknown): ErrorExit | undefined {
  const usage = (line: string): ErrorExit => ({ code: ExitCode.USAGE, lines: [printable(`baton: ${line}`)] });
  if (error instanceof UsageError) return usage(error.message);
  if (error instanceof WorkflowNotFoundError) return usage(notFoundLine(error));
  if (error instanceof ScheduleNotFoundError) return usage(`schedule '${error.scheduleId}' not found`);
  if (error instanceof ScheduleAlreadyRunningError)
    return usage(`schedule '${error.scheduleId}' already exists (delete it first, or choose another id)`);
  if (error instanceof StoreError) return usage(`store error: ${error.message}`);
  if (
    error instanceof ValidationError ||
    error instanceof DataConverterError ||
    error instanceof WorkflowExecutionAlreadyStartedError ||
    error instanceof QueryNotRegisteredError
  ) {
    return usage(error.message);
  }
  if (error instanceof QueryTimeoutError) {
    return usage(
      `${error.message}; queries are answered by a worker: is one running for this workflow on this store (baton dev, baton worker)?`,
    );
  }
  if (error instanceof WorkflowFailedError) {
    // 'workflow execution failed' → "workflow execution 'X' (run R) failed"
    const what = error.message.replace(/^workflow execution /, '');
    return failed(`workflow execution '${error.workflowId}' (run ${error.runId}) ${what}`, error.cause);
  }
  if (error instanceof WorkflowUpdateFailedError) return failed(error.message, error.cause);
  if (error instanceof QueryFailedError) return failed(`query failed: ${error.message}`, undefined);
  return undefined;
}

/** The exit code of an error: {@link errorExit}'s, or 1 for an unexpected one. */
export function exitCodeOf(error: unknown): number {
  return errorExit(error)?.code ?? ExitCode.FAILED;
}

/** `baton: TITLE`, then the cause chain of `cause`, one line each. */
function failed(title: string, cause: unknown): ErrorExit {
  const lines = [`baton: ${title}`];
  causeChain(cause).forEach((e, i) => lines.push(`  ${i === 0 ? '' : 'caused by '}${describeError(e)}`));
  return { code: ExitCode.FAILED, lines: lines.map(printable) };
}

function notFoundLine(error: WorkflowNotFoundError): string {
  const run = error.runId === undefined ? '' : ` (run ${error.runId})`;
  if (error.message.startsWith('workflow execution not found'))
    return `workflow execution '${error.workflowId}'${run} not found`;
  // e.g. "workflow execution already closed (COMPLETED): workflowId 'x', runId 'y'"
  return error.message;
}
