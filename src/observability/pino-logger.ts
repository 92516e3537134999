import { createRequire } from 'node:module';
import type { pino } from 'pino';
import type { BindableLogger } from '../common/logger.js';

/**
 * Baton's logger on pino: each record is pino's `(attrs, message)`, and `child` is pino's
 * own (bindings serialised once), which Baton uses to put `workflowId` and `runId` on every line
 * about an execution, plus `activityType` and `attempt` on every line about an activity attempt.
 *
 * @param options - a pino logger to write through (its level, transport and bindings kept), or
 *   pino's options for a new one. @default pino's defaults: level `info`, JSON lines on stdout
 * @param destination - where a new logger writes (ignored when `options` is a logger).
 *   @default stdout
 * @example
 * const baton = await Baton.open(url, { logger: pinoLogger({ level: 'debug' }) });
 * const baton2 = await Baton.open(url, { logger: pinoLogger(existingPino.child({ service: 'capture' })) });
 */
export function pinoLogger(
  options?: pino.LoggerOptions | pino.Logger,
  destination?: pino.DestinationStream,
): BindableLogger {
  if (isPino(options)) return adapt(options);
  // Loaded on first use, so that importing Baton does not load pino.
  const { pino: make } = load('pino') as { pino: typeof pino };
  return adapt(destination === undefined ? make(options ?? {}) : make(options ?? {}, destination));
}

const load = createRequire(import.meta.url);

function isPino(value: pino.LoggerOptions | pino.Logger | undefined): value is pino.Logger {
  return (
    value !== undefined &&
    typeof (value as pino.Logger).child === 'function' &&
    typeof (value as pino.Logger).info === 'function'
  );
}

function adapt(p: pino.Logger): BindableLogger {
  return {
    debug: (message, attrs) => (attrs === undefined ? p.debug(message) : p.debug(attrs, message)),
    info: (message, attrs) => (attrs === undefined ? p.info(message) : p.info(attrs, message)),
    warn: (message, attrs) => (attrs === undefined ? p.warn(message) : p.warn(attrs, message)),
    error: (message, attrs) => (attrs === undefined ? p.error(message) : p.error(attrs, message)),
    child: (bindings) => adapt(p.child(bindings)),
  };
}
