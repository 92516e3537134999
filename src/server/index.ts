/**
 * Baton's HTTP API server: {@link createApi} (a Hono app) and {@link startServer} (listening on a
 * port), the options, and the JSON shapes of api-types.ts.
 */
export { createApi } from './api.js';
export { startServer, type RunningServer } from './server.js';
export {
  DEFAULT_BODY_LIMIT_BYTES,
  DEFAULT_HOST,
  DEFAULT_PORT,
  isLoopbackHost,
  ServerConfigurationError,
  type MetricsSource,
  type ServerOptions,
} from './options.js';
export type * from './api-types.js';
