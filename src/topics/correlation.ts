import { AsyncLocalStorage } from 'node:async_hooks';

const current = new AsyncLocalStorage<string>();

/** Runs `fn` with `correlationId` as the one publishes inside it carry on. */
export function withCorrelationId<T>(correlationId: string, fn: () => T): T {
  return current.run(correlationId, fn);
}

/** The correlation id of the event being handled, if any. */
export function currentCorrelationId(): string | undefined {
  return current.getStore();
}
