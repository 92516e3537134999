/**
 * The state of each step of a step workflow, from its history: a step is the activity its node
 * names, and its compensation the activity that undoes it. Steps are matched to the activities of
 * their type in the order they were scheduled. Pure: no DOM.
 */
import type { ApiHistoryEvent, ApiStepGraph } from '../../server/api-types.js';

export type StepState =
  | 'waiting'
  | 'running'
  | 'completed'
  | 'failed'
  | 'canceled'
  | 'compensating'
  | 'compensated'
  | 'compensationFailed';

interface ActivityRun {
  type: string;
  outcome: 'running' | 'completed' | 'failed' | 'canceled';
  /** Event id of the close event (completion order), or Infinity while open. */
  closedAt: number;
}

const OUTCOME: Record<string, ActivityRun['outcome']> = {
  ActivityTaskCompleted: 'completed',
  ActivityTaskFailed: 'failed',
  ActivityTaskTimedOut: 'failed',
  ActivityTaskCanceled: 'canceled',
};

/** The activities of a history, by type, each list in schedule order. */
function activityRuns(events: readonly ApiHistoryEvent[]): Map<string, ActivityRun[]> {
  const bySchedule = new Map<number, ActivityRun>();
  const byType = new Map<string, ActivityRun[]>();
  for (const e of events) {
    if (e.eventType === 'ActivityTaskScheduled' && typeof e.attrs.activityType === 'string') {
      const run: ActivityRun = { type: e.attrs.activityType, outcome: 'running', closedAt: Infinity };
      bySchedule.set(e.eventId, run);
      byType.set(run.type, [...(byType.get(run.type) ?? []), run]);
    } else if (e.eventType in OUTCOME) {
      const run = bySchedule.get(
        typeof e.attrs.scheduledEventId === 'number' ? e.attrs.scheduledEventId : -1,
      );
      if (run === undefined) continue;
      run.outcome = OUTCOME[e.eventType] ?? 'completed';
      run.closedAt = e.eventId;
    }
  }
  return byType;
}

/** Each step's state, by step name. */
export function stepStates(graph: ApiStepGraph, events: readonly ApiHistoryEvent[]): Map<string, StepState> {
  const runs = activityRuns(events);
  const take = (type: string): ActivityRun | undefined => runs.get(type)?.shift();
  const states = new Map<string, StepState>();
  const done: { step: string; compensation: string; closedAt: number }[] = [];
  const order = graph.order.length > 0 ? graph.order : graph.steps.map((s) => s.name);
  for (const name of order) {
    const step = graph.steps.find((s) => s.name === name);
    if (step === undefined) continue;
    const run = take(step.activity);
    states.set(name, run === undefined ? 'waiting' : run.outcome);
    if (run?.outcome === 'completed' && step.compensation !== null)
      done.push({ step: name, compensation: step.compensation, closedAt: run.closedAt });
  }
  // Compensations run newest completion first.
  done.sort((a, b) => b.closedAt - a.closedAt);
  for (const d of done) {
    const run = take(d.compensation);
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
