/**
 * The HTTP API as a Hono app: middleware (origin and host checks, token, body limit, JSON
 * parsing), the routes of every endpoint of api-types.ts, the OpenAPI document, `/metrics`, and
 * the web UI's static files. Validation and documentation come from one set of zod schemas.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { apiContext } from './api-context.js';
import { ApiRequestError, errorResponse, validationResponse } from './errors.js';
import { limitBody, parseJsonBody, requireToken, sameOriginOnly } from './guards.js';
import { resolveServerOptions, type ResolvedServerOptions, type ServerOptions } from './options.js';
import { actionRoutes } from './routes-actions.js';
import { executionRoutes } from './routes-executions.js';
import { metaRoutes } from './routes-meta.js';
import { streamRoutes } from './routes-stream.js';
import { topicRoutes } from './routes-topics.js';
import { staticUiRoutes } from './static-ui.js';

/** The app and what ends its open SSE streams. */
export interface BuiltApi {
  app: OpenAPIHono;
  /** Ends the open SSE streams (the server is closing). */
  endStreams: () => void;
}

/** Builds the app on resolved options (see {@link createApi}). */
export function buildApi(options: ResolvedServerOptions): BuiltApi {
  const closing = new AbortController();
  const ctx = apiContext(options, closing.signal);
  const app = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (result.success) return undefined;
      const { status, body } = validationResponse(result.target, result.error.issues);
      return c.json(body, status);
    },
  });
  app.onError((error, c) => {
    const { status, body } = errorResponse(error, options.logger);
    return c.json(body, status);
  });
  app.notFound((c) => {
    const { status, body } = errorResponse(
      new ApiRequestError(
        404,
        'NOT_FOUND',
        `no endpoint ${c.req.method} ${c.req.path}: the API's endpoints are listed at /api/openapi.json`,
      ),
      options.logger,
    );
    return c.json(body, status);
  });
  app.use('*', async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
  });
  const guards = [sameOriginOnly(options.token !== undefined)];
  if (options.token !== undefined) guards.push(requireToken(options.token));
  for (const path of ['/api', '/api/*', '/metrics']) app.use(path, ...guards);
  for (const path of ['/api', '/api/*']) app.use(path, limitBody(options.bodyLimitBytes), parseJsonBody());
  executionRoutes(app, ctx);
  streamRoutes(app, ctx);
  actionRoutes(app, ctx);
  topicRoutes(app, ctx);
  metaRoutes(app, ctx);
  staticUiRoutes(app, options.uiDir);
  return { app, endStreams: () => closing.abort() };
}

/**
 * The HTTP API as a Hono app, for embedding in another server or for `app.request()` in tests;
 * {@link startServer} serves it. Its SSE streams end when their clients disconnect.
 *
 * Endpoints (shapes in api-types.ts; docs/http-api.md): `GET /api/executions`, `POST
 * /api/executions`, `GET /api/executions/{workflowId}`, `…/history`, `…/stream` (SSE), `POST
 * …/signal`, `…/query`, `…/update`, `…/cancel`, `…/terminate`, `…/reset`, `GET /api/topics`, `GET
 * /api/topics/{topic}/events`, `POST /api/topics/{topic}/redrive`, `GET /api/workflow-types`, `GET
 * /api/openapi.json`, `GET /api/health`, `GET /metrics`, and the web UI at every other GET path.
 *
 * @param options - see {@link ServerOptions}; `host` and `port` only matter for the token rule.
 * @throws ServerConfigurationError for bad options (naming the option).
 * @example
 * const app = createApi({ baton });
 * const res = await app.request('/api/executions?status=RUNNING');
 */
export function createApi(options: ServerOptions): OpenAPIHono {
  return buildApi(resolveServerOptions(options)).app;
}
