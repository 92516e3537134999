import { durationMs, type Duration } from './duration.js';
import { ValidationError } from './errors.js';
import { failureType, isNonRetryable, type RetryState } from './failures.js';

/**
 * How failed attempts are retried, as Temporal's `RetryPolicy` (same names, same defaults, same
 * formula, no jitter): the delay before attempt n+1 is
 * `min(initialInterval × backoffCoefficient^(n−1), maximumInterval)`.
 */
export interface RetryPolicy {
  /** Delay before the first retry. @default '1s' */
  initialInterval?: Duration;
  /** Factor applied to the delay after each retry; at least 1. @default 2 */
  backoffCoefficient?: number;
  /** Cap on the delay. @default 100 × initialInterval */
  maximumInterval?: Duration;
  /** Attempts in all, the first one included; 0 means unlimited. @default 0 */
  maximumAttempts?: number;
  /** Failure types never retried; matched exactly (case-sensitive) against the failure's type. @default [] */
  nonRetryableErrorTypes?: string[];
}

/** A {@link RetryPolicy} resolved once into milliseconds and frozen. */
export interface ResolvedRetryPolicy {
  readonly initialIntervalMs: number;
  readonly backoffCoefficient: number;
  readonly maximumIntervalMs: number;
  readonly maximumAttempts: number;
  readonly nonRetryableErrorTypes: readonly string[];
}

/**
 * Resolves a retry policy, applying Temporal's defaults.
 *
 * @throws ValidationError naming the field when a value is out of range.
 * @example
 * resolveRetryPolicy({ initialInterval: '100ms', maximumAttempts: 8 });
 */
export function resolveRetryPolicy(policy: RetryPolicy = {}, field = 'retry'): ResolvedRetryPolicy {
  const initialIntervalMs = durationMs(policy.initialInterval ?? 1000, `${field}.initialInterval`);
  if (initialIntervalMs <= 0) throw new ValidationError(`${field}.initialInterval: expected a duration > 0`);
  const backoffCoefficient = policy.backoffCoefficient ?? 2;
  if (!Number.isFinite(backoffCoefficient) || backoffCoefficient < 1) {
    throw new ValidationError(
      `${field}.backoffCoefficient: expected a number ≥ 1, got ${String(backoffCoefficient)}`,
    );
  }
  const maximumIntervalMs = durationMs(
    policy.maximumInterval ?? initialIntervalMs * 100,
    `${field}.maximumInterval`,
  );
  if (maximumIntervalMs < initialIntervalMs) {
    throw new ValidationError(
      `${field}.maximumInterval: expected at least initialInterval (${initialIntervalMs} ms)`,
    );
  }
  const maximumAttempts = policy.maximumAttempts ?? 0;
  if (!Number.isInteger(maximumAttempts) || maximumAttempts < 0) {
    throw new ValidationError(
      `${field}.maximumAttempts: expected an integer ≥ 0 (0 = unlimited), got ${String(maximumAttempts)}`,
    );
  }
  const types = policy.nonRetryableErrorTypes ?? [];
  if (!Array.isArray(types) || types.some((t) => typeof t !== 'string')) {
    throw new ValidationError(`${field}.nonRetryableErrorTypes: expected an array of strings`);
  }
  return Object.freeze({
    initialIntervalMs,
    backoffCoefficient,
    maximumIntervalMs,
    maximumAttempts,
    nonRetryableErrorTypes: Object.freeze([...types]),
  });
}

/** Delay in ms before the attempt after `attempt` (1-based): `min(initial × coeff^(attempt−1), max)`. */
export function retryDelayMs(policy: ResolvedRetryPolicy, attempt: number): number {
  const delay = policy.initialIntervalMs * Math.pow(policy.backoffCoefficient, attempt - 1);
  return Math.min(delay, policy.maximumIntervalMs);
}

/** What to do after a failed attempt. */
export type RetryDecision = { retry: true; delayMs: number } | { retry: false; retryState: RetryState };

/**
 * Decides whether attempt `attempt` (1-based), which failed with `failure` at `nowMs`, is retried.
 * A retry that would start at or after `deadlineMs` (the scheduleToClose deadline) is not made.
 */
export function decideRetry(
  policy: ResolvedRetryPolicy,
  attempt: number,
  failure: unknown,
  nowMs: number,
  deadlineMs: number | undefined,
): RetryDecision {
  if (isNonRetryable(failure) || policy.nonRetryableErrorTypes.includes(failureType(failure))) {
    return { retry: false, retryState: 'NON_RETRYABLE_FAILURE' };
  }
  if (policy.maximumAttempts !== 0 && attempt >= policy.maximumAttempts) {
    return { retry: false, retryState: 'MAXIMUM_ATTEMPTS_REACHED' };
  }
  const delayMs = retryDelayMs(policy, attempt);
  if (deadlineMs !== undefined && nowMs + delayMs >= deadlineMs)
    return { retry: false, retryState: 'TIMEOUT' };
  return { retry: true, delayMs };
}
