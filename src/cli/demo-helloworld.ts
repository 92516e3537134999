/**
 * `baton demo helloworld`: Hello World as a step workflow (`HelloWorld`): two independent steps,
 * "hello trainer" and "hello Pokémon", that start at once. Prints the graph, each step as it
 * completes, then the greetings (the default result: every step's output by step name).
 */
import { randomUUID } from 'node:crypto';
import { mewtwo, sacha } from '../../examples/pokemon/index.js';
import { helloWorld, helloWorldActivities } from '../../examples/pokemon/hello-world.js';
import type { Baton, StepOutputs } from '../index.js';
import { graphLines, stepNote } from './demo-orchestrator.js';
import { demoWorker, printFailure, waitForEnd, whileRunning, withStore } from './demo-runner.js';
import { err, errorJson, ExitCode, out, outJson } from './output.js';

/** The task queue of the Hello World demo's worker. */
export const HELLO_WORLD_TASK_QUEUE = 'hello-world';

/** Options of {@link runHelloWorldDemo}, as parsed from the command line. */
export interface HelloWorldDemoOptions {
  /** Store URL. */
  store: string;
  /** One JSON object at the end instead of lines for people. */
  json: boolean;
}

/** Runs the demo; returns the exit code: 0 greeted, 1 failed or blocked, 2 unusable store, 130 interrupted. */
export function runHelloWorldDemo(o: HelloWorldDemoOptions): Promise<number> {
  return withStore(o.store, (baton) => runOnStore(baton, o));
}

async function runOnStore(baton: Baton, o: HelloWorldDemoOptions): Promise<number> {
  const workflowId = `hello-world-${randomUUID().slice(0, 8)}`;
  const graph = helloWorld.graph;
  const { worker, steps, blocked } = demoWorker<StepOutputs>(baton, {
    taskQueue: HELLO_WORLD_TASK_QUEUE,
    workflows: [helloWorld],
    activities: helloWorldActivities,
    workflowId,
    json: o.json,
    note: stepNote(graph),
  });
  return whileRunning(worker, async () => {
    if (!o.json) {
      for (const line of graphLines(graph)) out(line);
      out();
      out(`Greeting Sacha and Mewtwo: workflowId ${workflowId}`);
      out(`  store ${o.store} · task queue ${HELLO_WORLD_TASK_QUEUE}`);
      out();
    }
    const handle = await baton.client.start(helloWorld, {
      workflowId,
      taskQueue: HELLO_WORLD_TASK_QUEUE,
      args: [{ trainer: sacha(), pokemon: mewtwo() }],
    });
    const ending = await waitForEnd(handle, blocked);
    const runId = handle.runId ?? (await handle.describe()).runId;
    const ids = { workflowId, runId, graph, steps };
    switch (ending.kind) {
      case 'completed':
        if (o.json) outJson({ ...ids, result: ending.result });
        else {
          out();
          for (const [step, greeting] of Object.entries(ending.result))
            out(`${step}: ${typeof greeting === 'string' ? greeting : JSON.stringify(greeting)}`);
        }
        return ExitCode.OK;
      case 'failed':
      case 'blocked': {
        const error = ending.error;
        if (o.json) outJson({ ...ids, [ending.kind === 'failed' ? 'error' : 'blocked']: errorJson(error) });
        else printFailure(`Hello World ${ending.kind} (workflowId ${workflowId}, runId ${runId})`, error);
        return ExitCode.FAILED;
      }
      case 'interrupted':
        err(`Interrupted; ${workflowId} is durable and stays open on ${o.store}.`);
        return ExitCode.INTERRUPTED;
    }
  });
}
