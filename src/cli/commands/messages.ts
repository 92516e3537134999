/**
 * `baton signal|query|update ID NAME [--input JSON]…`: the messages a running workflow handles.
 * Queries and updates are answered by the worker that runs the workflow (`baton dev` or `baton
 * worker` on the same store); a signal is stored and delivered when a worker runs it.
 */
import { Argument, type Command, Option } from 'commander';
import { QueryFailedError, WorkflowUpdateFailedError, type Baton } from '../../index.js';
import { errorJson, jsonText, out } from '../output.js';
import { exitCodeOf } from './exit-codes.js';
import { parseInputs } from './inputs.js';
import {
  idArgument,
  inputOption,
  inputsOf,
  jsonOption,
  nonEmpty,
  runIdOption,
  str,
  type Opts,
} from './options.js';
import { action, INTERRUPT, INTERRUPTED, interruptible, withClient, type CommandDeps } from './session.js';

const WORKER_NOTE = `
Needs a worker running the workflow on this store (baton dev, or baton worker --module … on its
task queue): it is the worker that answers.`;

const SIGNAL_HELP = `
The signal is stored at once (exit 0) and delivered, after every signal sent before it, by the
worker running the execution. Exit 2 when the execution is unknown or already closed.

Example:
  baton signal wild-1 throwBall --input '"ultra"'`;

const QUERY_HELP = `${WORKER_NOTE} Exit 2 when no worker answers within 10 s or the workflow has no such
query; 1 when the handler threw.

Example:
  baton query wild-1 hp --json`;

const UPDATE_HELP = `${WORKER_NOTE} It waits until the worker has run the handler (Ctrl-C: 130). Exit 1 when the
validator rejected the update or the handler failed (the failure and its causes are printed; with
--json, one document { workflowId, update, failure } on stdout).

Example:
  baton update wild-1 heal --input 20 --update-id heal-1`;

type Kind = 'signal' | 'query' | 'update';

/** Registers `baton signal`, `baton query` and `baton update`. */
export function registerMessages(program: Command, deps: CommandDeps): void {
  const run =
    (fn: (baton: Baton, id: string, name: string, opts: Opts) => Promise<number>) =>
    (id: string, name: string, opts: Opts) =>
      withClient(String(opts.store), (baton) => fn(baton, id, name, opts));
  messageCommand(
    program,
    deps,
    'signal',
    'send a signal to a running workflow execution',
    SIGNAL_HELP,
  ).action(action(deps, run(signal)));
  messageCommand(
    program,
    deps,
    'query',
    'query a workflow execution (needs a worker running it)',
    QUERY_HELP,
  ).action(action(deps, run(query)));
  messageCommand(
    program,
    deps,
    'update',
    'send an update to a running workflow execution and print its result (needs a worker)',
    UPDATE_HELP,
  )
    .addOption(
      new Option('--update-id <id>', 'makes it idempotent: the same id gets the first outcome').argParser(
        nonEmpty('a non-empty update id'),
      ),
    )
    .action(action(deps, run(update)));
}

/** `baton KIND <workflowId> <name> [--input JSON]… [--run-id R] [--json] [--store URL]`. */
function messageCommand(
  program: Command,
  deps: CommandDeps,
  kind: Kind,
  description: string,
  help: string,
): Command {
  return program
    .command(kind)
    .description(description)
    .addArgument(idArgument())
    .addArgument(new Argument('<name>', `the ${kind} name`).argParser(nonEmpty(`a non-empty ${kind} name`)))
    .addOption(inputOption(`an argument of the ${kind}`))
    .addOption(runIdOption())
    .addOption(jsonOption())
    .addOption(deps.storeOption())
    .addHelpText('after', help);
}

async function signal(baton: Baton, id: string, name: string, opts: Opts): Promise<number> {
  await baton.client.getHandle(id, str(opts, 'runId')).signal(name, ...parseInputs(inputsOf(opts)));
  if (opts.json === true) out(jsonText({ workflowId: id, signal: name, sent: true }));
  else out(`signal ${name} sent to workflow execution ${id}`);
  return 0;
}

/**
 * Sends the query and prints its answer. A query whose handler failed exits 1: with --json, one
 * document `{ workflowId, query, failure: [{ name, message }] }` on stdout, as for an update.
 */
async function query(baton: Baton, id: string, name: string, opts: Opts): Promise<number> {
  const handle = baton.client.getHandle(id, str(opts, 'runId'));
  const head = { workflowId: id, query: name };
  let result: unknown;
  try {
    result = await handle.query(name, ...parseInputs(inputsOf(opts)));
  } catch (error) {
    if (!(opts.json === true && error instanceof QueryFailedError)) throw error;
    out(jsonText({ ...head, failure: errorJson(error) }));
    return exitCodeOf(error);
  }
  printAnswer(opts, head, result);
  return 0;
}

/**
 * Sends the update and prints its answer. A rejected or failed update exits 1: with --json, as
 * `result --json`, one document `{ workflowId, update, failure: [{ name, message, type? }…] }` on
 * stdout (the failure, then its causes); otherwise the failure and its causes on stderr.
 */
async function update(baton: Baton, id: string, name: string, opts: Opts): Promise<number> {
  const handle = baton.client.getHandle(id, str(opts, 'runId'));
  const updateId = str(opts, 'updateId');
  const args = parseInputs(inputsOf(opts));
  const head = { workflowId: id, update: name };
  let result: unknown;
  try {
    result = await interruptible(
      handle.executeUpdate(name, { args, ...(updateId === undefined ? {} : { updateId }) }),
    );
  } catch (error) {
    if (!(opts.json === true && error instanceof WorkflowUpdateFailedError)) throw error;
    out(jsonText({ ...head, failure: errorJson(error.cause) }));
    return exitCodeOf(error);
  }
  if (result === INTERRUPT) return INTERRUPTED;
  printAnswer(opts, head, result);
  return 0;
}

/** A query's or update's answer: pretty JSON, or with --json one document `{ …head, result }`. */
function printAnswer(opts: Opts, head: Record<string, string>, result: unknown): void {
  if (opts.json === true) out(jsonText({ ...head, result: result ?? null }));
  else out(result === undefined ? '(no result)' : jsonText(result, 2));
}
