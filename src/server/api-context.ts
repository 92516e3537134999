/** What the routes share: the resolved options, the engine, the known workflows, open streams. */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Baton } from '../baton.js';
import { Client } from '../client/client.js';
import { systemClock } from '../common/clock.js';
import type { WorkflowDefinition } from '../runtime/definitions.js';
import type { StepGraph } from '../dsl/step-graph.js';
import type { ResolvedServerOptions } from './options.js';

/** The app the routes are registered on. */
export type ApiApp = OpenAPIHono;

/** The routes' shared state. */
export interface ApiContext {
  readonly options: ResolvedServerOptions;
  readonly baton: Baton;
  /** The workflows of the co-hosted worker, by type. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly workflows: ReadonlyMap<string, WorkflowDefinition<any, any>>;
  /**
   * A client that knows the step graphs of `workflows`, so `reset({ toStep })` takes step names of
   * executions started anywhere (the engine's client knows only those it started itself).
   */
  readonly resetClient: Client;
  /** Aborted when the server closes: open SSE streams end. */
  readonly closing: AbortSignal;
}

/** Builds the routes' shared state; `closing` ends the SSE streams. */
export function apiContext(options: ResolvedServerOptions, closing: AbortSignal): ApiContext {
  const workflows = new Map(options.workflows.map((w) => [w.name, w]));
  const graphOf = (type: string): StepGraph | undefined =>
    (workflows.get(type) as { graph?: StepGraph } | undefined)?.graph;
  const baton = options.baton;
  const resetClient = new Client({
    store: baton.store,
    converter: baton.converter,
    clock: systemClock,
    stepGraph: graphOf,
  });
  return { options, baton, workflows, resetClient, closing };
}
