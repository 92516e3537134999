/** A structured logger, as `ctx.logger` and the worker use it (pino-compatible method shapes). */
export interface Logger {
  debug(message: string, attrs?: Record<string, unknown>): void;
  info(message: string, attrs?: Record<string, unknown>): void;
  warn(message: string, attrs?: Record<string, unknown>): void;
  error(message: string, attrs?: Record<string, unknown>): void;
}

/**
 * A {@link Logger} that can bind attributes to every record it writes (pino's `child`). Baton
 * uses `child` when a logger has it ({@link childLogger}); any other logger gets the bindings
 * merged into each record's attributes.
 */
export interface BindableLogger extends Logger {
  /** A logger adding `bindings` to every record. */
  child(bindings: Record<string, unknown>): Logger;
}

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
/** A log level. */
export type LogLevel = (typeof LEVELS)[number];

/**
 * A logger writing one line per record to stderr, from `level` up: `LEVEL message {attrs}`.
 *
 * @param level - the lowest level written. @default 'info'
 * @example
 * const baton = await Baton.open(url, { logger: consoleLogger('debug') });
 */
export function consoleLogger(level: LogLevel = 'info'): BindableLogger {
  return consoleWith(LEVELS.indexOf(level), undefined);
}

function consoleWith(min: number, bindings: Record<string, unknown> | undefined): BindableLogger {
  const write =
    (lvl: LogLevel) =>
    (message: string, attrs?: Record<string, unknown>): void => {
      if (LEVELS.indexOf(lvl) < min) return;
      const all = bindings === undefined ? attrs : { ...bindings, ...attrs };
      const extra = all === undefined ? '' : ` ${JSON.stringify(all)}`;
      process.stderr.write(`${lvl.toUpperCase()} ${message}${extra}\n`);
    };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (more) => consoleWith(min, { ...bindings, ...more }),
  };
}

/** A logger that drops everything. */
export const silentLogger: BindableLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
};

/**
 * A logger adding `bindings` (e.g. `{ workflowId, runId }`) to every record of `logger`: its own
 * `child` when it has one (pino binds once, cheaply), else a wrapper merging them into each
 * record's attributes (attributes given at the call win).
 *
 * @example
 * const log = childLogger(baton.logger, { workflowId: 'capture-1', runId });
 * log.warn('slow step', { ms: 1200 }); // carries workflowId and runId
 */
export function childLogger(logger: Logger, bindings: Record<string, unknown>): Logger {
  const child = (logger as Partial<BindableLogger>).child;
  if (typeof child === 'function') return child.call(logger, bindings);
  const write =
    (lvl: LogLevel) =>
    (message: string, attrs?: Record<string, unknown>): void =>
      logger[lvl](message, attrs === undefined ? bindings : { ...bindings, ...attrs });
  const bound: BindableLogger = {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (more) => childLogger(logger, { ...bindings, ...more }),
  };
  return bound;
}
