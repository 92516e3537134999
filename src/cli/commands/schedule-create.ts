/**
 * `baton schedule create ID --workflow TYPE --task-queue Q (--cron EXPR… | --every D [--offset D])
 * …`: a schedule starting a workflow by its type name, as `temporal schedule create`.
 */
import { type Command, Option } from 'commander';
import type { Baton, ScheduleOptions, ScheduleOverlapPolicy, ScheduleSpec } from '../../index.js';
import { jsonText, out } from '../output.js';
import { UsageError } from './exit-codes.js';
import { isoSeconds, printable } from './format.js';
import { parseInputs } from './inputs.js';
import { inputOption, inputsOf, jsonOption, nonEmpty, str, type Opts } from './options.js';
import {
  catchupWindowArg,
  everyArg,
  noteOption,
  offsetArg,
  overlapOption,
  scheduleIdArgument,
  withOptionNames,
} from './schedule-options.js';
import { durationText, specSummary } from './schedule-format.js';
import { action, withClient, type CommandDeps } from './session.js';

const HELP = `
The workflow is started by its type name, as \`baton start\` does: a worker on the same store and
task queue runs it (every worker also runs the schedules). Each run's workflowId is
PREFIX-<nominal time>, e.g. report-2024-03-01T09:00:00Z (PREFIX: --workflow-id, default the
schedule id).

--cron takes 5 fields (or 6, seconds first) or a nickname such as @daily, read in --timezone;
repeat it for several. --every fires at offset + k × every since the Unix epoch (--every 1h: on
the hour, UTC); it is Temporal's @every. Both may be given: the schedule runs at the times of
either. Durations take a unit (30s, 5m, 1h, 7d): a number alone is refused.

--overlap (when a run is due while the previous one still runs): SKIP (default), BUFFER_ONE,
BUFFER_ALL, CANCEL_OTHER, TERMINATE_OTHER, ALLOW_ALL.

Examples:
  baton schedule create daily-report --workflow SendReport --task-queue reports \\
    --cron '0 9 * * MON-FRI' --timezone Europe/Paris --input '"daily"'
  baton schedule create heal --workflow HealTeam --task-queue baton-dev --every 30m --offset 5m
  baton schedule create manual --workflow Greet --task-queue baton-dev --cron @yearly --paused --json`;

/** Registers `baton schedule create` on the `schedule` command. */
export function registerScheduleCreate(schedule: Command, deps: CommandDeps): void {
  schedule
    .command('create')
    .description('create a schedule starting a workflow on a cron or interval spec')
    .addArgument(scheduleIdArgument())
    .addOption(
      new Option('--workflow <type>', 'the workflow type the schedule starts, e.g. CapturePokemon')
        .argParser(nonEmpty('a non-empty workflow type'))
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--task-queue <name>', 'the task queue whose workers run it')
        .argParser(nonEmpty('a non-empty task queue name'))
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--cron <expr>', "a cron expression, e.g. '0 9 * * *'; repeat it for several").argParser(
        (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
      ),
    )
    .addOption(new Option('--every <duration>', 'an interval, e.g. 30s, 5m, 1h').argParser(everyArg))
    .addOption(new Option('--offset <duration>', 'shifts --every, e.g. 5m (default 0)').argParser(offsetArg))
    .addOption(
      new Option(
        '--timezone <tz>',
        'the IANA time zone of --cron, e.g. Europe/Paris (default UTC)',
      ).argParser(nonEmpty('a time zone such as Europe/Paris')),
    )
    .addOption(inputOption('an argument of each run'))
    .addOption(
      new Option(
        '--workflow-id <prefix>',
        "prefix of the runs' workflowIds (default: the schedule id)",
      ).argParser(nonEmpty('a non-empty workflowId prefix')),
    )
    .addOption(overlapOption('when a run is due while the previous one runs (default SKIP)'))
    .addOption(
      new Option(
        '--catchup-window <duration>',
        'how late a missed run may still start (default 365d)',
      ).argParser(catchupWindowArg),
    )
    .option('--pause-on-failure', 'pause the schedule when one of its runs fails or times out')
    .option('--paused', 'create it paused (trigger and backfill still run)')
    .addOption(noteOption('a note for people, e.g. why it is paused'))
    .addOption(jsonOption())
    .addOption(deps.storeOption())
    .addHelpText('after', HELP)
    .action(
      action(deps, (id: string, opts: Opts) =>
        withClient(String(opts.store), (b) => create(b, id, opts), { create: true }),
      ),
    );
}

async function create(baton: Baton, scheduleId: string, opts: Opts): Promise<number> {
  const options = scheduleOptions(scheduleId, opts);
  let description;
  try {
    description = await (await baton.client.schedule.create(options)).describe();
  } catch (error) {
    throw withOptionNames(error);
  }
  if (opts.json === true) {
    out(jsonText(description));
    return 0;
  }
  const { action: a, state, info } = description;
  const next = state.paused ? 'paused' : `next run ${isoSeconds(info.nextActionTimes[0]?.getTime())}`;
  out(
    printable(
      `created schedule ${scheduleId}: ${a.workflowType} on task queue ${a.taskQueue}, ${specSummary(description.spec)} (${next})`,
    ),
  );
  return 0;
}

/** The client's options of the command line. @throws UsageError for options that do not go together */
function scheduleOptions(scheduleId: string, opts: Opts): ScheduleOptions {
  const cron = Array.isArray(opts.cron) ? (opts.cron as string[]) : [];
  const every = typeof opts.every === 'number' ? opts.every : undefined;
  const offset = typeof opts.offset === 'number' ? opts.offset : undefined;
  if (cron.length === 0 && every === undefined)
    throw new UsageError('expected --cron EXPR or --every DURATION (when the schedule runs)');
  if (offset !== undefined && every === undefined) throw new UsageError('--offset needs --every');
  if (offset !== undefined && every !== undefined && offset >= every)
    throw new UsageError(
      `--offset ${durationText(offset)}: expected less than --every (${durationText(every)})`,
    );
  const timezone = str(opts, 'timezone');
  const spec: ScheduleSpec = {
    cron,
    intervals: every === undefined ? [] : [{ every, offset: offset ?? 0 }],
    ...(timezone === undefined ? {} : { timezone }),
  };
  const workflowId = str(opts, 'workflowId');
  const note = str(opts, 'note');
  return {
    scheduleId,
    spec,
    action: {
      workflow: String(opts.workflow),
      taskQueue: String(opts.taskQueue),
      args: parseInputs(inputsOf(opts)),
      ...(workflowId === undefined ? {} : { workflowId }),
    },
    policies: {
      ...(opts.overlap === undefined ? {} : { overlap: opts.overlap as ScheduleOverlapPolicy }),
      ...(typeof opts.catchupWindow === 'number' ? { catchupWindow: opts.catchupWindow } : {}),
      pauseOnFailure: opts.pauseOnFailure === true,
    },
    state: { paused: opts.paused === true, ...(note === undefined ? {} : { note }) },
  };
}
