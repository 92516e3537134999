import { CancelledFailure } from '../common/failures.js';

/** True when `err` or a failure in its cause chain is a {@link CancelledFailure}. */
export function isCancellation(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 20; e = e.cause, depth++) {
    if (e instanceof CancelledFailure) return true;
  }
  return false;
}
