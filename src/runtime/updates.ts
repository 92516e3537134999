import { BatonError } from '../common/errors.js';

/**
 * Updates, as Temporal's: a request that may change the workflow's state and returns a result. An
 * optional validator runs first: if it throws, the update is rejected and nothing is recorded.
 */

/** An update type, as returned by {@link defineUpdate}. */
export interface UpdateDefinition<Ret = unknown, Args extends unknown[] = []> {
  readonly type: 'update';
  readonly name: string;
  /** Carries the result and argument types; never set. */
  readonly __types?: { ret: Ret; args: Args };
}

/**
 * Defines an update type.
 *
 * @throws TypeError when `name` is empty.
 * @example
 * export const heal = defineUpdate<number, [amount: number]>('heal');
 * ctx.setHandler(heal, (amount) => (hp += amount), { validator: (amount) => { if (amount <= 0) throw new Error('amount must be > 0'); } });
 * const hp = await handle.executeUpdate(heal, { args: [20] });
 */
export function defineUpdate<Ret = unknown, Args extends unknown[] = []>(
  name: string,
): UpdateDefinition<Ret, Args> {
  if (typeof name !== 'string' || name === '')
    throw new TypeError('defineUpdate: name must be a non-empty string');
  return Object.freeze({ type: 'update', name });
}

/** An update handler: may be async (and call activities); its result goes to the caller. */
export type UpdateHandler<Ret, Args extends unknown[]> = (...args: Args) => Ret | Promise<Ret>;

/** Options of an update handler. */
export interface UpdateHandlerOptions<Args extends unknown[]> {
  /** Runs before the update is accepted; throwing rejects it (nothing recorded, state unchanged). Must not change state. */
  validator?: (...args: Args) => void;
}

/** The update was rejected by its validator (or has no handler), or its handler failed. `cause` says why. */
export class WorkflowUpdateFailedError extends BatonError {
  constructor(
    message: string,
    readonly updateId: string,
    cause: unknown,
  ) {
    super(message, cause);
  }
}

/** A registered update handler with its validator. */
export interface RegisteredUpdate {
  handler: UpdateHandler<unknown, unknown[]>;
  validator: ((...args: unknown[]) => void) | undefined;
}
