/**
 * Errors: what the client or the engine throws (as Temporal's client errors). They may be
 * recorded for `describe()` but never become a workflow outcome; failures (see `failures.ts`) do.
 */

/** Base class of every error the engine or the client throws. */
export class BatonError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
  }
}

/** Options were malformed; the message names the field and what was expected. */
export class ValidationError extends BatonError {}

/** The workflow execution closed as failed; `cause` holds the failure. */
export class WorkflowFailedError extends BatonError {
  constructor(
    message: string,
    readonly workflowId: string,
    readonly runId: string,
    cause: unknown,
  ) {
    super(message, cause);
  }
}

/**
 * No execution has that workflowId (and runId, when given), or, as Temporal reports it, the
 * execution a request needs running has already closed (`detail` says which).
 */
export class WorkflowNotFoundError extends BatonError {
  constructor(
    readonly workflowId: string,
    readonly runId?: string,
    detail = 'workflow execution not found',
  ) {
    super(
      runId === undefined
        ? `${detail}: workflowId '${workflowId}'`
        : `${detail}: workflowId '${workflowId}', runId '${runId}'`,
    );
  }
}

/** A start was refused: an execution with that workflowId is running, or the reuse policy forbids it. */
export class WorkflowExecutionAlreadyStartedError extends BatonError {
  constructor(
    message: string,
    readonly workflowId: string,
    readonly workflowType: string,
    readonly runId?: string,
  ) {
    super(message);
  }
}

/** The workflow type is not registered on the worker that holds the execution, or was misnamed. */
export class WorkflowTypeNotRegisteredError extends BatonError {}

/**
 * On replay, the workflow code asked for a command that the event history does not hold at that
 * point. The execution stays open, its workflow task blocked, until fixed code runs it.
 */
export class NonDeterminismError extends BatonError {
  constructor(
    message: string,
    readonly eventId: number,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(message);
  }
}

/** `Name: message ← Name: message …` along an error's causes (four at most); never throws. */
function causeChain(err: unknown): string {
  const parts: string[] = [];
  for (let e = err; parts.length < 4; e = e.cause) {
    if (!(e instanceof Error)) {
      if (e !== undefined || parts.length === 0) parts.push(printable(e));
      break;
    }
    parts.push(`${e.name}: ${e.message}`);
  }
  return parts.join(' ← ');
}

/** A value as text for a message: strings as they are, others as JSON where it can be made. */
function printable(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    try {
      return String(value);
    } catch {
      return `a value of type ${typeof value}`;
    }
  }
}

/**
 * A promise made by workflow code rejected and nothing handled it before the code waited again
 * (usually a missing `await`), as Temporal's `UnhandledRejectionError`. Like a
 * {@link NonDeterminismError} it fails the workflow task, not the workflow: the execution stays
 * open and the task is retried with back-off, so fixed code can carry on. `cause` is the rejection.
 */
export class UnhandledRejectionError extends BatonError {
  constructor(
    readonly workflowType: string,
    readonly workflowId: string,
    cause: unknown,
  ) {
    super(
      `a promise made by workflow '${workflowType}' (workflowId '${workflowId}') rejected and nothing ` +
        `handled it (a missing await?): ${causeChain(cause)}`,
      cause,
    );
  }
}

/** A value could not be converted to a payload (a function, a symbol, a cycle, or too large). */
export class DataConverterError extends BatonError {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

/** A payload is larger than the configured limit. */
export class PayloadTooLargeError extends DataConverterError {
  constructor(
    readonly sizeBytes: number,
    readonly limitBytes: number,
    what: string,
  ) {
    super(`${what} is ${sizeBytes} bytes, over the payload limit of ${limitBytes} bytes`, '');
  }
}

/** The store could not be opened or used (bad URL, unwritable path, a file that is not Baton's). */
export class StoreError extends BatonError {}

/** A write was refused because this worker no longer holds the execution's lease (fencing). */
export class LeaseLostError extends BatonError {
  constructor(readonly runId: string) {
    super(`lease lost on run ${runId}: another worker owns it now, or it was closed`);
  }
}

/**
 * `result({ followRuns: false })` on a run that continued as new, as Temporal's
 * `WorkflowContinuedAsNewError`: that run has no result of its own; `newExecutionRunId` names the
 * run that took over (`client.getHandle(workflowId, newExecutionRunId)`).
 */
export class WorkflowContinuedAsNewError extends BatonError {
  constructor(
    readonly workflowId: string,
    readonly runId: string,
    readonly newExecutionRunId: string,
  ) {
    super(
      `workflow execution continued as new: workflowId '${workflowId}', runId '${runId}' was followed by run '${newExecutionRunId}' (use followRuns: true to wait for the chain's result)`,
    );
  }
}
