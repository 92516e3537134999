import { ValidationError } from './errors.js';
import { checkStoredString } from './stored-string.js';

/** A search attribute value: indexed for `list()` filters, as Temporal's search attributes. */
export type SearchAttributeValue = string | number | boolean | Date;

/** Search attributes of an execution, by name. */
export type SearchAttributes = Record<string, SearchAttributeValue>;

/**
 * Validates search attributes and turns them into their stored JSON form (a Date becomes its ISO
 * text, so comparisons work on text).
 *
 * @throws ValidationError naming the attribute when a name or value is not allowed.
 */
export function encodeSearchAttributes(
  attrs: SearchAttributes,
  field = 'searchAttributes',
): Record<string, string | number | boolean> {
  if (attrs === null || typeof attrs !== 'object' || Array.isArray(attrs)) {
    throw new ValidationError(`${field}: expected an object of name → string | number | boolean | Date`);
  }
  // No prototype: a name such as `__proto__` or `constructor` is an ordinary key.
  const out: Record<string, string | number | boolean> = Object.create(null) as Record<
    string,
    string | number | boolean
  >;
  for (const [name, value] of Object.entries(attrs)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new ValidationError(
        `${field}.${name}: a name must be letters, digits and underscores, not starting with a digit`,
      );
    }
    if (value instanceof Date) out[name] = value.toISOString();
    else if (typeof value === 'string') out[name] = checkStoredString(value, `${field}.${name}`);
    else if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)))
      out[name] = value;
    else
      throw new ValidationError(
        `${field}.${name}: expected a string, finite number, boolean or Date, got ${typeof value}`,
      );
  }
  return out;
}
