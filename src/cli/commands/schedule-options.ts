/**
 * Arguments and option values of the `baton schedule` commands, checked by commander (a bad value
 * exits 2 naming the option and what it expects), and the translation of the client's field names
 * (`spec.cron[0]`, `policies.catchupWindow` …) into the options a user typed.
 */
import { Argument, InvalidArgumentError, Option } from 'commander';
import { ValidationError, type ScheduleOverlapPolicy } from '../../index.js';
import { OVERLAP_POLICIES } from '../../client/schedule-body.js';
import { MAX_SPEC_DURATION_MS } from '../../client/schedule-spec.js';
import { durationMs } from '../../common/duration.js';
import { UsageError } from './exit-codes.js';
import { nonEmpty } from './options.js';

/** The schedule id argument. */
export function scheduleIdArgument(): Argument {
  return new Argument('<scheduleId>', 'the id of the schedule').argParser(
    nonEmpty('a non-empty schedule id'),
  );
}

/** `--overlap P`: an overlap policy (any case, `buffer-one` and Temporal's `BufferOne` too). */
export function overlapOption(description: string): Option {
  return new Option('--overlap <policy>', description).argParser(overlapArg);
}

/** `--note TEXT`: a note for people, kept in the schedule's state. */
export function noteOption(description: string): Option {
  return new Option('--note <text>', description);
}

/**
 * A value parser for an overlap policy: `SKIP`, `buffer_one`, `buffer-one` and `BufferOne` are
 * all read.
 *
 * @example
 * overlapArg('BufferOne'); // 'BUFFER_ONE'
 */
export function overlapArg(value: string): ScheduleOverlapPolicy {
  const name = value
    .trim()
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .replace(/-/g, '_')
    .toUpperCase();
  const policy = OVERLAP_POLICIES.find((p) => p === name);
  if (policy === undefined)
    throw new InvalidArgumentError(`expected one of ${OVERLAP_POLICIES.join(', ')} (any case).`);
  return policy;
}

/**
 * The milliseconds of a duration option, or an InvalidArgumentError saying `expected`. A number
 * without a unit is refused (`--every 60` is not 60 ms, nor 60 s: the unit is written), except 0.
 */
function durationOf(value: string, expected: string): number {
  const text = value.trim();
  if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(text) && Number(text) !== 0)
    throw new InvalidArgumentError(`expected a duration with a unit, e.g. 30s, 5m, 1h; got ${text}.`);
  let result: number;
  try {
    result = durationMs(text, 'value');
  } catch {
    throw new InvalidArgumentError(`expected ${expected}.`);
  }
  return result;
}

const WHOLE_SECONDS = "whole seconds such as '30s', '5m', '1h', '1d'";

/** A spec duration (`--every`, `--offset`): whole seconds, at most 100 years (as the client checks). */
function specDurationOf(value: string, expected: string): number {
  const result = durationOf(value, expected);
  if (result % 1000 !== 0) throw new InvalidArgumentError(`expected ${expected}.`);
  if (result > MAX_SPEC_DURATION_MS) throw new InvalidArgumentError('expected at most 100 years (36500d).');
  return result;
}

/** A value parser for `--every`: whole seconds with a unit, from 1 s to 100 years. */
export function everyArg(value: string): number {
  const expected = `a duration of ${WHOLE_SECONDS}, at least 1s`;
  const result = specDurationOf(value, expected);
  if (result < 1000) throw new InvalidArgumentError(`expected ${expected}.`);
  return result;
}

/** A value parser for `--offset`: whole seconds with a unit (0 needs none). */
export function offsetArg(value: string): number {
  return specDurationOf(value, `a duration of ${WHOLE_SECONDS}, below --every`);
}

/** A value parser for `--catchup-window`: at least 1 s. */
export function catchupWindowArg(value: string): number {
  const expected = "a duration of at least 1s such as '1m', '1h', '7d'";
  const result = durationOf(value, expected);
  if (result < 1000) throw new InvalidArgumentError(`expected ${expected}.`);
  return result;
}

/** ISO 8601: a date (midnight UTC), or a date and time with `Z` or an offset. */
const ISO_TIME = /^\d{4}-\d\d-\d\d(?:T\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d))?$/i;

/** Y, M, D and the time of day as written (Date.parse rolls 2026-02-30 over to 2026-03-02). */
const ISO_PARTS = /^(\d{4})-(\d\d)-(\d\d)(?:T(\d\d):(\d\d)(?::(\d\d))?)?/i;

/** Why a date and time as written does not exist (30 February, hour 24 …), or undefined. */
function impossibleDate(text: string): string | undefined {
  const [, y, mo, d, h = '0', mi = '0', sec = '0'] = ISO_PARTS.exec(text) ?? [];
  const month = Number(mo);
  if (month < 1 || month > 12) return 'expected a month from 01 to 12';
  const days = new Date(Date.UTC(Number(y), month, 0)).getUTCDate();
  if (Number(d) < 1 || Number(d) > days) return `expected a date that exists: ${y}-${mo} has ${days} days`;
  if (Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59)
    return 'expected a time of day from 00:00:00 to 23:59:59';
  return undefined;
}

/**
 * A value parser for a time (`--start`, `--end`): ISO 8601 with its zone, or a date alone (UTC),
 * as epoch ms. A time without a zone is refused: whose local time it is would be a guess; so is
 * a date or time of day that does not exist (`2026-02-30`, `T24:00`), which Date.parse would roll over.
 */
export function isoTimeArg(value: string): number {
  const text = value.trim();
  const t = ISO_TIME.test(text) ? Date.parse(text) : NaN;
  const impossible = ISO_TIME.test(text) ? impossibleDate(text) : undefined;
  if (impossible !== undefined) throw new InvalidArgumentError(`${impossible}.`);
  if (!Number.isFinite(t))
    throw new InvalidArgumentError('expected an ISO 8601 time with its zone, e.g. 2024-01-01T09:00:00Z.');
  return t;
}

/** Where the client's field names come from on the command line, in the order they are tried. */
const FIELD_OPTIONS: [RegExp, (m: RegExpMatchArray) => string][] = [
  [/^spec\.cron\[(\d+)\]/, (m) => `--cron #${Number(m[1]) + 1}`],
  [/^spec\.timezone/, () => '--timezone'],
  [/^spec\.intervals\[\d+\]\.every/, () => '--every'],
  [/^spec\.intervals\[\d+\]\.offset/, () => '--offset'],
  [/^policies\.catchupWindow/, () => '--catchup-window'],
  [/^policies\.overlap/, () => '--overlap'],
  [/^action\.workflowId/, () => '--workflow-id'],
  [/^action\.taskQueue/, () => '--task-queue'],
  [/^action\.workflow\b/, () => '--workflow'],
  [/^scheduleId/, () => 'the schedule id'],
];

/**
 * A ValidationError of the schedule client as a UsageError naming the option instead of the
 * client's field (`spec.timezone: expected …` → `--timezone: expected …`); other errors as they are.
 *
 * @example
 * withOptionNames(new ValidationError("spec.cron[1]: expected a cron expression, got 'x'"));
 * // UsageError("--cron #2: expected a cron expression, got 'x'")
 */
export function withOptionNames(error: unknown): unknown {
  if (!(error instanceof ValidationError)) return error;
  for (const [field, option] of FIELD_OPTIONS) {
    const m = error.message.match(field);
    if (m !== null) return new UsageError(option(m) + error.message.slice(m[0].length));
  }
  return error;
}
