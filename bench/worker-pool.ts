import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CpuSpent } from './cpu-meter.js';
import type { StatementCounts } from './statement-counter.js';
import type { StoreTarget } from './stores.js';
import type { FromWorkerProcess, ToWorkerProcess } from './worker-process.js';

const SCRIPT = fileURLToPath(new URL('./worker-process.js', import.meta.url));

/** How long a worker process may take to open a store or to close it. */
const ANSWER_TIMEOUT_MS = 30_000;

interface Member {
  proc: ChildProcess;
  /** The answers not yet taken, and whoever waits for the next one. */
  answers: FromWorkerProcess[];
  waiting: ((m: FromWorkerProcess) => void) | undefined;
  exited: boolean;
}

/**
 * `--worker-processes N`: N child processes (`node --expose-gc dist/bench/worker-process.js`), each
 * running one worker on the bench task queue, told over IPC which fresh store to work on. They
 * live for one workload (warm-up and every measured run), so they stay JIT-warm as the in-process
 * worker does.
 */
export class WorkerProcesses {
  private readonly members: Member[] = [];
  /** Peak RSS of each worker process (its `maxRSS` at its last close), MiB. */
  readonly maxRssMb: number[] = [];

  constructor(
    readonly count: number,
    countStatements = false,
  ) {
    for (let i = 0; i < count; i++) {
      const proc = spawn(process.execPath, ['--expose-gc', SCRIPT], {
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
        env: { ...process.env, BATON_BENCH_COUNT_STATEMENTS: countStatements ? '1' : '0' },
      });
      const member: Member = { proc, answers: [], waiting: undefined, exited: false };
      proc.on('message', (m: FromWorkerProcess) => {
        const w = member.waiting;
        member.waiting = undefined;
        if (w !== undefined) w(m);
        else member.answers.push(m);
      });
      proc.on('exit', (code, signal) => {
        member.exited = true;
        const w = member.waiting;
        member.waiting = undefined;
        w?.({ op: 'error', pid: proc.pid ?? 0, message: `exited (code ${code}, signal ${signal})` });
      });
      this.members.push(member);
    }
  }

  /** Every worker process opens `url` and runs its worker; resolves once all are ready. */
  async openAll(url: string, target: StoreTarget, maxConcurrentWorkflows: number): Promise<void> {
    const message: ToWorkerProcess = { op: 'open', url, maxConcurrentWorkflows };
    if (target.kind === 'sqlite') message.durability = target.durability;
    await Promise.all(this.members.map((m) => this.ask(m, message, 'ready')));
  }

  /** Every worker process shuts its worker down and closes its store. */
  async closeAll(): Promise<void> {
    const answers = await Promise.all(this.members.map((m) => this.ask(m, { op: 'close' }, 'closed')));
    answers.forEach((a, i) => {
      if (a.op === 'closed') this.maxRssMb[i] = a.maxRssMb;
    });
  }

  /**
   * The statements each worker process's store sent (empty unless the processes were started
   * counting), and the CPU ms each used, since the last call.
   */
  async takeCounts(): Promise<({ statements: StatementCounts } & CpuSpent)[]> {
    const answers = await Promise.all(this.members.map((m) => this.ask(m, { op: 'counts' }, 'counts')));
    return answers.map((a) =>
      a.op === 'counts' ? a : { statements: {}, cpuMs: 0, systemMs: 0, mainThreadMs: 0 },
    );
  }

  /** Ends the worker processes (they close their store first if one is open). */
  async end(): Promise<void> {
    await Promise.all(
      this.members.map(
        (m) =>
          new Promise<void>((resolve) => {
            if (m.exited) return resolve();
            m.proc.once('exit', () => resolve());
            m.proc.disconnect();
          }),
      ),
    );
  }

  private async ask(
    member: Member,
    message: ToWorkerProcess,
    expected: FromWorkerProcess['op'],
  ): Promise<FromWorkerProcess> {
    if (member.exited) throw new Error(`bench worker process ${member.proc.pid} has exited`);
    member.proc.send(message);
    const answer = await new Promise<FromWorkerProcess>((resolve, reject) => {
      const queued = member.answers.shift();
      if (queued !== undefined) return resolve(queued);
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `bench worker process ${member.proc.pid}: no '${expected}' after ${ANSWER_TIMEOUT_MS} ms`,
            ),
          ),
        ANSWER_TIMEOUT_MS,
      );
      member.waiting = (m) => {
        clearTimeout(timer);
        resolve(m);
      };
    });
    if (answer.op !== expected) {
      const detail = answer.op === 'error' ? answer.message : JSON.stringify(answer);
      throw new Error(`bench worker process ${member.proc.pid}: ${detail}`);
    }
    return answer;
  }
}
