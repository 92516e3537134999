/**
 * `baton demo capture`: the Pokémon capture (paralyze → attack → throw a Poké Ball) as a durable
 * workflow on a real store, with injected faults (retries show), a self-inflicted crash right
 * after a step became durable, and a resume from another process that skips the recorded steps.
 */
import { randomUUID } from 'node:crypto';
import {
  captureActivities,
  capturePokemon,
  CombatService,
  mewtwo,
  PokeballService,
  sacha,
  StatusService,
  type CaptureResult,
  type FaultOptions,
} from '../../examples/pokemon/index.js';
import {
  Baton,
  DEFAULT_STORE_URL,
  StoreError,
  WorkflowNotFoundError,
  type ActivityAttemptEvent,
  type ActivityRecordedEvent,
  type WorkflowHandle,
} from '../index.js';
import { causeChain, describeError, err, errorJson, ExitCode, out, outJson, pad } from './output.js';

/** The steps of the capture, in order (the activity types of `CapturePokemon`). */
export const CAPTURE_STEPS = ['paralyze', 'attack', 'throwPokeball'] as const;
/** One step of the capture. */
export type CaptureStep = (typeof CAPTURE_STEPS)[number];
/** The task queue of the demo's worker. */
export const CAPTURE_TASK_QUEUE = 'pokemon-capture';
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
}

/** One activity attempt, as shown and as in the JSON output. */
export interface StepRecord {
  activity: string;
  attempt: number;
  outcome: ActivityAttemptEvent['outcome'];
  elapsedMs: number;
  error?: string;
}

type Ending =
  | { kind: 'completed'; result: CaptureResult }
  | { kind: 'failed'; error: unknown }
  | { kind: 'blocked'; error: Error }
  | { kind: 'interrupted' };

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
 * 2 unknown workflowId, unusable store, or `--crash-after` on a memory store, 130 interrupted.
 */
export async function runCaptureDemo(o: CaptureDemoOptions): Promise<number> {
  if (o.crashAfter !== undefined && o.store === MEMORY_STORE_URL) {
    err(
      `baton: --crash-after needs a file store: ${MEMORY_STORE_URL} dies with the process, so there would be nothing to resume (use --store sqlite:PATH)`,
    );
    return ExitCode.USAGE;
  }
  let baton: Baton;
  try {
    baton = await Baton.open(o.store);
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    err(`baton: ${error.message}`);
    return ExitCode.USAGE;
  }
  try {
    return await runOnStore(baton, o);
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    err(`baton: store error: ${error.message}`);
    return ExitCode.USAGE;
  } finally {
    await baton.close();
  }
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
  const steps: StepRecord[] = [];
  const startedMs = Date.now();
  let onBlocked: (error: Error) => void = () => {};
  const blocked = new Promise<Ending>(
    (resolve) => (onBlocked = (error) => resolve({ kind: 'blocked', error })),
  );
  const faults: FaultOptions = o.failFirst === undefined ? {} : { failFirst: o.failFirst };
  const worker = baton.worker({
    taskQueue: CAPTURE_TASK_QUEUE,
    workflows: [capturePokemon],
    activities: captureActivities(
      new StatusService(faults),
      new CombatService(faults),
      new PokeballService(faults),
    ),
    leaseTimeout: '2s',
    identity: 'baton-demo',
    hooks: {
      onActivityAttempt(e) {
        if (e.workflowId !== workflowId) return;
        const step = toStep(e);
        steps.push(step);
        if (!o.json) out(formatStep(step, Date.now() - startedMs));
      },
      onActivityRecorded(e) {
        if (e.workflowId !== workflowId || e.eventType !== 'ActivityTaskCompleted') return;
        if (e.activityType === o.crashAfter) crash(e, steps, o);
      },
      onWorkflowTaskFailed(e) {
        if (e.workflowId === workflowId) onBlocked(e.error);
      },
    },
  });
  const running = worker.run();
  try {
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
  } finally {
    await worker.shutdown();
    await running;
  }
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
    const done = await completedSteps(pinned);
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

/** Activity types whose completion is in the history. */
async function completedSteps(handle: WorkflowHandle<CaptureResult>): Promise<string[]> {
  const { events } = await handle.fetchHistory();
  const types = new Map<number, string>();
  const done: string[] = [];
  for (const e of events) {
    if (e.eventType === 'ActivityTaskScheduled') types.set(e.eventId, e.attrs.activityType);
    if (e.eventType === 'ActivityTaskCompleted') done.push(types.get(e.attrs.scheduledEventId) ?? '?');
  }
  return done;
}

function settleResult(handle: WorkflowHandle<CaptureResult>): Promise<Ending> {
  return handle.result().then(
    (result): Ending => ({ kind: 'completed', result }),
    (error: unknown): Ending => ({ kind: 'failed', error }),
  );
}

/** The result, a blocked workflow task, or Ctrl-C, whichever comes first. */
async function waitForEnd(handle: WorkflowHandle<CaptureResult>, blocked: Promise<Ending>): Promise<Ending> {
  let onSigint: () => void = () => {};
  const interrupted = new Promise<Ending>((resolve) => (onSigint = () => resolve({ kind: 'interrupted' })));
  process.once('SIGINT', onSigint);
  try {
    return await Promise.race([settleResult(handle), blocked, interrupted]);
  } finally {
    process.off('SIGINT', onSigint);
  }
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

function toStep(e: ActivityAttemptEvent): StepRecord {
  const step: StepRecord = {
    activity: e.activityType,
    attempt: e.attempt,
    outcome: e.outcome,
    elapsedMs: e.elapsedMs,
  };
  if (e.error !== undefined) step.error = e.error;
  return step;
}

function formatStep(s: StepRecord, sinceStartMs: number): string {
  const at = `+${(sinceStartMs / 1000).toFixed(2)}s`;
  const error = s.error === undefined ? '' : `  ${s.error}`;
  const line = `  ${pad(at, 8)} ${pad(s.activity, 14)} attempt ${pad(String(s.attempt), 3)} ${pad(s.outcome, 10)} ${pad(`${s.elapsedMs} ms`, 7)}${error}`;
  return line.trimEnd();
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
  ending: Ending,
  ids: { workflowId: string; runId: string; steps: StepRecord[] },
  o: CaptureDemoOptions,
): number {
  switch (ending.kind) {
    case 'completed':
      if (o.json) outJson({ ...ids, result: ending.result });
      else {
        out();
        for (const line of describeCapture(ending.result)) out(line);
      }
      return ExitCode.OK;
    case 'failed':
      if (o.json) outJson({ ...ids, error: errorJson(ending.error) });
      else printFailure(`Capture failed (workflowId ${ids.workflowId}, runId ${ids.runId})`, ending.error);
      return ExitCode.FAILED;
    case 'blocked':
      if (o.json) outJson({ ...ids, blocked: errorJson(ending.error) });
      else {
        printFailure(`The workflow task of ${ids.workflowId} failed; the execution stays open`, ending.error);
        err(`Fix the code, then: ${resumeCommand(ids.workflowId, o.store)}`);
      }
      return ExitCode.FAILED;
    case 'interrupted':
      err(`Interrupted; the capture is durable. Resume with: ${resumeCommand(ids.workflowId, o.store)}`);
      return ExitCode.INTERRUPTED;
  }
}

function printFailure(title: string, error: unknown): void {
  err(title);
  causeChain(error).forEach((e, i) => err(`  ${i === 0 ? '' : 'caused by '}${describeError(e)}`));
}
