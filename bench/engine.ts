import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Baton, type Worker } from '../src/index.js';
import { activities, capturePokemon, sequentialSteps } from './capture.js';

/** `normal`: WAL + synchronous=NORMAL (the default); `full`: every commit fsynced. */
export type Durability = 'normal' | 'full';

/** The task queue of every benchmark worker. */
export const TASK_QUEUE = 'bench';

/** A Baton on a SQLite file in a fresh temp dir, with one in-process worker running. */
export interface BenchEngine {
  baton: Baton;
  worker: Worker;
  /** Shuts the worker down, closes the store and deletes the temp dir. */
  close(): Promise<void>;
}

/**
 * Opens the default store type (a SQLite file, not `:memory:`) in a fresh temp dir and starts one
 * worker in this process that can hold every workflow of the workload at once.
 */
export async function openEngine(
  durability: Durability,
  maxConcurrentWorkflows: number,
): Promise<BenchEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-bench-'));
  const baton = await Baton.open(`sqlite:${join(dir, 'baton.db')}`, { durability });
  const worker = baton.worker({
    taskQueue: TASK_QUEUE,
    workflows: [capturePokemon, sequentialSteps],
    activities,
    maxConcurrentWorkflows: Math.max(1000, maxConcurrentWorkflows),
    maxConcurrentActivities: Math.max(1000, maxConcurrentWorkflows),
  });
  const running = worker.run();
  return {
    baton,
    worker,
    async close() {
      await baton.close();
      await running;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Samples the resident set size while a workload runs (its peak, in MiB). */
export class RssSampler {
  private peakBytes = process.memoryUsage.rss();
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 10) {
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  /** Stops sampling; returns the peak RSS seen, in MiB. */
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peakBytes / 2 ** 20;
  }

  private sample(): void {
    const rss = process.memoryUsage.rss();
    if (rss > this.peakBytes) this.peakBytes = rss;
  }
}

/** Peak RSS of the whole process so far (`process.resourceUsage().maxRSS` is in KiB), in MiB. */
export function processMaxRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** Runs a full GC when node was started with `--expose-gc` (as `npm run bench` does). */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Rejects when `promise` has not settled after `ms` (a stuck workload must not hang the bench). */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
