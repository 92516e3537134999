/**
 * Options of the HTTP API server ({@link createApi}, {@link startServer}): what they mean, their
 * defaults, and their validation (once, with messages naming the option), then frozen.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Baton } from '../baton.js';
import { BatonError } from '../common/errors.js';
import { consoleLogger, type Logger } from '../common/logger.js';
import type { WorkflowDefinition } from '../runtime/definitions.js';

/** What serves `GET /metrics`: Prometheus text and its content type. */
export interface MetricsSource {
  /** The `Content-Type` of the text, e.g. `text/plain; version=0.0.4; charset=utf-8`. */
  contentType: string;
  /** The metrics, in the Prometheus text exposition format. */
  metrics(): Promise<string>;
}

/** Options of {@link createApi} and {@link startServer}. */
export interface ServerOptions {
  /** The engine whose client, store and topics the API serves. Required. */
  baton: Baton;
  /**
   * Address to bind. Any address other than `127.0.0.1`, `::1` or `localhost` needs a `token`.
   * @default '127.0.0.1'
   */
  host?: string;
  /** TCP port; 0 picks a free one (the URL says which). @default 8233 */
  port?: number;
  /**
   * A bearer token: when set, every `/api/*` and `/metrics` request needs
   * `Authorization: Bearer <token>` (else 401). The static UI files are served without it.
   * @default none (only allowed on a loopback address)
   */
  token?: string;
  /**
   * The workflows the co-hosted worker runs: listed by `GET /api/workflow-types`, and their step
   * graphs (step workflows carry `.graph`) are attached to execution details.
   * @default []
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  workflows?: readonly WorkflowDefinition<any, any>[];
  /**
   * The task queue of `POST /api/executions` without `taskQueue` (and of the listed workflow
   * types). Required when `workflows` is not empty.
   * @default none (a start must name its task queue)
   */
  defaultTaskQueue?: string;
  /** What `GET /metrics` serves. @default none: `/metrics` answers 404 */
  metrics?: MetricsSource;
  /**
   * Folder of the web UI's static files (an `index.html` and its assets).
   * @default the `dist/ui` folder of the `baton` package this module belongs to
   */
  uiDir?: string;
  /** Largest request body accepted, in bytes; larger ones get 413. @default 1 MiB (1048576) */
  bodyLimitBytes?: number;
  /** Where server errors (500, with their stack) are logged. @default warnings and errors to stderr */
  logger?: Logger;
  /** How often an SSE stream checks its execution for changes, in ms. @default 200 */
  streamPollMs?: number;
  /** How often an SSE stream sends a heartbeat comment, in ms. @default 15000 */
  streamHeartbeatMs?: number;
  /**
   * How long `POST …/update` waits for the update's outcome, in ms; past it the answer is 504
   * `UPDATE_TIMEOUT` naming the updateId (the update stays admitted: the same updateId waits for
   * it again). @default 30000
   */
  updateTimeoutMs?: number;
}

/** {@link ServerOptions} resolved: defaults applied, checked, frozen. */
export interface ResolvedServerOptions {
  readonly baton: Baton;
  readonly host: string;
  readonly port: number;
  readonly token: string | undefined;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly workflows: readonly WorkflowDefinition<any, any>[];
  readonly defaultTaskQueue: string | undefined;
  readonly metrics: MetricsSource | undefined;
  readonly uiDir: string;
  readonly bodyLimitBytes: number;
  readonly logger: Logger;
  readonly streamPollMs: number;
  readonly streamHeartbeatMs: number;
  readonly updateTimeoutMs: number;
}

/** The default port of the HTTP API (as Temporal's UI is 8233). */
export const DEFAULT_PORT = 8233;
/** The default address: loopback only. */
export const DEFAULT_HOST = '127.0.0.1';
/** The default body limit: 1 MiB. */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', '::1', '[::1]', 'localhost']);

/** True for the addresses that need no token: `127.0.0.1`, `::1` and `localhost`. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host.toLowerCase());
}

/**
 * The server was asked for something unsafe or impossible (e.g. a public address without a
 * token); the message names the option and the remedy.
 */
export class ServerConfigurationError extends BatonError {}

/**
 * Applies the defaults and checks the options.
 *
 * @throws ServerConfigurationError naming the option: no `baton`, a port outside 0..65535, an empty
 *   host or token, a body limit below 1, `workflows` without `defaultTaskQueue`, two workflows of
 *   one type, or a host other than loopback without a token.
 */
export function resolveServerOptions(o: ServerOptions): ResolvedServerOptions {
  const fail = (message: string): never => {
    throw new ServerConfigurationError(message);
  };
  if (o.baton === undefined || o.baton === null) fail('baton: required (the engine the API serves)');
  const host = o.host ?? DEFAULT_HOST;
  if (host.trim() === '') fail('host: expected an address such as 127.0.0.1, got an empty string');
  const port = o.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    fail(`port: expected an integer from 0 to 65535 (0 picks a free port), got ${String(port)}`);
  if (o.token !== undefined && o.token.trim() === '') fail('token: expected a non-empty token');
  if (o.token === undefined && !isLoopbackHost(host)) {
    fail(
      `host ${host}: refusing to serve the API on an address other than 127.0.0.1, ::1 or localhost without a token; ` +
        'give one (--token T or BATON_TOKEN=T), or bind 127.0.0.1',
    );
  }
  const bodyLimitBytes = o.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  if (!Number.isInteger(bodyLimitBytes) || bodyLimitBytes < 1)
    fail(`bodyLimitBytes: expected an integer ≥ 1, got ${String(bodyLimitBytes)}`);
  const workflows = [...(o.workflows ?? [])];
  checkWorkflows(workflows, o.defaultTaskQueue, fail);
  return Object.freeze({
    baton: o.baton,
    host,
    port,
    token: o.token,
    workflows: Object.freeze(workflows),
    defaultTaskQueue: o.defaultTaskQueue,
    metrics: o.metrics,
    uiDir: o.uiDir ?? defaultUiDir(),
    bodyLimitBytes,
    logger: o.logger ?? consoleLogger('warn'),
    streamPollMs: positiveMs(o.streamPollMs ?? 200, 'streamPollMs', fail),
    streamHeartbeatMs: positiveMs(o.streamHeartbeatMs ?? 15_000, 'streamHeartbeatMs', fail),
    updateTimeoutMs: positiveMs(o.updateTimeoutMs ?? 30_000, 'updateTimeoutMs', fail),
  });
}

function checkWorkflows(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  workflows: readonly WorkflowDefinition<any, any>[],
  defaultTaskQueue: string | undefined,
  fail: (message: string) => never,
): void {
  if (defaultTaskQueue !== undefined && defaultTaskQueue.trim() === '')
    fail('defaultTaskQueue: expected a non-empty task queue name');
  if (workflows.length > 0 && defaultTaskQueue === undefined)
    fail('defaultTaskQueue: required with workflows (the task queue their worker polls)');
  const seen = new Set<string>();
  for (const [i, w] of workflows.entries()) {
    if (typeof w?.name !== 'string' || typeof w.fn !== 'function')
      fail(`workflows[${i}]: expected a workflow definition (defineWorkflow, defineStepWorkflow)`);
    if (seen.has(w.name)) fail(`workflows[${i}]: workflow type '${w.name}' is listed twice`);
    seen.add(w.name);
  }
}

function positiveMs(value: number, name: string, fail: (message: string) => never): number {
  if (!Number.isFinite(value) || value < 1)
    fail(`${name}: expected a number of ms ≥ 1, got ${String(value)}`);
  return value;
}

/**
 * The `dist/ui` folder of the `baton` package this module belongs to: found by walking up from
 * this file to the `package.json` whose name is `baton` (from `src/server/` in the sources and
 * from `dist/src/server/` once built). Falls back to `./dist/ui` of the current directory.
 */
export function defaultUiDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && packageName(manifest) === 'baton') return join(dir, 'dist', 'ui');
    const parent = dirname(dir);
    if (parent === dir) return resolve('dist', 'ui');
    dir = parent;
  }
}

function packageName(manifest: string): string | undefined {
  try {
    const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
    return typeof parsed.name === 'string' ? parsed.name : undefined;
  } catch {
    return undefined;
  }
}
