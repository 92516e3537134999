/**
 * Professor Oak's server: a tiny local HTTP server (node:http) that answers `GET /hello` with a
 * greeting as JSON. The Professor Oak demo starts it late, so the first calls find nobody there.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What `GET /hello` answers. */
export const PROFESSOR_OAK_GREETING =
  'Hello, I am Professor Oak! Welcome to the world of Pokémon, where people and Pokémon live together.';

/** A running Professor Oak server. */
export interface ProfessorOakServer {
  /** The URL of the greeting, e.g. `http://127.0.0.1:8080/hello`. */
  url: string;
  port: number;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

function answer(server: Server): void {
  server.on('request', (req, res) => {
    const ok = req.method === 'GET' && req.url === '/hello';
    res.writeHead(ok ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(ok ? { greeting: PROFESSOR_OAK_GREETING } : { error: 'not found' }));
  });
}

/**
 * Starts the server on `host:port` (port 0: any free port).
 *
 * @example
 * const oak = await startProfessorOakServer(0);
 * console.log(await (await fetch(oak.url)).json()); // { greeting: 'Hello, I am Professor Oak! …' }
 * await oak.close();
 */
export async function startProfessorOakServer(port = 0, host = '127.0.0.1'): Promise<ProfessorOakServer> {
  const server = createServer();
  answer(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${bound}/hello`,
    port: bound,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}

/**
 * A port that was free a moment ago on `host` (the OS picks it; the socket is closed again), for
 * a server that starts later.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
