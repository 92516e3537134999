/**
 * `baton demo professor-oak`: a flaky HTTP call made durable. The workflow asks Professor Oak for
 * a greeting while his server is still down; each attempt fails with the connection error and is
 * retried under the activity's retry policy, until the demo starts the server (after
 * `--server-delay`) and an attempt gets the greeting.
 */
import { randomUUID } from 'node:crypto';
import { InvalidArgumentError } from 'commander';
import { professorOakActivities } from '../../examples/professor-oak/activities.js';
import {
  freePort,
  startProfessorOakServer,
  type ProfessorOakServer,
} from '../../examples/professor-oak/server.js';
import {
  PROFESSOR_OAK_ACTIVITY_OPTIONS,
  PROFESSOR_OAK_TASK_QUEUE,
  professorOak,
} from '../../examples/professor-oak/workflow.js';
import { durationMs } from '../common/duration.js';
import type { Baton, WorkflowHandle } from '../index.js';
import {
  demoWorker,
  printFailure,
  waitForEnd,
  whileRunning,
  withStore,
  type Ending,
  type StepRecord,
} from './demo-runner.js';
import { err, errorJson, ExitCode, out, outJson, pad } from './output.js';

/** Options of {@link runProfessorOakDemo}, as parsed from the command line. */
export interface ProfessorOakDemoOptions {
  /** Store URL. */
  store: string;
  /** How long after the workflow starts the demo starts Professor Oak's server, in ms. */
  serverDelayMs: number;
  /** One JSON object at the end instead of lines for people. */
  json: boolean;
}

/** The default of `--server-delay`, in ms. */
export const DEFAULT_SERVER_DELAY_MS = 3000;

/** Parses `--server-delay` (`'1.5s'`, `'500ms'`, or milliseconds); for commander. */
export function parseServerDelay(value: string): number {
  try {
    return durationMs(/^\d+(\.\d+)?$/.test(value) ? Number(value) : value, '--server-delay');
  } catch {
    throw new InvalidArgumentError("expected a duration such as '3s', '1.5s' or '500ms'.");
  }
}

/** Professor Oak's server, started by a timer; `startedAfterMs` is set once it listens. */
interface LateServer {
  startedAfterMs: number | undefined;
  /** Cancels the timer or stops the server, whichever applies. */
  close(): Promise<void>;
}

/**
 * Starts Professor Oak's server on `port` after `delayMs`, measured from `originMs`; prints a line
 * when it is up (unless `json`).
 */
function startLater(port: number, delayMs: number, originMs: number, json: boolean): LateServer {
  let starting: Promise<ProfessorOakServer | undefined> | undefined;
  const late: LateServer = {
    startedAfterMs: undefined,
    async close() {
      clearTimeout(timer);
      const server = await starting;
      await server?.close();
    },
  };
  const timer = setTimeout(() => {
    starting = startProfessorOakServer(port).then(
      (server) => {
        late.startedAfterMs = Date.now() - originMs;
        if (!json)
          out(`  ${pad(`+${(late.startedAfterMs / 1000).toFixed(2)}s`, 8)} server up at ${server.url}`);
        return server;
      },
      (error: unknown) => {
        err(`baton: could not start Professor Oak's server on port ${port}: ${String(error)}`);
        return undefined;
      },
    );
  }, delayMs);
  return late;
}

/**
 * Runs the demo and returns the exit code: 0 greeted, 1 the workflow failed (or is blocked),
 * 2 unusable store, 130 interrupted.
 */
export function runProfessorOakDemo(o: ProfessorOakDemoOptions): Promise<number> {
  return withStore(o.store, (baton) => runOnStore(baton, o));
}

async function runOnStore(baton: Baton, o: ProfessorOakDemoOptions): Promise<number> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/hello`;
  const workflowId = `professor-oak-${randomUUID().slice(0, 8)}`;
  const { worker, steps, blocked } = demoWorker<string>(baton, {
    taskQueue: PROFESSOR_OAK_TASK_QUEUE,
    workflows: [professorOak],
    activities: professorOakActivities,
    workflowId,
    json: o.json,
  });
  const originMs = Date.now();
  const server = startLater(port, o.serverDelayMs, originMs, o.json);
  try {
    return await whileRunning(worker, async () => {
      if (!o.json) printStartHeader(workflowId, url, o);
      const handle = await baton.client.start(professorOak, {
        workflowId,
        taskQueue: PROFESSOR_OAK_TASK_QUEUE,
        args: [url],
      });
      const ending = await waitForEnd(handle, blocked);
      return report(ending, handle, { url, steps, server }, o);
    });
  } finally {
    await server.close();
  }
}

function printStartHeader(workflowId: string, url: string, o: ProfessorOakDemoOptions): void {
  const retry = PROFESSOR_OAK_ACTIVITY_OPTIONS.retry;
  out(`Asking Professor Oak for a greeting: workflow ${professorOak.name}, workflowId ${workflowId}`);
  out(
    `  ${url} is down; the demo starts the server after ${o.serverDelayMs / 1000} s · retry: ` +
      `${String(retry?.initialInterval)} then ×${retry?.backoffCoefficient}, ${retry?.maximumAttempts} attempts · store ${o.store}`,
  );
  out();
}

async function report(
  ending: Ending<string>,
  handle: WorkflowHandle<string>,
  seen: { url: string; steps: StepRecord[]; server: LateServer },
  o: ProfessorOakDemoOptions,
): Promise<number> {
  const runId = handle.runId ?? (await handle.describe()).runId;
  const attempts = Math.max(0, ...seen.steps.map((s) => s.attempt));
  const ids = {
    workflowId: handle.workflowId,
    runId,
    url: seen.url,
    serverDelayMs: o.serverDelayMs,
    serverStartedAfterMs: seen.server.startedAfterMs ?? null,
    steps: seen.steps,
    attempts,
  };
  switch (ending.kind) {
    case 'completed':
      if (o.json) outJson({ ...ids, greeting: ending.result });
      else {
        out();
        out(`Professor Oak answered on attempt ${attempts}: “${ending.result}”`);
        out(
          `The history records the attempts: ActivityTaskStarted (attempt ${attempts}) carries the last failure.`,
        );
      }
      return ExitCode.OK;
    case 'failed':
      if (o.json) outJson({ ...ids, error: errorJson(ending.error) });
      else printFailure(`Professor Oak never answered (workflowId ${ids.workflowId})`, ending.error);
      return ExitCode.FAILED;
    case 'blocked':
      if (o.json) outJson({ ...ids, blocked: errorJson(ending.error) });
      else
        printFailure(`The workflow task of ${ids.workflowId} failed; the execution stays open`, ending.error);
      return ExitCode.FAILED;
    case 'interrupted':
      err(`Interrupted; the workflow ${ids.workflowId} is durable and stays open on ${o.store}.`);
      return ExitCode.INTERRUPTED;
  }
}
