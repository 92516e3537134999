import { describe, expect, it } from 'vitest';
import { ApplicationFailure, ValidationError } from '../../src/index.js';
import { decideRetry, resolveRetryPolicy, retryDelayMs } from '../../src/common/retry-policy.js';
import { durationMs } from '../../src/common/duration.js';

describe('retry policy maths (Temporal defaults and formula)', () => {
  it('applies Temporal defaults', () => {
    expect(resolveRetryPolicy()).toEqual({
      initialIntervalMs: 1000,
      backoffCoefficient: 2,
      maximumIntervalMs: 100_000,
      maximumAttempts: 0,
      nonRetryableErrorTypes: [],
    });
  });

  it('delay before attempt n+1 is min(initial × coefficient^(n−1), maximum)', () => {
    const p = resolveRetryPolicy({ initialInterval: '100ms', backoffCoefficient: 2, maximumInterval: '1s' });
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(p, n))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('stops at maximumAttempts, on non-retryable failures, and before the scheduleToClose deadline', () => {
    const p = resolveRetryPolicy({
      initialInterval: 100,
      maximumAttempts: 3,
      nonRetryableErrorTypes: ['Fatal'],
    });
    expect(decideRetry(p, 1, new Error('x'), 0, undefined)).toEqual({ retry: true, delayMs: 100 });
    expect(decideRetry(p, 3, new Error('x'), 0, undefined)).toEqual({
      retry: false,
      retryState: 'MAXIMUM_ATTEMPTS_REACHED',
    });
    expect(decideRetry(p, 1, ApplicationFailure.nonRetryable('no'), 0, undefined)).toEqual({
      retry: false,
      retryState: 'NON_RETRYABLE_FAILURE',
    });
    expect(decideRetry(p, 1, ApplicationFailure.retryable('no', 'Fatal'), 0, undefined)).toEqual({
      retry: false,
      retryState: 'NON_RETRYABLE_FAILURE',
    });
    expect(decideRetry(p, 1, ApplicationFailure.retryable('no', 'fatal'), 0, undefined)).toEqual({
      retry: true,
      delayMs: 100,
    });
    expect(decideRetry(p, 2, new Error('x'), 3000, 3100)).toEqual({ retry: false, retryState: 'TIMEOUT' });
  });

  it('rejects bad values naming the field', () => {
    expect(() => resolveRetryPolicy({ backoffCoefficient: 0.5 })).toThrow(/retry.backoffCoefficient/);
    expect(() => resolveRetryPolicy({ maximumAttempts: -1 })).toThrow(/retry.maximumAttempts/);
    expect(() => resolveRetryPolicy({ initialInterval: '1s', maximumInterval: '10ms' })).toThrow(
      ValidationError,
    );
    expect(() => durationMs('soon', 'startToCloseTimeout')).toThrow(/startToCloseTimeout.*"soon"/s);
    expect(durationMs('1.5m', 'x')).toBe(90_000);
  });
});
