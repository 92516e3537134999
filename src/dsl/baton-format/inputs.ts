/**
 * The input of a Baton workflow file: a map of the declared inputs, checked and completed before a
 * start, so a bad input is refused before anything is written.
 */
import { ValidationError } from '../../common/errors.js';
import type { BatonInputValue } from './schema.js';

/**
 * Makes the `prepareInput` of a file declaring `inputs`: the input must be a map (undefined or
 * null count as `{}`); each declared input gets its `default` when absent; a `required` input
 * without a default must be given; each value must have its declared type (`integer`: a whole
 * number; `number`: any finite number; `object`: a map; `array`: a list; `any`: anything,
 * null included). A null value counts as given only for `type: any`. Keys that are not declared
 * are refused (a misspelt input name would otherwise be silently ignored).
 *
 * @throws ValidationError naming the workflow, the input and what was expected.
 * @example
 * const prepare = inputPreparer('CapturePokemon@1', { count: { type: 'integer', required: false, default: 1 } });
 * prepare({}); // { count: 1 }
 */
export function inputPreparer(
  workflowType: string,
  inputs: Readonly<Record<string, BatonInputValue>>,
): (input: unknown) => Record<string, unknown> {
  const names = Object.keys(inputs);
  const fail = (message: string): never => {
    throw new ValidationError(`workflow '${workflowType}': input ${message}`);
  };
  return (input) => {
    if (input !== undefined && input !== null && (typeof input !== 'object' || Array.isArray(input)))
      fail(`expected a map of ${names.length > 0 ? names.join(', ') : 'no inputs'}, got ${describe(input)}`);
    const given = (input ?? {}) as Record<string, unknown>;
    const unknown = Object.keys(given).filter((k) => !Object.hasOwn(inputs, k));
    if (unknown.length > 0)
      fail(
        `${unknown.map((k) => `'${k}'`).join(', ')} is not declared; expected ${names.length > 0 ? `one of ${names.join(', ')}` : 'no inputs'}`,
      );
    const out: Record<string, unknown> = {};
    for (const [name, decl] of Object.entries(inputs)) {
      let value = given[name];
      if (value === undefined && decl.default !== undefined) value = structuredClone(decl.default);
      if (value === undefined) {
        if (decl.required) fail(`'${name}' is required (${decl.type})`);
        continue;
      }
      const problem = typeProblem(value, decl.type);
      if (problem !== undefined) fail(`'${name}': ${problem}`);
      out[name] = value;
    }
    return out;
  };
}

/** Why `value` is not of `type`, or undefined when it is. */
export function typeProblem(value: unknown, type: BatonInputValue['type']): string | undefined {
  const ok =
    type === 'any' ||
    (type === 'string' && typeof value === 'string') ||
    (type === 'number' && typeof value === 'number' && Number.isFinite(value)) ||
    (type === 'integer' && Number.isInteger(value)) ||
    (type === 'boolean' && typeof value === 'boolean') ||
    (type === 'array' && Array.isArray(value)) ||
    (type === 'object' && typeof value === 'object' && value !== null && !Array.isArray(value));
  return ok ? undefined : `expected ${EXPECTED[type]}, got ${describe(value)}`;
}

const EXPECTED: Record<BatonInputValue['type'], string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
  object: 'a map (object)',
  array: 'a list (array)',
  any: 'anything',
};

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  const text = JSON.stringify(value) ?? typeof value;
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
