/**
 * Live step progress of a workflow file's execution for `baton run`: each step's state, attempt and
 * elapsed time, one line on stderr per change, read from the store (the `baton.step` markers and the
 * pending activities), so it works whichever process runs the workflow.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Baton } from '../index.js';
import { stepViews, type StepView } from '../dsl/files/step-states.js';
import { err } from './output.js';

/** One step as progress shows it. */
interface Shown {
  state: string;
  attempt: number;
}

/**
 * Prints a line for each step whose state or attempt changed since the last look, until `done`
 * settles (then one last look, so the final states are shown) or the workflow task fails (an
 * activity type no worker registered, a changed file: non-determinism), which a retry would not
 * mend.
 *
 * @param pollMs - how often the store is read. @default 150
 * @returns the workflow task's failure message when that stopped the following, else undefined.
 */
export async function followSteps(
  baton: Baton,
  workflowId: string,
  done: Promise<unknown>,
  pollMs = 150,
): Promise<string | undefined> {
  const shown = new Map<string, Shown>();
  let finished = false;
  void done.finally(() => (finished = true)).catch(() => {});
  for (;;) {
    const last = finished;
    const taskFailure = await showChanges(baton, workflowId, shown);
    if (last) return undefined;
    if (taskFailure !== undefined) return taskFailure;
    await Promise.race([sleep(pollMs), done.catch(() => {})]);
  }
}

/** Prints what changed; returns the workflow task's failure message, if it is failing. */
async function showChanges(
  baton: Baton,
  workflowId: string,
  shown: Map<string, Shown>,
): Promise<string | undefined> {
  const handle = baton.client.getHandle(workflowId);
  const [{ events }, described] = await Promise.all([handle.fetchHistory(), handle.describe()]);
  const stepOfSeq = new Map<string, string>();
  for (const e of events)
    if (e.eventType === 'ActivityTaskScheduled' && e.attrs.options.summary !== undefined)
      stepOfSeq.set(String(e.attrs.seq), e.attrs.options.summary);
  const attempts = new Map(
    described.pendingActivities.map((a) => [stepOfSeq.get(a.activityId) ?? '', a.attempt]),
  );
  for (const view of stepViews(events, baton.converter)) {
    const attempt = Math.max(view.attempt, attempts.get(view.step) ?? 0);
    const before = shown.get(view.step);
    if (before !== undefined && before.state === view.state && before.attempt === attempt) continue;
    shown.set(view.step, { state: view.state, attempt });
    err(progressLine(view, attempt, Date.now()));
  }
  return described.workflowTaskFailure?.message;
}

/**
 * One progress line: `  step attack  COMPLETED  attempt 2  1.24 s`.
 *
 * @param nowMs - the time a running step's elapsed time counts to.
 */
export function progressLine(view: StepView, attempt: number, nowMs: number): string {
  const elapsedMs = (view.endedAtMs ?? nowMs) - view.startedAtMs;
  const parts = [`  step ${view.step}`, view.state];
  if (attempt > 1) parts.push(`attempt ${attempt}`);
  parts.push(`${(Math.max(0, elapsedMs) / 1000).toFixed(2)} s`);
  if (view.reason !== undefined && view.state !== 'RUNNING') parts.push(`(${view.reason})`);
  return parts.join('  ');
}
