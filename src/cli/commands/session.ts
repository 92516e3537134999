/**
 * What every client command does around its work: open the store, run, close it, and turn the
 * errors it met into an exit code and one or a few lines on stderr (see `exit-codes.ts`).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Option } from 'commander';
import { Baton, silentLogger } from '../../index.js';
import { err, ExitCode } from '../output.js';
import { errorExit, UsageError } from './exit-codes.js';

/** What `registerClientCommands` hands to each command. */
export interface CommandDeps {
  /** A fresh `--store` option (env BATON_STORE, default sqlite:./.baton/baton.db). */
  storeOption: () => Option;
  /** Reports the command's exit code. */
  setExit: (code: number) => void;
}

/** Options of {@link withClient}. */
export interface SessionOptions {
  /** Create the SQLite file when it does not exist (only `start` does). @default false */
  create?: boolean;
}

/**
 * Opens the store at `url`, runs `run` on it and closes it. Returns `run`'s exit code, or the exit
 * code of the error it threw (printed to stderr); an unexpected error is rethrown.
 */
export async function withClient(
  url: string,
  run: (baton: Baton) => Promise<number>,
  options: SessionOptions = {},
): Promise<number> {
  let baton: Baton | undefined;
  try {
    if (options.create !== true) checkStoreExists(url);
    baton = await Baton.open(url, { logger: silentLogger });
    return await run(baton);
  } catch (error) {
    const exit = errorExit(error);
    if (exit === undefined) throw error;
    for (const line of exit.lines) err(line);
    return exit.code;
  } finally {
    await baton?.close();
  }
}

/** Runs a client command's action: its exit code goes to `setExit`. */
export function action<A extends unknown[]>(
  deps: CommandDeps,
  fn: (...args: A) => Promise<number>,
): (...args: A) => Promise<void> {
  return async (...args: A) => deps.setExit(await fn(...args));
}

/**
 * Refuses a `sqlite:` store file that does not exist: a client command on it would create an
 * empty store and find nothing.
 */
function checkStoreExists(url: string): void {
  if (!url.startsWith('sqlite:')) return;
  const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
  if (path === ':memory:' || path === '' || existsSync(path)) return;
  throw new UsageError(
    `store ${url} not found (no file at ${resolve(path)}); expected the store of a running \`baton dev\` or \`baton worker\`: name it with --store or BATON_STORE`,
  );
}

/** What {@link interruptible} resolves with on Ctrl-C. */
export const INTERRUPT: unique symbol = Symbol('interrupted');

/** Resolves with {@link INTERRUPT} on the first SIGINT (Ctrl-C) while `work` runs, else with its value. */
export async function interruptible<T>(work: Promise<T>): Promise<T | typeof INTERRUPT> {
  let onSigint: () => void = () => {};
  const interrupted = new Promise<typeof INTERRUPT>((resolve) => (onSigint = () => resolve(INTERRUPT)));
  process.once('SIGINT', onSigint);
  try {
    return await Promise.race([work, interrupted]);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** The exit code of Ctrl-C. */
export const INTERRUPTED = ExitCode.INTERRUPTED;

/** Says that Ctrl-C stopped the wait for `workflowId`, not the execution; returns 130. */
export function stoppedWaiting(workflowId: string): number {
  err(
    `baton: stopped waiting (Ctrl-C); workflow execution ${workflowId} goes on: baton result ${workflowId} waits again`,
  );
  return INTERRUPTED;
}
