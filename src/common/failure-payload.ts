import type { DataConverter, Payload } from './converter.js';
import { ApplicationFailure, failureType } from './failures.js';

/**
 * The failure itself when the converter can store it; otherwise (a cause or detail the converter
 * refuses, a message over the payload limit) a non-retryable `ApplicationFailure` of the same type
 * with the message (shortened if long), no cause and no stack, and the reason in `details`, so
 * that an outcome can always be recorded.
 */
export function storableFailure(converter: DataConverter, failure: Error, what: string): Error {
  try {
    converter.toPayload(failure, what);
    return failure;
  } catch (err) {
    const budget = Math.max(64, Math.min(2000, Math.floor(converter.payloadLimitBytes / 8)));
    const message =
      failure.message.length > budget ? `${failure.message.slice(0, budget)}…` : failure.message;
    const reduced = ApplicationFailure.create({
      message,
      type: failureType(failure),
      nonRetryable: true,
      details: [`stored reduced, as it was not storable: ${(err as Error).message.slice(0, budget)}`],
    });
    reduced.stack = `${reduced.name}: stack dropped with the rest of a failure too large or not storable`;
    return reduced;
  }
}

/** Encodes a failure to store it as an outcome, reduced as {@link storableFailure} says when needed. */
export function failurePayload(converter: DataConverter, failure: Error, what: string): Payload {
  return converter.toPayload(storableFailure(converter, failure, what), what);
}
