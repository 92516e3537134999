/**
 * uTask's step conditions: each assertion renders its `value` and `expected` to strings (`<no
 * value>` removed) and compares them with its operator; a condition holds when all of its
 * assertions do. Pure.
 */
import type { UtaskAssert, UtaskCondition } from './model.js';
import type { ParsedTemplate } from './template.js';

/** An assertion that could not be evaluated (a number operator on text, a bad regular expression). */
export class ConditionError extends Error {
  override readonly name = 'ConditionError';
}

const INT32 = /^[-+]?\d+$/;

function toInt(text: string, operator: string): number {
  const n = Number(text);
  if (!INT32.test(text) || n > 2147483647 || n < -2147483648)
    throw new ConditionError(`${operator}: '${text}' is not an integer`);
  return n;
}

/**
 * `IN`/`NOTIN` as uTask's code does it: `value` is split on the separator, and the condition asks
 * whether `expected` is one of its (trimmed) items.
 */
function inList(value: string, expected: string, separator: string): boolean {
  return value.split(separator).some((item) => item.trim() === expected);
}

/**
 * Whether one assertion holds.
 *
 * @param render - renders a template of the step (with its `this` and iterator).
 * @throws ConditionError for GT/LT/GE/LE on text that is not an integer, or a bad REGEXP; a
 *   template's render error as is.
 * @example
 * assertHolds(a, (t) => renderTemplate(t, values)); // EQ '404' '404' → true
 */
export function assertHolds(assert: UtaskAssert, render: (t: ParsedTemplate) => string): boolean {
  const value = render(assert.value).replaceAll('<no value>', '');
  const expected = render(assert.expected).replaceAll('<no value>', '');
  switch (assert.operator) {
    case 'EQ':
      return value === expected;
    case 'NE':
      return value !== expected;
    case 'GT':
      return toInt(value, 'GT') > toInt(expected, 'GT');
    case 'LT':
      return toInt(value, 'LT') < toInt(expected, 'LT');
    case 'GE':
      return toInt(value, 'GE') >= toInt(expected, 'GE');
    case 'LE':
      return toInt(value, 'LE') <= toInt(expected, 'LE');
    case 'REGEXP': {
      let re: RegExp;
      try {
        re = new RegExp(expected);
      } catch (e) {
        throw new ConditionError(`REGEXP: invalid regular expression '${expected}': ${(e as Error).message}`);
      }
      return re.test(value);
    }
    case 'IN':
      return inList(value, expected, assert.listSeparator);
    case 'NOTIN':
      return !inList(value, expected, assert.listSeparator);
    default:
      throw new ConditionError(`unknown operator '${assert.operator}'`);
  }
}

/** Whether every assertion of `condition` holds (uTask stops at the first that does not). */
export function conditionHolds(condition: UtaskCondition, render: (t: ParsedTemplate) => string): boolean {
  return condition.if.every((a) => assertHolds(a, render));
}
