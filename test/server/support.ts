/**
 * A real HTTP API server for the tests: a Baton on a temp SQLite file (test/support/harness.ts), a
 * worker running the bundled Pokémon examples of `baton dev`, and `startServer` on an ephemeral
 * port; all closed after each test. Requests go through `fetch()`.
 */
import { afterEach, expect } from 'vitest';
import { bundledExamples, DEV_TASK_QUEUE } from '../../src/cli/dev-command.js';
import type { BatonOptions } from '../../src/index.js';
import type { ApiError, ApiExecutionDetail } from '../../src/server/api-types.js';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/index.js';
import { openTestEnv, type TestEnv } from '../support/harness.js';

const servers: RunningServer[] = [];

/** Matchers typed as their values, for `toEqual` on typed bodies. */
export const anyString = expect.any(String) as string;
export const anyNumber = expect.any(Number) as number;

afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

/** A server on a fresh store, with the examples' worker (unless `worker: false`). */
export interface ApiEnv {
  env: TestEnv;
  server: RunningServer;
  /** `fetch(server.url + path)`, with a JSON body when `body` is given. */
  call<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Reply<T>>;
}

/** A response, its body read: `json` is the parsed body as `T`, `error` an error body's `error`. */
export interface Reply<T = unknown> {
  status: number;
  headers: Headers;
  text: string;
  json: T;
  /** The {@link ApiError} of an error response (`{ code: '', message: '' }` on success). */
  error: ApiError['error'];
}

/**
 * Starts a server (options override the defaults: port 0, the examples, their task queue) on a
 * Baton opened with `batonOptions`.
 */
export async function openApiEnv(
  options: Partial<ServerOptions> & { worker?: boolean; batonOptions?: BatonOptions } = {},
): Promise<ApiEnv> {
  const { worker = true, batonOptions = {}, ...serverOptions } = options;
  const env = await openTestEnv(batonOptions);
  const examples = bundledExamples();
  if (worker)
    env.worker({ taskQueue: DEV_TASK_QUEUE, workflows: examples.workflows, activities: examples.activities });
  const server = await startServer({
    baton: env.baton,
    port: 0,
    workflows: examples.workflows,
    defaultTaskQueue: DEV_TASK_QUEUE,
    streamPollMs: 50,
    ...serverOptions,
  });
  servers.push(server);
  return {
    env,
    server,
    call: (method, path, body, headers) => call(server.url, method, path, body, headers),
  };
}

/** Registers a server started by a test, to be closed after it. */
export function track(server: RunningServer): RunningServer {
  servers.push(server);
  return server;
}

/** One request to `base + path`; a string body is sent as is, anything else as JSON. */
export async function call<T = unknown>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply<T>> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.headers = { 'content-type': 'application/json', ...headers };
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const res = await fetch(base + path, init);
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  const error = (json as Partial<ApiError> | undefined)?.error ?? { code: '', message: '' };
  return { status: res.status, headers: res.headers, text, json: json as T, error };
}

/** A wild Pokémon, as the examples' Encounter and CapturePokemon take it. */
export function wild(name = 'Mewtwo') {
  return { id: name.toLowerCase(), name, level: 50, currentHealth: 200, maxHealth: 200, status: 'HEALTHY' };
}

/** Sacha, as the capture takes a trainer. */
export function trainer() {
  return { id: 'sacha', name: 'Sacha', pokemons: [] };
}

/** Polls `GET /api/executions/:id` until its status is not RUNNING; returns the detail. */
export async function closedDetail(
  api: ApiEnv,
  workflowId: string,
  timeoutMs = 10_000,
): Promise<Reply<ApiExecutionDetail>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = await api.call<ApiExecutionDetail>('GET', `/api/executions/${encodeURIComponent(workflowId)}`);
    if (r.status !== 200 || r.json.status !== 'RUNNING') return r;
    if (Date.now() > end) throw new Error(`${workflowId} still RUNNING after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
