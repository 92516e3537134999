/**
 * `baton cancel ID [--reason R]` and `baton terminate ID --reason R`: stopping a running execution,
 * politely (the workflow sees a CancelledFailure and may clean up) or at once.
 */
import { type Command, Option } from 'commander';
import type { Baton } from '../../index.js';
import { jsonText, out } from '../output.js';
import { idArgument, jsonOption, nonEmpty, runIdOption, str, type Opts } from './options.js';
import { action, withClient, type CommandDeps } from './session.js';

const CANCEL_HELP = `
Cancellation is a request: the workflow sees a CancelledFailure at its next await, may clean up
(compensations), and usually ends CANCELED. The request is stored at once; the worker running the
execution delivers it. Use \`baton result ID\` to wait for the end.

Example:
  baton cancel capture-1 --reason "Mewtwo fled"`;

const TERMINATE_HELP = `
WorkflowExecutionTerminated is appended with the reason; running activities are abandoned and no
compensation runs. Prefer \`baton cancel\` when the workflow should clean up.

Example:
  baton terminate capture-1 --reason "stuck on a bug, fixed in v2"`;

function reasonOption(description: string): Option {
  return new Option('--reason <text>', description).argParser(nonEmpty('a non-empty reason'));
}

/** Registers `baton cancel`. */
export function registerCancel(program: Command, deps: CommandDeps): void {
  program
    .command('cancel')
    .description('request cancellation of a running workflow execution')
    .addArgument(idArgument())
    .addOption(reasonOption('why (default: "cancelled by client")'))
    .addOption(runIdOption())
    .addOption(jsonOption())
    .addOption(deps.storeOption())
    .addHelpText('after', CANCEL_HELP)
    .action(
      action(deps, (id: string, opts: Opts) => withClient(String(opts.store), (b) => cancel(b, id, opts))),
    );
}

/** Registers `baton terminate`. */
export function registerTerminate(program: Command, deps: CommandDeps): void {
  program
    .command('terminate')
    .description('terminate a running workflow execution at once (no workflow code runs again)')
    .addArgument(idArgument())
    .addOption(reasonOption('why, recorded in the history').makeOptionMandatory())
    .addOption(runIdOption())
    .addOption(jsonOption())
    .addOption(deps.storeOption())
    .addHelpText('after', TERMINATE_HELP)
    .action(
      action(deps, (id: string, opts: Opts) => withClient(String(opts.store), (b) => terminate(b, id, opts))),
    );
}

async function cancel(baton: Baton, id: string, opts: Opts): Promise<number> {
  const reason = str(opts, 'reason');
  await baton.client.getHandle(id, str(opts, 'runId')).cancel(reason);
  if (opts.json === true) out(jsonText({ workflowId: id, cancelRequested: true, reason: reason ?? null }));
  else out(`cancellation requested for workflow execution ${id}`);
  return 0;
}

async function terminate(baton: Baton, id: string, opts: Opts): Promise<number> {
  const reason = String(opts.reason);
  await baton.client.getHandle(id, str(opts, 'runId')).terminate(reason);
  if (opts.json === true) out(jsonText({ workflowId: id, terminated: true, reason }));
  else out(`terminated workflow execution ${id}: ${reason}`);
  return 0;
}
