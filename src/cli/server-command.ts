/**
 * `baton server`: the HTTP API and the web UI on a store, without a worker, until SIGTERM or
 * SIGINT (then the server closes, the store closes, exit 0; a second signal exits at once). Also
 * registers `baton dev` (dev-command.ts).
 */
import type { Command, Option } from 'commander';
import { withServiceStore } from './service-logger.js';
import { registerDevCommand } from './dev-command.js';
import { err, ExitCode } from './output.js';
import {
  addServeOptions,
  processMetrics,
  serveFlags,
  serveUntilStopped,
  stopSignal,
} from './serve-common.js';

const SERVER_HELP = [
  '',
  'Serves the HTTP API (/api, see docs/http-api.md), /metrics and the web UI (/) on the store, with',
  'no worker: workflows started here run on the workers of their task queue. Without --task-queue,',
  'a start through the API must name its task queue.',
  '',
  'Binds 127.0.0.1 by default. Any other address needs a token (--token or BATON_TOKEN): then',
  'every /api and /metrics request needs Authorization: Bearer <token>; open the UI once with',
  '?token=<token> (it keeps the token for the browser tab).',
  '',
  'Exit 0 after SIGINT or SIGTERM (server closed, store closed); 2 bad flags, an unusable store or',
  'a port in use.',
  '',
  'Examples:',
  '  npx baton server --store sqlite:/srv/baton.db --port 8080',
  '  BATON_TOKEN=s3cret npx baton server --host 0.0.0.0 --task-queue orders',
].join('\n');

/**
 * Registers `baton server` and `baton dev` on `program`; their actions report the exit code through
 * `setExit` (and exit once stopped, so a stuck activity cannot keep the process alive).
 */
export function registerServerCommands(
  program: Command,
  storeOption: () => Option,
  setExit: (code: number) => void,
): void {
  const command = program
    .command('server')
    .description('serve the HTTP API and the web UI on a store (no worker), until SIGTERM or SIGINT')
    .addOption(storeOption())
    .option('--task-queue <name>', 'the task queue of starts that name none (default: none)');
  addServeOptions(command)
    .addHelpText('after', SERVER_HELP)
    .action(async (opts: Record<string, unknown>) => {
      const code = await runServerCommand(opts);
      setExit(code);
      if (code === ExitCode.OK) process.exit(code);
    });
  registerDevCommand(program, storeOption, setExit);
}

/** Runs `baton server` with the parsed options; returns the exit code. */
export async function runServerCommand(opts: Record<string, unknown>): Promise<number> {
  const flags = serveFlags(opts);
  if (typeof flags === 'string') {
    err(`baton: ${flags}`);
    return ExitCode.USAGE;
  }
  const signal = stopSignal();
  try {
    return await withServiceStore(flags.store, async (baton) =>
      serveUntilStopped(
        baton,
        {
          flags,
          workflows: [],
          intro: [`Baton server on store ${flags.store}`],
          metrics: await processMetrics(baton),
        },
        signal,
      ),
    );
  } finally {
    signal.dispose();
  }
}
