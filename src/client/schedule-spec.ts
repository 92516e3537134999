import { ValidationError } from '../common/errors.js';
import { durationMs, optionalDurationMs, type Duration } from '../common/duration.js';
import { checkCron, cronOf } from './schedule-cron.js';

/**
 * When a schedule's actions are due, as Temporal's `ScheduleSpec`: the union of its cron
 * expressions and intervals, within `[startAt, endAt]`. Every time it yields is a *nominal time*
 * (whole seconds); a run's actual start may come later by up to `jitter`.
 *
 * @example
 * const spec: ScheduleSpec = { cron: '0 9 * * MON-FRI', timezone: 'Europe/Paris' };
 * const every2s: ScheduleSpec = { intervals: [{ every: '2s' }] };
 */
export interface ScheduleSpec {
  /**
   * Cron expressions (one, or a list), read by `croner`: 5 fields
   * `minute hour day-of-month month day-of-week`, or 6 with seconds first; `@daily`-style
   * nicknames too. Refused: 7 fields (a year), and an expression with no time within 8 years
   * (`'0 0 30 2 *'`, February 30th, never fires). @default none
   */
  cron?: string | string[];
  /**
   * Fixed intervals: times `offset + k × every` since the Unix epoch (so `every: '1h'` fires on the
   * hour, in UTC). `every` is a whole number of seconds ≥ 1 s; `offset` (default 0) is a whole
   * number of seconds below `every`. @default none
   */
  intervals?: { every: Duration; offset?: Duration }[];
  /** IANA time zone the cron expressions are read in (intervals ignore it). @default 'UTC' */
  timezone?: string;
  /** No nominal time before this (inclusive). @default no bound */
  startAt?: Date | number;
  /** No nominal time after this (inclusive). @default no bound */
  endAt?: Date | number;
  /**
   * Each action starts after its nominal time by a random delay below this (the same for every
   * worker: derived from the schedule id and the nominal time). @default 0
   */
  jitter?: Duration;
}

/** A spec resolved and validated: times in epoch ms, durations in ms. */
export interface ResolvedSpec {
  cron: string[];
  intervals: { everyMs: number; offsetMs: number }[];
  timezone: string;
  startAtMs?: number | undefined;
  endAtMs?: number | undefined;
  jitterMs: number;
}

function timeMs(value: Date | number | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const t = value instanceof Date ? value.getTime() : value;
  if (typeof t !== 'number' || !Number.isFinite(t))
    throw new ValidationError(`${field}: expected a Date or epoch milliseconds, got ${String(value)}`);
  return t;
}

function wholeSeconds(valueMs: number, field: string): number {
  if (valueMs % 1000 !== 0)
    throw new ValidationError(`${field}: expected a whole number of seconds, got ${valueMs} ms`);
  return valueMs;
}

/**
 * Validates a spec and resolves it. `nowMs` is when it takes effect: each cron expression must
 * have a time within 8 years of then (or of `startAt`, when later).
 * @throws ValidationError naming the field (a cron expression that is not 5 or 6 fields, that
 *   croner cannot read or that never fires; an unknown time zone; an interval below 1 s or not
 *   whole seconds; `endAt` before `startAt`).
 */
export function resolveSpec(spec: ScheduleSpec, nowMs: number, field = 'spec'): ResolvedSpec {
  if (spec === null || typeof spec !== 'object') throw new ValidationError(`${field}: expected an object`);
  const timezone = spec.timezone ?? 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    throw new ValidationError(
      `${field}.timezone: expected an IANA time zone such as 'Europe/Paris', got '${timezone}'`,
    );
  }
  const startAtMs = timeMs(spec.startAt, `${field}.startAt`);
  const endAtMs = timeMs(spec.endAt, `${field}.endAt`);
  if (startAtMs !== undefined && endAtMs !== undefined && endAtMs < startAtMs)
    throw new ValidationError(`${field}.endAt: expected at or after startAt`);
  const fromMs = Math.max(nowMs, startAtMs ?? nowMs);
  const cron = Array.isArray(spec.cron)
    ? spec.cron.map((e, i) => checkCron(e, `${field}.cron[${i}]`, timezone, fromMs))
    : spec.cron === undefined
      ? []
      : [checkCron(spec.cron, `${field}.cron`, timezone, fromMs)];
  if (spec.intervals !== undefined && !Array.isArray(spec.intervals))
    throw new ValidationError(`${field}.intervals: expected an array of { every, offset? }`);
  const intervals = (spec.intervals ?? []).map((iv, i) => {
    const everyMs = wholeSeconds(
      durationMs(iv?.every, `${field}.intervals[${i}].every`),
      `${field}.intervals[${i}].every`,
    );
    if (everyMs < 1000)
      throw new ValidationError(`${field}.intervals[${i}].every: expected at least 1s, got ${everyMs} ms`);
    const offsetMs = wholeSeconds(
      durationMs(iv.offset ?? 0, `${field}.intervals[${i}].offset`),
      `${field}.intervals[${i}].offset`,
    );
    if (offsetMs >= everyMs)
      throw new ValidationError(
        `${field}.intervals[${i}].offset: expected less than every (${everyMs} ms), got ${offsetMs} ms`,
      );
    return { everyMs, offsetMs };
  });
  const jitterMs = optionalDurationMs(spec.jitter, `${field}.jitter`) ?? 0;
  return { cron, intervals, timezone, startAtMs, endAtMs, jitterMs };
}

/** The first nominal time of the spec strictly after `afterMs`, or undefined when there is none. */
export function nextNominalMs(spec: ResolvedSpec, afterMs: number): number | undefined {
  const from = spec.startAtMs === undefined ? afterMs : Math.max(afterMs, spec.startAtMs - 1);
  let best: number | undefined;
  for (const { everyMs, offsetMs } of spec.intervals) {
    const t = offsetMs + (Math.floor((from - offsetMs) / everyMs) + 1) * everyMs;
    if (best === undefined || t < best) best = t;
  }
  for (const expression of spec.cron) {
    const next = cronOf(expression, spec.timezone).nextRun(new Date(from));
    if (next !== null && (best === undefined || next.getTime() < best)) best = next.getTime();
  }
  if (best === undefined || (spec.endAtMs !== undefined && best > spec.endAtMs)) return undefined;
  return best;
}

/** Nominal times in `[fromMs, toMs]` (both included), at most `limit`, in order. */
export function nominalTimesIn(spec: ResolvedSpec, fromMs: number, toMs: number, limit: number): number[] {
  const out: number[] = [];
  for (let t = nextNominalMs(spec, fromMs - 1); t !== undefined && t <= toMs && out.length < limit;) {
    out.push(t);
    t = nextNominalMs(spec, t);
  }
  return out;
}

/**
 * The jitter of one nominal time: a delay in `[0, jitterMs)` that every process computes alike
 * (a hash of the schedule id and the time).
 */
export function jitterOf(scheduleId: string, nominalMs: number, jitterMs: number): number {
  if (jitterMs <= 0) return 0;
  let h = 0x811c9dc5;
  for (const ch of `${scheduleId}@${nominalMs}`) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return Math.floor((h / 2 ** 32) * jitterMs);
}
