/**
 * Arguments and option values of the `baton schedule` commands, checked by commander (a bad value
 * exits 2 naming the option and what it expects), and the translation of the client's field names
 * (`spec.cron[0]`, `policies.catchupWindow` …) into the options a user typed.
 */
import { Argument, InvalidArgumentError, Option } from 'commander';
import { ValidationError, type ScheduleOverlapPolicy } from '../../index.js';
import { OVERLAP_POLICIES } from '../../client/schedule-body.js';
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

/** The milliseconds of a duration option, or an InvalidArgumentError saying `expected`. */
function durationOf(value: string, expected: string): number {
  let result: number;
  try {
    result = durationMs(value, 'value');
  } catch {
    throw new InvalidArgumentError(`expected ${expected}.`);
  }
  return result;
}

const WHOLE_SECONDS = "whole seconds such as '30s', '5m', '1h', '1d'";

/** A value parser for `--every`: whole seconds, at least 1 s. */
export function everyArg(value: string): number {
  const expected = `a duration of ${WHOLE_SECONDS}, at least 1s`;
  const result = durationOf(value, expected);
  if (result < 1000 || result % 1000 !== 0) throw new InvalidArgumentError(`expected ${expected}.`);
  return result;
}

/** A value parser for `--offset`: whole seconds (0 included). */
export function offsetArg(value: string): number {
  const expected = `a duration of ${WHOLE_SECONDS}, below --every`;
  const result = durationOf(value, expected);
  if (result % 1000 !== 0) throw new InvalidArgumentError(`expected ${expected}.`);
  return result;
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

/**
 * A value parser for a time (`--start`, `--end`): ISO 8601 with its zone, or a date alone (UTC),
 * as epoch ms. A time without a zone is refused: whose local time it is would be a guess.
 */
export function isoTimeArg(value: string): number {
  const t = ISO_TIME.test(value.trim()) ? Date.parse(value.trim()) : NaN;
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
