import { ValidationError } from './errors.js';

/** A surrogate not part of a pair (with NUL, text no store keeps as given). */
const UNPAIRED = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Checks a string kept in a store's indexed columns (workflowId, task queue, search attribute
 * values): PostgreSQL refuses NUL characters and lone surrogates in text, so every store refuses
 * them, before anything is written. (Payloads carry any string.)
 *
 * @throws ValidationError naming `field`.
 */
export function checkStoredString(value: string, field: string): string {
  if (value.includes('\u0000') || UNPAIRED.test(value)) {
    throw new ValidationError(
      `${field}: expected text without NUL characters or unpaired surrogates, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}
