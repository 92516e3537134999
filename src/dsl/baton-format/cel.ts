/**
 * The expression language of Baton's workflow files: CEL (Common Expression Language, by
 * `@marcbachmann/cel-js`). CEL is not Turing-complete and has no access to files, the network,
 * the process, the clock or randomness, so an expression is a pure function of its scope: safe to
 * evaluate in workflow code, and the same on a replay.
 *
 * Numbers: CEL tells `int` from `double`, JSON does not. Every integral JS number going in becomes
 * a CEL `int` (a BigInt) and every other number a `double`; every BigInt coming out becomes a JS
 * number again. Mixed `int`/`double` arithmetic (`+ - * /`), which plain CEL refuses, is
 * registered here and computed as doubles, so `inputs.count + 1` and `inputs.price * 1.2` both
 * work. `int / int` stays integer division (CEL's `7 / 2 == 3`); write `double(x) / 2`.
 *
 * Regular expressions: `matches(text, pattern)` runs RE2 (the `re2js` package), whose time is
 * linear in the text, so no pattern can stall the worker; the method form `text.matches(pattern)`,
 * which the CEL library runs on JavaScript's backtracking engine (`^(a+)+$` on 30 characters takes
 * minutes), is refused at load.
 */
import { Environment, Optional, type ASTNode, type ParseResult } from '@marcbachmann/cel-js';
import { RE2JS } from 're2js';

/** The variables an expression may see. `item`/`index` only under `foreach`, `result` only in `output`. */
export interface CelScopeKinds {
  /** `item` and `index` (a `foreach` step). */
  readonly item: boolean;
  /** `result` (a step's `output`). */
  readonly result: boolean;
}

const BASE_VARIABLES = ['inputs', 'steps', 'workflow'] as const;

function baseEnvironment(): Environment {
  const env = new Environment({ homogeneousAggregateLiterals: false, enableOptionalTypes: true });
  for (const v of BASE_VARIABLES) env.registerVariable(v, 'dyn');
  const ops: Record<string, (a: number, b: number) => number> = {
    '+': (a, b) => a + b,
    '-': (a, b) => a - b,
    '*': (a, b) => a * b,
    '/': (a, b) => a / b,
  };
  for (const [op, fn] of Object.entries(ops)) {
    env.registerOperator(`int ${op} double`, (a: bigint, b: number) => fn(Number(a), b));
    env.registerOperator(`double ${op} int`, (a: number, b: bigint) => fn(a, Number(b)));
  }
  env.registerFunction('matches(string, string): bool', (text: string, pattern: string) =>
    re2(pattern).matcher(text).find(),
  );
  return env;
}

/** Compiled RE2 patterns, by source (at most {@link MAX_PATTERNS} kept). */
const patterns = new Map<string, RE2JS>();
const MAX_PATTERNS = 256;

function re2(pattern: string): RE2JS {
  let compiled = patterns.get(pattern);
  if (compiled === undefined) {
    compiled = RE2JS.compile(pattern);
    if (patterns.size >= MAX_PATTERNS) patterns.clear();
    patterns.set(pattern, compiled);
  }
  return compiled;
}

const base = baseEnvironment();
const environments = new Map<string, Environment>();
for (const item of [false, true])
  for (const result of [false, true]) {
    const env = base.clone();
    if (item) env.registerVariable('item', 'dyn').registerVariable('index', 'int');
    if (result) env.registerVariable('result', 'dyn');
    environments.set(`${item}/${result}`, env);
  }

/** A parsed and checked expression. */
export interface CelProgram {
  /** The expression's text (without `${` `}`). */
  readonly source: string;
  readonly run: ParseResult;
  /**
   * The CEL type the checker gives it (`bool`, `string`, `int`, `list<int>`, `optional<dyn>` …);
   * `dyn` when it depends on values only known at run time (`inputs.flag`, `steps.a.output`).
   */
  readonly type: string;
  /** `inputs.X` and `steps.X` it reads (X a literal name). */
  readonly references: readonly { root: 'inputs' | 'steps'; name: string }[];
}

/**
 * Parses and checks `source` for a position whose scope has `kinds`.
 *
 * @returns the program, or the problem's text (syntax error, unknown variable, a type error that
 *   holds whatever the values are), with the character it is at.
 */
export function compileCel(source: string, kinds: CelScopeKinds): CelProgram | string {
  const env = environments.get(`${kinds.item}/${kinds.result}`)!;
  let run: ParseResult;
  try {
    run = env.parse(source);
  } catch (error) {
    return celProblem(error, kinds);
  }
  const checked = run.check();
  if (!checked.valid) return celProblem(checked.error, kinds);
  const backtracking = methodCall(run.ast, 'matches');
  if (backtracking !== undefined)
    return `\`${source.slice(backtracking.start, backtracking.end)}\`: the method form x.matches(pattern) is not available (a backtracking regular expression can run for hours); write matches(x, pattern), which runs RE2 in linear time (at character ${backtracking.pos + 1})`;
  return Object.freeze({
    source,
    run,
    type: checked.type ?? 'dyn',
    references: Object.freeze(referencesOf(run.ast)),
  });
}

function celProblem(error: unknown, kinds: CelScopeKinds): string {
  const summary = firstLine(error);
  const at = (error as { node?: { pos?: number } }).node?.pos;
  const where = at === undefined ? '' : ` (at character ${at + 1})`;
  const variable = /^Unknown variable: (\w+)/.exec(summary)?.[1];
  if (variable !== undefined) {
    const known = [
      ...BASE_VARIABLES,
      ...(kinds.item ? ['item', 'index'] : []),
      ...(kinds.result ? ['result'] : []),
    ];
    const hint =
      variable === 'item' || variable === 'index'
        ? ' (only in a step with foreach)'
        : variable === 'result'
          ? " (only in a step's output)"
          : '';
    return `unknown variable '${variable}'${hint}; expected one of ${known.join(', ')}${where}`;
  }
  return `${summary}${where}`;
}

/** The first call of method `name` (`x.name(…)`) in an expression, if any. */
function methodCall(root: ASTNode, name: string): { pos: number; start: number; end: number } | undefined {
  let found: { pos: number; start: number; end: number } | undefined;
  const visit = (node: unknown): void => {
    if (found !== undefined) return;
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null || !('op' in node)) return;
    const n = node as ASTNode & { pos: number; start: number; end: number };
    if (n.op === 'rcall' && Array.isArray(n.args) && n.args[0] === name) found = n;
    else visit(n.args);
  };
  visit(root);
  return found;
}

/** The `inputs.X` / `steps.X` / `inputs["X"]` reads of an expression. */
function referencesOf(root: ASTNode): { root: 'inputs' | 'steps'; name: string }[] {
  const found: { root: 'inputs' | 'steps'; name: string }[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null || !('op' in node)) return;
    const n = node as ASTNode;
    if (n.op === '.' || n.op === '.?' || n.op === '[]' || n.op === '[?]') {
      const [target, key] = n.args as [ASTNode, unknown];
      const name = typeof key === 'string' ? key : literalString(key);
      if (target.op === 'id' && (target.args === 'inputs' || target.args === 'steps') && name !== undefined)
        found.push({ root: target.args, name });
    }
    visit(n.args);
  };
  visit(root);
  return found;
}

function literalString(node: unknown): string | undefined {
  const n = node as { op?: string; args?: unknown } | null;
  return n?.op === 'value' && typeof n.args === 'string' ? n.args : undefined;
}

/**
 * Runs a program over a scope whose values were made by {@link toCel}.
 *
 * @returns the value, made by {@link fromCel}.
 * @throws Error whose message says what went wrong, e.g. `no such key 'nmae' (at inputs.user)`.
 */
export function runCel(program: CelProgram, scope: Record<string, unknown>): unknown {
  let value: unknown;
  try {
    value = program.run(scope);
  } catch (error) {
    throw new Error(evaluationMessage(error, program.source), { cause: error });
  }
  return fromCel(value);
}

function evaluationMessage(error: unknown, source: string): string {
  const summary = firstLine(error);
  const missing = /^No such key: (.*)$/.exec(summary)?.[1];
  const node = (error as { node?: ASTNode }).node;
  const target = Array.isArray(node?.args) ? (node.args[0] as ASTNode | undefined) : undefined;
  const at =
    target !== undefined && typeof target.start === 'number'
      ? source.slice(target.start, target.end)
      : undefined;
  const suffix = at === undefined ? '' : ` (at ${at})`;
  if (missing === undefined) return `${lowerFirst(summary)}${suffix}`;
  if (missing.startsWith('index out of bounds')) return `${missing}${suffix}`;
  return `no such key '${missing}'${suffix}`;
}

function firstLine(error: unknown): string {
  const e = error as { summary?: unknown; message?: unknown } | undefined;
  const text = typeof e?.message === 'string' ? e.message : String(error);
  return (text.split('\n')[0] ?? text).trim();
}

function lowerFirst(s: string): string {
  return s.length > 1 && /^[A-Z][a-z]/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s;
}

/**
 * A JSON-like value as CEL sees it: integral numbers → BigInt (CEL `int`), recursively; keys
 * whose value is `undefined` are left out (a missing key, not a null).
 */
export function toCel(value: unknown): unknown {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(toCel);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toCel(v);
    return out;
  }
  return value;
}

/**
 * A CEL value back as a JSON-like value: BigInt → number (beyond ±2^53 precision is lost), maps
 * → plain objects, an optional → its value or null, a CEL duration or type → its text.
 */
export function fromCel(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(fromCel);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), fromCel(v)]));
  if (value instanceof Optional) return value.hasValue() ? fromCel(value.value()) : null;
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromCel(v)]));
  if (
    typeof value === 'object' &&
    value !== null &&
    !(value instanceof Date) &&
    !(value instanceof Uint8Array)
  )
    return (value as { toString(): string }).toString();
  return value;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
