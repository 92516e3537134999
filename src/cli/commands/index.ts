/**
 * The client commands of `baton`: start, list, describe (show), history, result, signal, query,
 * update, cancel, terminate, reset, and `schedule …`. They talk to the store directly (`--store
 * URL`, env BATON_STORE); queries and updates need a worker running on that store (`baton dev`,
 * `baton worker`).
 */
import type { Command, Option } from 'commander';
import { registerCancel, registerTerminate } from './cancel.js';
import { registerDescribe } from './describe.js';
import { registerHistory } from './history.js';
import { registerList } from './list.js';
import { registerMessages } from './messages.js';
import { registerReset } from './reset.js';
import { registerResult } from './result.js';
import { registerSchedule } from './schedule.js';
import { registerStart } from './start.js';

const EXIT_CODES = `
Exit codes:
  0    success
  1    the workflow failed, was cancelled, terminated or timed out (result, start --wait), or an
       update or query handler failed
  2    bad usage: unknown option or command, malformed --input JSON or --query, an unknown (or
       already closed) workflow execution, an unknown schedule (or a schedule id already taken),
       an unusable store, no worker answering a query
  130  interrupted (Ctrl-C)

The client commands (start, list, describe, history, result, signal, query, update, cancel,
terminate, reset, and schedule list|describe|create|pause|unpause|trigger|backfill|delete) print
lines or a table for people, and one JSON document with --json. They work on the store (--store
URL, else BATON_STORE, else sqlite:./.baton/baton.db); a worker on it (baton dev, baton worker)
runs the workflows and the schedules, and answers queries and updates. See docs/cli.md.`;

/**
 * Registers the client commands on `program`; each action reports its exit code through
 * `setExit`. `storeOption` makes a fresh `--store` option for each command.
 *
 * @example
 * registerClientCommands(program, storeOption, (code) => (exitCode = code));
 */
export function registerClientCommands(
  program: Command,
  storeOption: () => Option,
  setExit: (code: number) => void,
): void {
  const deps = { storeOption, setExit };
  registerStart(program, deps);
  registerList(program, deps);
  registerDescribe(program, deps);
  registerHistory(program, deps);
  registerResult(program, deps);
  registerMessages(program, deps);
  registerCancel(program, deps);
  registerTerminate(program, deps);
  registerReset(program, deps);
  registerSchedule(program, deps);
  program.addHelpText('after', EXIT_CODES);
}
