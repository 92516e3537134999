/**
 * `--count-statements` also measures where the CPU goes during a workload: the bench process (and
 * each worker process) from `process.cpuUsage()`, and the PostgreSQL backends serving the bench's
 * stores from `/proc/PID/schedstat` (nanoseconds on CPU; the server is local). The bench's
 * connections are the ones whose `application_name` is {@link BENCH_APPLICATION_NAME}. Only
 * backends count: the WAL writer, checkpointer and other sessions' backends are not the bench's.
 */
import { readFileSync } from 'node:fs';
import { withServer } from './stores.js';

/** The `application_name` of the bench's PostgreSQL connections. */
export const BENCH_APPLICATION_NAME = 'baton-bench';

/** CPU time on each bench backend, ms, by pid. */
export type BackendCpu = Map<number, number>;

/** The CPU time so far of each backend of the bench's connections (an unreadable one is left out). */
export async function backendCpu(baseUrl: string): Promise<BackendCpu> {
  const { rows } = await withServer(baseUrl, (c) =>
    c.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [
      BENCH_APPLICATION_NAME,
    ]),
  );
  const out: BackendCpu = new Map();
  for (const { pid } of rows) {
    try {
      out.set(pid, Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6);
    } catch {
      // Not on this machine, or gone.
    }
  }
  return out;
}

/** CPU ms the backends used between two readings (a backend new since `before` counts from 0). */
export function backendCpuSince(before: BackendCpu, after: BackendCpu): number {
  let ms = 0;
  for (const [pid, now] of after) ms += now - (before.get(pid) ?? 0);
  return ms;
}

/** A reading of this process's CPU clocks. */
export interface CpuMark {
  usage: NodeJS.CpuUsage;
  /** CPU ms of the main thread (the event loop) so far; NaN where /proc is missing. */
  mainThreadMs: number;
}

/** What this process used since a mark: all threads, in the kernel, and on the main thread (ms). */
export interface CpuSpent {
  cpuMs: number;
  systemMs: number;
  mainThreadMs: number;
}

function mainThreadMs(): number {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return Number.NaN;
  }
}

/** Reads this process's CPU clocks. */
export function cpuMark(): CpuMark {
  return { usage: process.cpuUsage(), mainThreadMs: mainThreadMs() };
}

/**
 * CPU this process used since `since`: all threads (the main thread, V8's GC and compiler
 * helpers, libuv), of which in the kernel, and the main thread alone.
 */
export function cpuSince(since: CpuMark): CpuSpent {
  const d = process.cpuUsage(since.usage);
  return {
    cpuMs: (d.user + d.system) / 1000,
    systemMs: d.system / 1000,
    mainThreadMs: mainThreadMs() - since.mainThreadMs,
  };
}
