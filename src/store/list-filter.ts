import { ValidationError } from '../common/errors.js';
import type { ListFilter } from './types.js';

/** Default number of executions a list returns. */
export const DEFAULT_LIST_LIMIT = 100;

/**
 * Checks a {@link ListFilter} before any query, the same way in every store, and returns its
 * paging with the defaults applied (`limit` 100, `offset` 0).
 *
 * @throws ValidationError naming the field and what was expected: `workflowIdContains` not a
 *   string; `startedAfterMs` / `startedBeforeMs` not finite numbers (epoch ms); `limit` not an
 *   integer ≥ 0; `offset` not an integer ≥ 0; a search attribute name that is not an identifier.
 * @example
 * const { limit, offset } = checkListFilter({ workflowIdContains: 'capture-', offset: 100 });
 */
export function checkListFilter(filter: ListFilter): { limit: number; offset: number } {
  if (typeof filter !== 'object' || filter === null)
    throw new ValidationError(`list filter: expected an object, got ${String(filter)}`);
  const contains = filter.workflowIdContains;
  if (contains !== undefined && typeof contains !== 'string')
    throw new ValidationError(`workflowIdContains: expected a string, got ${typeof contains}`);
  for (const field of ['startedAfterMs', 'startedBeforeMs'] as const) {
    const value = filter[field];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value)))
      throw new ValidationError(
        `${field}: expected a time in epoch milliseconds (a finite number), got ${show(value)}`,
      );
  }
  for (const name of Object.keys(filter.searchAttributes ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      throw new ValidationError(`searchAttributes.${name}: not a valid attribute name`);
  }
  return {
    limit: wholeNumber(filter.limit, 'limit', DEFAULT_LIST_LIMIT),
    offset: wholeNumber(filter.offset, 'offset', 0),
  };
}

function wholeNumber(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw new ValidationError(`${field}: expected an integer ≥ 0, got ${show(value)}`);
  return value;
}

/** A value as an error message shows it. */
function show(value: unknown): string {
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return typeof value;
  }
}

/**
 * A LIKE pattern matching `text` anywhere, literally: `\`, `%` and `_` are escaped with `\`
 * (use it with `ESCAPE '\'`).
 *
 * @example
 * containsPattern('50%_off'); // '%50\%\_off%'
 */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
