/**
 * A step's `if`: `true`, `false`, or one `${…}` CEL expression that gives a boolean. What can be
 * told at load is refused there (a literal string such as `"yes"`, text around an expression,
 * an expression whose CEL type is not `bool`); an expression whose type depends on the values
 * (`dyn`: `${inputs.flag}`, `${steps.a.output}`) is checked when it runs, and a value that is not
 * a boolean fails the step: a string, a number or null is never taken as true or false.
 */
import { ApplicationFailure } from '../../common/failures.js';
import type { ValuePath } from '../files/source.js';
import type { CelScopeKinds } from './cel.js';
import {
  compileTemplate,
  EXPRESSION_FAILURE,
  evaluateTemplate,
  type CelScope,
  type Template,
  type TemplateSink,
} from './expressions.js';
import { show } from './zod-problems.js';

/** YAML 1.1 booleans (and quoted ones), which YAML 1.2 reads as text. */
const BOOLEAN_WORDS = new Set(['yes', 'no', 'y', 'n', 'on', 'off', 'true', 'false']);

/**
 * Compiles the `if` of step `step` (its value `value`, found at `path`) and checks it can be a
 * boolean; a problem goes to `sink.problems`, at the position of the `if` value, naming the step
 * and what was expected (an expression that does not compile is reported as such, once).
 *
 * @example
 * const cond = compileCondition(step.if, [...path, 'if'], name, { item: false, result: false }, sink);
 */
export function compileCondition(
  value: boolean | string,
  path: ValuePath,
  step: string,
  kinds: CelScopeKinds,
  sink: TemplateSink,
): Template {
  const known = sink.problems.length;
  const template = compileTemplate(value, path, kinds, sink);
  const problem = sink.problems.length === known ? conditionProblem(template) : undefined;
  if (problem !== undefined) sink.problems.push(sink.doc.problem(path, `step '${step}': if: ${problem}`));
  return template;
}

function conditionProblem(template: Template): string | undefined {
  const expected = "expected true, false or one '${…}' CEL expression that gives a boolean";
  switch (template.kind) {
    case 'literal': {
      const value = template.value;
      if (typeof value === 'boolean') return undefined;
      if (typeof value !== 'string') return `${expected}, got ${show(value)}`;
      const hint = BOOLEAN_WORDS.has(value.trim().toLowerCase())
        ? ' (text, not a boolean: write true or false, without quotes)'
        : " (text, not a condition: write the condition inside '${…}')";
      return `${expected}, got the string ${show(value)}${hint}`;
    }
    case 'text':
      return `${expected}, got text around an expression, which is always a string`;
    case 'expr': {
      const type = template.program.type;
      if (type === 'bool' || type === 'dyn') return undefined;
      const fix = type.startsWith('optional<') ? ' (add .orValue(false))' : '';
      return `expression \`${template.program.source}\` gives ${typeName(type)}; expected one that gives a boolean (true or false)${fix}`;
    }
    default:
      return `${expected}, got ${template.kind === 'list' ? 'a list' : 'a map'}`;
  }
}

function typeName(type: string): string {
  if (type === 'null') return 'null';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/**
 * Evaluates a step's `if`.
 *
 * @param label - the step, as named in failures (`step 'greet'`).
 * @returns the condition's value.
 * @throws ApplicationFailure of type `ExpressionError`, not retryable, when the expression fails
 *   or gives anything but a boolean, e.g.
 *   ``step 'greet': if: expected true or false, got "yes" (from expression `inputs.flag`)``.
 * @example
 * if (!evaluateCondition(step.if, scope, `step '${step.name}'`)) return { state: 'SKIPPED', reason: 'its if is false' };
 */
export function evaluateCondition(template: Template, scope: CelScope, label: string): boolean {
  const value = evaluateTemplate(template, scope, label);
  if (typeof value === 'boolean') return value;
  const from = template.kind === 'expr' ? ` (from expression \`${template.program.source}\`)` : '';
  throw ApplicationFailure.create({
    message: `${label}: if: expected true or false, got ${show(value)}${from}`,
    type: EXPRESSION_FAILURE,
    nonRetryable: true,
  });
}
