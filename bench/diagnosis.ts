/**
 * `--count-statements`: what a workload's measured runs cost besides wall time — the statements
 * (round trips) the stores sent, in every process, and the CPU time of the bench process, of the
 * worker processes and of the PostgreSQL backends serving the bench. Summed over the measured
 * runs; reported per workflow (A) or per step (B).
 */
import {
  backendCpu,
  backendCpuSince,
  cpuMark,
  cpuSince,
  type BackendCpu,
  type CpuMark,
} from './cpu-meter.js';
import { mergeCounts, takeStatementCounts, type StatementCounts } from './statement-counter.js';
import type { StoreTarget } from './stores.js';
import type { WorkerProcesses } from './worker-pool.js';

/** CPU ms of some Node processes: all threads, in the kernel, on the main thread (event loop). */
export interface NodeCpu {
  all: number;
  kernel: number;
  mainThread: number;
}

/** The costs of the measured runs, per unit (a workflow for A, a step for B). */
export interface Diagnosis {
  store: StoreTarget['kind'];
  unit: 'workflow' | 'step';
  /** Workflows (A) or steps (B) measured, over all runs. */
  units: number;
  statementsPerUnit: number;
  /** Per statement label, over all runs. */
  statements: StatementCounts;
  wallMsPerUnit: number;
  /** CPU ms per unit: the bench process, the worker processes (together), the PostgreSQL backends. */
  cpuMsPerUnit: { bench: NodeCpu; workerProcesses: NodeCpu | null; backends: number };
}

const zero = (): NodeCpu => ({ all: 0, kernel: 0, mainThread: 0 });

/** Sums the measured windows of a workload. */
export class Diagnoser {
  private readonly statements: StatementCounts = {};
  private units = 0;
  private wallMs = 0;
  private readonly bench = zero();
  private readonly workers = zero();
  private backendsCpuMs = 0;
  private window: { t0: number; cpu: CpuMark; backends: BackendCpu } | undefined;

  constructor(
    private readonly target: StoreTarget,
    private readonly unit: 'workflow' | 'step',
    private readonly processes?: WorkerProcesses,
  ) {}

  /** Starts a measured window (call just before the timer starts). */
  async begin(): Promise<void> {
    const backends =
      this.target.kind === 'postgres' ? await backendCpu(this.target.baseUrl) : new Map<number, number>();
    await this.processes?.takeCounts();
    takeStatementCounts();
    this.window = { t0: performance.now(), cpu: cpuMark(), backends };
  }

  /** Ends the window that measured `units` workflows or steps. */
  async end(units: number): Promise<void> {
    const w = this.window!;
    this.window = undefined;
    this.wallMs += performance.now() - w.t0;
    add(this.bench, cpuSince(w.cpu));
    mergeCounts(this.statements, takeStatementCounts());
    for (const c of (await this.processes?.takeCounts()) ?? []) {
      mergeCounts(this.statements, c.statements);
      add(this.workers, c);
    }
    if (this.target.kind === 'postgres')
      this.backendsCpuMs += backendCpuSince(w.backends, await backendCpu(this.target.baseUrl));
    this.units += units;
  }

  result(): Diagnosis {
    const per = (x: number): number => x / this.units;
    const perCpu = (c: NodeCpu): NodeCpu => ({
      all: per(c.all),
      kernel: per(c.kernel),
      mainThread: per(c.mainThread),
    });
    const calls = Object.values(this.statements).reduce((s, c) => s + c.calls, 0);
    return {
      store: this.target.kind,
      unit: this.unit,
      units: this.units,
      statementsPerUnit: per(calls),
      statements: this.statements,
      wallMsPerUnit: per(this.wallMs),
      cpuMsPerUnit: {
        bench: perCpu(this.bench),
        workerProcesses: this.processes === undefined ? null : perCpu(this.workers),
        backends: per(this.backendsCpuMs),
      },
    };
  }
}

function add(into: NodeCpu, spent: { cpuMs: number; systemMs: number; mainThreadMs: number }): void {
  into.all += spent.cpuMs;
  into.kernel += spent.systemMs;
  into.mainThread += spent.mainThreadMs;
}

/** Lines for people: CPU and wall time per unit, then statements per unit by label. */
export function formatDiagnosis(d: Diagnosis): string {
  const c = d.cpuMsPerUnit;
  const us = (x: number): string => `${(x * 1000).toFixed(0)} µs`;
  const node = (n: NodeCpu): string =>
    `${us(n.all)} (main thread ${us(n.mainThread)}, other threads ${us(n.all - n.mainThread)}; in the kernel ${us(n.kernel)})`;
  const pg = d.store === 'postgres';
  const total = c.bench.all + (c.workerProcesses?.all ?? 0) + c.backends;
  const lines = [
    `  per ${d.unit}: wall ${us(d.wallMsPerUnit)}; CPU ${us(total)}, ${(total / d.wallMsPerUnit).toFixed(2)} CPUs busy on average:`,
    `    bench process      ${node(c.bench)}`,
  ];
  if (c.workerProcesses !== null) lines.push(`    worker processes   ${node(c.workerProcesses)} (together)`);
  if (!pg) return [...lines, '  (SQLite runs in-process: no round trips to count)'].join('\n');
  lines.push(`    PostgreSQL backends ${us(c.backends)}`);
  const entries = Object.entries(d.statements).sort((x, y) => y[1].calls - x[1].calls);
  lines.push(`  ${d.statementsPerUnit.toFixed(3)} statements (round trips) per ${d.unit}:`);
  for (const [label, v] of entries) {
    lines.push(
      `  ${(v.calls / d.units).toFixed(3).padStart(8)}  ${v.calls.toString().padStart(6)} calls  ${(v.ms / v.calls).toFixed(2).padStart(7)} ms/call (client-side)  ${label}`,
    );
  }
  return lines.join('\n');
}
