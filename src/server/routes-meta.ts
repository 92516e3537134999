/**
 * The server's own endpoints: `GET /api/health`, `GET /api/workflow-types`, `GET
 * /api/openapi.json` (the OpenAPI 3 document generated from the routes' schemas) and `GET /metrics`.
 */
import { createRoute } from '@hono/zod-openapi';
import { BATON_VERSION } from '../version.js';
import type { ApiApp, ApiContext } from './api-context.js';
import { ApiRequestError } from './errors.js';
import { HealthSchema, WorkflowTypesSchema } from './schemas-actions.js';
import { ApiErrorSchema, errors, json } from './schemas-common.js';
import { stepGraphOf } from './views.js';

const health = createRoute({
  method: 'get',
  path: '/api/health',
  tags: ['server'],
  summary: 'The server is up (and the token, if any, is right)',
  responses: { 200: json(HealthSchema, 'Up.'), ...errors() },
});

const workflowTypes = createRoute({
  method: 'get',
  path: '/api/workflow-types',
  tags: ['server'],
  summary: "What the server's worker runs (empty without one)",
  responses: { 200: json(WorkflowTypesSchema, 'The workflow types.'), ...errors() },
});

/** `sqlite` or `postgres`: the scheme of the store URL only (a URL may hold a password). */
function storeKind(url: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase() ?? 'unknown';
  return scheme === 'postgresql' ? 'postgres' : scheme;
}

/** Registers health, workflow types, the OpenAPI document and `/metrics`. */
export function metaRoutes(app: ApiApp, ctx: ApiContext): void {
  app.openapi(health, (c) =>
    c.json(
      {
        status: 'ok' as const,
        version: BATON_VERSION,
        store: storeKind(ctx.baton.store.url),
        broker: ctx.baton.topics.brokerKind,
      },
      200,
    ),
  );

  app.openapi(workflowTypes, (c) =>
    c.json(
      {
        workflowTypes: [...ctx.workflows.values()].map((w) => ({
          name: w.name,
          taskQueue: ctx.options.defaultTaskQueue ?? '',
          stepGraph: stepGraphOf(w),
        })),
      },
      200,
    ),
  );

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'The server’s token (--token / BATON_TOKEN), when it has one.',
  });
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/openapi.json',
    tags: ['server'],
    summary: 'This document',
    responses: { 200: { description: 'The OpenAPI 3 document of the API.' }, ...errors() },
  });
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/metrics',
    tags: ['server'],
    summary: 'Prometheus metrics (404 when the server has no metrics source)',
    responses: {
      200: {
        description: 'The Prometheus text format.',
        content: { 'text/plain': { schema: { type: 'string' } } },
      },
      404: json(ApiErrorSchema, 'Metrics are not enabled on this server.'),
      ...errors(),
    },
  });
  // Generated on the first request (the routes are all registered by then), then kept.
  let document: ReturnType<typeof app.getOpenAPIDocument> | undefined;
  app.get('/api/openapi.json', (c) =>
    c.json(
      (document ??= app.getOpenAPIDocument({
        openapi: '3.0.3',
        info: {
          title: 'Baton HTTP API',
          version: BATON_VERSION,
          description: 'Executions, their histories and actions, and durable topics. See docs/http-api.md.',
        },
        security: ctx.options.token === undefined ? [] : [{ bearer: [] }],
      })),
    ),
  );

  app.get('/metrics', async (c) => {
    const source = ctx.options.metrics;
    if (source === undefined) {
      throw new ApiRequestError(
        404,
        'NOT_FOUND',
        'metrics are not enabled on this server: start it with a metrics source (the metrics option of startServer)',
      );
    }
    return c.body(await source.metrics(), 200, { 'Content-Type': source.contentType });
  });
}
