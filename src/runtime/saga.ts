import { ActivityFailure, ApplicationFailure, BatonFailure } from '../common/failures.js';
import { isCancellation } from './cancellation.js';

/** Options of `ctx.saga()`, as Temporal's saga samples. */
export interface SagaOptions {
  /** Run the compensations all at once instead of one by one in reverse order. @default false */
  parallelCompensation?: boolean;
  /** Go on with the next compensations when one fails (every error is collected). @default false */
  continueWithError?: boolean;
}

/** The compensations registered so far; each is an ordinary activity call (retried and recorded). */
export class Saga {
  private readonly compensations: (() => Promise<unknown>)[] = [];

  /** Registers the compensation of a step that has succeeded. */
  addCompensation(compensation: () => Promise<unknown>): void {
    this.compensations.push(compensation);
  }

  /** Runs the compensations, newest first (or all at once); returns the errors collected. */
  async compensate(options: SagaOptions): Promise<unknown[]> {
    const list = [...this.compensations].reverse();
    const errors: unknown[] = [];
    if (options.parallelCompensation === true) {
      const results = await Promise.allSettled(list.map((c) => c()));
      for (const r of results) if (r.status === 'rejected') errors.push(r.reason);
      return errors;
    }
    for (const compensation of list) {
      try {
        await compensation();
      } catch (err) {
        errors.push(err);
        if (options.continueWithError !== true) break;
      }
    }
    return errors;
  }
}

/**
 * Runs `fn` as a saga. On failure or cancellation the compensations run inside `shield` (a
 * non-cancellable scope). Then: a cancellation is raised again as it was (the execution ends
 * Canceled); a failure with no compensation error is raised as it was; a failure with
 * compensation errors becomes an `ApplicationFailure` of type `SagaCompensationFailed` whose
 * cause is the original error and whose details are the compensation errors.
 */
export async function runSaga<T>(
  fn: (saga: Saga) => Promise<T>,
  options: SagaOptions,
  shield: (compensate: () => Promise<unknown[]>) => Promise<unknown[]>,
): Promise<T> {
  const saga = new Saga();
  try {
    return await fn(saga);
  } catch (err) {
    // A plain bug is not a business failure: it fails the workflow task (retried until fixed
    // code runs), so nothing is compensated for it.
    if (!(err instanceof BatonFailure)) throw err;
    const errors = await shield(() => saga.compensate(options));
    if (errors.length === 0 || isCancellation(err)) throw err;
    throw ApplicationFailure.create({
      message: `saga failed and ${errors.length} compensation(s) failed too: ${errors.map(describe).join('; ')}`,
      type: 'SagaCompensationFailed',
      nonRetryable: true,
      details: errors,
      cause: err,
    });
  }
}

/** "heal: no potion" for an activity failure (its type and innermost cause), else the message. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  let root: Error = err;
  while (root.cause instanceof Error) root = root.cause;
  return err instanceof ActivityFailure ? `${err.activityType}: ${root.message}` : root.message;
}
