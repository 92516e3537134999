import { createRequire } from 'node:module';
import type { Context, Span, Tracer } from '@opentelemetry/api';
import { BATON_VERSION } from '../version.js';
import type { ActivityAttemptEvent, WorkerHooks, WorkflowClosedEvent } from '../worker/services.js';

/** Attribute names of Baton's spans. */
export const SPAN_ATTRIBUTES = Object.freeze({
  workflowId: 'baton.workflow.id',
  runId: 'baton.workflow.run_id',
  workflowType: 'baton.workflow.type',
  taskQueue: 'baton.task_queue',
  /** true on the span of an execution's first workflow task. */
  firstTask: 'baton.workflow.first_task',
  /** true when the execution was taken from an owner whose lease had expired. */
  leaseExpired: 'baton.workflow.lease_expired',
  /** The close status (COMPLETED, FAILED, …), when it closed while held. */
  status: 'baton.workflow.status',
  /** Why the worker let go of a running execution (handed back, lease lost, task failed). */
  released: 'baton.workflow.released',
  activityType: 'baton.activity.type',
  activityId: 'baton.activity.id',
  attempt: 'baton.activity.attempt',
  /** completed, failed, timed out; `abandoned` when the execution left the worker first. */
  outcome: 'baton.activity.outcome',
});

/** Options of {@link tracingHooks}. */
export interface TracingOptions {
  /** Where spans go. @default `trace.getTracer('baton', BATON_VERSION)`, the global provider's */
  tracer?: Tracer;
}

type OtelApi = typeof import('@opentelemetry/api');
/** Loads `@opentelemetry/api` when the first span is made, so that opening Baton does not. */
const load = createRequire(import.meta.url);
let otel: OtelApi | undefined;
const api = (): OtelApi => (otel ??= load('@opentelemetry/api') as OtelApi);

/** A workflow span and what hangs under it. */
interface Hosted {
  span: Span;
  /** A context holding `span`: the parent of its attempts' spans. */
  parent: Context;
  /** Attempt spans started and not ended, by `activityId#attempt`. */
  attempts: Map<string, Span> | undefined;
}

/**
 * Worker hooks that make OpenTelemetry spans through `@opentelemetry/api` only:
 *
 * - `workflow <WorkflowType>`: one per execution a worker hosts, from its claim until it closes
 *   (attribute `baton.workflow.status`; status ERROR when it FAILED or TIMED_OUT) or the worker
 *   lets go of it (`baton.workflow.released`). A root span; attributes in {@link SPAN_ATTRIBUTES}.
 * - `activity <activityType>`: one per attempt, child of its workflow span, with
 *   `baton.activity.attempt` and `baton.activity.outcome`; a failed or timed-out attempt has status
 *   ERROR and the failure recorded as an exception event.
 *
 * Every `Baton` installs them (`BatonOptions.tracing`, default true). Until an OpenTelemetry SDK
 * registers a tracer provider, `startSpan` returns a non-recording span: nothing is kept, and an
 * activity attempt costs two map look-ups. A provider registered later is used from then on. The
 * API is loaded when the first execution is taken, not when Baton is imported or opened.
 *
 * @example
 * // With an SDK (e.g. @opentelemetry/sdk-node) started before Baton.open(), spans flow to its exporter.
 * const baton = await Baton.open(url);                       // tracing on by default
 * baton.worker({ taskQueue, workflows, activities, hooks: tracingHooks({ tracer }) }); // another tracer
 */
export function tracingHooks(options: TracingOptions = {}): WorkerHooks {
  let tracer = options.tracer;
  const hosted = new Map<string, Hosted>();
  const A = SPAN_ATTRIBUTES;

  const finishWorkflow = (runId: string, end: (span: Span) => void): void => {
    const h = hosted.get(runId);
    if (h === undefined) return;
    hosted.delete(runId);
    for (const span of h.attempts?.values() ?? []) {
      span.setAttribute(A.outcome, 'abandoned');
      span.end();
    }
    end(h.span);
    h.span.end();
  };

  return {
    onWorkflowTaken(e) {
      tracer ??= api().trace.getTracer('baton', BATON_VERSION);
      const span = tracer.startSpan(`workflow ${e.workflowType}`, {
        root: true,
        attributes: {
          [A.workflowId]: e.workflowId,
          [A.runId]: e.runId,
          [A.workflowType]: e.workflowType,
          [A.taskQueue]: e.taskQueue,
          [A.firstTask]: e.firstTask,
          [A.leaseExpired]: e.leaseExpired,
        },
      });
      // Without an SDK (or not sampled) nothing is recorded: keep nothing, so attempts cost a miss.
      if (!span.isRecording()) return;
      const { trace, ROOT_CONTEXT } = api();
      hosted.set(e.runId, { span, parent: trace.setSpan(ROOT_CONTEXT, span), attempts: undefined });
    },
    onWorkflowClosed(e) {
      finishWorkflow(e.runId, (span) => closeStatus(span, e));
    },
    onWorkflowReleased(e) {
      finishWorkflow(e.runId, (span) => span.setAttribute(A.released, e.reason));
    },
    onActivityStarted(e) {
      const h = hosted.get(e.runId);
      if (h === undefined) return;
      const span = tracer!.startSpan(
        `activity ${e.activityType}`,
        {
          attributes: {
            [A.activityType]: e.activityType,
            [A.activityId]: e.activityId,
            [A.attempt]: e.attempt,
            [A.taskQueue]: e.taskQueue,
          },
          // An activity task started on another worker before this one heard of it.
          ...(e.remote ? { startTime: e.startedAtMs } : {}),
        },
        h.parent,
      );
      (h.attempts ??= new Map()).set(`${e.activityId}#${e.attempt}`, span);
    },
    onActivityAttempt(e) {
      const h = hosted.get(e.runId);
      if (h === undefined) return;
      const key = `${e.activityId}#${e.attempt}`;
      let span = h.attempts?.get(key);
      if (span !== undefined) h.attempts!.delete(key);
      else {
        // Ended without a start seen here: lost with its worker, or timed out before it started.
        span = tracer!.startSpan(
          `activity ${e.activityType}`,
          {
            attributes: {
              [A.activityType]: e.activityType,
              [A.activityId]: e.activityId,
              [A.attempt]: e.attempt,
            },
          },
          h.parent,
        );
      }
      attemptOutcome(span, e);
      span.end();
    },
  };
}

function closeStatus(span: Span, e: WorkflowClosedEvent): void {
  span.setAttribute(SPAN_ATTRIBUTES.status, e.status);
  if (e.status === 'FAILED' || e.status === 'TIMED_OUT')
    span.setStatus({ code: api().SpanStatusCode.ERROR, message: `workflow ${e.status}` });
}

function attemptOutcome(span: Span, e: ActivityAttemptEvent): void {
  span.setAttribute(SPAN_ATTRIBUTES.outcome, e.outcome);
  if (e.outcome === 'completed') return;
  const message = e.error ?? `activity ${e.outcome}`;
  span.recordException({ name: e.errorType ?? 'Error', message });
  span.setStatus({ code: api().SpanStatusCode.ERROR, message });
}
