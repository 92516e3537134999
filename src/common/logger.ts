/** A structured logger, as `ctx.logger` and the worker use it (pino-compatible method shapes). */
export interface Logger {
  debug(message: string, attrs?: Record<string, unknown>): void;
  info(message: string, attrs?: Record<string, unknown>): void;
  warn(message: string, attrs?: Record<string, unknown>): void;
  error(message: string, attrs?: Record<string, unknown>): void;
}

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
/** A log level. */
export type LogLevel = (typeof LEVELS)[number];

/**
 * A logger writing one line per record to stderr, from `level` up.
 *
 * @param level - the lowest level written. @default 'info'
 */
export function consoleLogger(level: LogLevel = 'info'): Logger {
  const min = LEVELS.indexOf(level);
  const write =
    (lvl: LogLevel) =>
    (message: string, attrs?: Record<string, unknown>): void => {
      if (LEVELS.indexOf(lvl) < min) return;
      const extra = attrs === undefined ? '' : ` ${JSON.stringify(attrs)}`;
      process.stderr.write(`${lvl.toUpperCase()} ${message}${extra}\n`);
    };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

/** A logger that drops everything. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
