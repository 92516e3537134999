/**
 * How the `baton schedule` commands show schedules to people: durations, a one-line summary of a
 * spec, and a schedule's description as `key  value` lines.
 */
import type { ScheduleDescription } from '../../index.js';
import { pad } from '../output.js';
import { isoSeconds, printable, shortValue } from './format.js';

const UNITS: [string, number][] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
];

/**
 * Milliseconds as a duration for people, exact (unlike `ms`, which rounds).
 *
 * @example
 * durationText(90_000); // '1m30s'
 * durationText(0); // '0s'
 */
export function durationText(ms: number): string {
  let rest = ms;
  let text = '';
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0) text += `${n}${unit}`;
    rest -= n * size;
  }
  return text === '' ? '0s' : text;
}

/**
 * A spec on one line: its cron expressions (with their time zone when it is not UTC) and its
 * intervals, separated by `; `, or `none (trigger or backfill only)`.
 *
 * @example
 * specSummary({ cron: ['0 9 * * *'], intervals: [{ every: 3_600_000, offset: 0 }], timezone: 'Europe/Paris', jitter: 0 });
 * // '0 9 * * * (Europe/Paris); every 1h'
 */
export function specSummary(spec: ScheduleDescription['spec']): string {
  const zone = spec.timezone === 'UTC' ? '' : ` (${spec.timezone})`;
  const parts = [
    ...spec.cron.map((c) => `${c}${zone}`),
    ...spec.intervals.map(
      (i) => `every ${durationText(i.every)}${i.offset === 0 ? '' : ` offset ${durationText(i.offset)}`}`,
    ),
  ];
  return parts.length === 0 ? 'none (trigger or backfill only)' : parts.join('; ');
}

/** `yes` or `no`. */
export function yesNo(value: boolean): string {
  return value ? 'yes' : 'no';
}

/** A time to the second; `-` when none, `not a date` for one no Date holds (stored by an older version). */
function time(date: Date | undefined): string {
  const ms = date?.getTime();
  return ms !== undefined && Number.isNaN(ms) ? 'not a date' : isoSeconds(ms);
}

/** `N skipped (overlap)`, and how many of them were dropped because the buffer was full. */
function skipped(info: ScheduleDescription['info']): string {
  const dropped = info.numActionsBufferDropped;
  const extra = dropped > 0 ? `; ${dropped} of them dropped: buffer full` : '';
  return `${info.numActionsSkippedOverlap} skipped (overlap${extra})`;
}

/**
 * A schedule's description as `key  value` lines, then its recent and running actions; stored
 * strings are made {@link printable}.
 */
export function scheduleLines(d: ScheduleDescription): string[] {
  const { spec, action, policies, state, info } = d;
  const rows: [string, string][] = [
    ['scheduleId', d.scheduleId],
    ['workflowType', action.workflowType],
    ['taskQueue', action.taskQueue],
    ['workflowId', `${action.workflowId}-<nominal time>`],
    ['input', action.args.length === 0 ? '-' : action.args.map((a) => shortValue(a, 60)).join(', ')],
    ['spec', specSummary(spec)],
  ];
  if (spec.startAt !== undefined) rows.push(['startAt', time(spec.startAt)]);
  if (spec.endAt !== undefined) rows.push(['endAt', time(spec.endAt)]);
  if (spec.jitter > 0) rows.push(['jitter', durationText(spec.jitter)]);
  if (action.workflowExecutionTimeout !== undefined)
    rows.push(['executionTimeout', durationText(action.workflowExecutionTimeout)]);
  if (action.workflowRunTimeout !== undefined)
    rows.push(['runTimeout', durationText(action.workflowRunTimeout)]);
  if (action.retry !== undefined) rows.push(['retry', shortValue(action.retry, 100)]);
  rows.push(
    ['overlap', policies.overlap],
    ['catchupWindow', durationText(policies.catchupWindow)],
    ['pauseOnFailure', yesNo(policies.pauseOnFailure)],
    ['paused', yesNo(state.paused)],
    ['note', state.note === '' ? '-' : state.note],
    [
      'nextRuns',
      info.nextActionTimes.length === 0 ? '-' : info.nextActionTimes.slice(0, 3).map(time).join(', '),
    ],
    [
      'actions',
      `${info.numActionsTaken} taken, ${info.numActionsMissedCatchupWindow} missed (catch-up window), ${skipped(info)}, ${info.numBufferedActions} buffered`,
    ],
    ['created', time(info.createdAt)],
    ['updated', time(info.lastUpdatedAt)],
  );
  const lines = rows.map(([k, v]) => `${pad(k, 18)}${v}`);
  if (info.recentActions.length > 0) {
    lines.push('recent actions:');
    for (const a of info.recentActions)
      lines.push(`  ${time(a.scheduledAt)} (started ${time(a.takenAt)}): ${a.workflowId} (run ${a.runId})`);
  }
  if (info.runningActions.length > 0) {
    lines.push('running:');
    for (const r of info.runningActions) lines.push(`  ${r.workflowId} (run ${r.runId})`);
  }
  return lines.map(printable);
}
