/**
 * The logger of Baton's long-running commands (`baton dev`, `baton server`, `baton worker`): pino
 * JSON lines on stderr (stdout stays for the command's own lines, such as the URLs), each line
 * about an execution carrying workflowId and runId, and about an activity attempt also its
 * activityType and attempt. The level comes from `BATON_LOG_LEVEL` (pino's levels: trace, debug,
 * info, warn, error, fatal, silent). @default 'warn'
 */
import { pinoLogger } from '../observability/pino-logger.js';
import type { Baton } from '../index.js';
import type { Logger } from '../common/logger.js';
import { withStore } from './demo-runner.js';
import { err, ExitCode } from './output.js';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/**
 * The logger, or a one-line explanation when `BATON_LOG_LEVEL` names no level.
 *
 * @param env - the environment to read. @default process.env
 */
export function serviceLogger(env: NodeJS.ProcessEnv = process.env): Logger | string {
  const level = env.BATON_LOG_LEVEL ?? 'warn';
  if (!LEVELS.includes(level)) return `BATON_LOG_LEVEL: expected one of ${LEVELS.join(', ')}, got '${level}'`;
  return pinoLogger({ level }, { write: (line: string) => void process.stderr.write(line) });
}

/**
 * {@link withStore} for a long-running command: the store opened with {@link serviceLogger};
 * exit 2 with one line when `BATON_LOG_LEVEL` names no level.
 */
export async function withServiceStore(
  store: string,
  run: (baton: Baton) => Promise<number>,
): Promise<number> {
  const logger = serviceLogger();
  if (typeof logger === 'string') {
    err(`baton: ${logger}`);
    return ExitCode.USAGE;
  }
  return withStore(store, run, { logger });
}
