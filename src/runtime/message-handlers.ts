import { QueryFailedError, QueryNotRegisteredError, type QueryHandler } from './queries.js';
import { SignalRegistry, type SignalHandler } from './signals.js';
import type { RegisteredUpdate } from './updates.js';
import { CancellationScope, runIn } from './scopes.js';

/**
 * Where queries and update validators run: they must not change the workflow, so a promise they
 * leave rejected is dropped instead of failing the workflow task (or ending the process).
 */
const readOnly = new CancellationScope(false, undefined, { unhandledRejection: () => undefined });

/** Swallows the rejection of a promise a handler returned where a value was expected. */
function dropPromise(value: unknown): boolean {
  if (!(value instanceof Promise)) return false;
  value.catch(() => undefined);
  return true;
}

/**
 * The handlers a workflow set for signals, queries and updates. Signals that arrive before their
 * handler are buffered by the registry; queries and updates without a handler are refused.
 */
export class MessageHandlers {
  readonly signals: SignalRegistry;
  private readonly queries = new Map<string, QueryHandler<unknown, unknown[]>>();
  private readonly updates = new Map<string, RegisteredUpdate>();

  /** @param runSignal - runs a signal handler, routing what it throws to the workflow */
  constructor(runSignal: (handler: SignalHandler<unknown[]>, args: unknown[]) => void) {
    this.signals = new SignalRegistry(runSignal);
  }

  setQuery(name: string, handler: QueryHandler<unknown, unknown[]> | undefined): void {
    if (handler === undefined) this.queries.delete(name);
    else this.queries.set(name, handler);
  }

  setUpdate(name: string, update: RegisteredUpdate | undefined): void {
    if (update === undefined) this.updates.delete(name);
    else this.updates.set(name, update);
  }

  update(name: string): RegisteredUpdate | undefined {
    return this.updates.get(name);
  }

  /**
   * Answers a query (no command, no event).
   * @throws QueryNotRegisteredError for an unknown name; QueryFailedError when the handler throws
   *   or returns a promise.
   */
  query(name: string, args: unknown[]): unknown {
    const handler = this.queries.get(name);
    if (handler === undefined) throw new QueryNotRegisteredError(name, [...this.queries.keys()]);
    let result: unknown;
    try {
      result = runIn(readOnly, () => handler(...args));
    } catch (err) {
      throw new QueryFailedError(`query '${name}' failed: ${(err as Error).message}`, err);
    }
    if (dropPromise(result)) {
      throw new QueryFailedError(`query '${name}' returned a promise; query handlers must be synchronous`);
    }
    return result;
  }

  /** Runs an update's validator; returns the rejection, or undefined to accept. */
  validateUpdate(name: string, args: unknown[]): Error | undefined {
    const update = this.updates.get(name);
    if (update === undefined) {
      const known = [...this.updates.keys()].join(', ') || '(none)';
      return new Error(`update '${name}' is not registered by the workflow; registered: ${known}`);
    }
    try {
      const verdict: unknown = runIn(readOnly, () => update.validator?.(...args));
      if (dropPromise(verdict))
        return new Error(
          `the validator of update '${name}' returned a promise; validators must be synchronous`,
        );
      return undefined;
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  }
}
