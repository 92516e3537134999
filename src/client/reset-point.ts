import { ValidationError } from '../common/errors.js';
import { CLOSE_EVENT_TYPES, type EventOf, type HistoryEvent } from '../common/history.js';

/** Options of `handle.reset()`: exactly one of `toEventId` and `toStep`. */
export interface ResetOptions {
  /**
   * The last event kept: the new run's history is events 1..toEventId of the run reset, then the
   * workflow code goes on from there. An integer in [1, the last event id], before the close
   * event, at a point where no activity and no timer is open.
   */
  toEventId?: number;
  /**
   * Reset to just before the first `ActivityTaskScheduled` of this step, matched in this order:
   * its recorded activity `summary` (a step workflow records its step names there, as
   * `'ThrowPokeball'`); a step name of the step workflow's graph, when the client knows it (for
   * histories recorded before summaries were); an activity type (as `'throwPokeball'`).
   */
  toStep?: string;
  /** Why; recorded in the new run (`resetFrom.reason`) and in the termination of a running run. @default 'reset by client' */
  reason?: string;
}

/** What reset needs of a step workflow's graph (a `StepGraph` fits). */
export interface StepsShape {
  readonly mode: 'sequence' | 'dag';
  readonly steps: readonly {
    readonly name: string;
    readonly activity: string;
    readonly compensation: string | null;
  }[];
}

/** The default reason of a reset. */
export const DEFAULT_RESET_REASON = 'reset by client';

/**
 * Checks the options of a reset (before anything is read) and returns its reason.
 *
 * @throws ValidationError when options is not an object, when both or neither of `toEventId` and
 *   `toStep` are given, when `toStep` is not a non-empty string, or `reason` not a string.
 */
export function checkResetOptions(options: ResetOptions): string {
  if (typeof options !== 'object' || options === null)
    throw new ValidationError(`reset: expected options { toEventId } or { toStep }, got ${String(options)}`);
  const { toEventId, toStep, reason } = options;
  if ((toEventId === undefined) === (toStep === undefined))
    throw new ValidationError(
      `reset: expected exactly one of toEventId and toStep, got ${toEventId === undefined ? 'neither' : 'both'}`,
    );
  if (toStep !== undefined && (typeof toStep !== 'string' || toStep === ''))
    throw new ValidationError(
      `toStep: expected a non-empty activity type or step name, got ${String(toStep)}`,
    );
  if (reason !== undefined && typeof reason !== 'string')
    throw new ValidationError(`reason: expected a string, got ${typeof reason}`);
  return reason ?? DEFAULT_RESET_REASON;
}

/**
 * The last event a reset keeps, in `history` (a whole run's, in order), as Temporal's reset
 * points: `toEventId` as given, or the event just before the first `ActivityTaskScheduled` of
 * `toStep`. The kept prefix must leave no activity and no timer open (the new run would have no
 * record of them), and must not hold the close event.
 *
 * @throws ValidationError naming what was wrong: `toEventId` out of range; an activity or a timer
 *   open at that point (with the nearest valid event ids); no summary, step or activity type
 *   `toStep` in the history (listing those present); a step name shared by several scheduled
 *   activities (graph only).
 * @example
 * resetPoint(history, 'run-1', { toStep: 'throwPokeball' }); // 11: after attack completed
 */
export function resetPoint(
  history: readonly HistoryEvent[],
  runId: string,
  options: ResetOptions,
  steps?: StepsShape,
): number {
  const last = history[history.length - 1];
  const closes = last !== undefined && CLOSE_EVENT_TYPES.has(last.eventType);
  const max = (last?.eventId ?? 0) - (closes ? 1 : 0);
  const toEventId =
    options.toStep === undefined ? options.toEventId : stepStart(history, runId, options.toStep, steps) - 1;
  if (typeof toEventId !== 'number' || !Number.isInteger(toEventId) || toEventId < 1 || toEventId > max) {
    const end = closes ? `, event ${max + 1} being its close event ${last?.eventType}` : '';
    throw new ValidationError(
      `toEventId: expected an integer in [1, ${max}] for run '${runId}' (its history ends at event ${last?.eventId ?? 0}${end}), got ${String(toEventId)}`,
    );
  }
  const open = openAt(history, toEventId);
  if (open !== undefined) {
    const [before, after] = nearestValid(history, toEventId, max);
    const suggestion = after === undefined ? `${before}` : `${before} or ${after}`;
    const where =
      options.toStep === undefined
        ? `event ${toEventId}`
        : `the start of step '${options.toStep}' (event ${toEventId})`;
    throw new ValidationError(
      `reset point ${where} of run '${runId}' leaves ${open} open; a reset must keep no open activity or timer. Nearest valid toEventId: ${suggestion}`,
    );
  }
  return toEventId;
}

/**
 * The event id of the first `ActivityTaskScheduled` of `toStep`: the first whose recorded
 * `summary` is `toStep`, else step `toStep` of `steps`, else the first of activity type `toStep`.
 */
function stepStart(
  history: readonly HistoryEvent[],
  runId: string,
  toStep: string,
  steps: StepsShape | undefined,
): number {
  const scheduled = history.filter(
    (e): e is EventOf<'ActivityTaskScheduled'> => e.eventType === 'ActivityTaskScheduled',
  );
  const summarized = scheduled.find((e) => summaryOf(e) === toStep);
  if (summarized !== undefined) return summarized.eventId;
  const step = steps?.steps.findIndex((s) => s.name === toStep) ?? -1;
  if (steps !== undefined && step >= 0) {
    const found = stepEvent(scheduled, steps, step);
    if (typeof found === 'number') return found;
    throw new ValidationError(`toStep: step '${toStep}' of run '${runId}' ${found}`);
  }
  const first = scheduled.find((e) => e.attrs.activityType === toStep);
  if (first !== undefined) return first.eventId;
  const types = [...new Set(scheduled.map((e) => e.attrs.activityType))];
  const names = steps?.steps.filter((s) => types.includes(s.activity)).map((s) => s.name) ?? [];
  const summaries = [...new Set(scheduled.flatMap((e) => summaryOf(e) ?? []))];
  const what = steps === undefined && summaries.length === 0 ? 'activity type' : 'activity type or step';
  const present = [
    `activity types present: ${types.join(', ') || '(none)'}`,
    ...(summaries.length === 0 ? [] : [`summaries present: ${summaries.join(', ')}`]),
    ...(steps === undefined ? [] : [`steps present: ${names.join(', ') || '(none)'}`]),
  ];
  throw new ValidationError(
    `toStep: no ${what} '${toStep}' was scheduled in run '${runId}'; ${present.join('; ')}`,
  );
}

/** The `summary` recorded on a scheduled event (a step name in a step workflow), if any. */
function summaryOf(e: EventOf<'ActivityTaskScheduled'>): string | undefined {
  // Events recorded before summaries existed have none; stored JSON is not trusted to be a string.
  const summary: unknown = (e.attrs.options as { summary?: unknown } | undefined)?.summary;
  return typeof summary === 'string' ? summary : undefined;
}

/**
 * The scheduled event of step `index`: in a sequence, the index-th activity scheduled (a step is
 * scheduled only once the ones before it completed, compensations only after the last step ran);
 * in a DAG, the first activity of the step's type when no other step or compensation shares it.
 * Otherwise why it cannot be found.
 */
function stepEvent(
  scheduled: readonly EventOf<'ActivityTaskScheduled'>[],
  steps: StepsShape,
  index: number,
): number | string {
  const step = steps.steps[index]!;
  if (steps.mode === 'sequence') {
    const e = scheduled[index];
    if (e !== undefined && e.attrs.activityType === step.activity) return e.eventId;
    return `(activity '${step.activity}') was never scheduled`;
  }
  const candidates = scheduled.filter((e) => e.attrs.activityType === step.activity);
  const shared = steps.steps.some(
    (s, i) => (i !== index && s.activity === step.activity) || s.compensation === step.activity,
  );
  if (candidates.length === 0) return `(activity '${step.activity}') was never scheduled`;
  if (!shared) return candidates[0]!.eventId;
  return `runs activity '${step.activity}', which other steps or compensations run too; reset with toEventId: one less than the id of its ActivityTaskScheduled (candidates: events ${candidates.map((e) => e.eventId).join(', ')})`;
}

/** What is open after event `toEventId`: the first open activity or timer, described, or undefined. */
function openAt(history: readonly HistoryEvent[], toEventId: number): string | undefined {
  const activities = new Map<number, EventOf<'ActivityTaskScheduled'>>();
  const timers = new Map<number, EventOf<'TimerStarted'>>();
  for (const e of history) {
    if (e.eventId > toEventId) break;
    track(e, activities, timers);
  }
  const a = activities.values().next();
  if (a.done !== true)
    return `activity '${a.value.attrs.activityType}' (scheduled at event ${a.value.eventId}, not closed by event ${toEventId})`;
  const t = timers.values().next();
  if (t.done !== true)
    return `a timer of ${t.value.attrs.durationMs} ms (started at event ${t.value.eventId}, not fired by event ${toEventId})`;
  return undefined;
}

/** Opens and closes activities and timers as one event does. */
function track(
  e: HistoryEvent,
  activities: Map<number, EventOf<'ActivityTaskScheduled'>>,
  timers: Map<number, EventOf<'TimerStarted'>>,
): void {
  switch (e.eventType) {
    case 'ActivityTaskScheduled':
      activities.set(e.attrs.seq, e);
      break;
    case 'ActivityTaskCompleted':
    case 'ActivityTaskFailed':
    case 'ActivityTaskTimedOut':
    case 'ActivityTaskCanceled':
      activities.delete(e.attrs.seq);
      break;
    case 'TimerStarted':
      timers.set(e.attrs.seq, e);
      break;
    case 'TimerFired':
    case 'TimerCanceled':
      timers.delete(e.attrs.seq);
      break;
    default:
      break;
  }
}

/** The nearest valid reset points below and above `toEventId` (one pass over the history). */
function nearestValid(
  history: readonly HistoryEvent[],
  toEventId: number,
  max: number,
): [before: number, after: number | undefined] {
  const activities = new Map<number, EventOf<'ActivityTaskScheduled'>>();
  const timers = new Map<number, EventOf<'TimerStarted'>>();
  let before = 1;
  for (const e of history) {
    if (e.eventId > max) break;
    track(e, activities, timers);
    if (activities.size > 0 || timers.size > 0) continue;
    if (e.eventId < toEventId) before = e.eventId;
    else if (e.eventId > toEventId) return [before, e.eventId];
  }
  return [before, undefined];
}
