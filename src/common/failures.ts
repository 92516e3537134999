/**
 * Failures: what workflow code sees and what is stored as an outcome, shaped as Temporal's
 * failures (`ApplicationFailure`, `ActivityFailure`, `TimeoutFailure`, `CancelledFailure`,
 * `TerminatedFailure`). Every failure survives a round trip through the data converter with its
 * class, type, message, stack and cause chain.
 */

/** Why an activity stopped retrying, as Temporal's `RetryState`. */
export type RetryState =
  | 'IN_PROGRESS'
  | 'NON_RETRYABLE_FAILURE'
  | 'TIMEOUT'
  | 'MAXIMUM_ATTEMPTS_REACHED'
  | 'RETRY_POLICY_NOT_SET'
  | 'CANCEL_REQUESTED';

/** Which timeout fired, as Temporal's `TimeoutType`. */
export type TimeoutType = 'START_TO_CLOSE' | 'SCHEDULE_TO_CLOSE' | 'SCHEDULE_TO_START' | 'HEARTBEAT';

/**
 * Base class of every failure. Throwing one from workflow code fails the workflow execution
 * (a plain `Error` such as a `TypeError` fails only the workflow task, which is retried).
 */
export class BatonFailure extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
  }
}

/** Options of {@link ApplicationFailure.create}. */
export interface ApplicationFailureOptions {
  /** The message. @default '' */
  message?: string;
  /** A type name that retry policies match in `nonRetryableErrorTypes` (exact, case-sensitive). */
  type?: string;
  /** When true, no retry policy retries this failure. @default false */
  nonRetryable?: boolean;
  /** Extra values carried with the failure (they go through the data converter). */
  details?: unknown[];
  /** The underlying error. */
  cause?: unknown;
}

/**
 * A failure raised by user code (activity or workflow), as Temporal's `ApplicationFailure`.
 *
 * @example
 * throw ApplicationFailure.nonRetryable('Mewtwo fled', 'PokemonFled');
 */
export class ApplicationFailure extends BatonFailure {
  /** The error type matched by `nonRetryableErrorTypes`; for a wrapped plain `Error`, its `name`. */
  readonly type: string;
  /** True when retry policies must not retry this failure. */
  readonly nonRetryable: boolean;
  /** Extra values carried with the failure. */
  readonly details: unknown[];

  constructor(
    message: string,
    type = 'ApplicationFailure',
    nonRetryable = false,
    details: unknown[] = [],
    cause?: unknown,
  ) {
    super(message, cause);
    this.type = type;
    this.nonRetryable = nonRetryable;
    this.details = details;
  }

  /** Builds a failure from options. */
  static create(options: ApplicationFailureOptions): ApplicationFailure {
    return new ApplicationFailure(
      options.message ?? '',
      options.type ?? 'ApplicationFailure',
      options.nonRetryable ?? false,
      options.details ?? [],
      options.cause,
    );
  }

  /** A failure that retry policies may retry. */
  static retryable(message: string, type?: string, ...details: unknown[]): ApplicationFailure {
    return new ApplicationFailure(message, type ?? 'ApplicationFailure', false, details);
  }

  /** A failure that no retry policy retries. */
  static nonRetryable(message: string, type?: string, ...details: unknown[]): ApplicationFailure {
    return new ApplicationFailure(message, type ?? 'ApplicationFailure', true, details);
  }

  /**
   * Wraps anything thrown by user code: failures pass through, a plain `Error` becomes an
   * `ApplicationFailure` whose type is the error's `name` and whose stack is kept.
   */
  static fromError(err: unknown): BatonFailure {
    if (err instanceof BatonFailure) return err;
    if (err instanceof Error) {
      const failure = new ApplicationFailure(err.message, err.name, false, [], err.cause);
      if (err.stack !== undefined) failure.stack = err.stack;
      return failure;
    }
    return new ApplicationFailure(String(err), 'Error');
  }
}

/** An activity failed after its retries; the reason is the `cause`. As Temporal's `ActivityFailure`. */
export class ActivityFailure extends BatonFailure {
  constructor(
    message: string,
    readonly activityType: string,
    readonly activityId: string,
    readonly attempt: number,
    readonly retryState: RetryState,
    cause?: unknown,
  ) {
    super(message, cause);
  }
}

/** A timeout fired. `lastHeartbeatDetails` holds the last heartbeat of the attempt, if any. */
export class TimeoutFailure extends BatonFailure {
  constructor(
    message: string,
    readonly timeoutType: TimeoutType,
    readonly lastHeartbeatDetails?: unknown,
  ) {
    super(message);
  }
}

/** The work was cancelled (a cancellation request reached it). */
export class CancelledFailure extends BatonFailure {
  constructor(
    message = 'cancelled',
    readonly details: unknown[] = [],
  ) {
    super(message);
  }
}

/** The workflow execution was terminated. */
export class TerminatedFailure extends BatonFailure {
  constructor(message = 'terminated') {
    super(message);
  }
}

/**
 * A child workflow did not complete; the reason (the child's failure, a `CancelledFailure`,
 * `TerminatedFailure` or `TimeoutFailure`) is the `cause`, as Temporal's `ChildWorkflowFailure`.
 */
export class ChildWorkflowFailure extends BatonFailure {
  constructor(
    message: string,
    readonly workflowType: string,
    readonly workflowId: string,
    readonly runId: string,
    readonly retryState: RetryState,
    cause?: unknown,
  ) {
    super(message, cause);
  }
}

/** True when retry policies must never retry `err` (an `ApplicationFailure` marked non-retryable). */
export function isNonRetryable(err: unknown): boolean {
  return err instanceof ApplicationFailure && err.nonRetryable;
}

/** The type string that `nonRetryableErrorTypes` is matched against. */
export function failureType(err: unknown): string {
  if (err instanceof ApplicationFailure) return err.type;
  if (err instanceof Error) return err.name;
  return 'Error';
}
