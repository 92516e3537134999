/**
 * The WAIT task's `duration` and `until` inputs, read as Conductor reads them.
 */

const UNITS: readonly { pattern: string; ms: number }[] = [
  { pattern: 'days?|d', ms: 86_400_000 },
  { pattern: 'hours?|hrs?|h', ms: 3_600_000 },
  { pattern: 'minutes?|mins?|m', ms: 60_000 },
  { pattern: 'seconds?|secs?|s', ms: 1000 },
];

const DURATION = new RegExp(
  `^\\s*${UNITS.map((u) => `(?:(\\d+)\\s*(?:${u.pattern}))?`).join('\\s*')}\\s*$`,
  'i',
);

/**
 * A WAIT `duration` in ms: numbers with units in the order days, hours, minutes, seconds, as
 * Conductor's (`'10s'`, `'1m'`, `'2 hours 30 mins'`, `'1d 2h'`).
 *
 * @throws Error naming the text and the expected form.
 * @example
 * parseWaitDuration('1m 30s'); // 90000
 */
export function parseWaitDuration(text: string): number {
  const match = DURATION.exec(text);
  if (match === null || match.slice(1).every((g) => g === undefined))
    throw new Error(
      `WAIT duration '${text}': expected numbers with units, such as '10s', '1m', '2h 30m' or '1 day'`,
    );
  return UNITS.reduce((sum, unit, i) => sum + Number(match[i + 1] ?? 0) * unit.ms, 0);
}

const UNTIL =
  /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$/i;

/**
 * A WAIT `until` as epoch ms: `yyyy-MM-dd`, `yyyy-MM-dd HH:mm[:ss]`, optionally followed by a
 * zone (`Z`, `UTC`, `GMT`, `+02:00`). Without a zone the time is UTC (Conductor uses its
 * server's zone).
 *
 * @throws Error naming the text and the expected form.
 * @example
 * parseWaitUntil('2030-01-02 03:04 +01:00'); // Date.UTC(2030, 0, 2, 2, 4)
 */
export function parseWaitUntil(text: string): number {
  const match = UNTIL.exec(text.trim());
  if (match === null)
    throw new Error(
      `WAIT until '${text}': expected a time such as '2030-01-31 18:00', '2030-01-31 18:00 UTC' or '2030-01-31'`,
    );
  const [, y, mo, d, h, mi, s, zone] = match;
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0));
  return utc - zoneOffsetMs(zone);
}

function zoneOffsetMs(zone: string | undefined): number {
  if (zone === undefined || /^(Z|UTC|GMT)$/i.test(zone)) return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
}
