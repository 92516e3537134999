import { Baton, type Worker } from '../src/index.js';
import { activities, capturePokemon, sequentialSteps } from './capture.js';
import { freshStore, waitForListeners, type StoreTarget } from './stores.js';
import type { WorkerProcesses } from './worker-pool.js';

export type { Durability, StoreKind, StoreTarget } from './stores.js';

/** The task queue of every benchmark worker. */
export const TASK_QUEUE = 'bench';

/** A Baton on a fresh store, with its workers (in this process, or in worker processes) running. */
export interface BenchEngine {
  baton: Baton;
  /** Shuts the workers down, closes the store and removes it (temp dir or schema). */
  close(): Promise<void>;
}

/**
 * The bench's worker on `baton`, able to hold every workflow of the workload at once; `run()` is
 * left to the caller.
 */
export function benchWorker(baton: Baton, maxConcurrentWorkflows: number): Worker {
  return baton.worker({
    taskQueue: TASK_QUEUE,
    workflows: [capturePokemon, sequentialSteps],
    activities,
    maxConcurrentWorkflows: Math.max(1000, maxConcurrentWorkflows),
    maxConcurrentActivities: Math.max(1000, maxConcurrentWorkflows),
  });
}

/**
 * Opens a fresh store of `target` (a SQLite file in a new temp dir, or a new PostgreSQL schema)
 * and starts the workers: without `processes`, one worker in this process; with them, none here
 * (this process only starts workflows and waits for results) and one in each worker process,
 * which this resolves only once all are polling (and, on PostgreSQL, once every store listens for
 * wake-ups).
 */
export async function openEngine(
  target: StoreTarget,
  maxConcurrentWorkflows: number,
  processes?: WorkerProcesses,
): Promise<BenchEngine> {
  const store = freshStore(target);
  const durability = target.kind === 'sqlite' ? { durability: target.durability } : {};
  let baton: Baton;
  try {
    baton = await Baton.open(store.url, durability);
  } catch (err) {
    await store.remove();
    throw err;
  }
  let running: Promise<void> | undefined;
  let unsubscribe: (() => void) | undefined;
  const close = async (): Promise<void> => {
    try {
      await processes?.closeAll();
      unsubscribe?.();
      await baton.close();
      await running;
    } finally {
      await store.remove();
    }
  };
  try {
    if (processes === undefined) {
      running = benchWorker(baton, maxConcurrentWorkflows).run();
    } else {
      // The client's wake-ups (closes made by the worker processes) need this store's listener.
      unsubscribe = baton.store.subscribe(() => undefined);
      await processes.openAll(store.url, target, maxConcurrentWorkflows);
      if (target.kind === 'postgres')
        await waitForListeners(target.baseUrl, store.schema!, processes.count + 1);
    }
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
  return { baton, close };
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
