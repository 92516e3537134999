/**
 * `baton demo saga`: the capture as a saga (`CapturePokemonSaga`) against a Poké Ball service that
 * fails every call. paralyze and attack succeed, the throw fails for good after its retries, and
 * the compensations run newest first (heal, then cure): Mewtwo is left as it was found, and the
 * workflow fails with the throw's failure. That is the design, so the demo exits 0.
 */
import { randomUUID } from 'node:crypto';
import {
  captureActivities,
  capturePokemonSaga,
  CombatService,
  mewtwo,
  PokeballService,
  sacha,
  SAGA_THROW_OPTIONS,
  StatusService,
  type CaptureActivities,
  type CaptureResult,
  type Pokemon,
} from '../../examples/pokemon/index.js';
import { ActivityFailure, ApplicationFailure, type Baton, type WorkflowHandle } from '../index.js';
import { CAPTURE_TASK_QUEUE, describeCapture, POKEMON_WORKFLOWS } from './demo-capture.js';
import {
  completedActivities,
  demoWorker,
  failureLines,
  printFailure,
  waitForEnd,
  whileRunning,
  withStore,
  type Ending,
  type StepRecord,
} from './demo-runner.js';
import { err, errorJson, ExitCode, out, outJson } from './output.js';

/** Options of {@link runSagaDemo}, as parsed from the command line. */
export interface SagaDemoOptions {
  /** Store URL. */
  store: string;
  /** One JSON object at the end instead of lines for people. */
  json: boolean;
}

/** The compensations of the saga, with the step each one undoes. */
export const SAGA_COMPENSATIONS: Readonly<Record<string, string>> = Object.freeze({
  heal: 'attack',
  cure: 'paralyze',
});

/** What a compensation returned in this process: the Pokémon after it. */
export interface Compensation {
  activity: 'heal' | 'cure';
  pokemon: Pokemon;
}

/** The capture's activities, with a Poké Ball service that fails every call; records compensations. */
function sagaActivities(compensations: Compensation[]): CaptureActivities {
  const base = captureActivities(
    new StatusService(),
    new CombatService(),
    new PokeballService({ failProbability: 1 }),
  );
  return {
    ...base,
    async heal(p: Pokemon): Promise<Pokemon> {
      const pokemon = await base.heal(p);
      compensations.push({ activity: 'heal', pokemon });
      return pokemon;
    },
    async cure(p: Pokemon): Promise<Pokemon> {
      const pokemon = await base.cure(p);
      compensations.push({ activity: 'cure', pokemon });
      return pokemon;
    },
  };
}

/**
 * Runs the demo and returns the exit code: 0 when the saga failed at a step and every
 * compensation completed (the design), 1 otherwise (not compensated, blocked, or, unexpectedly,
 * captured), 2 unusable store, 130 interrupted.
 */
export function runSagaDemo(o: SagaDemoOptions): Promise<number> {
  return withStore(o.store, (baton) => runOnStore(baton, o));
}

async function runOnStore(baton: Baton, o: SagaDemoOptions): Promise<number> {
  const workflowId = `saga-mewtwo-${randomUUID().slice(0, 8)}`;
  const compensations: Compensation[] = [];
  const { worker, steps, blocked } = demoWorker<CaptureResult>(baton, {
    taskQueue: CAPTURE_TASK_QUEUE,
    workflows: POKEMON_WORKFLOWS,
    activities: sagaActivities(compensations),
    workflowId,
    json: o.json,
    note: (s) => {
      const undoes = SAGA_COMPENSATIONS[s.activity];
      return undoes === undefined ? undefined : `compensation: undoes ${undoes}`;
    },
    onRecorded(e) {
      if (o.json || e.eventType !== 'ActivityTaskFailed') return;
      const attempts = steps.filter((s) => s.activity === e.activityType).length;
      out(
        `  ${e.activityType} failed for good after ${attempts} attempt${attempts === 1 ? '' : 's'}: compensating, newest first`,
      );
    },
  });
  return whileRunning(worker, async () => {
    if (!o.json) printStartHeader(workflowId, o);
    const handle = await baton.client.start(capturePokemonSaga, {
      workflowId,
      taskQueue: CAPTURE_TASK_QUEUE,
      args: [sacha(), mewtwo()],
    });
    const ending = await waitForEnd(handle, blocked);
    return report(ending, handle, { steps, compensations }, o);
  });
}

function printStartHeader(workflowId: string, o: SagaDemoOptions): void {
  out(`Capturing Mewtwo for Sacha as a saga: workflow ${capturePokemonSaga.name}, workflowId ${workflowId}`);
  const attempts = SAGA_THROW_OPTIONS.retry?.maximumAttempts ?? 0;
  out(
    `  store ${o.store} · task queue ${CAPTURE_TASK_QUEUE} · the Poké Ball service fails every call (throwPokeball: ${attempts} attempts)`,
  );
  out();
}

/** The step the saga failed at: the `ActivityFailure` in the failure's cause chain. */
function failedStep(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 20; e = e.cause, depth++)
    if (e instanceof ActivityFailure) return e.activityType;
  return undefined;
}

/** True when the workflow's failure says a compensation failed too. */
function compensationFailed(error: unknown): boolean {
  const failure = error instanceof Error ? error.cause : undefined;
  return failure instanceof ApplicationFailure && failure.type === 'SagaCompensationFailed';
}

/** The compensated Pokémon, for people: health from heal, status from cure (the last one). */
function describeRestored(compensations: Compensation[]): string {
  const healed = compensations.find((c) => c.activity === 'heal')?.pokemon;
  const cured = compensations.find((c) => c.activity === 'cure')?.pokemon;
  if (healed === undefined || cured === undefined) return 'compensations recorded';
  return `${healed.name} healed to full health (${healed.currentHealth}/${healed.maxHealth}), then cured (status ${cured.status})`;
}

async function report(
  ending: Ending<CaptureResult>,
  handle: WorkflowHandle<CaptureResult>,
  seen: { steps: StepRecord[]; compensations: Compensation[] },
  o: SagaDemoOptions,
): Promise<number> {
  const runId = handle.runId ?? (await handle.describe()).runId;
  const ids = { workflowId: handle.workflowId, runId, steps: seen.steps };
  switch (ending.kind) {
    case 'completed':
      if (o.json) outJson({ ...ids, compensated: false, result: ending.result });
      else {
        out();
        for (const line of describeCapture(ending.result)) out(line);
        err(
          'The throw succeeded, so the saga had nothing to compensate (the Poké Ball service was meant to fail).',
        );
      }
      return ExitCode.FAILED;
    case 'failed': {
      // What is durable, not what this process saw: the completions in the history.
      const recorded = (await completedActivities(handle)).filter((a) => a in SAGA_COMPENSATIONS);
      const compensated =
        !compensationFailed(ending.error) && recorded.join(',') === Object.keys(SAGA_COMPENSATIONS).join(',');
      const failedAt = failedStep(ending.error) ?? 'a step';
      if (o.json) {
        outJson({
          ...ids,
          failedAt,
          compensated,
          compensations: seen.compensations,
          error: errorJson(ending.error),
        });
      } else if (compensated) {
        out();
        out(
          `Workflow ${capturePokemonSaga.name} failed, as designed (workflowId ${ids.workflowId}, runId ${runId}):`,
        );
        for (const line of failureLines(ending.error)) out(line);
        out(`Compensations recorded in the history, in order: ${recorded.join(', ')}.`);
        out(
          `The capture failed at ${failedAt} and was compensated: ${describeRestored(seen.compensations)}.`,
        );
      } else {
        printFailure(`Saga failed (workflowId ${ids.workflowId}, runId ${runId})`, ending.error);
        err(
          `The capture failed at ${failedAt} and was NOT fully compensated (completed compensations: ${recorded.join(', ') || 'none'}).`,
        );
      }
      return compensated ? ExitCode.OK : ExitCode.FAILED;
    }
    case 'blocked':
      if (o.json) outJson({ ...ids, blocked: errorJson(ending.error) });
      else
        printFailure(`The workflow task of ${ids.workflowId} failed; the execution stays open`, ending.error);
      return ExitCode.FAILED;
    case 'interrupted':
      err(
        `Interrupted; the saga ${ids.workflowId} is durable and stays open on ${o.store}: the next demo on that store finishes it.`,
      );
      return ExitCode.INTERRUPTED;
  }
}
