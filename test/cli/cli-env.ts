/**
 * One store and one worker per test file for the client commands: a temp SQLite file, a worker in
 * the test process running test/fixtures/cli-workflows.ts on the task queue `baton start` uses by
 * default (`baton-dev`), and `baton …` as a real child process on that file.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { DEFAULT_TASK_QUEUE } from '../../src/cli/commands/start.js';
import { Baton, silentLogger } from '../../src/index.js';
import { activities, workflows } from '../fixtures/cli-workflows.js';
import { runBaton, tempStore, type Exit } from '../support/cli.js';

/**
 * Timeout of a test that runs `baton` children: each one starts Node with tsx (a second or more on
 * a busy machine), and the tests of a file run them concurrently.
 */
export const CLI_TIMEOUT_MS = 120_000;

/** The store, its Baton (client and worker) and a runner of `baton ARGS --store URL`. */
export interface CliEnv {
  file: string;
  url: string;
  baton: Baton;
  /** Runs `baton ARGS --store URL` and waits for its exit. */
  run(...args: string[]): Promise<Exit>;
}

/** The task queue of the worker (and of `baton start` without --task-queue). */
export const QUEUE = DEFAULT_TASK_QUEUE;

/** Opens the file's store and worker before its tests, closes them after. */
export function useCliEnv(prefix: string): CliEnv {
  const file = tempStore(prefix);
  const env = { file, url: `sqlite:${file}` } as CliEnv;
  let running: Promise<void> | undefined;
  env.run = (...args) => runBaton([...args, '--store', env.url]);
  beforeAll(async () => {
    env.baton = await Baton.open(env.url, { logger: silentLogger });
    const worker = env.baton.worker({
      taskQueue: DEFAULT_TASK_QUEUE,
      workflows,
      activities,
      pollInterval: 20,
      identity: 'cli-test',
    });
    running = worker.run();
  });
  afterAll(async () => {
    await env.baton?.close();
    await running;
  });
  return env;
}

/** Asserts a clean exit 0 and returns stdout. */
export function ok(exit: Exit): string {
  expect(exit.stderr, `stdout: ${exit.stdout}`).toBe('');
  expect(exit.code, exit.stderr).toBe(0);
  return exit.stdout;
}

/** Asserts exit 0 and one JSON document on stdout, and returns it. */
export function okJson<T = Record<string, unknown>>(exit: Exit): T {
  const lines = ok(exit).trim().split('\n');
  expect(lines, exit.stdout).toHaveLength(1);
  return JSON.parse(lines[0]!) as T;
}

/** Asserts exit `code` with exactly one line on stderr, nothing on stdout; returns the line. */
export function oneErrorLine(exit: Exit, code = 2): string {
  expect(exit.code, `stdout: ${exit.stdout}\nstderr: ${exit.stderr}`).toBe(code);
  expect(exit.stdout).toBe('');
  const lines = exit.stderr.trimEnd().split('\n');
  expect(lines, exit.stderr).toHaveLength(1);
  return lines[0]!;
}
