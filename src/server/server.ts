/** `startServer`: the HTTP API and the web UI on a Node HTTP server (@hono/node-server). */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { buildApi } from './api.js';
import { resolveServerOptions, ServerConfigurationError, type ServerOptions } from './options.js';

/** A running server. */
export interface RunningServer {
  /**
   * Its base URL, to reach it from this machine: `http://127.0.0.1:8233` (a wildcard address such
   * as `0.0.0.0` is shown as loopback; an IPv6 address in brackets; the real port when 0 was asked).
   */
  readonly url: string;
  /**
   * Stops accepting connections, ends the SSE streams, lets requests in flight finish (up to 2 s,
   * then cuts their connections), and resolves once the server is closed. Idempotent. It does not
   * close the Baton.
   */
  close(): Promise<void>;
}

/** How long requests in flight may take once `close()` was called, in ms. */
const CLOSE_GRACE_MS = 2_000;

/** The host part of a URL reaching `host`. */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '[::1]';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * Serves the HTTP API (and the web UI) of `options.baton`; resolves once it listens.
 *
 * @returns its URL and `close()`.
 * @throws ServerConfigurationError for bad options, for a host other than `127.0.0.1`, `::1` or
 *   `localhost` without a token (naming the host and the `--token` / `BATON_TOKEN` remedy), and
 *   when it cannot listen (e.g. the port is in use).
 * @example
 * const server = await startServer({ baton, port: 0, workflows: [capturePokemon], defaultTaskQueue: 'pokemon' });
 * console.log(`UI at ${server.url}/, API at ${server.url}/api`);
 * await server.close();
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const resolved = resolveServerOptions(options);
  const { app, endStreams } = buildApi(resolved);
  // @hono/node-server's default (overrideGlobalObjects): its light Request and Response stand in
  // for the globals, as middleware such as bodyLimit expects (with the native ones, a request
  // rebuilt around a chunked or empty body is refused by undici).
  const server = createAdaptorServer({ fetch: (request: Request) => app.fetch(request) }) as Server;
  await new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException): void => {
      const hint =
        error.code === 'EADDRINUSE'
          ? ': the port is in use (give another port, or 0 for a free one)'
          : error.code === 'EADDRNOTAVAIL'
            ? ': no such address on this machine'
            : '';
      reject(
        new ServerConfigurationError(
          `cannot listen on ${resolved.host} port ${resolved.port}${hint}: ${error.message}`,
        ),
      );
    };
    server.once('error', failed);
    server.listen(resolved.port, resolved.host, () => {
      server.off('error', failed);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${urlHost(resolved.host)}:${port}`,
    close() {
      closed ??= new Promise<void>((resolve) => {
        endStreams();
        const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        // Keep-alive connections become idle as their last response ends (an SSE stream too).
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        server.close(() => {
          clearTimeout(cut);
          clearInterval(sweep);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closed;
    },
  };
}
