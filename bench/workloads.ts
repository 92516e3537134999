import { captureArgs, capturePokemon, sequentialSteps } from './capture.js';
import {
  collectGarbage,
  openEngine,
  processMaxRssMb,
  RssSampler,
  TASK_QUEUE,
  withTimeout,
  type BenchEngine,
  type Durability,
  type StoreKind,
  type StoreTarget,
} from './engine.js';
import { Diagnoser, type Diagnosis } from './diagnosis.js';
import { WorkerProcesses } from './worker-pool.js';

/**
 * Targets on the reference machine (2 cores): SQLite (the default store) from the durable-core
 * issue; PostgreSQL (the local server, default `synchronous_commit`) from the PostgreSQL issue,
 * where A's target holds for one worker process and for two.
 */
export const TARGETS: Record<StoreKind, { workflowsPerSec: number; msPerStep: number }> = {
  sqlite: { workflowsPerSec: 5000, msPerStep: 0.2 },
  postgres: { workflowsPerSec: 2000, msPerStep: 0.6 },
};

/** A workload run that takes longer than this is reported as an error instead of hanging. */
const WORKLOAD_TIMEOUT_MS = 30_000;

/** What every row says about where it ran. */
interface RunOn {
  store: StoreKind;
  /** SQLite's durability; null on PostgreSQL (which commits with the server's `synchronous_commit`). */
  durability: Durability | null;
  /** 1: the worker runs in the bench process; N ≥ 2: one in each of N worker processes, none in the bench process. */
  workerProcesses: number;
}

/** What workload A measured. */
export interface ThroughputResult extends RunOn {
  workload: 'A';
  workflows: number;
  steps: number;
  /** Wall time of each measured run, ms (each on a fresh store). */
  runsWallMs: number[];
  /** Median of the runs. */
  wallMs: number;
  workflowsPerSec: number;
  /** Of the fastest run (the least disturbed by other load on the machine). */
  bestWorkflowsPerSec: number;
  stepsPerSec: number;
  /** Peak RSS of the bench process sampled during the measured runs, MiB. */
  peakRssMb: number;
  /** `process.resourceUsage().maxRSS` after the run (whole process so far), MiB. */
  processMaxRssMb: number;
  /** With worker processes: each one's `maxRSS`, MiB. */
  workerProcessesMaxRssMb?: number[];
  /** With `--count-statements`: statements and CPU per workflow, all processes together. */
  diagnosis?: Diagnosis;
  target: string;
  targetMet: boolean;
}

/** What workload B measured. */
export interface LatencyResult extends RunOn {
  workload: 'B';
  steps: number;
  /** ms per step of each measured run (wall time of the workflow / steps). */
  runsMsPerStep: number[];
  medianMsPerStep: number;
  /** Of the fastest run. */
  bestMsPerStep: number;
  medianWallMs: number;
  peakRssMb: number;
  processMaxRssMb: number;
  /** With `--count-statements`: statements and CPU per step. */
  diagnosis?: Diagnosis;
  target: string;
  targetMet: boolean;
}

export type WorkloadResult = ThroughputResult | LatencyResult;

/** How workload A runs. */
export interface ThroughputOptions {
  workflows: number;
  runs: number;
  /** 1: the worker in this process; N ≥ 2: N worker processes. */
  workerProcesses: number;
  countStatements: boolean;
}

/**
 * Starts `n` captures at once and waits for every result; returns the wall time in ms, from just
 * before the first start to the last result. Each result is checked.
 */
async function captureMany(engine: BenchEngine, n: number, prefix: string): Promise<number> {
  const client = engine.baton.client;
  const t0 = performance.now();
  const all = Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const handle = await client.start(capturePokemon, {
        taskQueue: TASK_QUEUE,
        workflowId: `${prefix}-${i}`,
        args: captureArgs(i),
      });
      return handle.result();
    }),
  );
  const results = await withTimeout(all, WORKLOAD_TIMEOUT_MS, `workload A (${n} captures)`);
  const wallMs = performance.now() - t0;
  const bad = results.findIndex((r) => !r.caught || r.pokemon.status !== 'paralyzed');
  if (bad >= 0) throw new Error(`capture ${bad} returned a wrong result: ${JSON.stringify(results[bad])}`);
  return wallMs;
}

function runOn(target: StoreTarget, workerProcesses: number): RunOn {
  return {
    store: target.kind,
    durability: target.kind === 'sqlite' ? target.durability : null,
    workerProcesses,
  };
}

/**
 * Workload A: `n` capture workflows (3 no-op activities each) started at once on a fresh store,
 * `runs` times (the median is reported), with one worker in this process or one in each of
 * `workerProcesses` (≥ 2) processes. A small warm-up on its own store runs first (JIT, statement
 * caches), in whichever processes run the workers.
 */
export async function throughput(target: StoreTarget, o: ThroughputOptions): Promise<ThroughputResult> {
  const n = o.workflows;
  const processes =
    o.workerProcesses >= 2 ? new WorkerProcesses(o.workerProcesses, o.countStatements) : undefined;
  const diagnoser = o.countStatements ? new Diagnoser(target, 'workflow', processes) : undefined;
  const runsWallMs: number[] = [];
  let peakRssMb: number | undefined;
  try {
    const warm = await openEngine(target, n, processes);
    try {
      await captureMany(warm, Math.min(200, n), 'warmup');
    } finally {
      await warm.close();
    }
    const sampler = new RssSampler();
    try {
      for (let r = 0; r < o.runs; r++) {
        collectGarbage();
        const engine = await openEngine(target, n, processes);
        try {
          await diagnoser?.begin();
          runsWallMs.push(await captureMany(engine, n, 'capture'));
          await diagnoser?.end(n);
        } finally {
          await engine.close();
        }
      }
    } finally {
      peakRssMb = sampler.stop();
    }
  } finally {
    await processes?.end();
  }
  const wallMs = median(runsWallMs);
  const workflowsPerSec = (n * 1000) / wallMs;
  const goal = TARGETS[target.kind].workflowsPerSec;
  const result: ThroughputResult = {
    workload: 'A',
    ...runOn(target, processes === undefined ? 1 : o.workerProcesses),
    workflows: n,
    steps: n * 3,
    runsWallMs,
    wallMs,
    workflowsPerSec,
    bestWorkflowsPerSec: (n * 1000) / Math.min(...runsWallMs),
    stepsPerSec: workflowsPerSec * 3,
    peakRssMb: peakRssMb ?? 0,
    processMaxRssMb: processMaxRssMb(),
    target: `>= ${goal} workflows/s`,
    targetMet: workflowsPerSec >= goal,
  };
  if (processes !== undefined) result.workerProcessesMaxRssMb = processes.maxRssMb;
  if (diagnoser !== undefined) result.diagnosis = diagnoser.result();
  return result;
}

/**
 * Workload B: one workflow of `steps` sequential no-op activities, with the worker in this
 * process; a warm-up run, then `runs` measured.
 */
export async function latency(
  target: StoreTarget,
  steps: number,
  runs: number,
  countStatements: boolean,
): Promise<LatencyResult> {
  collectGarbage();
  const engine = await openEngine(target, 1);
  const sampler = new RssSampler();
  const wallsMs: number[] = [];
  const diagnoser = countStatements ? new Diagnoser(target, 'step') : undefined;
  let peakRssMb: number;
  try {
    const client = engine.baton.client;
    for (let r = -1; r < runs; r++) {
      if (r >= 0) await diagnoser?.begin();
      const t0 = performance.now();
      const run = client.execute(sequentialSteps, {
        taskQueue: TASK_QUEUE,
        workflowId: r < 0 ? 'steps-warmup' : `steps-${r}`,
        args: [steps],
      });
      const sum = await withTimeout(run, WORKLOAD_TIMEOUT_MS, `workload B (${steps} steps)`);
      const wallMs = performance.now() - t0;
      if (sum !== (steps * (steps - 1)) / 2) throw new Error(`sequential steps returned ${sum}`);
      if (r >= 0) {
        wallsMs.push(wallMs);
        await diagnoser?.end(steps);
      }
    }
  } finally {
    peakRssMb = sampler.stop();
    await engine.close();
  }
  const medianWallMs = median(wallsMs);
  const medianMsPerStep = medianWallMs / steps;
  const goal = TARGETS[target.kind].msPerStep;
  const result: LatencyResult = {
    workload: 'B',
    ...runOn(target, 1),
    steps,
    runsMsPerStep: wallsMs.map((ms) => ms / steps),
    medianMsPerStep,
    bestMsPerStep: Math.min(...wallsMs) / steps,
    medianWallMs,
    peakRssMb,
    processMaxRssMb: processMaxRssMb(),
    target: `<= ${goal} ms/step`,
    targetMet: medianMsPerStep <= goal,
  };
  if (diagnoser !== undefined) result.diagnosis = diagnoser.result();
  return result;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
