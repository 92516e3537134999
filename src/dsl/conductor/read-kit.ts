/**
 * What the readers of a Conductor definition share: the file, the problems found so far (each
 * with its line and column), the reference names seen, and small helpers for messages.
 */
import type { FileProblem } from '../files/file-error.js';
import type { SourceDoc, ValuePath } from '../files/source.js';
import { textOf } from './expressions.js';
import type { ConductorTask } from './model.js';

/** The state of one load. */
export interface ReadContext {
  readonly doc: SourceDoc;
  readonly problems: FileProblem[];
  /** Reference names seen so far, with where. */
  readonly refs: Map<string, ValuePath>;
  /** Reads a nested list of tasks (a SWITCH case, a fork branch, a loop body). */
  readList(value: unknown, path: ValuePath, allowEmpty: boolean): ConductorTask[];
}

/** True for a plain object (not null, not a list). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Records a problem at `path` (at its key with `key`). */
export function report(cx: ReadContext, path: ValuePath, message: string, key = false): void {
  cx.problems.push(cx.doc.problem(path, message, { key }));
}

/** A value's kind for messages: `"text"`, `a list`, `an object`, `nothing`, `42` … */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object') return 'an object';
  return textOf(value);
}
