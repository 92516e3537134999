/**
 * `baton describe ID [--run-id R]` (alias `show`): an execution's status, times, task queue,
 * worker, search attributes, memo, pending activities and a failing workflow task.
 */
import type { Command } from 'commander';
import type { Baton, WorkflowExecutionDescription } from '../../index.js';
import { describeError, jsonText, out, pad } from '../output.js';
import { isoMillis, printable, shortValue } from './format.js';
import { idArgument, jsonOption, runIdOption, str, type Opts } from './options.js';
import { action, withClient, type CommandDeps } from './session.js';

const HELP = `
Examples:
  baton describe capture-1
  baton show capture-1 --run-id 0190c2f4-…
  baton describe capture-1 --json`;

/** Registers `baton describe` (and its alias `show`). */
export function registerDescribe(program: Command, deps: CommandDeps): void {
  program
    .command('describe')
    .alias('show')
    .description('show a workflow execution: status, times, pending activities, a failing workflow task')
    .addArgument(idArgument())
    .addOption(runIdOption())
    .addOption(jsonOption())
    .addOption(deps.storeOption())
    .addHelpText('after', HELP)
    .action(
      action(deps, (id: string, opts: Opts) =>
        withClient(String(opts.store), async (baton: Baton) => {
          const d = await baton.client.getHandle(id, str(opts, 'runId')).describe();
          if (opts.json === true) out(jsonText(d));
          else for (const line of describeLines(d)) out(line);
          return 0;
        }),
      ),
    );
}

/**
 * The description as `key  value` lines, then the pending activities and a failing task; stored
 * strings are made {@link printable} (one line each, no terminal escapes).
 */
export function describeLines(d: WorkflowExecutionDescription): string[] {
  const attrs = Object.entries(d.searchAttributes).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  const rows: [string, string][] = [
    ['workflowId', d.workflowId],
    ['runId', d.runId],
    ['type', d.workflowType],
    ['taskQueue', d.taskQueue],
    ['status', d.status],
    ['start', isoMillis(d.startTime.getTime())],
    ['close', isoMillis(d.closeTime?.getTime())],
    ['historyLength', String(d.historyLength)],
    ['worker', d.worker ?? '-'],
    ['searchAttributes', attrs.length === 0 ? '-' : attrs.join(', ')],
    ['memo', d.memo === undefined ? '-' : shortValue(d.memo, 100)],
  ];
  if (d.resetFrom !== undefined) {
    const { runId, eventId, reason } = d.resetFrom;
    rows.push(['resetFrom', `run ${runId} at event ${eventId}: ${reason}`]);
  }
  const lines = rows.map(([k, v]) => `${pad(k, 18)}${v}`);
  if (d.pendingActivities.length > 0) {
    lines.push('pending activities:');
    for (const a of d.pendingActivities) {
      const failure = a.lastFailure === undefined ? '' : `, last failure: ${describeError(a.lastFailure)}`;
      const where = a.taskQueue === undefined ? '' : `, task queue ${a.taskQueue}`;
      const worker = a.worker === undefined ? '' : `, worker ${a.worker}`;
      lines.push(
        `  ${a.activityType} (activity ${a.activityId}): attempt ${a.attempt}, next attempt ${isoMillis(a.nextAttemptTime.getTime())}${where}${worker}${failure}`,
      );
    }
  }
  if (d.workflowTaskFailure !== undefined) {
    lines.push(
      `workflow task failing (attempt ${d.workflowTaskFailure.attempt}): ${d.workflowTaskFailure.message}`,
    );
  }
  return lines.map(printable);
}
