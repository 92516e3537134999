import ms from 'ms';
import { ValidationError } from './errors.js';

/**
 * A duration as Baton's public options take it: milliseconds (a number) or a string such as
 * `'500ms'`, `'10s'`, `'1.5m'`, `'2h'`, `'30d'` (parsed by the `ms` library).
 */
export type Duration = number | string;

/**
 * Resolves a {@link Duration} to milliseconds.
 *
 * @param field - the option's name, quoted in the error (e.g. `'startToCloseTimeout'`).
 * @throws ValidationError when the value is negative, not finite, or a string `ms` cannot read.
 * @example
 * durationMs('1.5m', 'initialInterval'); // 90000
 */
export function durationMs(value: Duration, field: string): number {
  let result: number | undefined;
  if (typeof value === 'number') result = value;
  else if (typeof value === 'string') result = ms(value as ms.StringValue);
  if (result === undefined || !Number.isFinite(result) || result < 0) {
    throw new ValidationError(
      `${field}: expected a duration (milliseconds ≥ 0, or a string like '10s', '1.5m', '2h'), got ${JSON.stringify(value)}`,
    );
  }
  return result;
}

/** Like {@link durationMs}, but `undefined` stays `undefined`. */
export function optionalDurationMs(value: Duration | undefined, field: string): number | undefined {
  return value === undefined ? undefined : durationMs(value, field);
}
