/**
 * `baton demo orchestrator`: the capture as a step workflow (`CapturePokemonSteps`) on a real
 * store. It prints the graph before it runs, then each attempt as it happens with the step it
 * belongs to. With `--fail-throw` the Poké Ball service fails every call: the throw fails for good
 * after 3 attempts and the completed steps are compensated newest first (heal, then cure).
 */
import { randomUUID } from 'node:crypto';
import {
  captureActivities,
  CombatService,
  mewtwo,
  PokeballService,
  sacha,
  StatusService,
  type CaptureResult,
} from '../../examples/pokemon/index.js';
import { captureSteps } from '../../examples/pokemon/steps.js';
import { ActivityFailure, type Baton, type StepGraph, type WorkflowHandle } from '../index.js';
import { describeCapture } from './demo-capture.js';
import {
  completedActivities,
  demoWorker,
  failureLines,
  printFailure,
  waitForEnd,
  whileRunning,
  withStore,
  type Ending,
  type StepRecord,
} from './demo-runner.js';
import { err, errorJson, ExitCode, out, outJson, pad } from './output.js';

/** The task queue of the orchestrator demo's worker. */
export const ORCHESTRATOR_TASK_QUEUE = 'pokemon-orchestrator';

/** Options of {@link runOrchestratorDemo}, as parsed from the command line. */
export interface OrchestratorDemoOptions {
  /** Store URL. */
  store: string;
  /** One JSON object at the end instead of lines for people. */
  json: boolean;
  /** The Poké Ball service fails every call, so the compensations run. */
  failThrow: boolean;
}

/** The graph as lines for people: mode, then each step with its activity, compensation and dependencies. */
export function graphLines(graph: StepGraph): string[] {
  const width = Math.max(...graph.steps.map((s) => s.name.length)) + 2;
  const activityWidth = Math.max(...graph.steps.map((s) => s.activity.length)) + 6;
  const roots = graph.roots.map((r) => `'${r}'`).join(', ');
  const how =
    graph.mode === 'sequence'
      ? 'a sequence: each step after the previous one'
      : graph.roots.length === graph.steps.length
        ? 'a DAG of independent steps: all start at once'
        : `a DAG: ${roots} start${graph.roots.length === 1 ? 's' : ''} at once, each other step as soon as its dependencies completed`;
  return [
    `Step workflow ${graph.name}, ${graph.steps.length} steps, ${how}:`,
    ...graph.steps.map((s) => {
      const undo = s.compensation === null ? 'no compensation' : `compensate ${s.compensation}`;
      const after = s.dependsOn.length === 0 ? 'at the start' : `after ${s.dependsOn.join(', ')}`;
      return `  ${pad(s.name, width)}${pad(`run ${s.activity}`, activityWidth)}${pad(undo, 22)}${after}`;
    }),
  ];
}

/** A step line's note: the step an activity runs, or the step a compensation undoes. */
export function stepNote(graph: StepGraph): (step: StepRecord) => string | undefined {
  return (s) => {
    const steps = graph.steps.filter((n) => n.activity === s.activity).map((n) => n.name);
    if (steps.length > 0) return `step ${steps.join(' / ')}`;
    const undoes = graph.steps.filter((n) => n.compensation === s.activity).map((n) => n.name);
    return undoes.length > 0 ? `compensation: undoes ${undoes.join(' / ')}` : undefined;
  };
}

/**
 * Runs the demo and returns the exit code: 0 captured (or, with `--fail-throw`, failed at the
 * throw and compensated, as designed), 1 otherwise (failed, not compensated, blocked), 2 unusable
 * store, 130 interrupted.
 */
export function runOrchestratorDemo(o: OrchestratorDemoOptions): Promise<number> {
  return withStore(o.store, (baton) => runOnStore(baton, o));
}

async function runOnStore(baton: Baton, o: OrchestratorDemoOptions): Promise<number> {
  const workflowId = `orchestrator-mewtwo-${randomUUID().slice(0, 8)}`;
  const graph = captureSteps.graph;
  const { worker, steps, blocked } = demoWorker<CaptureResult>(baton, {
    taskQueue: ORCHESTRATOR_TASK_QUEUE,
    workflows: [captureSteps],
    activities: captureActivities(
      new StatusService(),
      new CombatService(),
      new PokeballService(o.failThrow ? { failProbability: 1 } : {}),
    ),
    workflowId,
    json: o.json,
    note: stepNote(graph),
    onRecorded(e) {
      if (o.json || e.eventType !== 'ActivityTaskFailed') return;
      const attempts = steps.filter((s) => s.activity === e.activityType).length;
      out(
        `  ${e.activityType} failed for good after ${attempts} attempt${attempts === 1 ? '' : 's'}: compensating the completed steps, newest first`,
      );
    },
  });
  return whileRunning(worker, async () => {
    if (!o.json) {
      for (const line of graphLines(graph)) out(line);
      out();
      out(`Capturing Mewtwo for Sacha: workflowId ${workflowId}`);
      const notes = [`store ${o.store}`, `task queue ${ORCHESTRATOR_TASK_QUEUE}`];
      if (o.failThrow) notes.push('the Poké Ball service fails every call');
      out(`  ${notes.join(' · ')}`);
      out();
    }
    const handle = await baton.client.start(captureSteps, {
      workflowId,
      taskQueue: ORCHESTRATOR_TASK_QUEUE,
      args: [{ trainer: sacha(), pokemon: mewtwo() }],
    });
    return report(await waitForEnd(handle, blocked), handle, steps, o);
  });
}

/** The step the workflow failed at: the one whose activity is the `ActivityFailure`'s type. */
function failedStep(graph: StepGraph, error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 20; e = e.cause, depth++)
    if (e instanceof ActivityFailure)
      return graph.steps.find((s) => s.activity === e.activityType)?.name ?? e.activityType;
  return undefined;
}

async function report(
  ending: Ending<CaptureResult>,
  handle: WorkflowHandle<CaptureResult>,
  steps: StepRecord[],
  o: OrchestratorDemoOptions,
): Promise<number> {
  const graph = captureSteps.graph;
  const runId = handle.runId ?? (await handle.describe()).runId;
  const ids = { workflowId: handle.workflowId, runId, graph, steps };
  switch (ending.kind) {
    case 'completed':
      if (o.json) outJson({ ...ids, result: ending.result });
      else {
        out();
        for (const line of describeCapture(ending.result)) out(line);
        if (o.failThrow) err('The throw succeeded, so nothing was compensated.');
      }
      return o.failThrow ? ExitCode.FAILED : ExitCode.OK;
    case 'failed': {
      // What is durable, not what this process saw: the compensations completed in the history.
      const undo = new Set(graph.steps.flatMap((s) => (s.compensation === null ? [] : [s.compensation])));
      const compensations = (await completedActivities(handle)).filter((a) => undo.has(a));
      const failedAt = failedStep(graph, ending.error) ?? 'a step';
      const compensated = compensations.join(',') === 'heal,cure';
      if (o.json) {
        outJson({ ...ids, failedAt, compensated, compensations, error: errorJson(ending.error) });
      } else if (compensated) {
        out();
        out(`Workflow ${graph.name} failed (workflowId ${ids.workflowId}, runId ${runId}):`);
        for (const line of failureLines(ending.error)) out(line);
        out(`Compensations recorded in the history, in order: ${compensations.join(', ')}.`);
        out(`The capture failed at ${failedAt}; Mewtwo was healed, then cured.`);
      } else {
        printFailure(`Capture failed (workflowId ${ids.workflowId}, runId ${runId})`, ending.error);
        err(`Failed at ${failedAt}; completed compensations: ${compensations.join(', ') || 'none'}.`);
      }
      return o.failThrow && compensated ? ExitCode.OK : ExitCode.FAILED;
    }
    case 'blocked':
      if (o.json) outJson({ ...ids, blocked: errorJson(ending.error) });
      else
        printFailure(`The workflow task of ${ids.workflowId} failed; the execution stays open`, ending.error);
      return ExitCode.FAILED;
    case 'interrupted':
      err(
        `Interrupted; ${ids.workflowId} is durable and stays open on ${o.store}: the next orchestrator demo on that store finishes it.`,
      );
      return ExitCode.INTERRUPTED;
  }
}
