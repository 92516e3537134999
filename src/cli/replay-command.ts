/**
 * `baton replay FILE… --workflows MODULE`: replays saved histories (`baton history ID --save FILE`)
 * against the workflows a module exports, with no store and no worker, as a CI check that code
 * changes stay compatible with executions already recorded. See docs/replay.md.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import {
  DataConverter,
  parseSavedHistory,
  replayHistories,
  ValidationError,
  type ReplayableHistory,
  type ReplayResult,
} from '../index.js';
import { describeError, err, ExitCode, out, outJson } from './output.js';
import { loadWorkerModule, WorkerModuleError, type WorkerModule } from './worker-command.js';

/** Options of {@link runReplayCommand}, as parsed from the command line. */
export interface ReplayCommandOptions {
  /** Saved-history files, relative to the current directory or absolute. */
  files: string[];
  /** The module exporting the workflows (as `baton worker --module`). */
  workflows: string;
  /** One JSON object instead of lines for people. */
  json: boolean;
}

const HELP = [
  '',
  'Each FILE is a saved history (JSON, format "baton.history"), as `baton history ID --save FILE`',
  'writes it. The module is loaded as `baton worker --module` loads it (its workflow exports); when',
  'it also exports `dataConverter` (a DataConverter, e.g. with the codec the histories were written',
  'with), payloads are decoded with it. No store is opened and no activity runs.',
  '',
  'Prints one line per history (ok or FAIL, with the NonDeterminismError message). Exit 0 when every',
  'history replays, 1 when one does not, 2 bad usage: a module that cannot be loaded, a file that is',
  'missing or not a saved history.',
  '',
  'Examples:',
  '  npx baton history capture-1 --save test/histories/capture-1.json',
  '  npx baton replay test/histories/*.json --workflows dist/examples/pokemon/worker-module.js',
].join('\n');

/** Registers `baton replay`. */
export function registerReplayCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('replay')
    .description('check saved event histories against current workflow code (exit 1 on non-determinism)')
    .argument('<files...>', 'saved histories (baton history ID --save FILE)')
    .requiredOption('--workflows <module>', 'the module exporting the workflows (.js/.mjs, .ts under tsx)')
    .option('--json', 'print one JSON object instead of lines for people')
    .addHelpText('after', HELP)
    .action(async (files: string[], opts: Record<string, unknown>) => {
      setExit(await runReplayCommand({ files, workflows: String(opts.workflows), json: opts.json === true }));
    });
}

/** Reads each file as a saved history. @throws ValidationError naming the file */
function readHistories(files: string[]): ReplayableHistory[] {
  return files.map((file) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ValidationError(`${file}: cannot be read (${(error as Error).message})`);
    }
    return parseSavedHistory(text, file);
  });
}

/** The module's `dataConverter` export, when it has one. */
async function moduleConverter(file: string): Promise<DataConverter | undefined> {
  const ns = (await import(pathToFileURL(resolve(file)).href)) as Record<string, unknown>;
  return ns.dataConverter instanceof DataConverter ? ns.dataConverter : undefined;
}

/**
 * Runs the command and returns the exit code: 0 every history replays, 1 one does not, 2 bad usage.
 */
export async function runReplayCommand(o: ReplayCommandOptions): Promise<number> {
  let loaded: WorkerModule;
  let histories: ReplayableHistory[];
  try {
    loaded = await loadWorkerModule(o.workflows);
    if (loaded.workflows.length === 0)
      throw new WorkerModuleError(`module ${o.workflows} exports no workflows (it has activities only)`);
    histories = readHistories(o.files);
  } catch (error) {
    if (!(error instanceof WorkerModuleError) && !(error instanceof ValidationError)) throw error;
    err(`baton: ${error.message}`);
    for (const line of error instanceof WorkerModuleError ? error.details : []) err(`  ${line}`);
    return ExitCode.USAGE;
  }
  const dataConverter = await moduleConverter(o.workflows);
  const results = await replayHistories(loaded.workflows, histories, dataConverter ? { dataConverter } : {});
  const failed = results.filter((r) => r.error !== undefined).length;
  if (o.json)
    outJson({
      replayed: results.length - failed,
      failed,
      results: results.map((r, i) => resultJson(o.files[i]!, r)),
    });
  else {
    results.forEach((r, i) => printResult(o.files[i]!, r, histories[i]!.events.length));
    out(
      `${results.length} ${results.length === 1 ? 'history' : 'histories'}: ${results.length - failed} replayed, ${failed} failed`,
    );
  }
  return failed === 0 ? ExitCode.OK : ExitCode.FAILED;
}

function printResult(file: string, r: ReplayResult, events: number): void {
  const what = `${r.workflowType ?? '?'} workflowId ${r.workflowId} (${events} events)`;
  if (r.error === undefined) out(`ok    ${file}  ${what}`);
  else {
    out(`FAIL  ${file}  ${what}`);
    out(`      ${describeError(r.error)}`);
  }
}

function resultJson(file: string, r: ReplayResult): Record<string, unknown> {
  const base = { file, workflowId: r.workflowId, runId: r.runId, workflowType: r.workflowType };
  if (r.error === undefined) return { ...base, ok: true };
  const e = r.error as Error & { eventId?: unknown; expected?: unknown; actual?: unknown };
  return {
    ...base,
    ok: false,
    error: { name: e.name, message: e.message, eventId: e.eventId, expected: e.expected, actual: e.actual },
  };
}
