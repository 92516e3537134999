/**
 * Signals, as Temporal's: a named message to a running workflow, delivered in the order the store
 * accepted it. A signal that arrives before its handler is registered is buffered and delivered,
 * in order, when the handler is set.
 */

/** A signal type, as returned by {@link defineSignal}; `Args` types the handler and the sender. */
export interface SignalDefinition<Args extends unknown[] = unknown[]> {
  readonly type: 'signal';
  readonly name: string;
  /** Carries the argument types; never set. */
  readonly __args?: Args;
}

/**
 * Defines a signal type.
 *
 * @throws TypeError when `name` is empty.
 * @example
 * export const throwBall = defineSignal<[ball: 'poke' | 'great' | 'ultra']>('throwBall');
 * ctx.setHandler(throwBall, (ball) => { chosen = ball; });   // in the workflow
 * await handle.signal(throwBall, 'ultra');                   // from a client
 */
export function defineSignal<Args extends unknown[] = []>(name: string): SignalDefinition<Args> {
  if (typeof name !== 'string' || name === '')
    throw new TypeError('defineSignal: name must be a non-empty string');
  return Object.freeze({ type: 'signal', name });
}

/** A signal handler: may be async (and call activities); what it returns is ignored. */
export type SignalHandler<Args extends unknown[]> = (...args: Args) => void | Promise<void>;

/** The handlers and the buffer of one execution's signals. */
export class SignalRegistry {
  private readonly handlers = new Map<string, SignalHandler<unknown[]>>();
  private readonly buffered: { name: string; args: unknown[] }[] = [];

  /** @param invoke - runs a handler, routing a thrown or rejected error to the run */
  constructor(private readonly invoke: (handler: SignalHandler<unknown[]>, args: unknown[]) => void) {}

  /** Sets (or, with undefined, removes) the handler of `name`, then delivers what was buffered for it. */
  setHandler(name: string, handler: SignalHandler<unknown[]> | undefined): void {
    if (handler === undefined) {
      this.handlers.delete(name);
      return;
    }
    this.handlers.set(name, handler);
    for (let i = 0; i < this.buffered.length;) {
      const b = this.buffered[i]!;
      if (b.name === name) {
        this.buffered.splice(i, 1);
        this.invoke(handler, b.args);
      } else i++;
    }
  }

  /** Delivers a signal to its handler, or buffers it. */
  deliver(name: string, args: unknown[]): void {
    const handler = this.handlers.get(name);
    if (handler === undefined) this.buffered.push({ name, args });
    else this.invoke(handler, args);
  }
}
