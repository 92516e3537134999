/**
 * The functions uTask templates may call, as Go's `text/template` built-ins, the sprig functions
 * uTask templates commonly use, and uTask's own `eval`, `evalCache`, `fromJson` and `field`.
 * Values are JSON values; `undefined` is Go's "no value" (a missing map key). Every function is
 * pure and deterministic (no clock, no randomness: sprig's `now`, `uuidv4`, `randAlpha` … are not
 * offered).
 */

/** What a function call may read besides its arguments. */
export interface FuncContext {
  /** The template's data (the root, `$`). */
  readonly root: unknown;
  /** uTask's `eval "name"`: the variable's value (rendered), or throws naming the variable. */
  evalVariable(name: string): unknown;
}

/** A template function: `(context, ...args) => value`; throws `Error` on bad arguments. */
export type TemplateFunc = (ctx: FuncContext, ...args: unknown[]) => unknown;

/** A plain JSON object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Go's `truth`: false for no value, false, 0, '', empty lists and maps. */
export function truthy(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return value !== '';
  if (Array.isArray(value)) return value.length > 0;
  if (isObject(value)) return Object.keys(value).length > 0;
  return true;
}

/** Go's `fmt.Sprint` of a value inside a template (`<no value>` at the top level for none). */
export function goPrint(value: unknown, inner = false): string {
  if (value === undefined || value === null) return inner ? '<nil>' : '<no value>';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map((v) => goPrint(v, true)).join(' ')}]`;
  if (isObject(value))
    return `map[${Object.keys(value)
      .sort()
      .map((k) => `${k}:${goPrint(value[k], true)}`)
      .join(' ')}]`;
  return typeof value === 'bigint' ? value.toString() : '<unknown>';
}

/** Go's `encoding/json` (as sprig's `toJson`): map keys sorted, `<`, `>`, `&` escaped. */
export function goJson(value: unknown, indent = ''): string {
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (isObject(v))
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sortKeys(v[k])]),
      );
    return v;
  };
  const text = JSON.stringify(sortKeys(value ?? null), null, indent === '' ? undefined : indent);
  return text.replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

/** sprig's `empty`: no value, false, 0, '', empty list or map. */
function empty(value: unknown): boolean {
  return !truthy(value);
}

function kindOf(v: unknown): string {
  if (v === undefined || v === null) return 'nil';
  return Array.isArray(v) ? 'list' : typeof v;
}

function basicCompare(name: string, a: unknown, b: unknown): number {
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (
    ka !== kb ||
    (ka !== 'number' && ka !== 'string' && !(name === 'eq' && (ka === 'boolean' || ka === 'nil')))
  )
    throw new Error(`${name}: incompatible types for comparison (${ka} and ${kb})`);
  if (ka === 'nil') return 0;
  if (a === b) return 0;
  return (a as number | string) < (b as number | string) ? -1 : 1;
}

function arity(name: string, args: unknown[], min: number, max = min): void {
  if (args.length < min || args.length > max)
    throw new Error(
      `wrong number of args for ${name}: want ${min === max ? min : `${min}-${max}`} got ${args.length}`,
    );
}

function str(name: string, v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === undefined || v === null) return '';
  throw new Error(`${name}: expected a string, got ${kindOf(v)}`);
}

function num(name: string, v: unknown): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || Number.isNaN(n))
    throw new Error(`${name}: expected a number, got ${goPrint(v)}`);
  return n;
}

function indexInto(container: unknown, key: unknown): unknown {
  if (Array.isArray(container)) {
    const i = num('index', key);
    if (!Number.isInteger(i) || i < 0 || i >= container.length)
      throw new Error(`index: index out of range: ${i}`);
    return container[i];
  }
  if (isObject(container))
    return Object.hasOwn(container, str('index', key)) ? container[str('index', key)] : undefined;
  if (container === undefined || container === null) return undefined;
  throw new Error(`index: can't index item of type ${kindOf(container)}`);
}

function printf(format: string, args: unknown[]): string {
  let n = 0;
  return format.replace(/%([%svdqtf])/g, (_m, verb: string) => {
    if (verb === '%') return '%';
    const v = args[n++];
    if (verb === 'q') return JSON.stringify(str('printf', v));
    if (verb === 'd' || verb === 'f') return String(num('printf', v));
    return goPrint(v, true);
  });
}

function goSprint(args: unknown[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += goPrint(a, true);
  });
  return out;
}

const FUNCS: Record<string, TemplateFunc> = {
  // Go text/template built-ins
  eq: (_c, ...a) => {
    if (a.length < 2) arity('eq', a, 2, Infinity);
    return a.slice(1).some((b) => basicCompare('eq', a[0], b) === 0);
  },
  ne: (_c, ...a) => (arity('ne', a, 2), basicCompare('ne', a[0], a[1]) !== 0),
  lt: (_c, ...a) => (arity('lt', a, 2), basicCompare('lt', a[0], a[1]) < 0),
  le: (_c, ...a) => (arity('le', a, 2), basicCompare('le', a[0], a[1]) <= 0),
  gt: (_c, ...a) => (arity('gt', a, 2), basicCompare('gt', a[0], a[1]) > 0),
  ge: (_c, ...a) => (arity('ge', a, 2), basicCompare('ge', a[0], a[1]) >= 0),
  and: (_c, ...a) => (arity('and', a, 1, Infinity), a.find((v) => !truthy(v)) ?? a[a.length - 1]),
  or: (_c, ...a) => (arity('or', a, 1, Infinity), a.find((v) => truthy(v)) ?? a[a.length - 1]),
  not: (_c, ...a) => (arity('not', a, 1), !truthy(a[0])),
  len: (_c, ...a) => {
    arity('len', a, 1);
    const v = a[0];
    if (typeof v === 'string') return Buffer.byteLength(v);
    if (Array.isArray(v)) return v.length;
    if (isObject(v)) return Object.keys(v).length;
    throw new Error(`len of type ${kindOf(v)}`);
  },
  index: (_c, ...a) => (arity('index', a, 1, Infinity), a.slice(1).reduce(indexInto, a[0])),
  print: (_c, ...a) => goSprint(a),
  println: (_c, ...a) => `${a.map((v) => goPrint(v, true)).join(' ')}\n`,
  printf: (_c, ...a) => (arity('printf', a, 1, Infinity), printf(str('printf', a[0]), a.slice(1))),
  // sprig
  default: (_c, ...a) => (arity('default', a, 1, 2), a.length < 2 || empty(a[1]) ? a[0] : a[1]),
  empty: (_c, ...a) => (arity('empty', a, 1), empty(a[0])),
  coalesce: (_c, ...a) => a.find((v) => !empty(v)) ?? null,
  toJson: (_c, ...a) => (arity('toJson', a, 1), goJson(a[0])),
  toPrettyJson: (_c, ...a) => (arity('toPrettyJson', a, 1), goJson(a[0], '  ')),
  upper: (_c, ...a) => (arity('upper', a, 1), str('upper', a[0]).toUpperCase()),
  lower: (_c, ...a) => (arity('lower', a, 1), str('lower', a[0]).toLowerCase()),
  trim: (_c, ...a) => (arity('trim', a, 1), str('trim', a[0]).trim()),
  trimPrefix: (_c, ...a) => {
    arity('trimPrefix', a, 2);
    const [p, s] = [str('trimPrefix', a[0]), str('trimPrefix', a[1])];
    return s.startsWith(p) ? s.slice(p.length) : s;
  },
  trimSuffix: (_c, ...a) => {
    arity('trimSuffix', a, 2);
    const [p, s] = [str('trimSuffix', a[0]), str('trimSuffix', a[1])];
    return p !== '' && s.endsWith(p) ? s.slice(0, -p.length) : s;
  },
  replace: (_c, ...a) => (
    arity('replace', a, 3),
    str('replace', a[2]).split(str('replace', a[0])).join(str('replace', a[1]))
  ),
  contains: (_c, ...a) => (arity('contains', a, 2), str('contains', a[1]).includes(str('contains', a[0]))),
  hasPrefix: (_c, ...a) => (
    arity('hasPrefix', a, 2),
    str('hasPrefix', a[1]).startsWith(str('hasPrefix', a[0]))
  ),
  hasSuffix: (_c, ...a) => (
    arity('hasSuffix', a, 2),
    str('hasSuffix', a[1]).endsWith(str('hasSuffix', a[0]))
  ),
  quote: (_c, ...a) => a.map((v) => JSON.stringify(goPrint(v, true))).join(' '),
  squote: (_c, ...a) => a.map((v) => `'${goPrint(v, true)}'`).join(' '),
  join: (_c, ...a) => {
    arity('join', a, 2);
    const list = a[1];
    if (!Array.isArray(list)) return str('join', list);
    return list.map((v) => goPrint(v, true)).join(str('join', a[0]));
  },
  splitList: (_c, ...a) => (arity('splitList', a, 2), str('splitList', a[1]).split(str('splitList', a[0]))),
  list: (_c, ...a) => a,
  dict: (_c, ...a) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < a.length; i += 2) out[str('dict', a[i])] = a[i + 1] ?? '';
    return out;
  },
  first: (_c, ...a) => (arity('first', a, 1), Array.isArray(a[0]) ? (a[0][0] as unknown) : undefined),
  last: (_c, ...a) => (
    arity('last', a, 1),
    Array.isArray(a[0]) ? (a[0][a[0].length - 1] as unknown) : undefined
  ),
  add: (_c, ...a) => a.reduce<number>((s, v) => s + Math.trunc(num('add', v)), 0),
  sub: (_c, ...a) => (arity('sub', a, 2), Math.trunc(num('sub', a[0])) - Math.trunc(num('sub', a[1]))),
  mul: (_c, ...a) => a.reduce<number>((s, v) => s * Math.trunc(num('mul', v)), 1),
  atoi: (_c, ...a) => (arity('atoi', a, 1), Math.trunc(Number(str('atoi', a[0]))) || 0),
  b64enc: (_c, ...a) => (arity('b64enc', a, 1), Buffer.from(str('b64enc', a[0]), 'utf8').toString('base64')),
  b64dec: (_c, ...a) => (arity('b64dec', a, 1), Buffer.from(str('b64dec', a[0]), 'base64').toString('utf8')),
  // uTask
  fromJson: (_c, ...a) => {
    arity('fromJson', a, 1);
    try {
      return JSON.parse(str('fromJson', a[0])) as unknown;
    } catch (e) {
      throw new Error(`fromJson: ${(e as Error).message}`, { cause: e });
    }
  },
  eval: (c, ...a) => (arity('eval', a, 1), c.evalVariable(str('eval', a[0]))),
  evalCache: (c, ...a) => (arity('evalCache', a, 1), c.evalVariable(str('evalCache', a[0]))),
  field: (c, ...a) => a.reduce<unknown>((v, k) => (isObject(v) ? v[str('field', k)] : undefined), c.root),
};

FUNCS['toString'] = (_c: FuncContext, ...a: unknown[]) => (arity('toString', a, 1), goPrint(a[0], true));

/** The names of the functions a uTask template may call. */
export const TEMPLATE_FUNCTION_NAMES: readonly string[] = Object.freeze(Object.keys(FUNCS).sort());

/** The function called `name`, or undefined when there is none. */
export function templateFunction(name: string): TemplateFunc | undefined {
  return Object.hasOwn(FUNCS, name) ? FUNCS[name] : undefined;
}
