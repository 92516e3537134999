/**
 * `baton schedule list | describe | create | pause | unpause | trigger | backfill | delete`:
 * schedules from the shell, as `temporal schedule …`. Workers on the store run them; these
 * commands only read and write the store.
 */
import { type Command, Option } from 'commander';
import {
  ScheduleNotFoundError,
  type Baton,
  type ScheduleDescription,
  type ScheduleOverlapPolicy,
} from '../../index.js';
import { jsonText, out } from '../output.js';
import { UsageError } from './exit-codes.js';
import { isoSeconds, printable, table } from './format.js';
import { jsonOption, str, type Opts } from './options.js';
import { registerScheduleCreate } from './schedule-create.js';
import { scheduleLines, specSummary, yesNo } from './schedule-format.js';
import { isoTimeArg, noteOption, overlapOption, scheduleIdArgument } from './schedule-options.js';
import { action, withClient, type CommandDeps } from './session.js';

const HELP = `
A schedule starts a workflow (by its type name) on a cron or interval spec. Schedules live in the
store; every worker on it (baton dev, baton worker) runs them, so nothing else needs to run. The
run of nominal time T is <prefix>-<T>, e.g. daily-report-2024-03-01T09:00:00Z.

Examples:
  baton schedule create daily-report --workflow SendReport --task-queue reports --cron '0 9 * * *'
  baton schedule list
  baton schedule describe daily-report --json
  baton schedule pause daily-report --note holidays
  baton schedule trigger daily-report
  baton schedule backfill daily-report --start 2024-03-01T00:00:00Z --end 2024-03-03T23:59:59Z
  baton schedule delete daily-report`;

/** Registers `baton schedule` and its subcommands. */
export function registerSchedule(program: Command, deps: CommandDeps): void {
  const schedule = program
    .command('schedule')
    .description('create, list, describe, pause, trigger, backfill and delete schedules')
    .addHelpText('after', HELP);
  registerList(schedule, deps);
  registerDescribe(schedule, deps);
  registerScheduleCreate(schedule, deps);
  registerStateChange(schedule, deps, 'pause');
  registerStateChange(schedule, deps, 'unpause');
  registerTrigger(schedule, deps);
  registerBackfill(schedule, deps);
  registerDelete(schedule, deps);
}

/** A subcommand on a schedule id with `options`, --json and --store; `run` does its work. */
function idCommand(
  schedule: Command,
  deps: CommandDeps,
  [name, description]: [string, string],
  options: Option[],
  run: (baton: Baton, id: string, opts: Opts) => Promise<number>,
): void {
  const command = schedule.command(name).description(description).addArgument(scheduleIdArgument());
  for (const option of options) command.addOption(option);
  command
    .addOption(jsonOption())
    .addOption(deps.storeOption())
    .action(
      action(deps, (id: string, opts: Opts) => withClient(String(opts.store), (b) => run(b, id, opts))),
    );
}

function registerList(schedule: Command, deps: CommandDeps): void {
  schedule
    .command('list')
    .description('list the schedules, ordered by id')
    .addOption(jsonOption())
    .addOption(deps.storeOption())
    .action(action(deps, (opts: Opts) => withClient(String(opts.store), (b) => list(b, opts))));
}

async function list(baton: Baton, opts: Opts): Promise<number> {
  const descriptions: ScheduleDescription[] = [];
  for (const summary of await baton.client.schedule.list()) {
    // The summary has no spec; a schedule deleted in between is left out.
    try {
      descriptions.push(await baton.client.schedule.getHandle(summary.scheduleId).describe());
    } catch (error) {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
    }
  }
  if (opts.json === true) {
    out(jsonText({ schedules: descriptions.map(listJson) }));
    return 0;
  }
  if (descriptions.length === 0) {
    out('no schedules');
    return 0;
  }
  const rows = descriptions.map((d) => [
    d.scheduleId,
    d.action.workflowType,
    specSummary(d.spec),
    yesNo(d.state.paused),
    isoSeconds(d.info.nextActionTimes[0]?.getTime()),
  ]);
  out(table(['SCHEDULE ID', 'WORKFLOW TYPE', 'SPEC', 'PAUSED', 'NEXT RUN'], rows));
  return 0;
}

function listJson(d: ScheduleDescription): Record<string, unknown> {
  return {
    scheduleId: d.scheduleId,
    workflowType: d.action.workflowType,
    taskQueue: d.action.taskQueue,
    spec: d.spec,
    state: d.state,
    nextActionTimes: d.info.nextActionTimes.slice(0, 3),
    recentActions: d.info.recentActions,
  };
}

function registerDescribe(schedule: Command, deps: CommandDeps): void {
  const what: [string, string] = [
    'describe',
    'show a schedule: spec, action, policies, state, recent and next runs',
  ];
  idCommand(schedule, deps, what, [], async (baton, id, opts) => {
    const d = await baton.client.schedule.getHandle(id).describe();
    if (opts.json === true) out(jsonText(d));
    else for (const line of scheduleLines(d)) out(line);
    return 0;
  });
}

function registerStateChange(schedule: Command, deps: CommandDeps, verb: 'pause' | 'unpause'): void {
  const pause = verb === 'pause';
  const what: [string, string] = [
    verb,
    pause
      ? 'pause a schedule: its spec starts nothing until unpaused (trigger and backfill still run)'
      : 'unpause a schedule: its spec continues from now (missed times are not caught up)',
  ];
  const note = noteOption(`why (default: "${pause ? 'Paused' : 'Unpaused'} via client")`);
  idCommand(schedule, deps, what, [note], async (baton, id, opts) => {
    const handle = baton.client.schedule.getHandle(id);
    await (pause ? handle.pause(str(opts, 'note')) : handle.unpause(str(opts, 'note')));
    const { state } = await handle.describe();
    if (opts.json === true) out(jsonText({ scheduleId: id, ...state }));
    else
      out(
        printable(
          `${pause ? 'paused' : 'unpaused'} schedule ${id}${state.note === '' ? '' : `: ${state.note}`}`,
        ),
      );
    return 0;
  });
}

function registerTrigger(schedule: Command, deps: CommandDeps): void {
  const what: [string, string] = ['trigger', 'start one run of a schedule now, even when paused'];
  const overlapOpt = overlapOption("overlap policy of this run (default: the schedule's)");
  idCommand(schedule, deps, what, [overlapOpt], async (baton, id, opts) => {
    const overlap = opts.overlap as ScheduleOverlapPolicy | undefined;
    await baton.client.schedule.getHandle(id).trigger(overlap);
    if (opts.json === true) out(jsonText({ scheduleId: id, triggered: true, overlap: overlap ?? null }));
    else
      out(printable(`triggered schedule ${id}: a worker on the store starts the run within about a second`));
    return 0;
  });
}

function registerBackfill(schedule: Command, deps: CommandDeps): void {
  const what: [string, string] = [
    'backfill',
    'run every time of the spec in [--start, --end], even when paused',
  ];
  const options = [
    new Option('--start <time>', 'first time of the range, ISO 8601, e.g. 2024-03-01T00:00:00Z')
      .argParser(isoTimeArg)
      .makeOptionMandatory(),
    new Option('--end <time>', 'last time of the range (included), ISO 8601')
      .argParser(isoTimeArg)
      .makeOptionMandatory(),
    overlapOption("overlap policy of these runs (default: the schedule's)"),
  ];
  idCommand(schedule, deps, what, options, async (baton, id, opts) => {
    const start = Number(opts.start);
    const end = Number(opts.end);
    if (end < start)
      throw new UsageError(`--end ${isoSeconds(end)}: expected at or after --start (${isoSeconds(start)})`);
    const overlap = opts.overlap as ScheduleOverlapPolicy | undefined;
    await baton.client.schedule
      .getHandle(id)
      .backfill([{ start, end, ...(overlap === undefined ? {} : { overlap }) }]);
    if (opts.json === true)
      out(
        jsonText({
          scheduleId: id,
          backfill: { start: new Date(start), end: new Date(end), overlap: overlap ?? null },
        }),
      );
    else
      out(printable(`backfill of schedule ${id} from ${isoSeconds(start)} to ${isoSeconds(end)} requested`));
    return 0;
  });
}

function registerDelete(schedule: Command, deps: CommandDeps): void {
  const what: [string, string] = ['delete', 'delete a schedule (the runs it started keep running)'];
  idCommand(schedule, deps, what, [], async (baton, id, opts) => {
    await baton.client.schedule.getHandle(id).delete();
    if (opts.json === true) out(jsonText({ scheduleId: id, deleted: true }));
    else out(printable(`deleted schedule ${id}`));
    return 0;
  });
}
