/**
 * What `baton server` and `baton dev` share: the flags (--port, --host, --token / BATON_TOKEN) and
 * their checks, the stop signal (SIGINT/SIGTERM; a second one exits at once), the URL lines, and
 * serving until stopped: the server closes, then the worker drains (the caller closes the store).
 */
import { type Command, Option } from 'commander';
import type { Baton, Worker, WorkflowDefinition } from '../index.js';
import type { BatonMetrics } from '../observability/metrics.js';
import type { MetricsSource, RunningServer } from '../server/index.js';
import { DEFAULT_HOST, DEFAULT_PORT, isLoopbackHost, ServerConfigurationError } from '../server/options.js';
import { err, ExitCode, out } from './output.js';

/** The flags of `baton server` and `baton dev`, checked. */
export interface ServeFlags {
  store: string;
  host: string;
  port: number;
  token: string | undefined;
  /** The default task queue of starts through the API. */
  taskQueue: string | undefined;
}

/** Adds --port, --host and --token (BATON_TOKEN) to `command`. */
export function addServeOptions(command: Command): Command {
  return command
    .option('--port <n>', `TCP port; 0 picks a free one (default: ${DEFAULT_PORT})`)
    .option(
      '--host <address>',
      `address to bind; any but 127.0.0.1, ::1 or localhost needs a token (default: ${DEFAULT_HOST})`,
    )
    .addOption(
      new Option('--token <token>', 'require Authorization: Bearer <token> on /api and /metrics').env(
        'BATON_TOKEN',
      ),
    );
}

/**
 * The flags of `opts`, checked, or a one-line message saying what is wrong: a port that is not an
 * integer from 0 to 65535, an empty host, token or task queue, a non-loopback host without token.
 */
export function serveFlags(opts: Record<string, unknown>): ServeFlags | string {
  const portText = typeof opts.port === 'string' ? opts.port : String(DEFAULT_PORT);
  if (!/^\d+$/.test(portText) || Number(portText) > 65535)
    return `--port: expected an integer from 0 to 65535 (0 picks a free port), got '${portText}'`;
  const host = typeof opts.host === 'string' ? opts.host : DEFAULT_HOST;
  if (host.trim() === '') return '--host: expected an address such as 127.0.0.1';
  const token = typeof opts.token === 'string' ? opts.token : undefined;
  if (token !== undefined && token.trim() === '')
    return '--token: expected a non-empty token (or BATON_TOKEN unset)';
  if (token === undefined && !isLoopbackHost(host))
    return `--host ${host} needs a token: pass --token T or set BATON_TOKEN (or bind 127.0.0.1)`;
  const taskQueue = typeof opts.taskQueue === 'string' ? opts.taskQueue : undefined;
  if (taskQueue !== undefined && taskQueue.trim() === '')
    return '--task-queue: expected a non-empty task queue name';
  return { store: String(opts.store), host, port: Number(portText), token, taskQueue };
}

/** The first SIGINT or SIGTERM, as a promise; a second one exits at once (130 / 143). */
export interface StopSignal {
  readonly received: Promise<NodeJS.Signals>;
  dispose(): void;
}

/** Listens for SIGINT and SIGTERM until `dispose()`. */
export function stopSignal(): StopSignal {
  let first: NodeJS.Signals | undefined;
  let resolve!: (signal: NodeJS.Signals) => void;
  const received = new Promise<NodeJS.Signals>((r) => (resolve = r));
  const handler = (signal: NodeJS.Signals): void => {
    if (first !== undefined) {
      err(`baton: ${signal} again: exiting at once`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    first = signal;
    resolve(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    received,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/** What {@link serveUntilStopped} serves. */
export interface ServeRequest {
  flags: ServeFlags;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  workflows: readonly WorkflowDefinition<any, any>[];
  /** The co-hosted worker, already running (`running` settles when it has stopped). */
  worker?: { worker: Worker; running: Promise<void> };
  /** Lines printed before the URLs (what runs). */
  intro: string[];
  /** What `/metrics` serves. */
  metrics?: MetricsSource;
}

/**
 * Starts the server on `baton`, prints the URLs, waits for SIGINT/SIGTERM (or the worker failing),
 * then closes the server and drains the worker. Returns the exit code: 0 after a graceful stop, 1
 * when the worker failed, 2 when the server cannot listen.
 */
export async function serveUntilStopped(
  baton: Baton,
  req: ServeRequest,
  signal: StopSignal,
): Promise<number> {
  const { flags } = req;
  // Loaded here, so that other `baton` commands do not load the HTTP stack.
  const { startServer } = await import('../server/server.js');
  let server: RunningServer;
  try {
    server = await startServer({
      baton,
      host: flags.host,
      port: flags.port,
      ...(flags.token === undefined ? {} : { token: flags.token }),
      workflows: req.workflows,
      ...(flags.taskQueue === undefined ? {} : { defaultTaskQueue: flags.taskQueue }),
      ...(req.metrics === undefined ? {} : { metrics: req.metrics }),
    });
  } catch (error) {
    if (!(error instanceof ServerConfigurationError)) throw error;
    err(`baton: ${error.message}`);
    await req.worker?.worker.shutdown().catch(() => {});
    return ExitCode.USAGE;
  }
  for (const line of [...req.intro, ...urlLines(server.url, flags.token)]) out(line);
  const workerFailed = req.worker?.running.then(
    () => undefined,
    (error: unknown) => error,
  );
  const stoppedBy = await Promise.race([signal.received, workerFailed ?? new Promise<never>(() => {})]);
  if (typeof stoppedBy === 'string') out(`${stoppedBy}: shutting down (server, then worker, then store)`);
  await server.close();
  if (req.worker !== undefined) {
    await req.worker.worker.shutdown().catch(() => {});
    const error = await workerFailed;
    if (error !== undefined) {
      err(
        `baton: the worker failed: ${error instanceof Error ? (error.stack ?? error.message) : JSON.stringify(error)}`,
      );
      return ExitCode.FAILED;
    }
  }
  out('stopped');
  return ExitCode.OK;
}

/** The UI, API and metrics lines (the UI's with `?token=`, which the UI keeps for the tab). */
function urlLines(url: string, token: string | undefined): string[] {
  const ui = token === undefined ? `${url}/` : `${url}/?token=${encodeURIComponent(token)}`;
  return [
    `  UI:      ${ui}`,
    `  API:     ${url}/api  (OpenAPI document: ${url}/api/openapi.json)`,
    `  Metrics: ${url}/metrics`,
    'Ctrl-C (SIGINT) or SIGTERM stops it.',
  ];
}

/**
 * Prometheus metrics of this process for `/metrics` (loaded only when serving): each task queue's
 * backlog, read from the store when scraped, and, through `hooks` on a worker, its workflow and
 * activity counts and latencies (docs/observability.md).
 */
export async function processMetrics(baton: Baton): Promise<BatonMetrics> {
  const { createMetrics } = await import('../observability/metrics.js');
  return createMetrics(baton.store);
}
