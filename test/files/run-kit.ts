/**
 * Helpers of the workflow-file run tests (Baton format and uTask): a failure's root
 * ApplicationFailure, a history's events of one type, the `baton.step` marker of a step's state,
 * and a uTask run's outcome.
 */
import { expect } from 'vitest';
import { ApplicationFailure, type HistoryEvent } from '../../src/index.js';
import { STEP_MARKER } from '../../src/dsl/files/step-kit.js';
import type { UtaskRunResult } from '../../src/dsl/utask/import.js';
import type { TestEnv } from '../support/harness.js';
import type { FileRun } from '../support/workflow-files.js';

/**
 * The first ApplicationFailure in a failure's cause chain (the activity's or the step's own).
 *
 * @example
 * expect(rootOf(run.failure).type).toBe('SignalTimeout');
 */
export function rootOf(failure: unknown): ApplicationFailure {
  let f = failure as Error | undefined;
  while (f !== undefined && !(f instanceof ApplicationFailure)) f = f.cause as Error | undefined;
  if (f === undefined) throw new Error(`no ApplicationFailure in ${String(failure)}`);
  return f;
}

/**
 * The events of `history` of one type, typed.
 *
 * @example
 * events(run.history, 'TimerStarted').map((t) => t.attrs.durationMs);
 */
export function events<K extends HistoryEvent['eventType']>(
  history: HistoryEvent[],
  type: K,
): Extract<HistoryEvent, { eventType: K }>[] {
  return history.filter((e): e is Extract<HistoryEvent, { eventType: K }> => e.eventType === type);
}

/**
 * The eventId of the `baton.step` marker recording `step` in `state`, or undefined.
 *
 * @example
 * markerEventId(run.history, run.env, 'approve', 'RUNNING');
 */
export function markerEventId(
  history: HistoryEvent[],
  env: TestEnv,
  step: string,
  state: string,
): number | undefined {
  for (const e of events(history, 'MarkerRecorded')) {
    if (e.attrs.markerName !== STEP_MARKER || e.payload === undefined) continue;
    const mark = env.baton.converter.fromPayload<{ step: string; state: string }>(e.payload);
    if (mark.step === step && mark.state === state) return e.eventId;
  }
  return undefined;
}

/**
 * A uTask run's outcome: the result when COMPLETED, else the failure's details[0] (the failure
 * must be a `UTaskResolution`).
 *
 * @example
 * expect(utaskOutcome(run).resolution).toBe('DONE');
 */
export function utaskOutcome(run: FileRun): UtaskRunResult {
  if (run.status === 'COMPLETED') return run.result as UtaskRunResult;
  expect(run.failure).toBeInstanceOf(ApplicationFailure);
  const failure = run.failure as ApplicationFailure;
  expect(failure.type).toBe('UTaskResolution');
  return failure.details[0] as UtaskRunResult;
}
