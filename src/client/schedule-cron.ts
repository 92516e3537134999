import { Cron } from 'croner';
import { ValidationError } from '../common/errors.js';

/**
 * The cron expressions a schedule accepts, read by `croner`: 5 fields, 6 with seconds first, or a
 * nickname. croner also reads 7 fields (a year last); Baton refuses them, as Temporal's cron does.
 */
export const CRON_EXPECTED =
  '5 fields `minute hour day-of-month month day-of-week`, or 6 with seconds first ' +
  '`second minute hour day-of-month month day-of-week`, or a nickname ' +
  '(@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)';

/** The nicknames croner reads that name times (`@reboot` names none). */
const NICKNAMES: ReadonlySet<string> = new Set([
  '@yearly',
  '@annually',
  '@monthly',
  '@weekly',
  '@daily',
  '@midnight',
  '@hourly',
]);

/**
 * An expression must have a time within this many years of the schedule's start (now, or
 * `startAt` when later). Eight years is the longest gap of a plain expression: 29 February
 * skips 2100 (2096 → 2104).
 */
export const CRON_HORIZON_YEARS = 8;

const crons = new Map<string, Cron>();

/**
 * A paused croner job for an expression in a time zone (cached: they are immutable). It reads
 * what croner reads (7 fields too), so a spec stored before the 5-or-6-field check still runs.
 *
 * @throws Error (croner's) when croner cannot read the expression.
 * @example
 * cronOf('0 9 * * MON-FRI', 'Europe/Paris').nextRun(new Date());
 */
export function cronOf(expression: string, timezone: string): Cron {
  const key = `${timezone}\u0000${expression}`;
  let c = crons.get(key);
  if (c === undefined) {
    // In UTC a fixed offset reads the same times, without croner's time-zone conversions (~10× faster).
    c = new Cron(
      expression,
      timezone === 'UTC' ? { paused: true, utcOffset: 0 } : { paused: true, timezone },
    );
    if (crons.size > 512) crons.clear();
    crons.set(key, c);
  }
  return c;
}

/** Why an expression is not one of {@link CRON_EXPECTED}, or undefined when croner may read it. */
function shapeProblem(expression: unknown): string | undefined {
  if (typeof expression !== 'string') return 'not a string';
  const fields = expression
    .trim()
    .split(/\s+/)
    .filter((f) => f !== '');
  if (fields.length === 1 && fields[0]!.startsWith('@'))
    return NICKNAMES.has(fields[0]!.toLowerCase()) ? undefined : 'an unknown nickname';
  if (fields.length === 5 || fields.length === 6) return undefined;
  return `${fields.length} field${fields.length === 1 ? '' : 's'}`;
}

/** How Temporal's `@every D` (an interval, not a cron expression) is written here; '' for others. */
function everyHint(expression: unknown): string {
  const m = typeof expression === 'string' ? /^\s*@every\s+(\S+)\s*$/i.exec(expression) : null;
  if (m === null) return '';
  return `; Temporal's @every is written spec.intervals: [{ every: '${m[1]}' }] (CLI: --every ${m[1]})`;
}

/**
 * Checks one cron expression of a spec: 5 or 6 fields (or a nickname) that croner reads, with at
 * least one time within {@link CRON_HORIZON_YEARS} years after `fromMs`, in `timezone`.
 *
 * @param field - the option named in errors: `spec.cron`, or `spec.cron[i]` for a list's entry.
 * @throws ValidationError naming `field`, the expression and what was expected.
 * @example
 * checkCron('0 0 30 2 *', 'spec.cron', 'UTC', Date.now()); // throws: never fires (February 30th)
 */
export function checkCron(expression: unknown, field: string, timezone: string, fromMs: number): string {
  const shown = JSON.stringify(expression) ?? String(expression);
  const refuse = (why: string, hint = '') =>
    new ValidationError(`${field}: expected ${CRON_EXPECTED}; got ${shown} (${why})${hint}`);
  const problem = shapeProblem(expression);
  if (problem !== undefined) throw refuse(problem, everyHint(expression));
  const text = expression as string;
  let cron: Cron;
  try {
    cron = cronOf(text, timezone);
  } catch (err) {
    throw refuse((err as Error).message.replace(/^CronPattern: /, ''));
  }
  const next = cron.nextRun(new Date(fromMs));
  if (next === null)
    throw new ValidationError(
      `${field}: ${shown} never fires: no date matches it (such as February 30th, or a day-of-month ` +
        `its month lacks); expected an expression with at least one time`,
    );
  const horizon = new Date(fromMs);
  horizon.setUTCFullYear(horizon.getUTCFullYear() + CRON_HORIZON_YEARS);
  if (next.getTime() > horizon.getTime())
    throw new ValidationError(
      `${field}: ${shown} never fires within ${CRON_HORIZON_YEARS} years of ${new Date(fromMs).toISOString()} ` +
        `(its first time is ${next.toISOString()}, time zone ${timezone}); expected an expression ` +
        `with a time within ${CRON_HORIZON_YEARS} years`,
    );
  return text;
}
