/**
 * `${...}` templates in a workflow file's values. A string that is exactly one `${ expr }` takes
 * the expression's value, whatever its type (a number stays a number, an object an object, null
 * null); inside a longer string each value is turned into text (strings as they are, numbers and
 * booleans as written, null as `null`, lists and maps as JSON). `$${` writes a literal `${`.
 * Every expression is parsed and checked when the file is loaded.
 */
import { ApplicationFailure } from '../../common/failures.js';
import type { FileProblem } from '../files/file-error.js';
import type { SourceDoc, ValuePath } from '../files/source.js';
import { compileCel, runCel, toCel, type CelProgram, type CelScopeKinds } from './cel.js';
import { where } from './zod-problems.js';

/** A value of the file with its expressions compiled. */
export type Template =
  | { readonly kind: 'literal'; readonly value: unknown }
  | { readonly kind: 'expr'; readonly program: CelProgram }
  | { readonly kind: 'text'; readonly parts: readonly (string | CelProgram)[] }
  | { readonly kind: 'list'; readonly items: readonly Template[] }
  | { readonly kind: 'map'; readonly entries: readonly (readonly [string, Template])[] };

/** Failure type of an expression that could not be evaluated (never retried). */
export const EXPRESSION_FAILURE = 'ExpressionError';

/** Where templates are compiled: the file, the problems found so far, every reference seen. */
export interface TemplateSink {
  readonly doc: SourceDoc;
  readonly problems: FileProblem[];
  /** Each `inputs.X` / `steps.X` read, with the path of the string holding it. */
  readonly references: { root: 'inputs' | 'steps'; name: string; path: ValuePath }[];
}

/**
 * Compiles `value` (found at `path` in the file) into a {@link Template}; every problem (an
 * unclosed `${`, a CEL syntax or type error, a variable not in scope) is added to `sink.problems`
 * at the position of the string holding it.
 */
export function compileTemplate(
  value: unknown,
  path: ValuePath,
  kinds: CelScopeKinds,
  sink: TemplateSink,
): Template {
  if (typeof value === 'string') return compileString(value, path, kinds, sink);
  if (Array.isArray(value)) {
    const items = value.map((v, i) => compileTemplate(v, [...path, i], kinds, sink));
    return items.every((t) => t.kind === 'literal') ? literal(value) : { kind: 'list', items };
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(
      ([k, v]) => [k, compileTemplate(v, [...path, k], kinds, sink)] as const,
    );
    return entries.every(([, t]) => t.kind === 'literal') ? literal(value) : { kind: 'map', entries };
  }
  return literal(value);
}

function literal(value: unknown): Template {
  return { kind: 'literal', value };
}

function compileString(text: string, path: ValuePath, kinds: CelScopeKinds, sink: TemplateSink): Template {
  const scanned = scanTemplate(text);
  if (typeof scanned === 'string') {
    sink.problems.push(sink.doc.problem(path, `${where(path)}: ${scanned}`));
    return literal(text);
  }
  const parts: (string | CelProgram)[] = [];
  for (const part of scanned) {
    if (typeof part === 'string') {
      parts.push(part);
      continue;
    }
    const program = compileCel(part.expr, kinds);
    if (typeof program === 'string') {
      sink.problems.push(sink.doc.problem(path, `${where(path)}: expression \`${part.expr}\`: ${program}`));
      continue;
    }
    for (const r of program.references) sink.references.push({ ...r, path });
    parts.push(program);
  }
  if (parts.length === 1 && typeof parts[0] !== 'string' && parts[0] !== undefined)
    return { kind: 'expr', program: parts[0] };
  if (parts.every((p) => typeof p === 'string')) return literal(parts.join(''));
  return { kind: 'text', parts };
}

/**
 * Splits a string into literal text and `${ expr }` parts. Braces and quotes inside an
 * expression are matched, so `${ {"a": 1}.a }` and `${ "}" }` work.
 *
 * @returns the parts, or what is wrong (an unclosed `${`, an empty expression).
 */
export function scanTemplate(text: string): (string | { expr: string })[] | string {
  const parts: (string | { expr: string })[] = [];
  let literalText = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      literalText += '${';
      i += 3;
    } else if (text.startsWith('${', i)) {
      const end = closingBrace(text, i + 2);
      if (end === -1) return `unclosed '\${' at character ${i + 1}: expected a closing '}'`;
      const expr = text.slice(i + 2, end).trim();
      if (expr === '') return `empty expression '\${}' at character ${i + 1}`;
      if (literalText !== '') parts.push(literalText);
      literalText = '';
      parts.push({ expr });
      i = end + 1;
    } else literalText += text[i++];
  }
  if (literalText !== '' || parts.length === 0) parts.push(literalText);
  return parts;
}

function closingBrace(text: string, from: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let j = from; j < text.length; j++) {
    const c = text[j];
    if (quote !== undefined) {
      if (c === '\\') j++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0) return j;
      depth--;
    }
  }
  return -1;
}

/** What expressions see; build it with {@link celScope}. Values already went through `toCel`. */
export type CelScope = Readonly<Record<string, unknown>>;

/**
 * The scope of an evaluation: `inputs`, `steps`, `workflow` (kept as CEL values already), plus
 * `item`, `index` and `result` when given (converted here).
 */
export function celScope(
  base: { inputs: unknown; steps: unknown; workflow: unknown },
  extra: { item?: unknown; index?: number; result?: unknown } = {},
): CelScope {
  const scope: Record<string, unknown> = { ...base };
  if ('item' in extra) scope.item = toCel(extra.item);
  if (extra.index !== undefined) scope.index = BigInt(extra.index);
  if ('result' in extra) scope.result = toCel(extra.result);
  return scope;
}

/**
 * Evaluates a template.
 *
 * @param step - the step whose expression it is, named in the failure (`step 'greet'`), or a
 *   label such as `the workflow's output`.
 * @throws ApplicationFailure of type `ExpressionError`, not retryable, naming the step, the
 *   expression and what went wrong, e.g.
 *   ``step 'greet': expression `inputs.user.nmae`: no such key 'nmae' (at inputs.user)``.
 */
export function evaluateTemplate(template: Template, scope: CelScope, step: string): unknown {
  switch (template.kind) {
    case 'literal':
      return template.value;
    case 'expr':
      return run(template.program, scope, step);
    case 'text':
      return template.parts.map((p) => (typeof p === 'string' ? p : asText(run(p, scope, step)))).join('');
    case 'list':
      return template.items.map((t) => evaluateTemplate(t, scope, step));
    case 'map':
      return Object.fromEntries(template.entries.map(([k, t]) => [k, evaluateTemplate(t, scope, step)]));
  }
}

function run(program: CelProgram, scope: CelScope, step: string): unknown {
  try {
    return runCel(program, scope);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw ApplicationFailure.create({
      message: `${step}: expression \`${program.source}\`: ${message}`,
      type: EXPRESSION_FAILURE,
      nonRetryable: true,
    });
  }
}

/** A value inside a longer string. */
export function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return JSON.stringify(value) ?? typeof value;
}
