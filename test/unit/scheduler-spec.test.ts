/**
 * A schedule spec's limits (pure): `every`, `offset` and `jitter` of at most 100 years, times that
 * are dates, a spec with at least one time between startAt (or now) and endAt, and the hint that
 * Temporal's `@every` is an interval, not a cron expression. Each refusal is a ValidationError
 * naming the field and why.
 */
import { describe, expect, it } from 'vitest';
import type { ValidationError } from '../../src/common/errors.js';
import { specRefusal } from '../support/spec-refusal.js';
import { nextNominalMs, resolveSpec } from '../../src/client/schedule-spec.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0);
const DAY = 86_400_000;

/** The ValidationError `resolveSpec` throws on `spec` (fails the test when it does not throw). */
function refusal(spec: Parameters<typeof resolveSpec>[0], nowMs = NOW): ValidationError {
  return specRefusal(spec, nowMs);
}

describe('schedule spec: limits', () => {
  it('refuses every, offset and jitter above 100 years, naming the field and the limit', () => {
    expect(refusal({ intervals: [{ every: '99999999999d' }] }).message).toBe(
      "spec.intervals[0].every: expected at most 100 years (36500d), got '99999999999d'",
    );
    expect(refusal({ intervals: [{ every: '1h' }, { every: 36_501 * DAY }] }).message).toBe(
      `spec.intervals[1].every: expected at most 100 years (36500d), got ${36_501 * DAY} ms`,
    );
    expect(refusal({ intervals: [{ every: '1h', offset: '36501d' }] }).message).toMatch(
      /^spec\.intervals\[0\]\.offset: expected at most 100 years \(36500d\)/,
    );
    expect(refusal({ intervals: [{ every: '1h' }], jitter: '99999999999d' }).message).toMatch(
      /^spec\.jitter: expected at most 100 years \(36500d\)/,
    );
    // 100 years exactly is accepted.
    const spec = resolveSpec({ intervals: [{ every: '36500d' }], jitter: '36500d' }, NOW);
    expect(spec.intervals[0]!.everyMs).toBe(36_500 * DAY);
  });

  it('refuses startAt or endAt that are not dates (beyond what a Date holds)', () => {
    expect(refusal({ cron: '@daily', startAt: 1e20 }).message).toMatch(/^spec\.startAt: expected a Date/);
    expect(refusal({ cron: '@daily', endAt: -1e20 }).message).toMatch(/^spec\.endAt: expected a Date/);
  });

  it('a time beyond the last date a Date holds is no time (nothing invalid comes out)', () => {
    const spec = resolveSpec({ intervals: [{ every: '36500d' }] }, NOW);
    expect(nextNominalMs(spec, 8.64e15 - DAY)).toBeUndefined();
  });

  it('refuses a spec with no time between startAt (or now) and endAt, naming spec.endAt and why', () => {
    const why = 'no time of the spec falls between startAt and endAt';
    // Once a year, ending in a month.
    const yearly = refusal({ cron: '0 0 1 1 *', endAt: NOW + 30 * DAY });
    expect(yearly.message).toMatch(/^spec\.endAt: /);
    expect(yearly.message).toContain(why);
    expect(yearly.message).toContain('2026-01-31T12:00:00.000Z');
    // Ended already.
    const past = refusal({ intervals: [{ every: '1m' }], endAt: NOW - DAY });
    expect(past.message).toMatch(/^spec\.endAt: 2025-12-31T12:00:00\.000Z is in the past: /);
    expect(past.message).toContain(why);
    // Hourly, within one hour that holds no full hour.
    const between = refusal({
      intervals: [{ every: '1h' }],
      startAt: NOW + DAY + 1000,
      endAt: NOW + DAY + 3_599_000,
    });
    expect(between.message).toMatch(/^spec\.endAt: /);
    expect(between.message).toContain(why);
    // One time in the window is enough; a spec with no cron nor interval (trigger and backfill only) has none to check.
    expect(() =>
      resolveSpec({ intervals: [{ every: '1h' }], startAt: NOW + DAY, endAt: NOW + DAY }, NOW),
    ).not.toThrow();
    expect(() => resolveSpec({ endAt: NOW + DAY }, NOW)).not.toThrow();
  });

  it('@every as a cron expression: the message says how Temporal writes it (an interval)', () => {
    const e = refusal({ cron: '@every 5m' });
    expect(e.message).toMatch(/^spec\.cron: expected 5 fields .*; got "@every 5m" \(2 fields\)/);
    expect(e.message).toContain(
      "Temporal's @every is written spec.intervals: [{ every: '5m' }] (CLI: --every 5m)",
    );
  });
});
