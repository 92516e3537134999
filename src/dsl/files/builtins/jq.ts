/**
 * `baton.jq`: a jq program run by jq itself, compiled to WebAssembly (the `jq-web` package), so
 * that every jq feature (`//`, `as $x`, `index`, `reduce` …) behaves as the `jq` command's.
 *
 * jq runs in a worker thread of its own: a program that never ends (`until(false; .)`) cannot be
 * interrupted inside WebAssembly, so the thread is stopped at the time limit instead, and the
 * worker's event loop (heartbeats, other activities, workflow tasks) never waits on jq.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { ApplicationFailure } from '../../../common/failures.js';
import { BUILTIN_FAILURE, type JqArg, type JqResult } from './types.js';

/** Default time limit of one jq program, in ms. */
export const JQ_DEFAULT_TIMEOUT_MS = 5000;

/** Options of {@link runJq} and {@link createJqActivity}. */
export interface JqOptions {
  /** Time limit of one program, in ms (the thread's start-up not counted). @default 5000 */
  timeoutMs?: number;
}

/**
 * The thread's code (CommonJS): loads jq-web, answers `{ input, query }` with jq's standard
 * output, or with jq's error. jq-web's runtime sets `process.exitCode` when jq exits non-zero:
 * it is the thread's own, and put back anyway.
 */
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
require(workerData.jqPath).then((jq) => {
  parentPort.on('message', ({ input, query }) => {
    const exitCode = process.exitCode;
    try {
      parentPort.postMessage({ ok: true, output: jq.raw(input, query, ['-c']) ?? '' });
    } catch (error) {
      parentPort.postMessage({ ok: false, message: String(error && error.message), stderr: error && error.stderr });
    } finally {
      process.exitCode = exitCode;
    }
  });
  parentPort.postMessage({ ready: true });
});
`;

/** What the thread answers. */
type ThreadAnswer =
  { ready: true } | { ok: true; output: string } | { ok: false; message: string; stderr?: unknown };

/** jq's failure, as the thread reported it. */
class JqProgramError extends Error {
  constructor(readonly detail: string) {
    super(detail);
  }
}

/** The jq thread: started on first use, one program at a time, restarted after a stop. */
class JqThread {
  private worker: Worker | undefined;
  private ready: Promise<Worker> | undefined;
  private onAnswer: ((answer: ThreadAnswer) => void) | undefined;
  private onStop: ((error: Error) => void) | undefined;
  private tail: Promise<unknown> = Promise.resolve();

  /** jq's output for `query` on the JSON text `input`, programs run in call order. */
  run(input: string, query: string, timeoutMs: number): Promise<string> {
    const next = this.tail.then(() => this.runNow(input, query, timeoutMs));
    this.tail = next.catch(() => undefined);
    return next;
  }

  private async runNow(input: string, query: string, timeoutMs: number): Promise<string> {
    const worker = await this.start();
    // Held (ref'd) while a program runs; an idle jq thread must not keep the process alive.
    worker.ref();
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.stop();
        reject(new JqProgramError(`ran past its ${timeoutMs} ms limit`));
      }, timeoutMs);
      const settle = (): void => {
        clearTimeout(timer);
        worker.unref();
        this.onAnswer = this.onStop = undefined;
      };
      this.onAnswer = (answer) => {
        settle();
        if ('ok' in answer && answer.ok) resolve(answer.output);
        else if ('ok' in answer)
          reject(new JqProgramError(`failed: ${jqMessage(answer.message, answer.stderr)}`));
      };
      this.onStop = (error) => {
        settle();
        reject(new JqProgramError(`failed: jq stopped (${error.message})`));
      };
      worker.postMessage({ input, query });
    });
  }

  private start(): Promise<Worker> {
    this.ready ??= new Promise<Worker>((resolve, reject) => {
      const jqPath = createRequire(import.meta.url).resolve('jq-web');
      const worker = new Worker(THREAD_SOURCE, { eval: true, workerData: { jqPath } });
      this.worker = worker;
      worker.on('message', (answer: ThreadAnswer) => {
        if ('ready' in answer) resolve(worker);
        else this.onAnswer?.(answer);
      });
      const stopped = (error: Error): void => {
        if (this.worker !== worker) return;
        this.worker = this.ready = undefined;
        reject(error);
        this.onStop?.(error);
      };
      worker.on('error', stopped);
      worker.on('exit', (code) => stopped(new Error(`its thread exited with code ${code}`)));
    });
    return this.ready;
  }

  private stop(): void {
    const worker = this.worker;
    this.worker = this.ready = undefined;
    void worker?.terminate();
  }
}

const thread = new JqThread();

function jqError(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, BUILTIN_FAILURE.jq);
}

/**
 * Runs `arg.query` on `arg.input` (as `jq -c`), as Conductor's JSON_JQ_TRANSFORM.
 *
 * @returns `{ result, resultList }`: the first output (`null` when there is none) and every
 *   output in order.
 * @throws ApplicationFailure `JqError`, not retryable, whose message quotes the query and jq's
 *   own error (a compile error with its line, or a runtime error such as
 *   `Cannot index number with "b"`), or says it ran past `options.timeoutMs` (default 5000).
 * @example
 * await runJq({ query: '.items | map(.id)', input: { items: [{ id: 1 }] } }); // { result: [1], resultList: [[1]] }
 */
export async function runJq(arg: JqArg, options: JqOptions = {}): Promise<JqResult> {
  if (typeof arg?.query !== 'string' || arg.query.trim() === '') {
    throw jqError(`baton.jq: 'query' must be a non-empty jq program (got ${JSON.stringify(arg?.query)})`);
  }
  const input = JSON.stringify(arg.input ?? null);
  let output: string;
  try {
    output = await thread.run(input, arg.query, options.timeoutMs ?? JQ_DEFAULT_TIMEOUT_MS);
  } catch (error) {
    const detail = error instanceof JqProgramError ? error.detail : `failed: ${String(error)}`;
    throw jqError(`jq query ${quote(arg.query)} ${detail}`);
  }
  const resultList = output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as unknown);
  return { result: resultList.length === 0 ? null : resultList[0], resultList };
}

/** The `baton.jq` activity: {@link runJq} with `options`. */
export function createJqActivity(options: JqOptions = {}): (arg: JqArg) => Promise<JqResult> {
  return (arg) => runJq(arg, options);
}

/** jq's own words from its stderr, without jq-web's `Non-zero exit code` preamble and input file name. */
function jqMessage(message: string, stderr: unknown): string {
  const text = typeof stderr === 'string' && stderr.trim() !== '' ? stderr : message;
  return text
    .split('\n')
    .filter((line) => !line.startsWith('Non-zero exit code'))
    .map((line) => line.replace(/ \(at (inputString:\d+|<unknown>)\)/, '').trim())
    .filter((line) => line !== '')
    .join('; ');
}

function quote(query: string): string {
  const oneLine = query.replace(/\s+/g, ' ').trim();
  return `'${oneLine.length > 120 ? `${oneLine.slice(0, 117)}...` : oneLine}'`;
}
