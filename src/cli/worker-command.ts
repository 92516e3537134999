/**
 * `baton worker --module FILE --task-queue Q`: a long-running worker for the workflows and
 * activities a module exports, until SIGTERM or SIGINT (then a graceful shutdown and exit 0; a
 * second signal exits at once with 128 + the signal's number).
 *
 * What counts in the module (see {@link collectWorkerModule}):
 * - workflows: every export that is a frozen `{ name: string, fn: function }` (what
 *   `defineWorkflow` and `defineStepWorkflow` return), and the elements of an export named
 *   `workflows` (an array, or an object, of definitions);
 * - activities: the functions of an export named `activities` (an object of async functions, as
 *   Temporal's `activities` worker option); only when there is no such export, the module's
 *   exported `async function`s (other than `default`) are its activities.
 */
import { existsSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Command, InvalidArgumentError, type Option } from 'commander';
import { ValidationError, type Baton, type Worker, type WorkflowDefinition } from '../index.js';
import { withServiceStore } from './service-logger.js';
import { err, ExitCode, out } from './output.js';

/** Options of `baton worker`, as parsed from the command line. */
export interface WorkerCommandOptions {
  /** The module's path, as given (relative to the current directory, or absolute). */
  module: string;
  taskQueue: string;
  /** Store URL. */
  store: string;
  /** The worker's name, in its identity `pid@host/NAME-xxxxxxxx`. */
  name?: string;
  maxConcurrentActivities?: number;
  maxConcurrentWorkflows?: number;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFunction = (...args: any[]) => unknown;

/** What a worker module registers. */
export interface WorkerModule {
  workflows: WorkflowDefinition[];
  activities: Record<string, AnyFunction>;
}

/** A module that cannot be used: the lines to print (the first names the file). */
export class WorkerModuleError extends Error {
  constructor(
    message: string,
    readonly details: string[] = [],
  ) {
    super(message);
    this.name = 'WorkerModuleError';
  }
}

const EXPECTED =
  'expected workflow definitions (defineWorkflow, defineStepWorkflow) as exports or in a `workflows` array, ' +
  'and activities as an `activities` object of async functions (or exported async functions)';

/** Registers `baton worker` on `program`; its action reports the exit code through `setExit`. */
export function registerWorkerCommand(
  program: Command,
  storeOption: Option,
  setExit: (code: number) => void,
): void {
  program
    .command('worker')
    .description('run a worker for the workflows and activities a module exports, until SIGTERM or SIGINT')
    .requiredOption('--module <file>', 'the module: a .js or .mjs file (.ts under a TypeScript loader)')
    .requiredOption('--task-queue <name>', 'the task queue to poll')
    .addOption(storeOption)
    .option('--name <name>', "the worker's name, in its identity pid@host/NAME-xxxxxxxx (default: worker)")
    .option(
      '--max-concurrent-activities <n>',
      'activity attempts running at once (default: 100)',
      positiveInt,
    )
    .option(
      '--max-concurrent-workflows <n>',
      'executions held in memory at once (default: 1000)',
      positiveInt,
    )
    .addHelpText('after', HELP)
    .action(async (opts: Record<string, unknown>) => {
      const code = await runWorkerCommand(workerOptions(opts));
      setExit(code);
      // Stopped by a signal: an attempt that ignored its abort signal past the grace time must not
      // keep the process alive (its execution was handed back; it runs again elsewhere).
      if (code === ExitCode.OK) process.exit(code);
    });
}

const HELP = [
  '',
  'The module (a path relative to the current directory, or absolute) is imported once. Its',
  'workflows: every export that defineWorkflow() or defineStepWorkflow() made, and the elements of',
  'a `workflows` export (an array or object of them). Its activities: the functions of an',
  '`activities` export (an object of async functions, as Temporal’s worker takes them); only when',
  'there is no `activities` export, its exported async functions (not `default`) are activities.',
  'A .ts module needs a TypeScript loader: NODE_OPTIONS="--import tsx" npx baton worker …',
  '',
  'Prints one line saying what it runs, then works until SIGTERM or SIGINT: it stops claiming',
  'work, lets running activity attempts finish (up to 10 s), hands its executions back, closes',
  'the store and exits 0. A second signal exits at once (130 for SIGINT, 143 for SIGTERM).',
  'Failed activity attempts and workflow tasks are printed to stderr. Exit 2: the module is',
  'missing, fails to import, or exports no workflows and no activities; bad options; an',
  'unusable store.',
  '',
  'Examples:',
  '  npx baton worker --module dist/examples/pokemon/worker-module.js --task-queue pokemon-capture',
  '  npx baton worker --module ./worker.mjs --task-queue orders --store sqlite:/srv/baton.db --name orders-1',
  '  node --import tsx src/cli/main.ts worker --module examples/pokemon/worker-module.ts --task-queue q1',
].join('\n');

function positiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('expected an integer ≥ 1.');
  return Number(value);
}

function workerOptions(opts: Record<string, unknown>): WorkerCommandOptions {
  const o: WorkerCommandOptions = {
    module: String(opts.module),
    taskQueue: String(opts.taskQueue),
    store: String(opts.store),
  };
  if (typeof opts.name === 'string') o.name = opts.name;
  if (typeof opts.maxConcurrentActivities === 'number')
    o.maxConcurrentActivities = opts.maxConcurrentActivities;
  if (typeof opts.maxConcurrentWorkflows === 'number') o.maxConcurrentWorkflows = opts.maxConcurrentWorkflows;
  return o;
}

/**
 * Runs the command: loads the module, opens the store, runs the worker until a signal. Returns the
 * exit code: 0 after a graceful shutdown, 1 when the worker failed, 2 a module that cannot be used,
 * bad options or an unusable store.
 */
export async function runWorkerCommand(o: WorkerCommandOptions): Promise<number> {
  if (o.taskQueue.trim() === '') {
    err('baton: --task-queue: expected a non-empty task queue name');
    return ExitCode.USAGE;
  }
  let loaded: WorkerModule;
  try {
    loaded = await loadWorkerModule(o.module);
  } catch (error) {
    if (!(error instanceof WorkerModuleError)) throw error;
    err(`baton: ${error.message}`);
    for (const line of error.details) err(`  ${line}`);
    return ExitCode.USAGE;
  }
  const signals = stopSignals();
  try {
    return await withServiceStore(o.store, (baton) => serve(baton, loaded, o, signals));
  } finally {
    signals.dispose();
  }
}

/**
 * Imports the module at `file` (relative to `cwd`, or absolute) and collects its workflows and
 * activities.
 *
 * @throws WorkerModuleError naming the file: missing, not importable, nothing to run, or exports
 *   of the wrong shape.
 */
export async function loadWorkerModule(file: string, cwd: string = process.cwd()): Promise<WorkerModule> {
  const path = resolve(cwd, file);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new WorkerModuleError(
      `worker module ${file} not found${path === file ? '' : ` (${path})`} or not a file: expected a .js or .mjs file (or .ts under a TypeScript loader)`,
    );
  }
  let ns: Record<string, unknown>;
  try {
    ns = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    throw new WorkerModuleError(`worker module ${file} failed to import`, importErrorLines(error, path));
  }
  const m = collectWorkerModule(ns, file);
  if (m.workflows.length === 0 && Object.keys(m.activities).length === 0) {
    const names = Object.keys(ns);
    const exported = names.length === 0 ? 'it exports nothing' : `it exports ${names.join(', ')}`;
    throw new WorkerModuleError(
      `worker module ${file} exports no workflows and no activities (${exported}); ${EXPECTED}`,
    );
  }
  return m;
}

/** The lines of an import error: its stack (or message), and a hint for a .ts file without loader. */
function importErrorLines(error: unknown, path: string): string[] {
  const text = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  const lines = text.split('\n').map((l) => l.trimEnd());
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ERR_UNKNOWN_FILE_EXTENSION' && /\.[cm]?ts$/.test(extname(path))) {
    lines.push(
      'hint: a .ts module needs a TypeScript loader (NODE_OPTIONS="--import tsx"), or compile it to .js',
    );
  }
  return lines;
}

/** A workflow definition as `defineWorkflow` makes it: frozen, with a type name and a function. */
function isDefinition(value: unknown): value is WorkflowDefinition {
  return hasDefinitionShape(value) && Object.isFrozen(value);
}

function hasDefinitionShape(value: unknown): value is WorkflowDefinition {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { name?: unknown; fn?: unknown };
  return typeof v.name === 'string' && v.name !== '' && typeof v.fn === 'function';
}

function isAsyncFunction(value: unknown): value is AnyFunction {
  return typeof value === 'function' && Object.prototype.toString.call(value) === '[object AsyncFunction]';
}

/**
 * The workflows and activities of a module's exports `ns` (see the rule at the top of this file).
 *
 * @throws WorkerModuleError naming `file` when `workflows` or `activities` has the wrong shape, or
 *   two different definitions share a workflow type.
 */
export function collectWorkerModule(ns: Record<string, unknown>, file: string): WorkerModule {
  const found = new Map<string, { definition: WorkflowDefinition; from: string }>();
  const add = (definition: WorkflowDefinition, from: string): void => {
    const seen = found.get(definition.name);
    if (seen === undefined) found.set(definition.name, { definition, from });
    else if (seen.definition !== definition) {
      throw new WorkerModuleError(
        `worker module ${file}: workflow type '${definition.name}' is defined twice (${seen.from} and ${from})`,
      );
    }
  };
  for (const [key, value] of Object.entries(ns)) {
    if (key !== 'workflows' && isDefinition(value)) add(value, `export ${key}`);
  }
  if ('workflows' in ns) {
    for (const [where, value] of listedWorkflows(ns.workflows, file)) add(value, where);
  }
  return { workflows: [...found.values()].map((f) => f.definition), activities: activitiesOf(ns, file) };
}

/** The definitions of the `workflows` export, with where each is: `workflows[0]`, `workflows.x`. */
function listedWorkflows(value: unknown, file: string): [string, WorkflowDefinition][] {
  if (hasDefinitionShape(value)) return [['export workflows', value]];
  if (typeof value !== 'object' || value === null) {
    throw new WorkerModuleError(
      `worker module ${file}: export workflows: expected an array of workflow definitions, got ${shapeOf(value)}`,
    );
  }
  const entries: [string, unknown][] = Array.isArray(value)
    ? value.map((v: unknown, i) => [`workflows[${i}]`, v])
    : Object.entries(value).map(([k, v]) => [`workflows.${k}`, v]);
  return entries.map(([where, v]) => {
    if (!hasDefinitionShape(v)) {
      throw new WorkerModuleError(
        `worker module ${file}: ${where}: expected a workflow definition made with defineWorkflow() or defineStepWorkflow(), got ${shapeOf(v)}`,
      );
    }
    return [where, v];
  });
}

/** The `activities` export's functions; without one, the exported async functions. */
function activitiesOf(ns: Record<string, unknown>, file: string): Record<string, AnyFunction> {
  const activities: Record<string, AnyFunction> = {};
  if (!('activities' in ns)) {
    for (const [key, value] of Object.entries(ns)) {
      if (key !== 'default' && isAsyncFunction(value)) activities[key] = value;
    }
    return activities;
  }
  const given = ns.activities;
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new WorkerModuleError(
      `worker module ${file}: export activities: expected an object of async functions, got ${shapeOf(given)}`,
    );
  }
  for (const [key, value] of Object.entries(given)) {
    if (typeof value !== 'function') {
      throw new WorkerModuleError(
        `worker module ${file}: activities.${key}: expected an async function, got ${shapeOf(value)}`,
      );
    }
    activities[key] = value as AnyFunction;
  }
  return activities;
}

function shapeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'function') return 'a function';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** The first SIGINT/SIGTERM stops the worker; a second one exits at once. */
interface StopSignals {
  /** Calls `stop` on the first signal (at once if one came already). */
  onStop(stop: (signal: NodeJS.Signals) => void): void;
  /** Removes the handlers. */
  dispose(): void;
}

const SIGNAL_EXIT_CODES: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };

function stopSignals(): StopSignals {
  let received: NodeJS.Signals | undefined;
  let stop: ((signal: NodeJS.Signals) => void) | undefined;
  const handler = (signal: NodeJS.Signals): void => {
    if (received !== undefined) {
      err(`baton: ${signal} again: exiting at once, without waiting for running work`);
      process.exit(SIGNAL_EXIT_CODES[signal] ?? ExitCode.INTERRUPTED);
    }
    received = signal;
    stop?.(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    onStop(fn) {
      stop = fn;
      if (received !== undefined) fn(received);
    },
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/** Runs the worker on `baton` until a signal stops it; returns the exit code. */
async function serve(
  baton: Baton,
  m: WorkerModule,
  o: WorkerCommandOptions,
  signals: StopSignals,
): Promise<number> {
  let worker: Worker;
  try {
    worker = baton.worker({
      taskQueue: o.taskQueue,
      workflows: m.workflows,
      activities: m.activities,
      ...(o.name === undefined ? {} : { identity: o.name }),
      ...(o.maxConcurrentActivities === undefined
        ? {}
        : { maxConcurrentActivities: o.maxConcurrentActivities }),
      ...(o.maxConcurrentWorkflows === undefined ? {} : { maxConcurrentWorkflows: o.maxConcurrentWorkflows }),
      hooks: {
        onActivityAttempt(e) {
          if (e.outcome === 'completed') return;
          err(
            `activity ${e.activityType} attempt ${e.attempt} ${e.outcome} (workflow ${e.workflowId}): ${e.error ?? ''}`.trimEnd(),
          );
        },
      },
    });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    err(`baton: worker module ${o.module}: ${error.message}`);
    return ExitCode.USAGE;
  }
  const running = worker.run();
  out(readyLine(worker, m, o.store));
  signals.onStop((signal) => {
    const graceS = worker.options.shutdownGraceMs / 1000;
    out(`${signal}: shutting down (running activity attempts have up to ${graceS}s to finish)`);
    // A failed shutdown rejects `running` too, where it is reported.
    worker.shutdown().catch(() => {});
  });
  try {
    await running;
  } catch (error) {
    err(
      `baton: the worker failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    return ExitCode.FAILED;
  }
  out(`worker ${worker.identity} stopped`);
  return ExitCode.OK;
}

/** `worker ID on task queue Q, store URL: workflows A, B; activities x, y`. */
function readyLine(worker: Worker, m: WorkerModule, store: string): string {
  const list = (names: string[]): string => (names.length === 0 ? '(none)' : names.join(', '));
  const workflows = list(m.workflows.map((w) => w.name));
  const activities = list(Object.keys(m.activities));
  return `worker ${worker.identity} on task queue ${worker.taskQueue}, store ${store}: workflows ${workflows}; activities ${activities}`;
}
