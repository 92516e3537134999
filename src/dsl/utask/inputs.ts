/**
 * Checking a uTask task's input before a start, as uTask does when a task is created: required
 * inputs present, defaults filled in, `legal_values`, `regex`, `type` and `collection` enforced.
 */
import { ValidationError } from '../../common/errors.js';
import type { UtaskInput } from './model.js';
import { isRecord } from './reader.js';

function legal(value: unknown, input: UtaskInput): boolean {
  if (input.legalValues === undefined) return true;
  return input.legalValues.some((l) => l === value || String(l) === String(value));
}

function checkOne(value: unknown, input: UtaskInput, template: string): void {
  const fail = (what: string): never => {
    throw new ValidationError(`uTask template '${template}': input '${input.name}' ${what}`);
  };
  if (input.type === 'string' && typeof value !== 'string')
    fail(`must be a string, got ${JSON.stringify(value)}`);
  if (input.type === 'number' && typeof value !== 'number')
    fail(`must be a number, got ${JSON.stringify(value)}`);
  if (input.type === 'bool' && typeof value !== 'boolean')
    fail(`must be true or false, got ${JSON.stringify(value)}`);
  if (!legal(value, input))
    fail(
      `got ${JSON.stringify(value)}; legal values are ${(input.legalValues ?? []).map((v) => JSON.stringify(v)).join(', ')}`,
    );
  if (input.regex !== undefined && typeof value === 'string' && !input.regex.test(value))
    fail(`got ${JSON.stringify(value)}, which does not match ${String(input.regex)}`);
}

/**
 * The input a uTask template runs with: `input` (a map, or nothing) with each declared input
 * checked and defaults filled in. Undeclared keys are kept (uTask ignores them).
 *
 * @throws ValidationError naming the input and what was expected (its legal values, its type, that
 *   it is required, that a collection must be a list).
 * @example
 * prepareUtaskInput({}, inputs, 'hello-world-now'); // { language: 'english' }
 */
export function prepareUtaskInput(
  input: unknown,
  inputs: readonly UtaskInput[],
  template: string,
): Record<string, unknown> {
  if (input !== undefined && input !== null && !isRecord(input))
    throw new ValidationError(
      `uTask template '${template}': the input must be a map of input names to values, got ${JSON.stringify(input)}`,
    );
  const out: Record<string, unknown> = { ...(input ?? {}) };
  for (const decl of inputs) {
    let value = out[decl.name];
    if (value === undefined || value === null) {
      if (decl.default !== undefined) value = decl.default;
      else if (decl.optional) continue;
      else throw new ValidationError(`uTask template '${template}': input '${decl.name}' is required`);
    }
    if (decl.collection) {
      if (!Array.isArray(value))
        throw new ValidationError(
          `uTask template '${template}': input '${decl.name}' is a collection and must be a list, got ${JSON.stringify(value)}`,
        );
      for (const item of value) checkOne(item, decl, template);
    } else checkOne(value, decl, template);
    out[decl.name] = value;
  }
  return out;
}
