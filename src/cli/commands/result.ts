/**
 * `baton result ID [--run-id R]`: waits for the execution to close and prints its result; exit 1
 * (with the failure and its causes) when it failed, was cancelled, terminated or timed out.
 */
import type { Command } from 'commander';
import type { Baton } from '../../index.js';
import { awaitOutcome } from './outcome.js';
import { idArgument, jsonOption, runIdOption, str, type Opts } from './options.js';
import { action, INTERRUPT, interruptible, stoppedWaiting, withClient, type CommandDeps } from './session.js';

const HELP = `
Waits as long as the execution runs (Ctrl-C stops waiting: exit 130, the execution goes on), then
prints the result as JSON. When it did not complete, the failure and its causes go to stderr and
the exit code is 1. A run followed by another (workflow retry policy) is followed to the last.

Examples:
  baton result capture-1
  baton result capture-1 --json`;

/** Registers `baton result`. */
export function registerResult(program: Command, deps: CommandDeps): void {
  program
    .command('result')
    .description('wait for a workflow execution to close and print its result (exit 1 if it failed)')
    .addArgument(idArgument())
    .addOption(runIdOption())
    .addOption(jsonOption())
    .addOption(deps.storeOption())
    .addHelpText('after', HELP)
    .action(
      action(deps, (id: string, opts: Opts) => withClient(String(opts.store), (b) => result(b, id, opts))),
    );
}

async function result(baton: Baton, workflowId: string, opts: Opts): Promise<number> {
  const handle = baton.client.getHandle(workflowId, str(opts, 'runId'));
  const ending = await interruptible(awaitOutcome(baton, handle));
  if (ending === INTERRUPT) return stoppedWaiting(workflowId);
  return ending.report(opts.json === true);
}
