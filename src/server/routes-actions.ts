/**
 * The actions on an execution: `POST /api/executions/{workflowId}/signal`, `/query`, `/update`,
 * `/cancel`, `/terminate` and `/reset`. Each acts on the newest run unless `?runId=` pins one.
 */
import { createRoute } from '@hono/zod-openapi';
import type { ApiStartResponse } from './api-types.js';
import type { ApiApp, ApiContext } from './api-context.js';
import { newId } from '../common/ids.js';
import { ApiRequestError } from './errors.js';
import { jsonValue } from './json-values.js';
import {
  QueryRequestSchema,
  ReasonRequestSchema,
  ResetRequestSchema,
  ResultResponseSchema,
  SignalRequestSchema,
  UpdateRequestSchema,
} from './schemas-actions.js';
import { errors, json, jsonBody, RunIdQuerySchema, WorkflowIdParamSchema } from './schemas-common.js';
import { StartResponseSchema } from './schemas-executions.js';

const tags = ['actions'];
const request = { params: WorkflowIdParamSchema, query: RunIdQuerySchema };

const signal = createRoute({
  method: 'post',
  path: '/api/executions/{workflowId}/signal',
  tags,
  summary: 'Send a signal (204 once it is durable)',
  request: { ...request, body: jsonBody(SignalRequestSchema) },
  responses: { 204: { description: 'Signal accepted.' }, ...errors(400, 404, 409, 413, 415) },
});

const query = createRoute({
  method: 'post',
  path: '/api/executions/{workflowId}/query',
  tags,
  summary: 'Query the workflow (answered by a worker; adds nothing to the history)',
  request: { ...request, body: jsonBody(QueryRequestSchema) },
  responses: {
    200: json(ResultResponseSchema, "The query handler's result."),
    ...errors(400, 404, 413, 415, 422, 504),
  },
});

const update = createRoute({
  method: 'post',
  path: '/api/executions/{workflowId}/update',
  tags,
  summary: 'Send an update and wait for its result',
  request: { ...request, body: jsonBody(UpdateRequestSchema) },
  responses: {
    200: json(ResultResponseSchema, "The update handler's result."),
    ...errors(400, 404, 409, 413, 415, 422, 504),
  },
});

const cancel = createRoute({
  method: 'post',
  path: '/api/executions/{workflowId}/cancel',
  tags,
  summary: 'Request cancellation (the workflow may clean up, then ends CANCELED)',
  request: { ...request, body: jsonBody(ReasonRequestSchema, false) },
  responses: { 204: { description: 'Cancellation requested.' }, ...errors(400, 404, 409, 415) },
});

const terminate = createRoute({
  method: 'post',
  path: '/api/executions/{workflowId}/terminate',
  tags,
  summary: 'Terminate at once (no workflow code runs again)',
  request: { ...request, body: jsonBody(ReasonRequestSchema, false) },
  responses: { 204: { description: 'Terminated.' }, ...errors(400, 404, 409, 415) },
});

const reset = createRoute({
  method: 'post',
  path: '/api/executions/{workflowId}/reset',
  tags,
  summary: 'Reset to an event or a step: a new run that replays up to there',
  request: { ...request, body: jsonBody(ResetRequestSchema) },
  responses: { 201: json(StartResponseSchema, 'The new run.'), ...errors(400, 404, 415) },
});

/** Registers the signal, query, update, cancel, terminate and reset routes. */
export function actionRoutes(app: ApiApp, ctx: ApiContext): void {
  const handle = (workflowId: string, runId: string | undefined) =>
    ctx.baton.client.getHandle(workflowId, runId);

  app.openapi(signal, async (c) => {
    const { workflowId } = c.req.valid('param');
    const body = c.req.valid('json');
    await handle(workflowId, c.req.valid('query').runId).signal(body.name, ...(body.args ?? []));
    return c.body(null, 204);
  });

  app.openapi(query, async (c) => {
    const { workflowId } = c.req.valid('param');
    const body = c.req.valid('json');
    const result = await handle(workflowId, c.req.valid('query').runId).query(
      body.name,
      ...(body.args ?? []),
    );
    return c.json({ result: jsonValue(result) ?? null }, 200);
  });

  app.openapi(update, async (c) => {
    const { workflowId } = c.req.valid('param');
    const body = c.req.valid('json');
    const updateId = body.updateId ?? newId();
    const limitMs = ctx.options.updateTimeoutMs;
    let result: unknown;
    try {
      result = await handle(workflowId, c.req.valid('query').runId).executeUpdate(body.name, {
        args: body.args ?? [],
        updateId,
        signal: AbortSignal.timeout(limitMs),
      });
    } catch (error) {
      if (!(error instanceof DOMException && error.name === 'TimeoutError')) throw error;
      throw new ApiRequestError(
        504,
        'UPDATE_TIMEOUT',
        `update '${body.name}' (updateId ${updateId}) of '${workflowId}' has no outcome after ${limitMs / 1000} s: no worker completed it; it stays admitted, and the same updateId waits for it again`,
      );
    }
    return c.json({ result: jsonValue(result) ?? null }, 200);
  });

  app.openapi(cancel, async (c) => {
    const { workflowId } = c.req.valid('param');
    const { reason } = c.req.valid('json');
    const h = handle(workflowId, c.req.valid('query').runId);
    await (reason === undefined ? h.cancel() : h.cancel(reason));
    return c.body(null, 204);
  });

  app.openapi(terminate, async (c) => {
    const { workflowId } = c.req.valid('param');
    const { reason } = c.req.valid('json');
    const h = handle(workflowId, c.req.valid('query').runId);
    await (reason === undefined ? h.terminate() : h.terminate(reason));
    return c.body(null, 204);
  });

  app.openapi(reset, async (c) => {
    const { workflowId } = c.req.valid('param');
    const body = c.req.valid('json');
    const newRun = await ctx.resetClient.getHandle(workflowId, c.req.valid('query').runId).reset({
      ...(body.toEventId === undefined ? {} : { toEventId: body.toEventId }),
      ...(body.toStep === undefined ? {} : { toStep: body.toStep }),
      ...(body.reason === undefined ? {} : { reason: body.reason }),
    });
    const res: ApiStartResponse = { workflowId: newRun.workflowId, runId: newRun.runId! };
    return c.json(res, 201);
  });
}
