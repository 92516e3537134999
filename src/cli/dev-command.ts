/**
 * `baton dev`: everything on one machine for development: the store (default
 * `sqlite:./.baton/baton.db`), a worker for a module's workflows and activities (loaded as
 * `baton worker --module` loads it) or, without `--workflows`, for the bundled Pokémon examples,
 * and the HTTP API with the web UI. Prints the URLs; SIGINT or SIGTERM stops it gracefully (server
 * closed, worker drained, store closed, exit 0).
 */
import type { Command, Option } from 'commander';
import {
  captureActivities,
  capturePokemon,
  capturePokemonSaga,
  CombatService,
  encounter,
  PokeballService,
  StatusService,
} from '../../examples/pokemon/index.js';
import { helloWorld, helloWorldActivities } from '../../examples/pokemon/hello-world.js';
import { captureSteps } from '../../examples/pokemon/steps.js';
import { ValidationError, type Baton, type Worker, type WorkflowDefinition } from '../index.js';
import { withServiceStore } from './service-logger.js';
import { err, ExitCode } from './output.js';
import {
  addServeOptions,
  serveFlags,
  processMetrics,
  serveUntilStopped,
  stopSignal,
  type ServeFlags,
  type StopSignal,
} from './serve-common.js';
import { loadWorkerModule, WorkerModuleError, type WorkerModule } from './worker-command.js';
import { FileWorkflowSet } from '../dsl/files/file-set.js';
import { fileLoadErrorLines } from './file-load-errors.js';

/** The task queue of `baton dev`'s worker unless `--task-queue` names another. */
export const DEV_TASK_QUEUE = 'baton-dev';

/**
 * The bundled Pokémon examples: the capture (as code, as a saga, as a step workflow), Hello World
 * (a step workflow), and the wild encounter that waits for the trainer's decision (a signal), with
 * the activities they call.
 */
export function bundledExamples(): WorkerModule {
  // The definitions' argument types differ; a worker takes them as WorkflowDefinition<unknown[]>.
  const workflows = [
    capturePokemon,
    capturePokemonSaga,
    captureSteps,
    helloWorld,
    encounter,
  ] as unknown as WorkflowDefinition[];
  return {
    workflows,
    activities: {
      ...captureActivities(new StatusService(), new CombatService(), new PokeballService()),
      ...helloWorldActivities,
    },
  };
}

const HELP = [
  '',
  'Opens the store, runs a worker on the task queue (default baton-dev) for the workflows and',
  'activities of --workflows MODULE (as `baton worker --module` reads a module; a .ts module needs',
  'NODE_OPTIONS="--import tsx") or, without it, for the bundled Pokémon examples: CapturePokemon,',
  'CapturePokemonSaga, CapturePokemonSteps, HelloWorld and Encounter (waits for the signal',
  "trainerDecision: 'capture' or 'flee'). Serves the HTTP API, /metrics and the web UI; prints their",
  'URLs. Starts through the API without a task queue go to the worker.',
  '',
  'Binds 127.0.0.1:8233 by default; any other address needs a token (--token or BATON_TOKEN).',
  '',
  'Exit 0 after SIGINT or SIGTERM (server closed, worker drained, store closed); 1 the worker',
  'failed; 2 bad flags, a module that cannot be used, an unusable store or a port in use.',
  '',
  'Examples:',
  '  npx baton dev                                   # the Pokémon examples, UI at http://127.0.0.1:8233/',
  '  npx baton dev --workflows dist/my-workflows.js --store sqlite:/tmp/dev.db --port 0',
  '  npx baton dev --file examples/files/capture.yaml   # a workflow file too: its graph in the UI',
  '  curl -X POST localhost:8233/api/executions -H content-type:application/json \\',
  `    -d '{"workflowType":"Encounter","args":[{"id":"mew","name":"Mew","level":30,"currentHealth":90,"maxHealth":90,"status":"HEALTHY"}]}'`,
].join('\n');

/** Registers `baton dev` on `program`; its action reports the exit code through `setExit`. */
export function registerDevCommand(
  program: Command,
  storeOption: () => Option,
  setExit: (code: number) => void,
): void {
  const command = program
    .command('dev')
    .description('store + worker + HTTP API + web UI in one process, for development')
    .option('--workflows <module>', 'the module of workflows and activities (default: the Pokémon examples)')
    .option('--task-queue <name>', `the worker's task queue (default: ${DEV_TASK_QUEUE})`)
    .option('--file <file...>', 'workflow files to run too (Baton YAML/JSON, Conductor JSON, uTask YAML)')
    .addOption(storeOption());
  addServeOptions(command)
    .addHelpText('after', HELP)
    .action(async (opts: Record<string, unknown>) => {
      const code = await runDevCommand(opts);
      setExit(code);
      // Stopped by a signal: an activity that ignores its abort signal must not keep the process alive.
      if (code === ExitCode.OK) process.exit(code);
    });
}

/** Runs `baton dev` with the parsed options; returns the exit code. */
export async function runDevCommand(opts: Record<string, unknown>): Promise<number> {
  const flags = serveFlags({ ...opts, taskQueue: opts.taskQueue ?? DEV_TASK_QUEUE });
  if (typeof flags === 'string') {
    err(`baton: ${flags}`);
    return ExitCode.USAGE;
  }
  const file = typeof opts.workflows === 'string' ? opts.workflows : undefined;
  let loaded: WorkerModule;
  try {
    loaded = file === undefined ? bundledExamples() : await loadWorkerModule(file);
  } catch (error) {
    if (!(error instanceof WorkerModuleError)) throw error;
    err(`baton: ${error.message}`);
    for (const line of error.details) err(`  ${line}`);
    return ExitCode.USAGE;
  }
  const files = await loadFileSet(opts.file);
  if (typeof files === 'number') return files;
  const signal = stopSignal();
  try {
    return await withServiceStore(flags.store, (baton) =>
      serveWithWorker(baton, flags, withFiles(loaded, files, baton), file, signal),
    );
  } finally {
    signal.dispose();
  }
}

/** The workflow files of `--file`, or the exit code after printing why they cannot be loaded. */
async function loadFileSet(paths: unknown): Promise<FileWorkflowSet | number> {
  try {
    return await FileWorkflowSet.load(Array.isArray(paths) ? paths.map(String) : []);
  } catch (error) {
    const lines = fileLoadErrorLines(error, '--file');
    if (lines === undefined) throw error;
    for (const line of lines) err(line);
    return ExitCode.USAGE;
  }
}

/** The module with the files' workflows (graphs attached) and the built-in activities added. */
function withFiles(m: WorkerModule, files: FileWorkflowSet, baton: Baton): WorkerModule {
  if (files.files.length === 0) return m;
  return {
    workflows: [...m.workflows, ...files.workflows],
    activities: { ...m.activities, ...files.activities({ client: baton.client }) },
  };
}

/** Runs the worker and the server until stopped; returns the exit code. */
async function serveWithWorker(
  baton: Baton,
  flags: ServeFlags,
  m: WorkerModule,
  file: string | undefined,
  signal: StopSignal,
): Promise<number> {
  const taskQueue = flags.taskQueue ?? DEV_TASK_QUEUE;
  const metrics = await processMetrics(baton);
  let worker: Worker;
  try {
    worker = baton.worker({
      taskQueue,
      workflows: m.workflows,
      activities: m.activities,
      identity: 'baton-dev',
      hooks: metrics.hooks,
    });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    err(`baton: ${file === undefined ? 'the bundled examples' : `worker module ${file}`}: ${error.message}`);
    return ExitCode.USAGE;
  }
  const running = worker.run();
  const names = (list: string[]): string => (list.length === 0 ? '(none)' : list.join(', '));
  return serveUntilStopped(
    baton,
    {
      flags,
      workflows: m.workflows,
      worker: { worker, running },
      metrics,
      intro: [
        `Baton dev: store ${flags.store}, worker ${worker.identity} on task queue ${taskQueue}`,
        `  workflows:  ${names(m.workflows.map((w) => w.name))}${file === undefined ? ` (the bundled Pokémon examples${m.workflows.some((w) => w.name.includes('@')) ? ', and the --file workflows' : ''})` : ''}`,
        `  activities: ${names(Object.keys(m.activities))}`,
      ],
    },
    signal,
  );
}
