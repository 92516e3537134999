/**
 * `GET /api/executions/{workflowId}/stream`: server-sent events following one run. On connect:
 * `event: execution` (its {@link ApiExecutionDetail}) and `event: history` (its events after
 * `afterEventId` / `Last-Event-ID`, default all); then the same whenever the run changes (history,
 * status, a blocked task, a pending activity's attempt), checked every `streamPollMs` and at once on
 * the store's notices of this process. `history` messages carry `id: <last event id>`, so a
 * reconnecting EventSource resumes where it stopped. A `: heartbeat` comment every
 * `streamHeartbeatMs`. The stream ends once the run has closed and everything was sent, when the
 * client goes away, or when the server closes.
 */
import { createRoute } from '@hono/zod-openapi';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import { WorkflowNotFoundError } from '../common/errors.js';
import type { ExecutionRecord } from '../store/types.js';
import type { ApiApp, ApiContext } from './api-context.js';
import { errors, WorkflowIdParamSchema } from './schemas-common.js';
import { StreamQuerySchema } from './schemas-executions.js';
import { detailOf, historyEvent } from './views.js';

const route = createRoute({
  method: 'get',
  path: '/api/executions/{workflowId}/stream',
  tags: ['executions'],
  summary: 'Follow an execution: server-sent `execution` and `history` events until it closes',
  request: { params: WorkflowIdParamSchema, query: StreamQuerySchema },
  responses: {
    200: {
      description:
        'text/event-stream: `event: execution` (ApiExecutionDetail) and `event: history` (ApiHistoryEvent[]).',
      content: { 'text/event-stream': { schema: { type: 'string' } } },
    },
    ...errors(400, 404),
  },
});

/** Registers the SSE stream route. */
export function streamRoutes(app: ApiApp, ctx: ApiContext): void {
  app.openapi(route, async (c) => {
    const { workflowId } = c.req.valid('param');
    const q = c.req.valid('query');
    const first = await ctx.baton.store.getExecution(workflowId, q.runId);
    if (first === undefined) throw new WorkflowNotFoundError(workflowId, q.runId);
    const lastEventHeader = Number(c.req.header('last-event-id'));
    const after = q.afterEventId ?? (Number.isInteger(lastEventHeader) ? lastEventHeader : 0);
    return streamSSE(
      c,
      (stream) => follow(ctx, stream, first, after),
      async (error) => {
        ctx.options.logger.error('HTTP API: execution stream failed', { workflowId, error: error.stack });
      },
    );
  });
}

/** What changes about a run between two looks (history, status, task, lease, pending attempts). */
async function fingerprint(ctx: ApiContext, r: ExecutionRecord): Promise<string> {
  const pending =
    r.status === 'RUNNING'
      ? (await ctx.baton.store.getPendingActivities(r.runId)).map(
          (p) => `${p.seq}.${p.attempt}.${p.claimedBy ?? ''}`,
        )
      : [];
  return [r.status, r.lastEventId, r.taskAttempt, r.taskError ?? '', r.leaseOwner ?? '', ...pending].join(
    '|',
  );
}

/** Sends the run's changes until it has closed, the client left or the server closes. */
async function follow(
  ctx: ApiContext,
  stream: SSEStreamingApi,
  first: ExecutionRecord,
  afterEventId: number,
): Promise<void> {
  const { workflowId, runId } = first;
  const wake = new Wake();
  const unsubscribe = ctx.baton.store.subscribe((n) => {
    if ('runId' in n && n.runId === runId) wake.fire();
  });
  const heartbeat = setInterval(
    () => void stream.write(': heartbeat\n\n').catch(() => {}),
    ctx.options.streamHeartbeatMs,
  );
  const stop = (): void => wake.fire();
  stream.onAbort(stop);
  ctx.closing.addEventListener('abort', stop);
  let sentEventId = afterEventId;
  let seen = '';
  try {
    while (!stream.aborted && !ctx.closing.aborted) {
      const r = await ctx.baton.store.getExecution(workflowId, runId);
      if (r === undefined) break;
      const now = await fingerprint(ctx, r);
      if (now !== seen) {
        seen = now;
        const d = await ctx.baton.client.getHandle(workflowId, runId).describe();
        const history = await ctx.baton.store.getHistory(runId);
        await stream.writeSSE({ event: 'execution', data: JSON.stringify(detailOf(ctx, d, history)) });
        const fresh = history.filter((e) => e.eventId > sentEventId);
        if (fresh.length > 0) {
          sentEventId = fresh.at(-1)!.eventId;
          const events = fresh.map((e) => historyEvent(ctx.baton.converter, e));
          await stream.writeSSE({ event: 'history', data: JSON.stringify(events), id: String(sentEventId) });
        }
        if (d.status !== 'RUNNING' && sentEventId >= d.historyLength) break;
      }
      await wake.wait(ctx.options.streamPollMs);
    }
  } finally {
    clearInterval(heartbeat);
    unsubscribe();
    ctx.closing.removeEventListener('abort', stop);
  }
}

/** A wake-up: `wait(ms)` resolves after `ms`, or earlier when `fire()` is called (or was since). */
class Wake {
  private wakeUp: (() => void) | undefined;
  private fired = false;

  fire(): void {
    this.fired = true;
    this.wakeUp?.();
  }

  wait(ms: number): Promise<void> {
    if (this.fired) {
      this.fired = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        this.fired = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }
}
