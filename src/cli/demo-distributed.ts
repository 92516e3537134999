/**
 * `baton demo capture --distributed`: the capture across teams, in separate processes. The demo
 * starts four `baton worker` child processes — the workflow's worker (`pokemon-teams`) and one per
 * service (`status`, `combat`, `pokeball`) — on a store every process can open, starts the capture
 * from its own process, prints each step with the process that ran it, then the result, and stops
 * the workers with SIGTERM.
 *
 * Which process ran a step shows twice: live, from the teams' effects file (`BATON_EFFECTS_FILE`,
 * one line per applied effect with its pid, so an attempt whose result was lost shows too); and
 * at the end, from the history, whose `ActivityTaskStarted` names the worker that ran the attempt
 * whose result was recorded (the workflow's worker appends every event).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  capturePokemonAcrossTeams,
  readTeamEffects,
  TEAM_TASK_QUEUES,
  type TeamEffect,
} from '../../examples/pokemon/distributed.js';
import { mewtwo, sacha, type CaptureResult } from '../../examples/pokemon/index.js';
import type { Baton, HistoryEvent, WorkflowHandle } from '../index.js';
import { reportCapture, type CaptureDemoOptions } from './demo-capture.js';
import { waitForEnd, withStore, type Ending } from './demo-runner.js';
import { err, ExitCode, out, pad } from './output.js';
import {
  anyExited,
  reportNotReady,
  startWorkerProcess,
  stopWorkerProcesses,
  waitUntilReady,
  watchBlocked,
  type WorkerProcess,
} from './worker-processes.js';

/** The worker processes of the demo: a name, its module under examples/pokemon/teams/, its queue. */
const TEAMS = [
  { name: 'workflow', module: 'workflow-worker', taskQueue: TEAM_TASK_QUEUES.workflow },
  { name: 'status', module: 'status-worker', taskQueue: TEAM_TASK_QUEUES.status },
  { name: 'combat', module: 'combat-worker', taskQueue: TEAM_TASK_QUEUES.combat },
  { name: 'pokeball', module: 'pokeball-worker', taskQueue: TEAM_TASK_QUEUES.pokeball },
] as const;

/** A step as shown and in the JSON output: an attempt that ran, and the process that ran it. */
export interface DistributedStep {
  activity: string;
  attempt: number;
  /** `completed`: its result is the one recorded; `superseded`: it ran, but another attempt's result was recorded. */
  outcome: 'completed' | 'superseded';
  pid: number;
  /** The worker's name (`status`, `combat`, `pokeball`) and its identity. */
  worker: string;
  identity: string;
  taskQueue: string;
}

/**
 * Runs the distributed demo; returns the exit code: 0 captured, 1 the workflow failed or a worker
 * process failed, 2 bad usage (a memory store, options it does not take) or an unusable store.
 */
export async function runDistributedCaptureDemo(o: CaptureDemoOptions): Promise<number> {
  if (o.store === 'sqlite::memory:') {
    err(
      'baton: --distributed needs a store every worker process can open: sqlite::memory: lives in one process (use --store sqlite:PATH or postgres://…)',
    );
    return ExitCode.USAGE;
  }
  const other = [
    o.crashAfter !== undefined && '--crash-after',
    o.resume !== undefined && '--resume',
    o.failFirst !== undefined && '--fail-first',
  ].filter((x) => x !== false);
  if (other.length > 0) {
    err(
      `baton: --distributed runs a new capture across worker processes; it does not take ${other.join(', ')}`,
    );
    return ExitCode.USAGE;
  }
  const files = workerFiles();
  if (typeof files === 'string') {
    err(`baton: ${files}`);
    return ExitCode.USAGE;
  }
  // The store is opened (and migrated) here first, so the workers open it as it is.
  return withStore(o.store, (baton) => runWithWorkers(baton, o, files));
}

/** This CLI's entry point and the team modules beside it: .ts from the sources, .js from dist/. */
function workerFiles(): { main: string; modules: Map<string, string> } | string {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const main = fileURLToPath(new URL(`./main${ext}`, import.meta.url));
  const modules = new Map<string, string>();
  for (const t of TEAMS) {
    const file = fileURLToPath(new URL(`../../examples/pokemon/teams/${t.module}${ext}`, import.meta.url));
    if (!existsSync(file)) return `the team worker module ${file} is missing (run npm run build)`;
    modules.set(t.name, file);
  }
  return { main, modules };
}

async function runWithWorkers(
  baton: Baton,
  o: CaptureDemoOptions,
  files: { main: string; modules: Map<string, string> },
): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-teams-'));
  const effectsFile = join(dir, 'effects.jsonl');
  const workers = TEAMS.map((t) =>
    startWorkerProcess({ ...t, module: files.modules.get(t.name)! }, files.main, o.store, {
      BATON_EFFECTS_FILE: effectsFile,
    }),
  );
  let code: number = ExitCode.FAILED;
  try {
    const notReady = await waitUntilReady(workers);
    if (notReady !== undefined) reportNotReady(notReady);
    else {
      if (!o.json) printHeader(workers, o);
      code = await capture(baton, o, workers, effectsFile);
    }
  } finally {
    const stopped = await stopWorkerProcesses(workers, {
      json: o.json,
      interrupted: code === ExitCode.INTERRUPTED,
    });
    if (!stopped && code === ExitCode.OK) code = ExitCode.FAILED;
    rmSync(dir, { recursive: true, force: true });
  }
  return code;
}

function printHeader(workers: WorkerProcess[], o: CaptureDemoOptions): void {
  out(
    `Capturing Mewtwo for Sacha across teams: workflow ${capturePokemonAcrossTeams.name}, one process per team`,
  );
  out(`  store ${o.store}`);
  for (const w of workers)
    out(
      `  ${pad(w.name, 9)} pid ${pad(String(w.proc.pid), 8)} task queue ${pad(w.taskQueue, 14)} ${w.runs ?? ''}`,
    );
  out();
}

/** Starts the capture, follows its steps in the effects file, and reports its end. */
async function capture(
  baton: Baton,
  o: CaptureDemoOptions,
  workers: WorkerProcess[],
  effectsFile: string,
): Promise<number> {
  const workflowId = `capture-mewtwo-teams-${randomUUID().slice(0, 8)}`;
  const startedMs = Date.now();
  const handle: WorkflowHandle<CaptureResult> = await baton.client.start(capturePokemonAcrossTeams, {
    workflowId,
    taskQueue: TEAM_TASK_QUEUES.workflow,
    args: [sacha(), mewtwo()],
  });
  if (!o.json) out(`workflowId ${workflowId}, started by this process (pid ${process.pid})`);
  const seen: TeamEffect[] = [];
  const follow = (): void => {
    const mine = readTeamEffects(effectsFile).filter((e) => e.workflowId === workflowId);
    for (const e of mine.slice(seen.length)) {
      seen.push(e);
      if (!o.json) out(formatEffect(e, startedMs, workers));
    }
  };
  const timer = setInterval(follow, 50);
  const blocked = watchBlocked(handle);
  let ending: Ending<CaptureResult>;
  try {
    ending = await waitForEnd(handle, Promise.race([anyExited<CaptureResult>(workers), blocked.ending]));
  } finally {
    clearInterval(timer);
    await blocked.stop();
  }
  follow();
  const runId = handle.runId ?? (await handle.describe()).runId;
  const { events } = await handle.fetchHistory();
  const recorded = recordedSteps(events, workers);
  const steps = toSteps(seen, recorded, workers);
  return report(ending, { workflowId, runId, steps, recorded, workers }, o);
}

function workerOf(pid: number, workers: WorkerProcess[]): WorkerProcess | undefined {
  return workers.find((w) => w.proc.pid === pid);
}

function formatEffect(e: TeamEffect, startedMs: number, workers: WorkerProcess[]): string {
  const at = `+${((e.atMs - startedMs) / 1000).toFixed(2)}s`;
  const w = workerOf(e.pid, workers);
  const by = w === undefined ? 'an unknown process' : `the ${w.name} worker ${w.identity ?? ''}`.trimEnd();
  return `  ${pad(at, 8)} ${pad(e.activity, 14)} attempt ${pad(String(e.attempt), 3)} ran in pid ${pad(String(e.pid), 8)} ${by}`;
}

/** A completed activity as the history records it: the attempt, and the worker that ran it. */
export interface RecordedStep {
  activity: string;
  attempt: number;
  /** From `ActivityTaskStarted`: the identity of the worker that ran the attempt. */
  identity: string;
  /** That worker's name (`status`, `combat`, `pokeball`). */
  worker: string;
}

/** The completed activities in the history, in order, each with the worker that ran it. */
function recordedSteps(events: HistoryEvent[], workers: WorkerProcess[]): RecordedStep[] {
  const scheduled = new Map<number, string>();
  const started = new Map<number, { attempt: number; identity?: string }>();
  const recorded: RecordedStep[] = [];
  for (const e of events) {
    if (e.eventType === 'ActivityTaskScheduled') scheduled.set(e.eventId, e.attrs.activityType);
    if (e.eventType === 'ActivityTaskStarted') started.set(e.eventId, e.attrs);
    if (e.eventType === 'ActivityTaskCompleted') {
      const { attempt = 0, identity = 'unknown' } = started.get(e.attrs.startedEventId) ?? {};
      const worker = workers.find((w) => w.identity === identity)?.name ?? 'unknown';
      recorded.push({ activity: scheduled.get(e.attrs.scheduledEventId) ?? '?', attempt, identity, worker });
    }
  }
  return recorded;
}

/** The attempts that ran, each with its process, and whether its result is the recorded one. */
function toSteps(
  effects: TeamEffect[],
  recorded: RecordedStep[],
  workers: WorkerProcess[],
): DistributedStep[] {
  return effects.map((e) => {
    const w = workerOf(e.pid, workers);
    const identity = w?.identity ?? 'unknown';
    const won = recorded.some(
      (r) => r.activity === e.activity && r.attempt === e.attempt && r.identity === identity,
    );
    return {
      activity: e.activity,
      attempt: e.attempt,
      outcome: won ? 'completed' : 'superseded',
      pid: e.pid,
      worker: w?.name ?? 'unknown',
      identity,
      taskQueue: e.taskQueue,
    };
  });
}

interface Summary {
  workflowId: string;
  runId: string;
  steps: DistributedStep[];
  recorded: RecordedStep[];
  workers: WorkerProcess[];
}

function printHistory(s: Summary): void {
  const owner = s.workers.find((w) => w.name === 'workflow')?.identity ?? '';
  out();
  out(`History, appended by the workflow worker ${owner}:`);
  for (const r of s.recorded)
    out(
      `  ${pad(r.activity, 14)} attempt ${pad(String(r.attempt), 3)} completed, ActivityTaskStarted by ${r.identity} (${r.worker})`,
    );
}

function report(ending: Ending<CaptureResult>, s: Summary, o: CaptureDemoOptions): number {
  const ids = {
    workflowId: s.workflowId,
    runId: s.runId,
    store: o.store,
    workers: s.workers.map((w) => ({
      name: w.name,
      taskQueue: w.taskQueue,
      pid: w.proc.pid,
      identity: w.identity,
    })),
    steps: s.steps,
    recorded: s.recorded,
  };
  if (!o.json && s.recorded.length > 0) printHistory(s);
  return reportCapture(ending, ids, o.json, {
    interrupted: `Interrupted; the capture ${s.workflowId} is durable and finishes when its workers run again.`,
  });
}
