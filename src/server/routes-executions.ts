/**
 * `GET /api/executions` (list), `POST /api/executions` (start), `GET /api/executions/{workflowId}`
 * (detail) and `GET /api/executions/{workflowId}/history`.
 */
import { createRoute } from '@hono/zod-openapi';
import type { ListFilter } from '../store/types.js';
import type { ApiExecutionList, ApiHistory, ApiStartResponse } from './api-types.js';
import type { ApiApp, ApiContext } from './api-context.js';
import { ApiRequestError } from './errors.js';
import { errors, json, jsonBody, RunIdQuerySchema, WorkflowIdParamSchema } from './schemas-common.js';
import {
  ExecutionDetailSchema,
  ExecutionListSchema,
  HistorySchema,
  ListQuerySchema,
  StartRequestSchema,
  StartResponseSchema,
} from './schemas-executions.js';
import { executionDetail, executionSummary, historyEvent } from './views.js';

const tags = ['executions'];

const list = createRoute({
  method: 'get',
  path: '/api/executions',
  tags,
  summary: 'List executions, newest first',
  request: { query: ListQuerySchema },
  responses: { 200: json(ExecutionListSchema, 'A page of executions.'), ...errors(400) },
});

const start = createRoute({
  method: 'post',
  path: '/api/executions',
  tags,
  summary: 'Start an execution',
  request: { body: jsonBody(StartRequestSchema) },
  responses: {
    201: json(StartResponseSchema, 'Started.'),
    ...errors(400, 409, 413, 415),
  },
});

const detail = createRoute({
  method: 'get',
  path: '/api/executions/{workflowId}',
  tags,
  summary: 'One execution (the newest run unless runId)',
  request: { params: WorkflowIdParamSchema, query: RunIdQuerySchema },
  responses: { 200: json(ExecutionDetailSchema, 'The execution.'), ...errors(400, 404) },
});

const history = createRoute({
  method: 'get',
  path: '/api/executions/{workflowId}/history',
  tags,
  summary: "An execution's event history, payloads decoded",
  request: { params: WorkflowIdParamSchema, query: RunIdQuerySchema },
  responses: { 200: json(HistorySchema, 'The history.'), ...errors(400, 404) },
});

/** Registers the list, start, detail and history routes. */
export function executionRoutes(app: ApiApp, ctx: ApiContext): void {
  app.openapi(list, async (c) => {
    const q = c.req.valid('query');
    const filter: ListFilter = { limit: q.limit + 1, offset: q.offset };
    if (q.status !== undefined) filter.status = q.status;
    if (q.type !== undefined) filter.workflowType = q.type;
    if (q.q !== undefined) filter.workflowIdContains = q.q;
    if (q.startedAfter !== undefined) filter.startedAfterMs = Date.parse(q.startedAfter);
    if (q.startedBefore !== undefined) filter.startedBeforeMs = Date.parse(q.startedBefore);
    const rows = await ctx.baton.client.list(filter);
    const body: ApiExecutionList = {
      executions: rows.slice(0, q.limit).map(executionSummary),
      nextOffset: rows.length > q.limit ? q.offset + q.limit : null,
    };
    return c.json(body, 200);
  });

  app.openapi(start, async (c) => {
    const req = c.req.valid('json');
    const taskQueue = req.taskQueue ?? ctx.options.defaultTaskQueue;
    if (taskQueue === undefined) {
      throw new ApiRequestError(
        400,
        'VALIDATION',
        'body.taskQueue: required (this server has no default task queue)',
        [{ path: 'body.taskQueue', message: 'required: this server has no default task queue' }],
      );
    }
    const known = ctx.workflows.get(req.workflowType);
    if (known === undefined && req.taskQueue === undefined && ctx.workflows.size > 0) {
      const names = [...ctx.workflows.keys()].join(', ');
      const message = `'${req.workflowType}' is not a workflow type of the server's worker (it runs ${names}); name a taskQueue whose workers run it`;
      throw new ApiRequestError(400, 'VALIDATION', `body.workflowType: ${message}`, [
        { path: 'body.workflowType', message },
      ]);
    }
    // A workflow file's definition checks and completes its input (defaults) before anything is
    // written: a refused input is a 400 (ValidationError), not a stored run that fails.
    const prepare = (known as { prepareInput?: (input: unknown) => unknown } | undefined)?.prepareInput;
    const args = req.args ?? [];
    if (prepare !== undefined) args[0] = prepare(args[0]);
    // From the definition when known, so the client also learns a step workflow's graph (reset by step name).
    const handle = await ctx.baton.client.start(known ?? req.workflowType, {
      taskQueue,
      args,
      ...(req.workflowId === undefined ? {} : { workflowId: req.workflowId }),
    });
    const body: ApiStartResponse = { workflowId: handle.workflowId, runId: handle.runId! };
    return c.json(body, 201);
  });

  app.openapi(detail, async (c) => {
    const { workflowId } = c.req.valid('param');
    const { runId } = c.req.valid('query');
    return c.json(await executionDetail(ctx, workflowId, runId), 200);
  });

  app.openapi(history, async (c) => {
    const { workflowId } = c.req.valid('param');
    const { runId } = c.req.valid('query');
    const h = await ctx.baton.client.getHandle(workflowId, runId).fetchHistory();
    const body: ApiHistory = {
      workflowId: h.workflowId,
      runId: h.runId,
      events: h.events.map((e) => historyEvent(ctx.baton.converter, e)),
    };
    return c.json(body, 200);
  });
}
