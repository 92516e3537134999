/**
 * `baton history ID [--run-id R] [--follow]`: the event history as a table (event id, time, type,
 * short attributes); `--follow` prints events as they are appended, until the execution closes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { Option } from 'commander';
import { writeFileSync } from 'node:fs';
import { historyToJson, type Baton, type HistoryEvent } from '../../index.js';
import { err, ExitCode, jsonText, out, pad } from '../output.js';
import { eventJson, eventSummary } from './event-summary.js';
import { isoMillis, printable } from './format.js';
import { idArgument, jsonOption, runIdOption, str, type Opts } from './options.js';
import { action, INTERRUPT, INTERRUPTED, interruptible, withClient, type CommandDeps } from './session.js';

/** How often `--follow` looks for new events (another process appends them), in ms. */
const FOLLOW_POLL_MS = 100;

const HELP = `
Columns: event id, time (UTC), event type, the event's attributes in short (payloads decoded and
cut to a few dozen characters; --json has them whole).

--follow prints the events there are, then each new one as it is appended, and exits 0 once the
execution has closed (Ctrl-C: 130). With --json it prints one JSON object per event, one per line
(JSON Lines), instead of one document.

--save FILE writes the history as a saved history (docs/replay.md: payloads as stored), the input
of \`baton replay FILE --workflows MODULE\` and of replayHistory().

Examples:
  baton history capture-1
  baton history capture-1 --save test/histories/capture-1.json
  baton history capture-1 --follow
  baton history capture-1 --json | jq '.events[].eventType'`;

/** Registers `baton history`. */
export function registerHistory(program: Command, deps: CommandDeps): void {
  program
    .command('history')
    .description('show the event history of a workflow execution (--follow: until it closes)')
    .addArgument(idArgument())
    .addOption(runIdOption())
    .addOption(new Option('--follow', 'print new events as they are appended, until the execution closes'))
    .addOption(jsonOption())
    .addOption(new Option('--save <file>', 'write the history to FILE as a saved history, for baton replay'))
    .addOption(deps.storeOption())
    .addHelpText('after', HELP)
    .action(
      action(deps, (id: string, opts: Opts) => withClient(String(opts.store), (b) => history(b, id, opts))),
    );
}

async function history(baton: Baton, workflowId: string, opts: Opts): Promise<number> {
  const json = opts.json === true;
  const { runId } = await baton.client.getHandle(workflowId, str(opts, 'runId')).describe();
  if (opts.follow !== true) {
    const events = await baton.store.getHistory(runId);
    const save = str(opts, 'save');
    if (save !== undefined) return saveHistory(save, { workflowId, runId, events });
    if (json) out(jsonText({ workflowId, runId, events: events.map((e) => eventJson(e, baton.converter)) }));
    else for (const line of [HEADER, ...events.map((e) => eventRow(e, baton))]) out(line);
    return 0;
  }
  if (!json) out(HEADER);
  const print = (e: HistoryEvent): void =>
    out(json ? jsonText(eventJson(e, baton.converter)) : eventRow(e, baton));
  const ended = await interruptible(follow(baton, workflowId, runId, print));
  return ended === INTERRUPT ? INTERRUPTED : 0;
}

/** Prints the run's events, then each new one, until the run has closed. */
async function follow(
  baton: Baton,
  workflowId: string,
  runId: string,
  print: (e: HistoryEvent) => void,
): Promise<void> {
  let next = 1;
  const drain = async (): Promise<void> => {
    for (const e of await baton.store.getHistory(runId, next)) {
      print(e);
      next = e.eventId + 1;
    }
  };
  for (;;) {
    // Read the status first: once it is closed, one more read has every event.
    const record = await baton.store.getExecution(workflowId, runId);
    await drain();
    if (record === undefined || record.status !== 'RUNNING') return;
    await sleep(FOLLOW_POLL_MS);
  }
}

/** `--save FILE`: writes the saved-history JSON (docs/replay.md). */
function saveHistory(
  file: string,
  history: { workflowId: string; runId: string; events: HistoryEvent[] },
): number {
  try {
    writeFileSync(file, historyToJson(history));
  } catch (error) {
    err(`baton: --save ${file}: cannot write (${(error as Error).message})`);
    return ExitCode.USAGE;
  }
  out(
    `saved ${history.events.length} events of workflowId ${history.workflowId} (runId ${history.runId}) to ${file}`,
  );
  return 0;
}

const HEADER = `${pad('ID', 6)}${pad('TIME', 26)}${pad('TYPE', 34)}DETAILS`;

/** One event as a line for people (stored strings made {@link printable}). */
function eventRow(e: HistoryEvent, baton: Baton): string {
  const row = `${pad(String(e.eventId), 6)}${pad(isoMillis(e.timeMs), 26)}${pad(e.eventType, 34)}${eventSummary(e, baton.converter)}`;
  return printable(row).trimEnd();
}
