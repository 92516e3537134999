import { BatonError } from '../common/errors.js';

/**
 * Queries, as Temporal's: a synchronous read of a workflow's state. A handler must not change
 * state or call activities; a query adds nothing to the history.
 */

/** A query type, as returned by {@link defineQuery}. */
export interface QueryDefinition<Ret = unknown, Args extends unknown[] = []> {
  readonly type: 'query';
  readonly name: string;
  /** Carries the result and argument types; never set. */
  readonly __types?: { ret: Ret; args: Args };
}

/**
 * Defines a query type.
 *
 * @throws TypeError when `name` is empty.
 * @example
 * export const hp = defineQuery<number>('hp');
 * ctx.setHandler(hp, () => pokemon.currentHealth);    // in the workflow
 * const health = await handle.query(hp);             // from a client
 */
export function defineQuery<Ret = unknown, Args extends unknown[] = []>(
  name: string,
): QueryDefinition<Ret, Args> {
  if (typeof name !== 'string' || name === '')
    throw new TypeError('defineQuery: name must be a non-empty string');
  return Object.freeze({ type: 'query', name });
}

/** A query handler: synchronous, and must not change the workflow's state. */
export type QueryHandler<Ret, Args extends unknown[]> = (...args: Args) => Ret;

/** The workflow has no handler for that query name. */
export class QueryNotRegisteredError extends BatonError {
  constructor(
    readonly queryName: string,
    readonly known: readonly string[],
  ) {
    super(
      `query '${queryName}' is not registered by the workflow; registered: ${known.length ? known.join(', ') : '(none)'}`,
    );
  }
}

/** No worker answered a query before the client's deadline. */
export class QueryTimeoutError extends BatonError {}

/** A query handler threw, or returned a promise (handlers must be synchronous). */
export class QueryFailedError extends BatonError {}
