/**
 * `baton demo capture`: the Pokémon capture (paralyze → attack → throw a Poké Ball) as a durable
 * workflow on a real store, with injected faults (retries show), a self-inflicted crash right
 * after a step became durable, and a resume from another process that skips the recorded steps.
 */
import { randomUUID } from 'node:crypto';
import {
  captureActivities,
  capturePokemon,
  capturePokemonSaga,
  CombatService,
  mewtwo,
  PokeballService,
  sacha,
  StatusService,
  type CaptureResult,
  type FaultOptions,
} from '../../examples/pokemon/index.js';
import {
  type Baton,
  DEFAULT_STORE_URL,
  WorkflowNotFoundError,
  type ActivityRecordedEvent,
  type WorkflowHandle,
} from '../index.js';
import {
  completedActivities,
  demoWorker,
  printFailure,
  settleResult,
  waitForEnd,
  whileRunning,
  withStore,
  type Ending,
  type StepRecord,
} from './demo-runner.js';
import { err, errorJson, ExitCode, out, outJson } from './output.js';

/** The steps of the capture, in order (the activity types of `CapturePokemon`). */
export const CAPTURE_STEPS = ['paralyze', 'attack', 'throwPokeball'] as const;
/** One step of the capture. */
export type CaptureStep = (typeof CAPTURE_STEPS)[number];
/** The task queue of the demo's worker. */
export const CAPTURE_TASK_QUEUE = 'pokemon-capture';
/**
 * The workflows of the demos' workers: both Pokémon workflows, so that any demo finishes an
 * execution of the other left open on the same store (e.g. by Ctrl-C).
 */
export const POKEMON_WORKFLOWS = [capturePokemon, capturePokemonSaga] as const;
/** The store URL of a memory database, which does not outlive the process. */
const MEMORY_STORE_URL = 'sqlite::memory:';

/** Options of {@link runCaptureDemo}, as parsed from the command line. */
export interface CaptureDemoOptions {
  /** Store URL. */
  store: string;
  /** Each service fails its first N calls. */
  failFirst?: number;
  /** SIGKILL this process right after this step's completion is durable. */
  crashAfter?: CaptureStep;
  /** Resume this workflowId instead of starting a new capture. */
  resume?: string;
  /** One JSON object at the end instead of lines for people. */
  json: boolean;
  /** The workflow and each service in its own worker process (see `demo-distributed.ts`). */
  distributed?: boolean;
}

type CaptureEnding = Ending<CaptureResult>;

/** The command that resumes `workflowId` on `store`. */
export function resumeCommand(workflowId: string, store: string): string {
  const quote = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  const storeArg = store === DEFAULT_STORE_URL ? '' : ` --store ${quote(store)}`;
  return `npx baton demo capture --resume ${quote(workflowId)}${storeArg}`;
}

/** The captured Pokémon and its trainer, for people. */
export function describeCapture({ trainer, pokemon }: CaptureResult): string[] {
  return [
    `${pokemon.name} (level ${pokemon.level}) captured by ${pokemon.trainerName ?? trainer.name}: ` +
      `status ${pokemon.status}, health ${pokemon.currentHealth}/${pokemon.maxHealth}`,
    `${trainer.name}'s team: ${trainer.pokemons.map((p) => p.name).join(', ')}`,
  ];
}

/**
 * Runs the demo and returns the exit code: 0 captured, 1 the workflow failed (or is blocked),
 * 2 unknown workflowId, unusable store, or `--crash-after` or `--distributed` on a memory store, 130
 * interrupted.
 */
export async function runCaptureDemo(o: CaptureDemoOptions): Promise<number> {
  if (o.distributed === true) {
    // Loaded only when asked for (and no import cycle: it uses this module's helpers).
    const { runDistributedCaptureDemo } = await import('./demo-distributed.js');
    return runDistributedCaptureDemo(o);
  }
  if (o.crashAfter !== undefined && o.store === MEMORY_STORE_URL) {
    err(
      `baton: --crash-after needs a file store: ${MEMORY_STORE_URL} dies with the process, so there would be nothing to resume (use --store sqlite:PATH)`,
    );
    return ExitCode.USAGE;
  }
  return withStore(o.store, (baton) => runOnStore(baton, o));
}

async function runOnStore(baton: Baton, o: CaptureDemoOptions): Promise<number> {
  let handle: WorkflowHandle<CaptureResult>;
  if (o.resume !== undefined) {
    const found = await findResumable(baton, o.resume, o);
    if (typeof found === 'number') return found;
    handle = found;
  } else {
    handle = baton.client.getHandle<CaptureResult>(`capture-mewtwo-${randomUUID().slice(0, 8)}`);
  }
  const workflowId = handle.workflowId;
  const faults: FaultOptions = o.failFirst === undefined ? {} : { failFirst: o.failFirst };
  const { worker, steps, blocked } = demoWorker<CaptureResult>(baton, {
    taskQueue: CAPTURE_TASK_QUEUE,
    workflows: POKEMON_WORKFLOWS,
    activities: captureActivities(
      new StatusService(faults),
      new CombatService(faults),
      new PokeballService(faults),
    ),
    workflowId,
    json: o.json,
    onRecorded(e) {
      if (e.eventType === 'ActivityTaskCompleted' && e.activityType === o.crashAfter) crash(e, steps, o);
    },
  });
  return whileRunning(worker, async () => {
    if (o.resume === undefined) {
      if (!o.json) printStartHeader(workflowId, o);
      handle = await baton.client.start(capturePokemon, {
        workflowId,
        taskQueue: CAPTURE_TASK_QUEUE,
        args: [sacha(), mewtwo()],
      });
    }
    const ending = await waitForEnd(handle, blocked);
    const runId = handle.runId ?? (await handle.describe()).runId;
    return report(ending, { workflowId, runId, steps }, o);
  });
}

/** Checks the execution to resume; prints it and returns an exit code when there is nothing to run. */
async function findResumable(
  baton: Baton,
  workflowId: string,
  o: CaptureDemoOptions,
): Promise<WorkflowHandle<CaptureResult> | number> {
  const handle = baton.client.getHandle<CaptureResult>(workflowId);
  let description;
  try {
    description = await handle.describe();
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    err(`baton: no workflow execution '${workflowId}' in ${o.store} (use the workflowId a capture printed)`);
    return ExitCode.USAGE;
  }
  if (description.workflowType !== capturePokemon.name || description.taskQueue !== CAPTURE_TASK_QUEUE) {
    err(
      `baton: '${workflowId}' is a ${description.workflowType} execution on task queue '${description.taskQueue}', not a capture (${capturePokemon.name} on '${CAPTURE_TASK_QUEUE}')`,
    );
    return ExitCode.USAGE;
  }
  const pinned = baton.client.getHandle<CaptureResult>(description.workflowId, description.runId);
  if (description.status !== 'RUNNING') {
    if (!o.json) out(`Workflow ${workflowId} is already closed (${description.status}); nothing to resume.`);
    const ending = await settleResult(pinned);
    return report(ending, { workflowId: description.workflowId, runId: description.runId, steps: [] }, o);
  }
  if (!o.json) {
    const done = await completedActivities(pinned);
    out(`Resuming capture ${workflowId} (run ${description.runId}) on ${o.store}`);
    out(`  already recorded, not run again: ${done.length > 0 ? done.join(', ') : '(nothing)'}`);
    const lost = description.worker !== undefined;
    for (const a of description.pendingActivities)
      out(
        `  pending: ${a.activityType} attempt ${a.attempt}${lost ? ' (if it may have started in the dead worker, it counts as timed out and runs again)' : ''}`,
      );
    if (lost) out(`  waiting for the lease of ${description.worker} to expire (at most 2 s)`);
    out();
  }
  return pinned;
}

function printStartHeader(workflowId: string, o: CaptureDemoOptions): void {
  out(`Capturing Mewtwo for Sacha: workflow ${capturePokemon.name}, workflowId ${workflowId}`);
  const notes = [`store ${o.store}`, `task queue ${CAPTURE_TASK_QUEUE}`];
  if (o.failFirst !== undefined && o.failFirst > 0)
    notes.push(`each service fails its first ${o.failFirst} call${o.failFirst === 1 ? '' : 's'}`);
  if (o.crashAfter !== undefined) notes.push(`crash after ${o.crashAfter}`);
  out(`  ${notes.join(' · ')}`);
  out();
}

/**
 * Prints how to resume, flushed, then kills this process: the step's completion is already durable.
 * After the last step, the capture's completion was committed with it: nothing is left to run.
 */
function crash(e: ActivityRecordedEvent, steps: StepRecord[], o: CaptureDemoOptions): never {
  const resume = resumeCommand(e.workflowId, o.store);
  const last = e.activityType === CAPTURE_STEPS[CAPTURE_STEPS.length - 1];
  if (o.json) {
    outJson({
      workflowId: e.workflowId,
      runId: e.runId,
      steps,
      crashedAfter: e.activityType,
      resume,
      ...(last ? { captureCompleted: true } : {}),
    });
  } else {
    out();
    out(
      `Crashing after ${e.activityType}: its completion is durable; this process now kills itself (SIGKILL).`,
    );
    if (last) {
      out(
        `${e.activityType} was the last step: the capture completed in the same commit, so nothing is left to resume; --resume only prints its result:`,
      );
      out(`  ${resume}`);
    } else {
      out(`Resume with: ${resume}`);
    }
  }
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable: SIGKILL did not stop the process');
}

function report(
  ending: CaptureEnding,
  ids: { workflowId: string; runId: string; steps: StepRecord[] },
  o: CaptureDemoOptions,
): number {
  const resume = resumeCommand(ids.workflowId, o.store);
  return reportCapture(ending, ids, o.json, {
    blocked: `Fix the code, then: ${resume}`,
    interrupted: `Interrupted; the capture is durable. Resume with: ${resume}`,
  });
}

/**
 * Prints how a capture demo ended (lines for people, or one JSON object of `ids` plus the
 * outcome) and returns the exit code; `hints` are the lines that say what to do next.
 */
export function reportCapture(
  ending: CaptureEnding,
  ids: { workflowId: string; runId: string },
  json: boolean,
  hints: { blocked?: string; interrupted: string },
): number {
  switch (ending.kind) {
    case 'completed':
      if (json) outJson({ ...ids, result: ending.result });
      else {
        out();
        for (const line of describeCapture(ending.result)) out(line);
      }
      return ExitCode.OK;
    case 'failed':
      if (json) outJson({ ...ids, error: errorJson(ending.error) });
      else printFailure(`Capture failed (workflowId ${ids.workflowId}, runId ${ids.runId})`, ending.error);
      return ExitCode.FAILED;
    case 'blocked':
      if (json) outJson({ ...ids, blocked: errorJson(ending.error) });
      else {
        printFailure(`The workflow task of ${ids.workflowId} failed; the execution stays open`, ending.error);
        if (hints.blocked !== undefined) err(hints.blocked);
      }
      return ExitCode.FAILED;
    case 'interrupted':
      err(hints.interrupted);
      return ExitCode.INTERRUPTED;
  }
}
