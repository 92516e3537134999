/**
 * zod's issues turned into file problems: each at the line and column of the value (or key) it is
 * about, worded for someone editing a YAML file (`steps.attack: unknown key 'compensation';
 * expected one of: action, dependsOn, …`). Unions are resolved to the branch the value was meant
 * for (an action by its kind key; otherwise the branch whose type matches), so one mistake makes
 * one problem.
 */
import type * as z from 'zod';
import type { FileProblem } from '../files/file-error.js';
import type { SourceDoc, ValuePath } from '../files/source.js';
import { ACTION_KINDS, actionSchema } from './schema.js';

type Issue = z.core.$ZodIssue;
type Schema = z.core.$ZodType;

/**
 * The problems of `issues` (from `schema.safeParse(doc.value)`), in the order found.
 *
 * @example
 * const parsed = batonFileSchema.safeParse(doc.value);
 * if (!parsed.success) problems.push(...zodProblems(doc, batonFileSchema, parsed.error.issues));
 */
export function zodProblems(doc: SourceDoc, schema: Schema, issues: readonly Issue[]): FileProblem[] {
  const out: FileProblem[] = [];
  for (const issue of issues) collect(doc, schema, [], issue, out);
  return out;
}

function collect(
  doc: SourceDoc,
  schema: Schema | undefined,
  base: ValuePath,
  issue: Issue,
  out: FileProblem[],
): void {
  const path = [...base, ...(issue.path as (string | number)[])];
  const here = schemaAt(schema, issue.path as (string | number)[]);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const expected = objectKeys(branchFor(here, valueAt(doc.value, path)));
      for (const key of issue.keys)
        out.push(
          doc.problem(
            [...path, key],
            `${where(path)}: unknown key '${key}'${expected.length > 0 ? `; expected one of: ${expected.join(', ')}` : ''}`,
            { key: true },
          ),
        );
      return;
    }
    case 'invalid_union':
      union(doc, here, path, issue.errors, out);
      return;
    case 'invalid_type': {
      const value = valueAt(doc.value, path);
      const last = path[path.length - 1];
      if (value === undefined && path.length > 0)
        out.push(
          doc.problem(path.slice(0, -1), `${where(path.slice(0, -1))}: missing key '${String(last)}'`),
        );
      else
        out.push(
          doc.problem(path, `${where(path)}: expected ${article(issue.expected)}, got ${show(value)}`),
        );
      return;
    }
    case 'invalid_key':
      out.push(
        doc.problem(path, `${where(path)}: ${issue.issues[0]?.message ?? issue.message}`, { key: true }),
      );
      return;
    default:
      out.push(doc.problem(path, `${where(path)}: ${issue.message}`));
  }
}

/** An `invalid_union` issue: find the branch the value was meant for and report its issues. */
function union(
  doc: SourceDoc,
  schema: Schema | undefined,
  path: ValuePath,
  errors: readonly (readonly Issue[])[],
  out: FileProblem[],
): void {
  const options = unionOptions(schema);
  const value = valueAt(doc.value, path);
  let branch: number | undefined;
  if (unwrap(schema) === actionSchema) {
    const kinds = isObject(value) ? ACTION_KINDS.filter((k) => k in value) : [];
    if (kinds.length !== 1 || !isObject(value)) {
      out.push(doc.problem(path, `${where(path)}: ${actionKindMessage(value, kinds)}`));
      return;
    }
    branch = ACTION_KINDS.indexOf(kinds[0]!);
  } else {
    const fits = errors.flatMap((e, i) => (e.some(rootTypeMismatch) ? [] : [i]));
    branch = fits.sort((a, b) => errors[a]!.length - errors[b]!.length)[0];
  }
  if (branch === undefined) {
    const expected = options.map((o) => article(typeName(o))).join(' or ');
    out.push(doc.problem(path, `${where(path)}: expected ${expected}, got ${show(value)}`));
    return;
  }
  for (const issue of errors[branch] ?? []) collect(doc, options[branch], path, issue, out);
}

function actionKindMessage(value: unknown, kinds: readonly string[]): string {
  const all = ACTION_KINDS.join(', ');
  if (!isObject(value)) return `expected an action (a map with one of ${all}), got ${show(value)}`;
  if (kinds.length === 0) {
    const keys = Object.keys(value);
    const got = keys.length === 0 ? 'an empty map' : `keys ${keys.map((k) => `'${k}'`).join(', ')}`;
    return `an action needs exactly one of ${all}; got ${got}`;
  }
  return `an action has exactly one kind; got ${kinds.map((k) => `'${k}'`).join(' and ')} (use two steps)`;
}

/** True when the issue says the value itself (not a part of it) has the wrong type. */
function rootTypeMismatch(issue: Issue): boolean {
  if (issue.path.length > 0) return false;
  if (issue.code === 'invalid_type') return true;
  return issue.code === 'invalid_union' && issue.errors.every((e) => e.some(rootTypeMismatch));
}

function unwrap(schema: Schema | undefined): Schema | undefined {
  let s = schema;
  while (s !== undefined) {
    const def = s._zod.def as { type: string; innerType?: Schema };
    if ((def.type === 'optional' || def.type === 'default' || def.type === 'nullable') && def.innerType)
      s = def.innerType;
    else return s;
  }
  return s;
}

function unionOptions(schema: Schema | undefined): readonly Schema[] {
  const def = unwrap(schema)?._zod.def as { type: string; options?: readonly Schema[] } | undefined;
  return def?.type === 'union' ? (def.options ?? []) : [];
}

/** The schema of the value at `path` under `schema` (through objects, records and arrays). */
function schemaAt(schema: Schema | undefined, path: readonly (string | number)[]): Schema | undefined {
  let s = schema;
  for (const segment of path) {
    const options = unionOptions(s);
    if (options.length > 0)
      s = options.find((o) => {
        const type = (unwrap(o)?._zod.def as { type: string } | undefined)?.type;
        return typeof segment === 'number' ? type === 'array' : type === 'object' || type === 'record';
      });
    const def = unwrap(s)?._zod.def as
      { type: string; shape?: Record<string, Schema>; valueType?: Schema; element?: Schema } | undefined;
    if (def?.type === 'object') s = def.shape?.[String(segment)];
    else if (def?.type === 'record') s = def.valueType;
    else if (def?.type === 'array') s = def.element;
    else return undefined;
  }
  return s;
}

/** For a union, the option `value` was meant for (an action: by its kind key); else `schema`. */
function branchFor(schema: Schema | undefined, value: unknown): Schema | undefined {
  const options = unionOptions(schema);
  if (options.length === 0) return schema;
  if (unwrap(schema) === actionSchema && isObject(value)) {
    const kind = ACTION_KINDS.findIndex((k) => k in value);
    return kind === -1 ? undefined : options[kind];
  }
  return options.find((o) => typeName(o) === 'map');
}

function objectKeys(schema: Schema | undefined): string[] {
  const def = unwrap(schema)?._zod.def as { type: string; shape?: Record<string, Schema> } | undefined;
  return def?.type === 'object' ? Object.keys(def.shape ?? {}) : [];
}

function typeName(schema: Schema): string {
  const type = (unwrap(schema)?._zod.def as { type: string } | undefined)?.type ?? 'value';
  return type === 'record' || type === 'object' ? 'map' : type === 'array' ? 'list' : type;
}

function article(type: string): string {
  if (type === 'map' || type === 'object' || type === 'record') return 'a map';
  if (type === 'list' || type === 'array') return 'a list';
  if (type === 'boolean') return 'true or false';
  if (type === 'int') return 'an integer';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** `steps.attack.dependsOn[0]`, or `the file` for the root. */
export function where(path: ValuePath): string {
  if (path.length === 0) return 'the file';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function valueAt(root: unknown, path: ValuePath): unknown {
  let v = root;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A value as shown in a problem. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
