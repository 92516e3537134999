/**
 * The state of each step of a step workflow, from its history: a step is the activity its node
 * names, and its compensation the activity that undoes it. A scheduled activity names its call in
 * `attrs.options.summary`: the step's name for a step, `compensate <step>` for its compensation.
 * Histories without summaries (recorded before step workflows set them, or a name too long to
 * record) fall back to a guess: steps take the activities of their type in the order they were
 * scheduled. Pure: no DOM.
 */
import type { ApiHistoryEvent, ApiStepGraph } from '../../server/api-types.js';

export type StepState =
  | 'waiting'
  | 'skipped'
  | 'running'
  | 'completed'
  | 'failed'
  | 'canceled'
  | 'compensating'
  | 'compensated'
  | 'compensationFailed';

interface ActivityRun {
  type: string;
  /** `attrs.options.summary` of its ActivityTaskScheduled, if a string. */
  summary: string | undefined;
  outcome: 'running' | 'completed' | 'failed' | 'canceled';
  /** Event id of the close event (completion order), or Infinity while open. */
  closedAt: number;
  /** Already matched to a step or a compensation. */
  taken: boolean;
}

const OUTCOME: Record<string, ActivityRun['outcome']> = {
  ActivityTaskCompleted: 'completed',
  ActivityTaskFailed: 'failed',
  ActivityTaskTimedOut: 'failed',
  ActivityTaskCanceled: 'canceled',
};

/** The summary of a step's compensation (as src/dsl/step-workflow.ts `compensationSummary`). */
export function compensationSummary(step: string): string {
  return `compensate ${step}`;
}

function summaryOf(attrs: Record<string, unknown>): string | undefined {
  const options = attrs.options;
  if (typeof options !== 'object' || options === null || !('summary' in options)) return undefined;
  return typeof options.summary === 'string' ? options.summary : undefined;
}

/** The activities of a history, in schedule order. */
function activityRuns(events: readonly ApiHistoryEvent[]): ActivityRun[] {
  const bySchedule = new Map<number, ActivityRun>();
  for (const e of events) {
    if (e.eventType === 'ActivityTaskScheduled' && typeof e.attrs.activityType === 'string') {
      bySchedule.set(e.eventId, {
        type: e.attrs.activityType,
        summary: summaryOf(e.attrs),
        outcome: 'running',
        closedAt: Infinity,
        taken: false,
      });
    } else if (e.eventType in OUTCOME) {
      const run = bySchedule.get(
        typeof e.attrs.scheduledEventId === 'number' ? e.attrs.scheduledEventId : -1,
      );
      if (run === undefined) continue;
      run.outcome = OUTCOME[e.eventType] ?? 'completed';
      run.closedAt = e.eventId;
    }
  }
  return [...bySchedule.values()];
}

/** Marker name of a workflow file's step states (as src/dsl/files/step-kit.ts `STEP_MARKER`). */
const STEP_MARKER = 'baton.step';

/** How a state recorded by a workflow file (Baton, Conductor or uTask names) is drawn. */
function stateKind(recorded: string): StepState {
  if (recorded === 'RUNNING') return 'running';
  if (recorded === 'COMPLETED' || recorded === 'DONE') return 'completed';
  if (recorded === 'SKIPPED' || recorded === 'PRUNE') return 'skipped';
  if (recorded === 'CANCELED') return 'canceled';
  if (/FAIL|ERROR/.test(recorded)) return 'failed';
  return 'completed';
}

/**
 * The states a workflow file recorded (`baton.step` markers), by step id: what to draw and the
 * recorded name (a uTask custom state such as `NOT_FOUND` is drawn as completed, labelled with its
 * name). Undefined when the history has no such marker (a step workflow defined in code).
 */
export function markedStepStates(
  events: readonly ApiHistoryEvent[],
): Map<string, { state: StepState; label: string }> | undefined {
  let states: Map<string, { state: StepState; label: string }> | undefined;
  for (const e of events) {
    if (e.eventType !== 'MarkerRecorded' || e.attrs.markerName !== STEP_MARKER) continue;
    const mark = e.payload as { step?: unknown; state?: unknown } | undefined;
    if (typeof mark?.step !== 'string' || typeof mark.state !== 'string') continue;
    (states ??= new Map()).set(mark.step, { state: stateKind(mark.state), label: mark.state });
  }
  return states;
}

/** Each step's state, by step name. */
export function stepStates(graph: ApiStepGraph, events: readonly ApiHistoryEvent[]): Map<string, StepState> {
  const marked = markedStepStates(events);
  if (marked !== undefined)
    return new Map(graph.steps.map((s) => [s.name, marked.get(s.name)?.state ?? 'waiting']));
  const runs = activityRuns(events);
  // A summary that names a call of this graph belongs to that call: no guess may take it.
  const named = new Set(graph.steps.flatMap((s) => [s.name, compensationSummary(s.name)]));
  /** The first free activity with this summary, else the first free one of this type that names no call. */
  const take = (summary: string, type: string): ActivityRun | undefined => {
    const run =
      runs.find((r) => !r.taken && r.summary === summary) ??
      runs.find((r) => !r.taken && r.type === type && (r.summary === undefined || !named.has(r.summary)));
    if (run !== undefined) run.taken = true;
    return run;
  };
  const states = new Map<string, StepState>();
  const done: { step: string; compensation: string; closedAt: number }[] = [];
  const order = graph.order.length > 0 ? graph.order : graph.steps.map((s) => s.name);
  for (const name of order) {
    const step = graph.steps.find((s) => s.name === name);
    if (step === undefined) continue;
    const run = take(name, step.activity);
    states.set(name, run === undefined ? 'waiting' : run.outcome);
    if (run?.outcome === 'completed' && step.compensation !== null)
      done.push({ step: name, compensation: step.compensation, closedAt: run.closedAt });
  }
  // Compensations run newest completion first.
  done.sort((a, b) => b.closedAt - a.closedAt);
  for (const d of done) {
    const run = take(compensationSummary(d.step), d.compensation);
    if (run === undefined) continue;
    const state: Record<ActivityRun['outcome'], StepState> = {
      running: 'compensating',
      completed: 'compensated',
      failed: 'compensationFailed',
      canceled: 'compensationFailed',
    };
    states.set(d.step, state[run.outcome]);
  }
  return states;
}

/** Each step's column in the drawing: 0 for the roots, else one more than its deepest dependency. */
export function stepDepths(graph: ApiStepGraph): Map<string, number> {
  const depths = new Map<string, number>();
  const byName = new Map(graph.steps.map((s) => [s.name, s]));
  const depth = (name: string, seen: Set<string>): number => {
    const known = depths.get(name);
    if (known !== undefined) return known;
    const step = byName.get(name);
    if (step === undefined || seen.has(name)) return 0;
    seen.add(name);
    const d = step.dependsOn.reduce((max, dep) => Math.max(max, depth(dep, seen) + 1), 0);
    depths.set(name, d);
    return d;
  };
  for (const s of graph.steps) depth(s.name, new Set());
  return depths;
}
