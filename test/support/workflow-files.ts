/**
 * Runs workflow files on a real engine for tests: a fresh store (test/support/harness.ts), a
 * worker for the files and the built-in activities, one execution of the first file awaited to
 * its end, and what its history says (status, result or failure, step states).
 */
import { randomUUID } from 'node:crypto';
import type { BatonFailure, HistoryEvent, WorkflowHandle } from '../../src/index.js';
import { WorkflowFailedError } from '../../src/index.js';
import { FileWorkflowSet } from '../../src/dsl/files/file-set.js';
import { loadWorkflowFile, loadWorkflowText, type LoadWorkflowOptions } from '../../src/dsl/files/load.js';
import { stepStates, stepViews, type StepView } from '../../src/dsl/files/step-states.js';
import type { StepState } from '../../src/dsl/files/step-kit.js';
import { openTestEnv, type TestEnv } from './harness.js';

/** Options of {@link runWorkflowFiles}. */
export interface RunFilesOptions extends LoadWorkflowOptions {
  /** The input of the first file's execution (checked and completed by its `prepareInput`). */
  input?: unknown;
  /** Rewrites HTTP steps' URLs (e.g. `mock.rewrite`). */
  rewriteUrl?: (url: string) => string;
  /** More activities for the worker (e.g. the Pokémon activities, Conductor SIMPLE tasks). */
  activities?: Record<string, (...args: never[]) => Promise<unknown>>;
  /** @default a random id */
  workflowId?: string;
  /** Files given as text instead of paths: `{ 'name.yaml': text }`, registered after the paths. */
  texts?: Record<string, string>;
  /** Reuse an environment (e.g. to start a second run on the same store). @default a fresh one */
  env?: TestEnv;
  /** Task queue. @default 'files' */
  taskQueue?: string;
}

/** What one run of a workflow file came to. */
export interface FileRun {
  status: 'COMPLETED' | 'FAILED' | 'CANCELED' | 'TERMINATED' | 'TIMED_OUT';
  /** The result, when COMPLETED. */
  result: unknown;
  /** The failure (the `WorkflowFailedError`'s cause), when not COMPLETED. */
  failure: BatonFailure | undefined;
  history: HistoryEvent[];
  /** Last state of each step, from its `baton.step` markers. */
  steps: Record<string, StepState>;
  stepViews: StepView[];
  handle: WorkflowHandle;
  set: FileWorkflowSet;
  env: TestEnv;
}

/**
 * Loads `paths` (and `texts`), runs a worker for them, starts the first file with `input`, waits
 * for the end and returns what happened. The environment is closed after the test.
 *
 * @example
 * const run = await runWorkflowFiles([sample('conductor/workflow.json')], { rewriteUrl: mock.rewrite });
 * expect(run.status).toBe('COMPLETED');
 */
export async function runWorkflowFiles(
  paths: readonly string[],
  options: RunFilesOptions = {},
): Promise<FileRun> {
  const files = [];
  for (const path of paths) files.push(await loadWorkflowFile(path, options));
  for (const [name, text] of Object.entries(options.texts ?? {}))
    files.push(loadWorkflowText(text, name, options));
  const set = new FileWorkflowSet(files);
  const env = options.env ?? (await openTestEnv());
  const taskQueue = options.taskQueue ?? 'files';
  const rewrite = options.rewriteUrl === undefined ? {} : { rewriteUrl: options.rewriteUrl };
  env.worker({
    taskQueue,
    workflows: set.workflows,
    activities: { ...set.activities({ client: env.baton.client, ...rewrite }), ...options.activities },
  });
  const first = set.files[0];
  if (first === undefined) throw new Error('runWorkflowFiles: no file given');
  const handle = await env.baton.client.start(first.definition, {
    taskQueue,
    workflowId: options.workflowId ?? `file-${randomUUID()}`,
    args: [first.prepareInput(options.input)],
  });
  return awaitFileRun(handle, set, env);
}

/** Waits for `handle`'s end and reads its history (see {@link FileRun}). */
export async function awaitFileRun(
  handle: WorkflowHandle,
  set: FileWorkflowSet,
  env: TestEnv,
): Promise<FileRun> {
  let result: unknown;
  let failure: BatonFailure | undefined;
  try {
    result = await handle.result();
  } catch (error) {
    if (!(error instanceof WorkflowFailedError)) throw error;
    failure = error.cause as BatonFailure;
  }
  const { status } = await handle.describe();
  const history = (await handle.fetchHistory()).events;
  return {
    status: status as FileRun['status'],
    result,
    failure,
    history,
    steps: stepStates(history, env.baton.converter),
    stepViews: stepViews(history, env.baton.converter),
    handle,
    set,
    env,
  };
}
