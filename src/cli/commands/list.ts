/**
 * `baton list [--status S] [--type T] [--query Q] [--id-contains X] [--limit N] [--offset N]`: workflow executions, newest first,
 * as a table (workflowId, runId, type, status, start, close).
 */
import { type Command, Option } from 'commander';
import type { Baton, ExecutionRecord, ListFilter } from '../../index.js';
import { jsonText, out } from '../output.js';
import { UsageError } from './exit-codes.js';
import { isoMillis, isoSeconds, table } from './format.js';
import { parseListQuery, type ListQuery } from './list-query.js';
import { jsonOption, nonEmpty, nonNegativeInt, positiveInt, statusArg, str, type Opts } from './options.js';
import { action, withClient, type CommandDeps } from './session.js';

const HELP = `
--query is a list filter, as Temporal's (a small part of it):
  NAME = VALUE [AND NAME = VALUE]…
NAME is WorkflowId, WorkflowType, ExecutionStatus (Running, Completed, Failed, Canceled,
Terminated, TimedOut) or a custom search attribute; VALUE a "quoted string" (or 'quoted'), a
number, true or false. Comparisons are exact; AND is the only connective. --status and --type
are shorthands for ExecutionStatus and WorkflowType.

Examples:
  baton list --status running
  baton list --type CapturePokemon --limit 10 --offset 10
  baton list --id-contains capture-
  baton list --query 'WorkflowType = "CapturePokemon" AND ExecutionStatus = "Running" AND Team = "kanto"'
  baton list --json`;

/** Registers `baton list`. */
export function registerList(program: Command, deps: CommandDeps): void {
  program
    .command('list')
    .description('list workflow executions, newest first')
    .addOption(
      new Option(
        '--status <status>',
        'only this status: running, completed, failed, canceled, terminated, timed_out',
      ).argParser(statusArg),
    )
    .addOption(
      new Option('--type <workflowType>', 'only this workflow type').argParser(
        nonEmpty('a non-empty workflow type'),
      ),
    )
    .addOption(
      new Option('--query <filter>', 'a list filter, e.g. \'WorkflowType = "Capture" AND Team = "kanto"\''),
    )
    .addOption(
      new Option('--id-contains <text>', 'only workflowIds containing this text (case-sensitive)').argParser(
        nonEmpty('non-empty text'),
      ),
    )
    .addOption(new Option('--limit <n>', 'at most N executions').argParser(positiveInt).default(100))
    .addOption(
      new Option('--offset <n>', 'skip the first N (paging: the next page is --offset + --limit)').argParser(
        nonNegativeInt,
      ),
    )
    .addOption(jsonOption())
    .addOption(deps.storeOption())
    .addHelpText('after', HELP)
    .action(action(deps, (opts: Opts) => withClient(String(opts.store), (b) => list(b, opts))));
}

async function list(baton: Baton, opts: Opts): Promise<number> {
  const records = await baton.client.list(listFilter(opts));
  if (opts.json === true) {
    out(jsonText({ executions: records.map(recordJson) }));
    return 0;
  }
  if (records.length === 0) {
    out('no workflow executions');
    return 0;
  }
  const rows = records.map((r) => [
    r.workflowId,
    r.runId,
    r.workflowType,
    r.status,
    isoSeconds(r.startTimeMs),
    isoSeconds(r.closeTimeMs),
  ]);
  out(table(['WORKFLOW ID', 'RUN ID', 'TYPE', 'STATUS', 'START', 'CLOSE'], rows));
  return 0;
}

/**
 * The filter of the options: --query, with --status and --type added (they must agree with it),
 * --id-contains, --limit and --offset.
 */
export function listFilter(opts: Opts): ListFilter {
  const text = str(opts, 'query');
  const query: ListQuery = text === undefined ? { searchAttributes: {} } : parseListQuery(text);
  const status = opts.status as ListFilter['status'];
  const type = str(opts, 'type');
  if (status !== undefined && query.status !== undefined && query.status !== status)
    throw new UsageError(
      `--status ${status.toLowerCase()} contradicts ExecutionStatus in --query (${query.status})`,
    );
  if (type !== undefined && query.workflowType !== undefined && query.workflowType !== type)
    throw new UsageError(`--type ${type} contradicts WorkflowType in --query (${query.workflowType})`);
  const filter: ListFilter = { limit: Number(opts.limit) };
  const contains = str(opts, 'idContains');
  if (contains !== undefined) filter.workflowIdContains = contains;
  if (typeof opts.offset === 'number') filter.offset = opts.offset;
  const s = status ?? query.status;
  const t = type ?? query.workflowType;
  if (s !== undefined) filter.status = s;
  if (t !== undefined) filter.workflowType = t;
  if (query.workflowId !== undefined) filter.workflowId = query.workflowId;
  if (Object.keys(query.searchAttributes).length > 0) filter.searchAttributes = query.searchAttributes;
  return filter;
}

function recordJson(r: ExecutionRecord): Record<string, unknown> {
  return {
    workflowId: r.workflowId,
    runId: r.runId,
    workflowType: r.workflowType,
    taskQueue: r.taskQueue,
    status: r.status,
    startTime: isoMillis(r.startTimeMs),
    closeTime: r.closeTimeMs === undefined ? null : isoMillis(r.closeTimeMs),
    searchAttributes: r.searchAttributes,
  };
}
