/**
 * `baton reset ID --to EVENT_ID|STEP [--reason R]`: a new run of the workflowId that keeps the
 * history up to a point and runs the workflow code again from there (as Temporal's reset).
 */
import { type Command, Option } from 'commander';
import { ValidationError, type Baton } from '../../index.js';
import { jsonText, out } from '../output.js';
import { UsageError } from './exit-codes.js';
import { idArgument, jsonOption, nonEmpty, runIdOption, str, type Opts } from './options.js';
import { action, withClient, type CommandDeps } from './session.js';

/** A reset point: an event id (a number) or a step (anything else). */
export type ResetTarget = { toEventId: number } | { toStep: string };

/**
 * The reset point of `--to`: digits are an event id, anything else an activity type or a step
 * name.
 *
 * @example
 * resetTarget('12');            // { toEventId: 12 }
 * resetTarget('throwPokeball'); // { toStep: 'throwPokeball' }
 */
export function resetTarget(to: string): ResetTarget {
  return /^\d+$/.test(to) ? { toEventId: Number(to) } : { toStep: to };
}

const HELP = `
--to is an event id (a number: the last event kept, see \`baton history\`) or a step: an activity
type, or a step name of a step workflow. The new run keeps the history up to that point (for a
step: up to just before its first attempt was scheduled), then the worker runs the workflow code
again from there: activities before the point are not run again. A running run is terminated.
Prints the new runId. Needs a worker on the store to run the new run.

Examples:
  baton reset capture-1 --to throwPokeball --reason "Poké Ball service fixed"
  baton reset capture-1 --to 11
  baton reset capture-1 --to 11 --json`;

/** Registers `baton reset`. */
export function registerReset(program: Command, deps: CommandDeps): void {
  program
    .command('reset')
    .description('reset a workflow execution to an event or a step: a new run goes on from there')
    .addArgument(idArgument())
    .addOption(
      new Option(
        '--to <eventIdOrStep>',
        'an event id (the last event kept) or a step (activity type or step name)',
      )
        .argParser(nonEmpty('an event id or a step name'))
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--reason <text>', 'why (default: "reset by client")').argParser(
        nonEmpty('a non-empty reason'),
      ),
    )
    .addOption(runIdOption())
    .addOption(jsonOption())
    .addOption(deps.storeOption())
    .addHelpText('after', HELP)
    .action(
      action(deps, (id: string, opts: Opts) => withClient(String(opts.store), (b) => reset(b, id, opts))),
    );
}

async function reset(baton: Baton, id: string, opts: Opts): Promise<number> {
  // The run reset, pinned: the newest one unless --run-id names another.
  const { runId: previousRunId } = await baton.client.getHandle(id, str(opts, 'runId')).describe();
  const reason = str(opts, 'reason');
  const target = resetTarget(String(opts.to));
  const next = await baton.client
    .getHandle(id, previousRunId)
    .reset({ ...target, ...(reason === undefined ? {} : { reason }) })
    .catch((error: unknown) => {
      // The message names the API's field (toEventId, toStep): say which option it came from.
      if (error instanceof ValidationError) throw new UsageError(`--to ${String(opts.to)}: ${error.message}`);
      throw error;
    });
  if (opts.json === true) out(jsonText({ workflowId: id, previousRunId, runId: next.runId, ...target }));
  else
    out(
      `reset workflow execution ${id} (run ${previousRunId}) to ${describeTarget(target)}: new run ${next.runId}`,
    );
  return 0;
}

function describeTarget(t: ResetTarget): string {
  return 'toEventId' in t ? `event ${t.toEventId}` : `step ${t.toStep}`;
}
