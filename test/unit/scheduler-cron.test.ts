/**
 * A schedule spec's cron expressions (pure): 5 fields, or 6 with seconds first, or a nickname;
 * 7 fields, unreadable fields and expressions that never fire are refused with a ValidationError
 * naming the field (`spec.cron`, or `spec.cron[i]` in a list), the expression and what was expected.
 */
import { describe, expect, it } from 'vitest';
import type { ValidationError } from '../../src/common/errors.js';
import { specRefusal } from '../support/spec-refusal.js';
import { CRON_HORIZON_YEARS } from '../../src/client/schedule-cron.js';
import { nextNominalMs, resolveSpec } from '../../src/client/schedule-spec.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0);
const EXPECTED = /expected 5 fields `minute hour day-of-month month day-of-week`, or 6 with seconds first/;

/** The ValidationError `resolveSpec` throws on `spec` (fails the test when it does not throw). */
function refusal(spec: Parameters<typeof resolveSpec>[0], nowMs = NOW): ValidationError {
  return specRefusal(spec, nowMs);
}

describe('schedule spec: cron expressions', () => {
  it('accepts 5 fields, 6 with seconds first, and nicknames; fires as read', () => {
    const five = resolveSpec({ cron: '0 9 * * MON-FRI' }, NOW);
    expect(nextNominalMs(five, NOW)).toBe(Date.UTC(2026, 0, 1, 9 + 24, 0)); // Friday 2 January
    const six = resolveSpec({ cron: ['*/30 * * * * *'] }, NOW);
    expect(nextNominalMs(six, NOW)).toBe(NOW + 30_000);
    const nick = resolveSpec({ cron: ' @Daily ' }, NOW);
    expect(nextNominalMs(nick, NOW)).toBe(Date.UTC(2026, 0, 2));
    // 29 February exists: the next is in 2028.
    expect(nextNominalMs(resolveSpec({ cron: '0 0 29 2 *' }, NOW), NOW)).toBe(Date.UTC(2028, 1, 29));
  });

  it('refuses 7 fields (a year), naming spec.cron, the expression and the fields expected', () => {
    const e = refusal({ cron: '0 0 0 1 1 * 2030' });
    expect(e.message).toMatch(/^spec\.cron: /);
    expect(e.message).toContain('"0 0 0 1 1 * 2030"');
    expect(e.message).toContain('(7 fields)');
    expect(e.message).toMatch(EXPECTED);
  });

  it('names spec.cron[i] for an entry of a list', () => {
    const e = refusal({ cron: ['0 9 * * *', '* * * *'] });
    expect(e.message).toMatch(/^spec\.cron\[1\]: /);
    expect(e.message).toContain('"* * * *" (4 fields)');
    expect(e.message).toMatch(EXPECTED);
  });

  it('refuses a field croner cannot read, an unknown nickname, @reboot and a non-string', () => {
    expect(refusal({ cron: '0 0 30 2 * *' }).message).toMatch(
      /^spec\.cron: expected 5 fields .*; got "0 0 30 2 \* \*" \(Invalid value for hour: 30\)$/,
    );
    expect(refusal({ cron: '61 * * * *' }).message).toContain('Invalid value for minute: 61');
    expect(refusal({ cron: '@fortnightly' }).message).toContain('"@fortnightly" (an unknown nickname)');
    expect(refusal({ cron: '@reboot' }).message).toContain('"@reboot" (an unknown nickname)');
    expect(refusal({ cron: [5 as unknown as string] }).message).toMatch(
      /^spec\.cron\[0\]: .*got 5 \(not a string\)$/,
    );
  });

  it('refuses an expression no date matches (30 February, 31 April) as never firing', () => {
    const e = refusal({ cron: '0 0 30 2 *' });
    expect(e.message).toMatch(/^spec\.cron: "0 0 30 2 \*" never fires: no date matches it/);
    expect(e.message).toContain('expected an expression with at least one time');
    expect(refusal({ cron: ['@hourly', '0 0 0 31 4 *'] }).message).toMatch(
      /^spec\.cron\[1\]: "0 0 0 31 4 \*" never fires/,
    );
  });

  it(`refuses an expression whose first time is more than ${CRON_HORIZON_YEARS} years away`, () => {
    // 29 February that is also a Monday (croner's `+`: day-of-month AND day-of-week): 2044.
    const e = refusal({ cron: '0 0 29 2 +1' });
    expect(e.message).toContain(
      `spec.cron: "0 0 29 2 +1" never fires within ${CRON_HORIZON_YEARS} years of 2026-01-01T12:00:00.000Z`,
    );
    expect(e.message).toContain('its first time is 2044-02-29T00:00:00.000Z');
    // From a later startAt it is near enough.
    const later = resolveSpec({ cron: '0 0 29 2 +1', startAt: Date.UTC(2040, 0, 1) }, NOW);
    expect(nextNominalMs(later, NOW)).toBe(Date.UTC(2044, 1, 29));
  });

  it('29 February is accepted even across 2100, which is not a leap year', () => {
    const spec = resolveSpec({ cron: '0 0 29 2 *' }, Date.UTC(2097, 0, 1));
    expect(nextNominalMs(spec, Date.UTC(2097, 0, 1))).toBe(Date.UTC(2104, 1, 29));
  });

  it('names the spec’s time zone, the one its times are read in', () => {
    const e = refusal({ cron: '0 0 29 2 +1', timezone: 'Asia/Tokyo' });
    expect(e.message).toContain('time zone Asia/Tokyo');
  });
});
