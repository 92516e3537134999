/**
 * Conductor's `${...}` parameter expressions: every string leaf of a task's `inputParameters` (and
 * of a workflow's `outputParameters`) may hold `${path}` references, where `path` is a JSONPath over
 * a document of `workflow` (its input, variables, ids …) and the tasks by reference name
 * (`<ref>.input`, `<ref>.output`, `<ref>.status` …).
 *
 * Semantics, as Conductor's parameter resolution:
 * - a string that is exactly one `${path}` takes the value with its JSON type (number, boolean,
 *   object, list, null);
 * - references inside a longer string are turned into text and spliced in: null becomes `"null"`,
 *   objects and lists become JSON text (Conductor would print Java's `{a=1}` form);
 * - a path that does not resolve gives null, never an error;
 * - a numeric segment after a dot (`loop.output.3`) is a map key; list items need `[n]`;
 * - `$${` is a literal `${`; a `${` without its `}` stays as it is.
 */

/** One segment of a parsed path: a map key, or a list index (`[n]`). */
export type PathSegment = { key: string } | { index: number };

/** A parsed `${...}` reference: its source text and its segments (the first is the root name). */
export interface ParsedPath {
  readonly source: string;
  readonly segments: readonly PathSegment[];
}

/** A string split into literal text and references. */
export type TemplatePart = { text: string } | { path: ParsedPath };

/** Error of a reference that is not a supported JSONPath (message says what was expected). */
export class ExpressionSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionSyntaxError';
  }
}

/** Looks up the root of a path (`workflow` or a task reference name); undefined when unknown. */
export type RootLookup = (name: string) => unknown;

/** True when `text` holds at least one `${` reference. */
export function hasReference(text: string): boolean {
  return text.includes('${');
}

/**
 * Splits a string into literal text and `${...}` references.
 *
 * @throws ExpressionSyntaxError for a reference whose path is empty or uses JSONPath that Baton
 *   does not evaluate (wildcards, deep scan `..`, filters, slices).
 * @example
 * parseTemplate('id-${workflow.input.orderId}'); // [{ text: 'id-' }, { path: … }]
 */
export function parseTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      literal += '${';
      i += 3;
      continue;
    }
    if (text.startsWith('${', i)) {
      const end = text.indexOf('}', i + 2);
      if (end < 0) {
        literal += text.slice(i);
        break;
      }
      if (literal !== '') parts.push({ text: literal });
      literal = '';
      parts.push({ path: parsePath(text.slice(i + 2, end)) });
      i = end + 1;
      continue;
    }
    literal += text[i];
    i += 1;
  }
  if (literal !== '' || parts.length === 0) parts.push({ text: literal });
  return parts;
}

/**
 * Parses one reference's path: `a.b.c`, `a['b c']`, `a["b"]`, `a.list[0]`, optionally after `$.`.
 *
 * @throws ExpressionSyntaxError naming the reference and what was expected.
 */
export function parsePath(source: string): ParsedPath {
  const bad = (why: string): ExpressionSyntaxError => new ExpressionSyntaxError(`\${${source}}: ${why}`);
  let rest = source.trim();
  if (rest === '') throw bad('empty reference; expected a path such as workflow.input.x or <ref>.output.y');
  if (rest.startsWith('$.')) rest = rest.slice(2);
  if (rest.includes('..')) throw bad("deep scan '..' is not supported; name each key");
  const segments: PathSegment[] = [];
  let i = 0;
  while (i < rest.length) {
    const c = rest[i]!;
    if (c === '.') {
      if (segments.length === 0) throw bad('a path cannot start with a dot');
      i += 1;
      continue;
    }
    if (c === '[') {
      const end = rest.indexOf(']', i);
      if (end < 0) throw bad("'[' without its ']'");
      segments.push(bracketSegment(rest.slice(i + 1, end), bad));
      i = end + 1;
      continue;
    }
    let j = i;
    while (j < rest.length && rest[j] !== '.' && rest[j] !== '[') j += 1;
    const key = rest.slice(i, j);
    if (key === '*') throw bad("wildcard '*' is not supported; name each key");
    segments.push({ key });
    i = j;
  }
  if (segments.length === 0 || !('key' in segments[0]!))
    throw bad('expected a root name first (workflow or a task reference name)');
  return Object.freeze({ source, segments: Object.freeze(segments) });
}

function bracketSegment(inner: string, bad: (why: string) => Error): PathSegment {
  const text = inner.trim();
  if (/^\d+$/.test(text)) return { index: Number(text) };
  const quoted = /^'([^']*)'$/.exec(text) ?? /^"([^"]*)"$/.exec(text);
  if (quoted !== null) return { key: quoted[1]! };
  throw bad(`[${inner}] is not supported; expected [n] or ['key'] (no wildcards, filters or slices)`);
}

/** Reads `path` from the document; undefined for anything that does not resolve. */
export function readPath(path: ParsedPath, lookup: RootLookup): unknown {
  const [root, ...rest] = path.segments;
  let value: unknown = lookup((root as { key: string }).key);
  for (const segment of rest) {
    if (value === null || value === undefined) return undefined;
    if ('index' in segment) {
      value = Array.isArray(value) ? value[segment.index] : undefined;
    } else if (typeof value === 'object' && !Array.isArray(value)) {
      value = Object.hasOwn(value, segment.key) ? (value as Record<string, unknown>)[segment.key] : undefined;
    } else return undefined;
  }
  return value;
}

/**
 * Resolves one string: a lone reference keeps its type (null when it does not resolve); text
 * around references makes the result a string.
 */
export function resolveString(text: string, lookup: RootLookup): unknown {
  if (!hasReference(text)) return text;
  const parts = parseTemplate(text);
  if (parts.length === 1) {
    const only = parts[0]!;
    return 'path' in only ? (readPath(only.path, lookup) ?? null) : only.text;
  }
  return parts.map((part) => ('path' in part ? textOf(readPath(part.path, lookup)) : part.text)).join('');
}

/** A value spliced into a longer string: null → "null", objects and lists as JSON, the rest as text. */
export function textOf(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return value.toString();
  return JSON.stringify(value) ?? 'null';
}

/**
 * Resolves every string leaf of `value` (objects and lists walked, other leaves kept), as
 * Conductor resolves `inputParameters`.
 *
 * @example
 * resolveValue({ n: '${workflow.input.n}' }, (root) => (root === 'workflow' ? { input: { n: 0 } } : undefined));
 * // → { n: 0 }
 */
export function resolveValue(value: unknown, lookup: RootLookup): unknown {
  if (typeof value === 'string') return resolveString(value, lookup);
  if (Array.isArray(value)) return value.map((item) => resolveValue(item, lookup));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = resolveValue(item, lookup);
    return out;
  }
  return value;
}

/**
 * Every reference in `value`'s string leaves, with the path (from `value`) of the string holding
 * it; used at load to report bad references with their line and column.
 *
 * @returns the references found, and the syntax errors (with where they are).
 */
export function collectReferences(
  value: unknown,
  at: readonly (string | number)[] = [],
): {
  refs: { at: (string | number)[]; path: ParsedPath }[];
  errors: { at: (string | number)[]; message: string }[];
} {
  const refs: { at: (string | number)[]; path: ParsedPath }[] = [];
  const errors: { at: (string | number)[]; message: string }[] = [];
  const walk = (v: unknown, where: (string | number)[]): void => {
    if (typeof v === 'string') {
      if (!hasReference(v)) return;
      try {
        for (const part of parseTemplate(v)) if ('path' in part) refs.push({ at: where, path: part.path });
      } catch (error) {
        errors.push({ at: where, message: (error as Error).message });
      }
    } else if (Array.isArray(v)) v.forEach((item, i) => walk(item, [...where, i]));
    else if (v !== null && typeof v === 'object')
      for (const [key, item] of Object.entries(v)) walk(item, [...where, key]);
  };
  walk(value, [...at]);
  return { refs, errors };
}
