/**
 * `baton worker` child processes, as a demo runs them (`baton demo capture --distributed`): started
 * from this same CLI (same Node.js, same flags, e.g. a TypeScript loader), ready once each has
 * printed its ready line, watched while the demo runs, and stopped with SIGTERM at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { WorkflowHandle } from '../index.js';
import type { Ending } from './demo-runner.js';
import { err, out } from './output.js';

/** How long a worker process may take to print its ready line, and to exit after SIGTERM. */
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;
/** How often {@link watchBlocked} looks at the execution. */
const BLOCKED_CHECK_MS = 500;

/** What to run: `baton worker --module MODULE --task-queue TASKQUEUE --name NAME`. */
export interface WorkerProcessSpec {
  name: string;
  /** The module's absolute path. */
  module: string;
  taskQueue: string;
}

/** One worker process and all it printed. */
export interface WorkerProcess {
  name: string;
  taskQueue: string;
  proc: ChildProcess;
  stdout: string;
  stderr: string;
  /** Its identity (`pid@host/NAME-xxxxxxxx`) and what it runs, from its ready line. */
  identity?: string;
  runs?: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `node [this process's flags] MAIN worker …` on `store`, with `env` added to ours. */
export function startWorkerProcess(
  spec: WorkerProcessSpec,
  main: string,
  store: string,
  env: NodeJS.ProcessEnv,
): WorkerProcess {
  const args = ['worker', '--module', spec.module, '--task-queue', spec.taskQueue, '--store', store];
  const proc = spawn(process.execPath, [...process.execArgv, main, ...args, '--name', spec.name], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const p: WorkerProcess = {
    name: spec.name,
    taskQueue: spec.taskQueue,
    proc,
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal }))),
  };
  proc.stdout?.on('data', (d: Buffer) => (p.stdout += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (p.stderr += d.toString()));
  proc.on('error', (e) => (p.stderr += `${e.message}\n`));
  return p;
}

/** True once the process has exited. */
export function isGone(w: WorkerProcess): boolean {
  return w.proc.exitCode !== null || w.proc.signalCode !== null;
}

/**
 * Waits for every worker's ready line (`worker ID on task queue Q, store URL: workflows …`);
 * returns the first worker that exited, or printed nothing in time, instead.
 */
export async function waitUntilReady(workers: WorkerProcess[]): Promise<WorkerProcess | undefined> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    let waiting = false;
    for (const w of workers) {
      if (w.identity !== undefined) continue;
      const m = /^worker (\S+) on task queue \S+, store .*?: (workflows .*)$/m.exec(w.stdout);
      if (m !== null) [w.identity, w.runs] = [m[1]!, m[2]!];
      else if (isGone(w) || Date.now() > deadline) return w;
      else waiting = true;
    }
    if (!waiting) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The last `n` lines of what `w` wrote to stderr, indented, to stderr. */
function printStderrTail(w: WorkerProcess, n: number): void {
  for (const line of w.stderr.trimEnd().split('\n').slice(-n)) if (line !== '') err(`  ${line}`);
}

/** Says why `w` is not ready: it exited (with its stderr), or printed no ready line in time. */
export function reportNotReady(w: WorkerProcess): void {
  const how = isGone(w)
    ? `exited (${w.proc.exitCode ?? w.proc.signalCode}) before it was ready`
    : `printed no ready line within ${READY_TIMEOUT_MS / 1000} s`;
  err(`baton: the ${w.name} worker (pid ${w.proc.pid ?? '?'}) ${how}`);
  printStderrTail(w, 20);
}

/** Settles as failed when one of the workers exits (they should run until stopped). */
export function anyExited<R>(workers: WorkerProcess[]): Promise<Ending<R>> {
  return Promise.race(
    workers.map((w) =>
      w.exited.then(({ code, signal }): Ending<R> => {
        const detail = w.stderr.trimEnd().split('\n').slice(-5).join('\n');
        const error = new Error(
          `the ${w.name} worker (pid ${w.proc.pid ?? '?'}) exited (${code ?? signal}) while the workflow ran${detail === '' ? '' : `:\n${detail}`}`,
        );
        return { kind: 'failed', error };
      }),
    ),
  );
}

/**
 * Settles as blocked once the execution's workflow task has failed (the workflow's worker runs in
 * another process, so its hooks are out of reach): the execution stays open and its task is
 * retried, so a demo stops waiting and says why. `stop()` ends the checks.
 */
export function watchBlocked<R>(handle: WorkflowHandle<R>): {
  ending: Promise<Ending<R>>;
  stop(): Promise<void>;
} {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let checking: Promise<void> = Promise.resolve();
  let settle: (ending: Ending<R>) => void = () => {};
  const ending = new Promise<Ending<R>>((resolve) => (settle = resolve));
  const check = async (): Promise<void> => {
    try {
      const d = await handle.describe();
      const failure = d.workflowTaskFailure;
      if (d.status === 'RUNNING' && failure !== undefined) {
        const message = `the workflow task failed (attempt ${failure.attempt}): ${failure.message}`;
        settle({ kind: 'blocked', error: new Error(message) });
        return;
      }
    } catch {
      // A busy store: the next check tries again.
    }
    if (!stopped) schedule();
  };
  const schedule = (): void => {
    timer = setTimeout(() => {
      checking = check();
    }, BLOCKED_CHECK_MS);
  };
  schedule();
  return {
    ending,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await checking;
    },
  };
}

/**
 * Sends SIGTERM to each worker still running and waits for all (SIGKILL after 15 s); false when
 * one did not exit cleanly. After Ctrl-C, a worker that got the SIGINT too exits at once on the
 * SIGTERM that follows (130 or 143): that counts as clean.
 */
export async function stopWorkerProcesses(
  workers: WorkerProcess[],
  o: { json: boolean; interrupted: boolean },
): Promise<boolean> {
  const running = workers.filter((w) => !isGone(w));
  if (!o.json && running.length > 0) {
    out();
    out(`Stopping the ${running.length} worker processes (SIGTERM)`);
  }
  for (const w of running) w.proc.kill('SIGTERM');
  const clean = await Promise.all(running.map((w) => stopped(w, o.interrupted)));
  const all = clean.every(Boolean);
  if (!o.json && all && running.length > 0) out('  all stopped');
  return all;
}

async function stopped(w: WorkerProcess, interrupted: boolean): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>(
    (resolve) => (timer = setTimeout(resolve, STOP_TIMEOUT_MS, 'timeout')),
  );
  const result = await Promise.race([w.exited, timeout]);
  clearTimeout(timer);
  if (result === 'timeout') {
    w.proc.kill('SIGKILL');
    await w.exited;
    err(
      `baton: the ${w.name} worker (pid ${w.proc.pid ?? '?'}) did not stop within ${STOP_TIMEOUT_MS / 1000} s: killed`,
    );
    return false;
  }
  if (result.code === 0 || (interrupted && (result.code === 130 || result.code === 143))) return true;
  err(`baton: the ${w.name} worker (pid ${w.proc.pid ?? '?'}) exited with ${result.code ?? result.signal}`);
  printStderrTail(w, 10);
  return false;
}
