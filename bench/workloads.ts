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
} from './engine.js';

/** Targets on the reference machine (2 cores, default store). */
export const TARGETS = { workflowsPerSec: 5000, msPerStep: 0.2 } as const;

/** A workload run that takes longer than this is reported as an error instead of hanging. */
const WORKLOAD_TIMEOUT_MS = 30_000;

/** What workload A measured. */
export interface ThroughputResult {
  workload: 'A';
  durability: Durability;
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
  /** Peak RSS sampled during the measured run, MiB. */
  peakRssMb: number;
  /** `process.resourceUsage().maxRSS` after the run (whole process so far), MiB. */
  processMaxRssMb: number;
  target: string;
  targetMet: boolean;
}

/** What workload B measured. */
export interface LatencyResult {
  workload: 'B';
  durability: Durability;
  steps: number;
  /** ms per step of each measured run (wall time of the workflow / steps). */
  runsMsPerStep: number[];
  medianMsPerStep: number;
  /** Of the fastest run. */
  bestMsPerStep: number;
  medianWallMs: number;
  peakRssMb: number;
  processMaxRssMb: number;
  target: string;
  targetMet: boolean;
}

export type WorkloadResult = ThroughputResult | LatencyResult;

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

/**
 * Workload A: `n` capture workflows (3 no-op activities each) started at once on a fresh store
 * with one in-process worker, `runs` times (the median is reported). A small warm-up on its own
 * store runs first (JIT, statement caches).
 */
export async function throughput(durability: Durability, n: number, runs: number): Promise<ThroughputResult> {
  const warm = await openEngine(durability, n);
  try {
    await captureMany(warm, Math.min(200, n), 'warmup');
  } finally {
    await warm.close();
  }
  const sampler = new RssSampler();
  const runsWallMs: number[] = [];
  let peakRssMb: number;
  try {
    for (let r = 0; r < runs; r++) {
      collectGarbage();
      const engine = await openEngine(durability, n);
      try {
        runsWallMs.push(await captureMany(engine, n, 'capture'));
      } finally {
        await engine.close();
      }
    }
  } finally {
    peakRssMb = sampler.stop();
  }
  const wallMs = median(runsWallMs);
  const workflowsPerSec = (n * 1000) / wallMs;
  return {
    workload: 'A',
    durability,
    workflows: n,
    steps: n * 3,
    runsWallMs,
    wallMs,
    workflowsPerSec,
    bestWorkflowsPerSec: (n * 1000) / Math.min(...runsWallMs),
    stepsPerSec: workflowsPerSec * 3,
    peakRssMb,
    processMaxRssMb: processMaxRssMb(),
    target: `>= ${TARGETS.workflowsPerSec} workflows/s`,
    targetMet: workflowsPerSec >= TARGETS.workflowsPerSec,
  };
}

/** Workload B: one workflow of `steps` sequential no-op activities; a warm-up run, then `runs` measured. */
export async function latency(durability: Durability, steps: number, runs: number): Promise<LatencyResult> {
  collectGarbage();
  const engine = await openEngine(durability, 1);
  const sampler = new RssSampler();
  const wallsMs: number[] = [];
  let peakRssMb: number;
  try {
    const client = engine.baton.client;
    for (let r = -1; r < runs; r++) {
      const t0 = performance.now();
      const run = client.execute(sequentialSteps, {
        taskQueue: TASK_QUEUE,
        workflowId: r < 0 ? 'steps-warmup' : `steps-${r}`,
        args: [steps],
      });
      const sum = await withTimeout(run, WORKLOAD_TIMEOUT_MS, `workload B (${steps} steps)`);
      const wallMs = performance.now() - t0;
      if (sum !== (steps * (steps - 1)) / 2) throw new Error(`sequential steps returned ${sum}`);
      if (r >= 0) wallsMs.push(wallMs);
    }
  } finally {
    peakRssMb = sampler.stop();
    await engine.close();
  }
  const medianWallMs = median(wallsMs);
  const medianMsPerStep = medianWallMs / steps;
  return {
    workload: 'B',
    durability,
    steps,
    runsMsPerStep: wallsMs.map((ms) => ms / steps),
    medianMsPerStep,
    bestMsPerStep: Math.min(...wallsMs) / steps,
    medianWallMs,
    peakRssMb,
    processMaxRssMb: processMaxRssMb(),
    target: `<= ${TARGETS.msPerStep} ms/step`,
    targetMet: medianMsPerStep <= TARGETS.msPerStep,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
