/**
 * The lexer of uTask templates (the Go `text/template` subset, see `template-parse.ts`): finds the
 * `{{ … }}` actions of a template's text (trim markers `{{-` / `-}}`, comments `{{/* … *\/}}`,
 * `}}` inside quoted strings) and splits each into tokens: fields, identifiers, literals, `|`,
 * `(`, `)`. A problem is a {@link TemplateSyntaxError} with its line and column in the text.
 */

/** A position in a template's text: 1-based line and column. */
export interface TemplatePosition {
  readonly line: number;
  readonly column: number;
}

/** A template that cannot be parsed (or, at load, names an unknown function). */
export class TemplateSyntaxError extends Error {
  override readonly name = 'TemplateSyntaxError';
  constructor(
    readonly reason: string,
    readonly position: TemplatePosition,
  ) {
    super(`${reason} (template line ${position.line}, column ${position.column})`);
  }
}

/** One token of an action; `pos` is its offset in the template's text. */
export type Token =
  | { t: 'field'; path: string[]; root: 'dot' | 'dollar'; pos: number; afterParen?: boolean }
  | { t: 'ident'; name: string; pos: number }
  | { t: 'literal'; value: string | number | boolean | null; pos: number }
  | { t: 'pipe' | 'lparen' | 'rparen'; pos: number };

/** One `{{ … }}` found in the text. */
export interface RawAction {
  start: number;
  end: number;
  tokens: Token[];
}

/** Keywords of Go templates that Baton does not support. */
export const UNSUPPORTED_KEYWORDS = new Set([
  'range',
  'with',
  'define',
  'template',
  'block',
  'break',
  'continue',
]);

/** The line and column of `offset` in one template's text. */
export function positionOf(source: string, offset: number): TemplatePosition {
  let line = 1;
  let column = 1;
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source[i] === '\n') {
      line++;
      column = 1;
    } else column++;
  }
  return { line, column };
}

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;
const FIELD_PART = /\.([A-Za-z_][A-Za-z0-9_]*)/y;
const NUMBER = /[-+]?(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)/y;

type Fail = (msg: string, at: number) => never;

/**
 * Finds the actions in `source`, applying trim markers to the text around them.
 *
 * @returns the literal texts and the actions (tokenized), in order; comments are left out.
 * @throws TemplateSyntaxError for an unclosed action or comment, or a token that is not valid.
 */
export function scan(source: string): (string | RawAction)[] {
  const parts: (string | RawAction)[] = [];
  let i = 0;
  let trimNext = false;
  for (;;) {
    const open = source.indexOf('{{', i);
    let text = source.slice(i, open < 0 ? source.length : open);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (open < 0) {
      if (text !== '') parts.push(text);
      return parts;
    }
    let start = open + 2;
    if (/^-\s/.test(source.slice(start, start + 2))) {
      text = text.replace(/\s+$/, '');
      start += 2;
    }
    if (text !== '') parts.push(text);
    const close = findClose(source, start);
    let end = close;
    trimNext = false;
    if (/\s-$/.test(source.slice(close - 2, close)) && close - 2 >= start) {
      end = close - 2;
      trimNext = true;
    }
    const inner = source.slice(start, end).trim();
    if (inner.startsWith('/*')) {
      if (!inner.endsWith('*/')) throw new TemplateSyntaxError('unclosed comment', positionOf(source, start));
    } else parts.push({ start, end, tokens: tokenize(source, start, end) });
    i = close + 2;
  }
}

/** The `}}` closing an action that starts at `from`, skipping quoted strings. */
function findClose(source: string, from: number): number {
  let quote: string | null = null;
  for (let i = from; i < source.length; i++) {
    const c = source[i];
    if (quote !== null) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === '`') quote = c;
    else if (c === '}' && source[i + 1] === '}') return i;
  }
  throw new TemplateSyntaxError("unclosed action: expected '}}'", positionOf(source, from - 2));
}

/** Splits one action's inner text (offsets relative to the template) into tokens. */
function tokenize(source: string, start: number, end: number): Token[] {
  const tokens: Token[] = [];
  const fail: Fail = (msg, at) => {
    throw new TemplateSyntaxError(msg, positionOf(source, at));
  };
  let i = start;
  while (i < end) {
    const c = source[i] as string;
    if (/\s/.test(c)) i++;
    else if (c === '|') tokens.push({ t: 'pipe', pos: i++ });
    else if (c === '(') tokens.push({ t: 'lparen', pos: i++ });
    else if (c === ')' || c === '$' || (c === '.' && !/[0-9]/.test(source[i + 1] ?? '')))
      i = readField(source, i, end, tokens, fail);
    else if (c === '"') i = readQuoted(source, i, end, tokens, fail);
    else if (c === ':' || c === '=') fail('template variable assignment is not supported', i);
    else i = readWord(source, i, end, tokens, fail);
  }
  return tokens;
}

/** `.a.b` (from `from`, up to `end`): the names, and where the chain ends. */
function fieldChain(source: string, from: number, end: number): { path: string[]; next: number } {
  const path: string[] = [];
  let i = from;
  for (;;) {
    FIELD_PART.lastIndex = i;
    const m = FIELD_PART.exec(source);
    if (m === null || i >= end) break;
    path.push(m[1] as string);
    i = FIELD_PART.lastIndex;
  }
  return { path, next: i };
}

/** A `)` (and the field chain right after it), a `$…` or a `.…` field at `i`; returns the next offset. */
function readField(source: string, i: number, end: number, tokens: Token[], fail: Fail): number {
  const c = source[i];
  if (c === ')') {
    tokens.push({ t: 'rparen', pos: i });
    const { path, next } = fieldChain(source, i + 1, end);
    if (path.length === 0) return i + 1;
    tokens.push({ t: 'field', path, root: 'dot', pos: i + 1, afterParen: true });
    return next;
  }
  if (c === '$') {
    if (/[A-Za-z_0-9]/.test(source[i + 1] ?? ''))
      fail('template variables ($name) are not supported; use $ or . paths', i);
    const { path, next } = fieldChain(source, i + 1, end);
    tokens.push({ t: 'field', path, root: 'dollar', pos: i });
    return next;
  }
  const { path, next } = fieldChain(source, i, end);
  if (path.length > 0) {
    tokens.push({ t: 'field', path, root: 'dot', pos: i });
    return next;
  }
  if (/[A-Za-z_]/.test(source[i + 1] ?? '')) fail('bad field name', i);
  tokens.push({ t: 'field', path: [], root: 'dot', pos: i });
  return i + 1;
}

/** A raw string, a number, `true` / `false` / `nil` or a function name at `i`; returns the next offset. */
function readWord(source: string, i: number, end: number, tokens: Token[], fail: Fail): number {
  const c = source[i] as string;
  if (c === '`') {
    const close = source.indexOf('`', i + 1);
    if (close < 0 || close >= end) fail('unterminated raw string', i);
    tokens.push({ t: 'literal', value: source.slice(i + 1, close), pos: i });
    return close + 1;
  }
  if (/[-+0-9.]/.test(c)) {
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(source);
    if (m === null) fail(`unexpected '${c}'`, i);
    tokens.push({ t: 'literal', value: Number(m[0]), pos: i });
    return NUMBER.lastIndex;
  }
  if (/[A-Za-z_]/.test(c)) {
    IDENT.lastIndex = i;
    const name = (IDENT.exec(source) as RegExpExecArray)[0];
    if (name === 'true' || name === 'false') tokens.push({ t: 'literal', value: name === 'true', pos: i });
    else if (name === 'nil') tokens.push({ t: 'literal', value: null, pos: i });
    else tokens.push({ t: 'ident', name, pos: i });
    return IDENT.lastIndex;
  }
  return fail(`unexpected '${c}' in action`, i);
}

/** A `"…"` string (Go escapes) at `from`; returns the offset after its closing quote. */
function readQuoted(source: string, from: number, end: number, tokens: Token[], fail: Fail): number {
  let i = from + 1;
  let value = '';
  const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', "'": "'" };
  while (i < end && source[i] !== '"') {
    const ch = source[i] as string;
    if (ch === '\n') fail('unterminated quoted string', from);
    if (ch === '\\') {
      const next = source[i + 1] ?? '';
      if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(source.slice(i + 2, i + 6))) {
        value += String.fromCharCode(parseInt(source.slice(i + 2, i + 6), 16));
        i += 6;
        continue;
      }
      const e = escapes[next];
      if (e === undefined) fail(`unknown escape '\\${next}'`, i);
      value += e;
      i += 2;
    } else {
      value += ch;
      i++;
    }
  }
  if (i >= end) fail('unterminated quoted string', from);
  tokens.push({ t: 'literal', value, pos: from });
  return i + 1;
}
