import { ValidationError } from './errors.js';

/** A NUL character, or a surrogate not part of a pair: text no store keeps as given. */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Checks a string kept in a store's indexed columns (workflowId, task queue, search attribute
 * values): PostgreSQL refuses NUL characters and lone surrogates in text, so every store refuses
 * them, before anything is written. (Payloads carry any string.)
 *
 * @throws ValidationError naming `field`.
 */
export function checkStoredString(value: string, field: string): string {
  if (UNSTORABLE.test(value)) {
    throw new ValidationError(
      `${field}: expected text without NUL characters or unpaired surrogates, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}
