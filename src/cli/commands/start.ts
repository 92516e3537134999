/**
 * `baton start TYPE [--input JSON]… [--id ID] [--task-queue Q] [--wait]`: starts a workflow
 * execution by its type name; with `--wait`, shows its progress and prints its result.
 */
import { type Command, Option } from 'commander';
import type { Baton, WorkflowIdReusePolicy } from '../../index.js';
import { DEV_TASK_QUEUE } from '../dev-command.js';
import { out, outJson } from '../output.js';
import { parseInputs } from './inputs.js';
import { inputOption, jsonOption, nonEmpty, type Opts, inputsOf, str } from './options.js';
import { watchProgress } from './progress.js';
import { awaitOutcome } from './outcome.js';
import { action, INTERRUPT, interruptible, stoppedWaiting, withClient, type CommandDeps } from './session.js';

/**
 * The task queue of `baton start` when `--task-queue` is not given: the one `baton dev` runs its
 * worker on, so that `baton dev` then `baton start TYPE` just works.
 */
export const DEFAULT_TASK_QUEUE = DEV_TASK_QUEUE;

const REUSE_POLICIES: WorkflowIdReusePolicy[] = [
  'ALLOW_DUPLICATE',
  'ALLOW_DUPLICATE_FAILED_ONLY',
  'REJECT_DUPLICATE',
  'TERMINATE_IF_RUNNING',
];

const HELP = `
The workflow is started by its type name: a worker on the same store and task queue runs it (the
CLI does not load workflow code). Each --input is one argument of the workflow, as JSON, in order.

With --wait the command waits for the result, showing progress on stderr (steps done, the
activity running and its attempt; one updating line on a terminal, a line per change otherwise),
then prints the result. Exit 1 when the workflow failed, was cancelled, terminated or timed out
(the failure and its causes are printed); 130 on Ctrl-C (the execution goes on).

Examples:
  baton start CapturePokemon --input '{"name":"Sacha"}' --input '{"name":"Mewtwo"}' --id capture-1
  baton start Greet --input '"Sacha"' --task-queue greetings --wait
  baton start Greet --input '"Sacha"' --wait --json`;

/** Registers `baton start`. */
export function registerStart(program: Command, deps: CommandDeps): void {
  program
    .command('start')
    .description('start a workflow execution (with --wait: show its progress and print its result)')
    .argument('<type>', 'the workflow type, e.g. CapturePokemon', nonEmpty('a non-empty workflow type'))
    .addOption(inputOption('an argument of the workflow'))
    .addOption(
      new Option('--id <workflowId>', 'the workflowId (default: a random UUID)').argParser(
        nonEmpty('a non-empty workflowId'),
      ),
    )
    .addOption(
      new Option('--task-queue <name>', "the task queue whose workers run it (default: baton dev's)")
        .argParser(nonEmpty('a non-empty task queue name'))
        .default(DEFAULT_TASK_QUEUE),
    )
    .addOption(
      new Option(
        '--id-reuse-policy <policy>',
        'when the workflowId was used before (default: ALLOW_DUPLICATE)',
      ).choices(REUSE_POLICIES),
    )
    .option('--wait', 'wait for the result, showing progress')
    .addOption(jsonOption())
    .addOption(deps.storeOption())
    .addHelpText('after', HELP)
    .action(
      action(deps, (type: string, opts: Opts) =>
        withClient(String(opts.store), (baton) => start(baton, type, opts), { create: true }),
      ),
    );
}

async function start(baton: Baton, workflowType: string, opts: Opts): Promise<number> {
  const args = parseInputs(inputsOf(opts));
  const json = opts.json === true;
  const taskQueue = String(opts.taskQueue);
  const workflowId = str(opts, 'id');
  const reusePolicy = str(opts, 'idReusePolicy') as WorkflowIdReusePolicy | undefined;
  const handle = await baton.client.start(workflowType, {
    taskQueue,
    args,
    ...(workflowId === undefined ? {} : { workflowId }),
    ...(reusePolicy === undefined ? {} : { workflowIdReusePolicy: reusePolicy }),
  });
  const started = { workflowId: handle.workflowId, runId: handle.runId!, workflowType, taskQueue };
  if (opts.wait !== true) {
    if (json) outJson(started);
    else
      out(
        `started workflow execution ${started.workflowId} (run ${started.runId}), type ${workflowType}, task queue ${taskQueue}`,
      );
    return 0;
  }
  if (!json)
    out(`started workflow execution ${started.workflowId} (run ${started.runId}), waiting for its result…`);
  const outcome = awaitOutcome(baton, handle);
  const progress = json ? outcome : watchProgress(baton, handle.workflowId, outcome).then(() => outcome);
  const ending = await interruptible(progress);
  if (ending === INTERRUPT) return stoppedWaiting(handle.workflowId);
  return ending.report(json, started);
}
