/**
 * A uTask template once read and checked: what the interpreter runs. Every string that uTask
 * templates is compiled ({@link TplTree}); numbers where uTask expects strings are already strings.
 */
import type { ParsedTemplate } from './template.js';

/** A configuration value with its string leaves compiled (uTask templates every string leaf). */
export type TplTree =
  | { readonly kind: 'tpl'; readonly tpl: ParsedTemplate }
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'list'; readonly items: readonly TplTree[] }
  | { readonly kind: 'map'; readonly entries: readonly (readonly [string, TplTree])[] };

/** `step` or `step:STATE,STATE` or `step:ANY`. */
export interface UtaskDependency {
  readonly step: string;
  /** The states wanted (`['DONE']` by default), or `['ANY']`: any final state. */
  readonly states: readonly string[];
}

/** One assertion of a condition: `value` OPERATOR `expected`, both rendered to strings. */
export interface UtaskAssert {
  readonly value: ParsedTemplate;
  /** Upper-cased: EQ, NE, GT, LT, GE, LE, REGEXP, IN, NOTIN. */
  readonly operator: string;
  readonly expected: ParsedTemplate;
  /** For IN / NOTIN. @default ',' */
  readonly listSeparator: string;
}

/** A `skip` (before the action) or `check` (after it) condition, as uTask's. */
export interface UtaskCondition {
  readonly type: 'skip' | 'check';
  readonly if: readonly UtaskAssert[];
  /** Step name (`this` = the step itself) → state to set when every assertion holds. */
  readonly then: Readonly<Record<string, string>>;
  /** On a foreach step: run on each child (default) or on the parent. */
  readonly foreach: 'children' | 'parent';
}

/** The action types Baton runs. */
export type UtaskActionType = 'echo' | 'http' | 'subtask';

/** A step of a template. */
export interface UtaskStep {
  readonly name: string;
  readonly description: string;
  readonly action: { readonly type: UtaskActionType; readonly configuration: TplTree };
  readonly dependencies: readonly UtaskDependency[];
  readonly customStates: readonly string[];
  readonly conditions: readonly UtaskCondition[];
  /** Renders to a JSON array: one child per item. */
  readonly foreach?: ParsedTemplate;
  readonly foreachStrategy: 'parallel' | 'sequence';
  readonly retryPattern: 'seconds' | 'minutes' | 'hours';
  /** Checks the output against `json_schema`: undefined when valid, else what is wrong. */
  readonly validateOutput?: (output: unknown) => string | undefined;
}

/** A declared input, as uTask's. */
export interface UtaskInput {
  readonly name: string;
  readonly type: 'string' | 'number' | 'bool' | 'object' | 'any';
  readonly optional: boolean;
  readonly collection: boolean;
  readonly legalValues?: readonly unknown[];
  readonly regex?: RegExp;
  readonly default?: unknown;
}

/** A template variable: a plain `value` (strings are templates) or a JavaScript `expression`. */
export interface UtaskVariable {
  readonly name: string;
  readonly value?: TplTree;
  /** The expression's source (itself a template, rendered with the input before it runs). */
  readonly expression?: ParsedTemplate;
}

/** A whole template. */
export interface UtaskTemplate {
  /** Lower-cased and trimmed, as uTask does. */
  readonly name: string;
  readonly description: string;
  readonly titleFormat?: ParsedTemplate;
  readonly resultFormat?: TplTree;
  readonly variables: readonly UtaskVariable[];
  readonly inputs: readonly UtaskInput[];
  /** In file order. */
  readonly steps: readonly UtaskStep[];
}

/** uTask's built-in step states (custom states may not reuse them). */
export const BUILTIN_STATES: readonly string[] = Object.freeze([
  'TODO',
  'RUNNING',
  'DONE',
  'CLIENT_ERROR',
  'SERVER_ERROR',
  'FATAL_ERROR',
  'CRASHED',
  'PRUNE',
  'TO_RETRY',
  'AFTERRUN_ERROR',
  'ANY',
  'EXPANDED',
  'WAITING',
  'RETRY_NOW',
]);

/** States after which a step may still run again (every other state is final: DONE, PRUNE, custom). */
const NOT_FINAL = new Set([
  'TODO',
  'RUNNING',
  'SERVER_ERROR',
  'CLIENT_ERROR',
  'FATAL_ERROR',
  'CRASHED',
  'TO_RETRY',
  'AFTERRUN_ERROR',
  'EXPANDED',
  'WAITING',
]);

/** True when a step in `state` is final, as uTask's: DONE, PRUNE, or a custom state. */
export function isFinalState(state: string): boolean {
  return !NOT_FINAL.has(state);
}
