/**
 * `baton run FILE [--input JSON] [--with FILE]…`: runs a workflow file (Baton's format, a Conductor
 * workflow definition or a uTask template) on the store, with a worker in this process, showing each
 * step's state, attempt and elapsed time; prints the output. `baton validate FILE…` checks files.
 */
import { randomUUID } from 'node:crypto';
import { type Command, Option } from 'commander';
import {
  ValidationError,
  WorkflowExecutionAlreadyStartedError,
  type Baton,
  type WorkflowHandle,
} from '../index.js';
import { errorExit, UsageError } from './commands/exit-codes.js';
import { printable } from './commands/format.js';
import { FileWorkflowSet } from '../dsl/files/file-set.js';
import { fileLoadErrorLines } from './file-load-errors.js';
import { loadWorkflowFile } from '../dsl/files/load.js';
import type { FileWorkflow } from '../dsl/files/types.js';
import { bundledExamples } from './dev-command.js';
import { followSteps } from './file-progress.js';
import { err, ExitCode, out, outJson } from './output.js';
import { awaitOutcome, type Outcome } from './commands/outcome.js';
import { invalidJsonMessage } from './commands/inputs.js';
import { stepViews } from '../dsl/files/step-states.js';
import { withServiceStore } from './service-logger.js';
import { loadWorkerModule, WorkerModuleError, type WorkerModule } from './worker-command.js';
import { INTERRUPT, interruptible, stoppedWaiting } from './commands/session.js';

/**
 * The task queue of `baton run`'s worker unless `--task-queue` names another: `baton-run:` and
 * the workflow type, so that an execution left open by one file is never claimed by the run of
 * another (whose worker does not know its type).
 */
export function runTaskQueue(workflowType: string): string {
  return `baton-run:${workflowType}`;
}

/** Options of `baton run`, as parsed. */
export interface RunCommandOptions {
  input?: string;
  with?: string[];
  module?: string;
  store: string;
  json?: boolean;
  workflowId?: string;
  taskQueue?: string;
}

const RUN_HELP = `
Loads FILE (and every --with FILE: children, sub-workflows and failure workflows it starts), runs a
worker for them in this process on the store, starts FILE's workflow with --input (JSON; default {})
and shows each step's state, attempt and elapsed time on stderr; then prints the output (stdout).

Activities (action: activity, Conductor SIMPLE tasks) come from --module (a module as \`baton worker
--module\` reads it); without it, the bundled Pokémon examples' activities are registered (paralyze,
attack, throwPokeball, cure, heal …), so the files in examples/files run as they are.

With --workflow-id of an execution that is still running (say its process was killed), the command
does not start another: its worker picks that execution up and it resumes where it stopped.

Exit 0 the workflow completed; 1 it failed, was cancelled, terminated or timed out; 2 a file that
cannot be loaded (each problem as FILE:LINE:COLUMN: message), bad input, an unusable store.

Examples:
  npx baton run examples/files/capture.yaml
  npx baton run order.json --with compensation.json --input '{"orderId":"ORD-1"}' --json`;

/** Registers `baton run` and `baton validate` on `program`. */
export function registerFileCommands(
  program: Command,
  storeOption: () => Option,
  setExit: (code: number) => void,
): void {
  program
    .command('run')
    .description('run a workflow file (Baton YAML/JSON, Conductor JSON, uTask YAML), showing step progress')
    .argument('<file>', 'the workflow file')
    .option('--input <json>', 'the input, as JSON (default: {})')
    .option('--with <file...>', 'more workflow files to register (children, failure workflows)')
    .option('--module <file>', 'a module of activities (and workflows), as baton worker --module reads it')
    .option('--workflow-id <id>', 'the workflowId (default: NAME-<random>); a running one is resumed')
    .addOption(new Option('--task-queue <name>', "the worker's task queue (default: baton-run:NAME@VERSION)"))
    .option('--json', 'print one JSON object (workflowId, status, result or failure, steps) at the end')
    .addOption(storeOption())
    .addHelpText('after', RUN_HELP)
    .action(async (file: string, opts: Record<string, unknown>) => {
      setExit(await runFileCommand(file, opts as unknown as RunCommandOptions));
    });
  program
    .command('validate')
    .description('check workflow files: every problem as FILE:LINE:COLUMN: message')
    .argument('<files...>', 'workflow files (Baton YAML/JSON, Conductor JSON, uTask YAML)')
    .option('--json', 'print one JSON array: { file, ok, format, workflowType, steps, problems }')
    .addHelpText('after', '\nExit 0 every file is valid; 1 at least one is not.')
    .action(async (files: string[], opts: { json?: boolean }) => {
      setExit(await validateFiles(files, opts.json === true));
    });
}

/** `baton validate`: loads each file and reports it. Returns 0 when all are valid, else 1. */
export async function validateFiles(files: readonly string[], json: boolean): Promise<number> {
  const reports = [];
  for (const file of files) {
    try {
      const loaded = await loadWorkflowFile(file);
      reports.push({
        file,
        ok: true,
        format: loaded.format,
        workflowType: loaded.workflowType,
        steps: loaded.graph.nodes.length,
        warnings: loaded.warnings,
        problems: [],
      });
      if (!json) {
        out(
          `${file}: ok (${loaded.format}: ${loaded.workflowType}, ${loaded.graph.nodes.length} step${loaded.graph.nodes.length === 1 ? '' : 's'})`,
        );
        for (const w of loaded.warnings) out(`  warning: ${w}`);
      }
    } catch (error) {
      const problems = fileLoadErrorLines(error, file);
      if (problems === undefined) throw error;
      reports.push({ file, ok: false, problems });
      if (!json) for (const p of problems) err(p);
    }
  }
  if (json) outJson(reports);
  return reports.every((r) => r.ok) ? ExitCode.OK : ExitCode.FAILED;
}

/** Runs `baton run`; returns the exit code. */
export async function runFileCommand(file: string, o: RunCommandOptions): Promise<number> {
  let set: FileWorkflowSet;
  let module: WorkerModule;
  let input: unknown;
  try {
    set = await FileWorkflowSet.load([file, ...(o.with ?? [])]);
    module = o.module === undefined ? bundledExamples() : await loadWorkerModule(o.module);
    input = set.files[0]!.prepareInput(parseInput(o.input));
  } catch (error) {
    const problems = fileLoadErrorLines(error, file);
    if (problems !== undefined) for (const p of problems) err(p);
    else if (error instanceof WorkerModuleError) err(`baton: ${error.message}`);
    else if (error instanceof ValidationError || error instanceof UsageError) err(`baton: ${error.message}`);
    else throw error;
    return ExitCode.USAGE;
  }
  for (const m of set.missingReferences())
    err(
      `baton: warning: ${m.file} refers to workflow '${m.reference}', which no given file defines (add it with --with)`,
    );
  return withServiceStore(o.store, async (baton) => {
    try {
      return await runOnStore(baton, set, module, input, o);
    } catch (error) {
      const exit = errorExit(error);
      if (exit === undefined) throw error;
      for (const line of exit.lines) err(line);
      return exit.code;
    }
  });
}

async function runOnStore(
  baton: Baton,
  set: FileWorkflowSet,
  module: WorkerModule,
  input: unknown,
  o: RunCommandOptions,
): Promise<number> {
  const main = set.files[0]!;
  const taskQueue = o.taskQueue ?? runTaskQueue(main.workflowType);
  const worker = baton.worker({
    taskQueue,
    workflows: [...set.workflows, ...module.workflows],
    activities: { ...module.activities, ...set.activities({ client: baton.client }) },
  });
  const running = worker.run();
  try {
    const handle = await startOrResume(baton, main, input, { ...o, taskQueue });
    const outcome = awaitOutcome(baton, handle);
    const json = o.json === true;
    if (!json) err(`running ${main.workflowType} (${main.format}) as ${handle.workflowId}`);
    const ending = await interruptible(
      followSteps(baton, handle.workflowId, outcome).then((taskFailure): Promise<Outcome | string> =>
        taskFailure === undefined ? outcome : Promise.resolve(taskFailure),
      ),
    );
    if (ending === INTERRUPT) return stoppedWaiting(handle.workflowId);
    if (typeof ending === 'string') return taskFailed(handle.workflowId, ending);
    const { events } = await baton.client.getHandle(handle.workflowId).fetchHistory();
    const steps = stepViews(events, baton.converter).map((v) => ({
      step: v.step,
      state: v.state,
      attempt: v.attempt,
    }));
    return ending.report(json, json ? { workflowType: main.workflowType, steps } : {});
  } finally {
    await worker.shutdown();
    await running;
  }
}

/** Says that the workflow task fails (it would fail again on every retry); returns 1. */
function taskFailed(workflowId: string, message: string): number {
  err(`baton: the workflow task of ${workflowId} fails: ${printable(message)}`);
  err(
    `baton: the execution stays open: fix the file or the --module and run again with --workflow-id ${workflowId} (or cancel it: baton cancel ${workflowId})`,
  );
  return ExitCode.FAILED;
}

async function startOrResume(
  baton: Baton,
  main: FileWorkflow,
  input: unknown,
  o: RunCommandOptions & { taskQueue: string },
): Promise<WorkflowHandle> {
  const workflowId = o.workflowId ?? `${main.name}-${randomUUID().slice(0, 8)}`;
  try {
    return await baton.client.start(main.definition, { taskQueue: o.taskQueue, workflowId, args: [input] });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError) || o.workflowId === undefined) throw error;
    const handle = baton.client.getHandle(workflowId);
    const running = await handle.describe();
    if (running.workflowType !== main.workflowType)
      throw new UsageError(
        `workflow execution '${workflowId}' is running as '${running.workflowType}', not '${main.workflowType}': run its own file to resume it, or choose another --workflow-id`,
      );
    if (running.taskQueue !== o.taskQueue)
      throw new UsageError(
        `workflow execution '${workflowId}' runs on task queue '${running.taskQueue}', not '${o.taskQueue}': give --task-queue ${running.taskQueue} to resume it`,
      );
    err(`resuming the running execution ${workflowId}`);
    return handle;
  }
}

function parseInput(text: string | undefined): unknown {
  if (text === undefined) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(invalidJsonMessage('--input', text, error));
  }
}
