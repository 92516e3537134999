import { BatonError } from '../../common/errors.js';

/**
 * The NATS JetStream topic broker could not do what was asked: the server is unreachable or has
 * no JetStream, a stream or consumer could not be created, or the server did not confirm a
 * publish or an acknowledgement in time. `cause` holds the client's error.
 *
 * @example
 * ```ts
 * try {
 *   await openJetStreamBroker('nats://127.0.0.1:4222', { dedupWindowMs: 120_000 });
 * } catch (err) {
 *   if (err instanceof JetStreamBrokerError) console.error(err.message, err.cause);
 * }
 * ```
 */
export class JetStreamBrokerError extends BatonError {
  constructor(
    message: string,
    /** The topic involved, when there is one. */
    readonly topic?: string,
    cause?: unknown,
  ) {
    super(message, cause);
  }
}

/** The message of an unknown thrown value, for error messages. */
export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
