/**
 * One bench worker process: a worker on the bench task queue (the capture and sequential-steps
 * workflows and their no-op activities), as `--worker-processes N` starts N of them.
 *
 *   node --expose-gc dist/bench/worker-process.js URL   # a worker on URL until SIGTERM/SIGINT
 *
 * Started by the bench (with an IPC channel), it also obeys messages, so one process serves the
 * warm-up and every measured run (each on a fresh store) and stays JIT-warm, as the in-process
 * worker does:
 * - `{ op: 'open', url, durability?, maxConcurrentWorkflows }` → closes the current store if any,
 *   opens `url`, runs a worker, answers `{ op: 'ready' }`;
 * - `{ op: 'close' }` → shuts the worker down, closes the store, answers `{ op: 'closed', maxRssMb }`;
 * - `{ op: 'counts' }` → answers `{ op: 'counts', statements, cpuMs, systemMs,
 *   mainThreadMs }`: the statements its store sent (with `BATON_BENCH_COUNT_STATEMENTS=1`; empty
 *   otherwise) and the CPU time it used (all threads, in the kernel, the main thread) since the
 *   last `counts`.
 * It exits when the channel closes (the bench ended or died). `BATON_BENCH_COUNT_STATEMENTS=1`
 * counts the store's statements (see statement-counter.ts).
 */
import { Baton } from '../src/index.js';
import { cpuMark, cpuSince, type CpuSpent } from './cpu-meter.js';
import { benchWorker } from './engine.js';
import { processMaxRssMb } from './engine.js';
import type { Durability } from './stores.js';
import { installStatementCounter, takeStatementCounts, type StatementCounts } from './statement-counter.js';

/** What the bench sends a worker process. */
export type ToWorkerProcess =
  | { op: 'open'; url: string; durability?: Durability; maxConcurrentWorkflows: number }
  | { op: 'close' }
  | { op: 'counts' };

/** What a worker process answers. */
export type FromWorkerProcess =
  | { op: 'ready'; pid: number }
  | { op: 'closed'; pid: number; maxRssMb: number }
  | ({ op: 'counts'; pid: number; statements: StatementCounts } & CpuSpent)
  | { op: 'error'; pid: number; message: string };

const counting = process.env.BATON_BENCH_COUNT_STATEMENTS === '1';
if (counting) installStatementCounter();

let current: { baton: Baton; running: Promise<void> } | undefined;
let mark = cpuMark();

async function open(
  url: string,
  durability: Durability | undefined,
  maxConcurrentWorkflows: number,
): Promise<void> {
  await close();
  const baton = await Baton.open(url, durability === undefined ? {} : { durability });
  const running = benchWorker(baton, maxConcurrentWorkflows).run();
  current = { baton, running };
}

async function close(): Promise<void> {
  const c = current;
  current = undefined;
  if (c === undefined) return;
  await c.baton.close();
  await c.running;
}

function send(message: FromWorkerProcess): void {
  process.send?.(message);
}

async function onMessage(m: ToWorkerProcess): Promise<void> {
  try {
    if (m.op === 'open') {
      await open(m.url, m.durability, m.maxConcurrentWorkflows);
      send({ op: 'ready', pid: process.pid });
    } else if (m.op === 'close') {
      await close();
      send({ op: 'closed', pid: process.pid, maxRssMb: processMaxRssMb() });
    } else {
      send({
        op: 'counts',
        pid: process.pid,
        statements: takeStatementCounts(),
        ...cpuSince(mark),
      });
      mark = cpuMark();
    }
  } catch (err) {
    send({
      op: 'error',
      pid: process.pid,
      message: err instanceof Error ? (err.stack ?? err.message) : String(err),
    });
  }
}

// Messages are handled one at a time, in order.
let chain = Promise.resolve();
process.on('message', (m: ToWorkerProcess) => {
  chain = chain.then(() => onMessage(m));
});
process.on('disconnect', () => {
  chain = chain.then(() => close()).finally(() => process.exit(0));
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    chain = chain.then(() => close()).finally(() => process.exit(0));
  });
}

const url = process.argv[2];
if (url !== undefined) {
  chain = chain.then(async () => {
    await open(url, undefined, 1000);
    console.log(`bench worker process ${process.pid} on ${url}, task queue bench: ready`);
  });
} else if (process.send === undefined) {
  console.error('usage: node --expose-gc dist/bench/worker-process.js URL');
  process.exitCode = 2;
}
