/**
 * Parser of the Go `text/template` subset that uTask templates use: text with `{{ … }}` actions
 * (trim markers `{{-` / `-}}`, comments `{{/* … *\/}}`), pipelines (`.input.list | toJson`),
 * field chains (`.step.s.output.y`, `$.input.x`, `(pipeline).field`), string / number / boolean /
 * `nil` literals, function calls, and `if` / `else if` / `else` / `end`. Everything else (`range`,
 * `with`, variables `$x :=`, `define`, `template`, `block`) is refused with its position.
 * Pure and deterministic: the same text always gives the same tree.
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

/** An operand of a command. */
export type Operand =
  | {
      readonly kind: 'field';
      readonly root: 'dot' | 'dollar';
      readonly path: readonly string[];
      readonly pos: TemplatePosition;
    }
  | {
      readonly kind: 'literal';
      readonly value: string | number | boolean | null;
      readonly pos: TemplatePosition;
    }
  | { readonly kind: 'func'; readonly name: string; readonly pos: TemplatePosition }
  | {
      readonly kind: 'paren';
      readonly pipe: Pipeline;
      readonly path: readonly string[];
      readonly pos: TemplatePosition;
    };

/** One command of a pipeline: a function and its arguments, or a single operand. */
export interface Command {
  readonly args: readonly Operand[];
  readonly pos: TemplatePosition;
}

/** `cmd | cmd | …`: each command's value is passed as the last argument of the next. */
export interface Pipeline {
  readonly commands: readonly Command[];
  readonly pos: TemplatePosition;
}

/** A node of a parsed template. */
export type TemplateNode =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'action'; readonly pipe: Pipeline }
  | {
      readonly kind: 'if';
      readonly branches: readonly { readonly cond: Pipeline; readonly body: readonly TemplateNode[] }[];
      readonly otherwise: readonly TemplateNode[];
    };

/** A parsed template. */
export interface ParsedTemplate {
  readonly source: string;
  readonly nodes: readonly TemplateNode[];
  /** Names of the functions it calls, with where (for load-time checks). */
  readonly functions: readonly { readonly name: string; readonly pos: TemplatePosition }[];
}

type Token =
  | { t: 'field'; path: string[]; root: 'dot' | 'dollar'; pos: number }
  | { t: 'ident'; name: string; pos: number }
  | { t: 'literal'; value: string | number | boolean | null; pos: number }
  | { t: 'pipe' | 'lparen' | 'rparen'; pos: number };

/** Positions inside one template's text. */
function positionOf(source: string, offset: number): TemplatePosition {
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
const UNSUPPORTED_KEYWORDS = new Set(['range', 'with', 'define', 'template', 'block', 'break', 'continue']);

/** Splits one action's inner text (offsets relative to the template) into tokens. */
function tokenize(source: string, start: number, end: number): Token[] {
  const tokens: Token[] = [];
  const fail = (msg: string, at: number): never => {
    throw new TemplateSyntaxError(msg, positionOf(source, at));
  };
  const fieldChain = (from: number): { path: string[]; next: number } => {
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
  };
  let i = start;
  while (i < end) {
    const c = source[i] as string;
    if (/\s/.test(c)) i++;
    else if (c === '|') tokens.push({ t: 'pipe', pos: i++ });
    else if (c === '(') tokens.push({ t: 'lparen', pos: i++ });
    else if (c === ')') {
      tokens.push({ t: 'rparen', pos: i++ });
      const { path, next } = fieldChain(i);
      if (path.length > 0) {
        tokens.push({ t: 'field', path, root: 'dot', pos: i });
        (tokens[tokens.length - 1] as { afterParen?: boolean }).afterParen = true;
        i = next;
      }
    } else if (c === '.' && !/[0-9]/.test(source[i + 1] ?? '')) {
      const { path, next } = fieldChain(i);
      if (path.length === 0) {
        if (/[A-Za-z_]/.test(source[i + 1] ?? '')) fail('bad field name', i);
        tokens.push({ t: 'field', path: [], root: 'dot', pos: i });
        i++;
      } else {
        tokens.push({ t: 'field', path, root: 'dot', pos: i });
        i = next;
      }
    } else if (c === '$') {
      if (/[A-Za-z_0-9]/.test(source[i + 1] ?? ''))
        fail('template variables ($name) are not supported; use $ or . paths', i);
      const { path, next } = fieldChain(i + 1);
      tokens.push({ t: 'field', path, root: 'dollar', pos: i });
      i = next;
    } else if (c === '"') i = readQuoted(source, i, end, tokens, fail);
    else if (c === '`') {
      const close = source.indexOf('`', i + 1);
      if (close < 0 || close >= end) fail('unterminated raw string', i);
      tokens.push({ t: 'literal', value: source.slice(i + 1, close), pos: i });
      i = close + 1;
    } else if (/[-+0-9.]/.test(c)) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(source);
      if (m === null) fail(`unexpected '${c}'`, i);
      tokens.push({ t: 'literal', value: Number((m as RegExpExecArray)[0]), pos: i });
      i = NUMBER.lastIndex;
    } else if (/[A-Za-z_]/.test(c)) {
      IDENT.lastIndex = i;
      const name = (IDENT.exec(source) as RegExpExecArray)[0];
      if (name === 'true' || name === 'false') tokens.push({ t: 'literal', value: name === 'true', pos: i });
      else if (name === 'nil') tokens.push({ t: 'literal', value: null, pos: i });
      else tokens.push({ t: 'ident', name, pos: i });
      i = IDENT.lastIndex;
    } else if (c === ':' || c === '=') fail('template variable assignment is not supported', i);
    else fail(`unexpected '${c}' in action`, i);
  }
  return tokens;
}

function readQuoted(
  source: string,
  from: number,
  end: number,
  tokens: Token[],
  fail: (msg: string, at: number) => never,
): number {
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

/** One `{{ … }}` found in the text. */
interface RawAction {
  start: number;
  end: number;
  tokens: Token[];
}

/** Parses the pipeline in `tokens[at…]` up to a `)` (inside parentheses) or the end. */
function parsePipeline(
  source: string,
  tokens: Token[],
  at: number,
  nested: boolean,
): { pipe: Pipeline; next: number } {
  const commands: Command[] = [];
  let i = at;
  let args: Operand[] = [];
  const fail = (msg: string, pos: number): never => {
    throw new TemplateSyntaxError(msg, positionOf(source, pos));
  };
  const startPos = tokens[at]?.pos ?? 0;
  let cmdPos = startPos;
  for (;;) {
    const tok = tokens[i];
    if (tok === undefined || tok.t === 'rparen') {
      if (tok === undefined && nested) fail("unclosed '('", startPos);
      if (tok !== undefined && !nested) fail("unexpected ')'", tok.pos);
      break;
    }
    i++;
    if (tok.t === 'pipe') {
      if (args.length === 0) fail('missing command before |', tok.pos);
      commands.push({ args, pos: positionOf(source, cmdPos) });
      args = [];
      cmdPos = tokens[i]?.pos ?? tok.pos;
      continue;
    }
    if (args.length === 0) cmdPos = tok.pos;
    const pos = positionOf(source, tok.pos);
    if (tok.t === 'lparen') {
      const inner = parsePipeline(source, tokens, i, true);
      i = inner.next + 1;
      const after = tokens[i] as (Token & { afterParen?: boolean }) | undefined;
      let path: string[] = [];
      if (after?.t === 'field' && after.afterParen === true) {
        path = after.path;
        i++;
      }
      args.push({ kind: 'paren', pipe: inner.pipe, path, pos });
    } else if (tok.t === 'field') args.push({ kind: 'field', root: tok.root, path: tok.path, pos });
    else if (tok.t === 'literal') args.push({ kind: 'literal', value: tok.value, pos });
    else if (tok.t === 'ident') {
      if (['if', 'else', 'end'].includes(tok.name) || UNSUPPORTED_KEYWORDS.has(tok.name))
        fail(`unexpected keyword '${tok.name}'`, tok.pos);
      args.push({ kind: 'func', name: tok.name, pos });
    }
  }
  if (args.length === 0)
    fail(
      commands.length === 0 ? 'missing value in action' : 'missing command after |',
      tokens[i - 1]?.pos ?? startPos,
    );
  commands.push({ args, pos: positionOf(source, cmdPos) });
  return { pipe: { commands, pos: positionOf(source, startPos) }, next: i };
}

/** Finds the actions in `source`, applying trim markers to the text around them. */
function scan(source: string): (string | RawAction)[] {
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

/**
 * Parses a template.
 *
 * @throws TemplateSyntaxError with the position (in the template's text) of the first problem.
 * @example
 * parseTemplate('Say hello in {{.input.language}}').nodes.length; // 2
 */
export function parseTemplate(source: string): ParsedTemplate {
  const parts = scan(source);
  const functions: { name: string; pos: TemplatePosition }[] = [];
  const collect = (pipe: Pipeline): void => {
    for (const cmd of pipe.commands)
      for (const arg of cmd.args) {
        if (arg.kind === 'func') functions.push({ name: arg.name, pos: arg.pos });
        if (arg.kind === 'paren') collect(arg.pipe);
      }
  };
  let index = 0;
  const block = (
    inIf: boolean,
  ): { nodes: TemplateNode[]; stop?: { word: 'else' | 'end'; part: RawAction } } => {
    const nodes: TemplateNode[] = [];
    while (index < parts.length) {
      const part = parts[index++] as string | RawAction;
      if (typeof part === 'string') {
        nodes.push({ kind: 'text', text: part });
        continue;
      }
      const first = part.tokens[0];
      const word = first?.t === 'ident' ? first.name : undefined;
      if (word === 'else' || word === 'end') {
        if (!inIf) throw new TemplateSyntaxError(`unexpected {{${word}}}`, positionOf(source, part.start));
        return { nodes, stop: { word, part } };
      }
      if (word !== undefined && UNSUPPORTED_KEYWORDS.has(word))
        throw new TemplateSyntaxError(
          `'${word}' is not supported`,
          positionOf(source, first?.pos ?? part.start),
        );
      if (word === 'if') nodes.push(ifNode(part, 1));
      else {
        const { pipe } = parsePipeline(source, part.tokens, 0, false);
        collect(pipe);
        nodes.push({ kind: 'action', pipe });
      }
    }
    if (inIf)
      throw new TemplateSyntaxError(
        'unexpected end of template: missing {{end}}',
        positionOf(source, source.length),
      );
    return { nodes };
  };
  const ifNode = (part: RawAction, from: number): TemplateNode => {
    const branches: { cond: Pipeline; body: TemplateNode[] }[] = [];
    let condTokens = part.tokens.slice(from);
    let at = part.start;
    for (;;) {
      if (condTokens.length === 0)
        throw new TemplateSyntaxError('missing condition in if', positionOf(source, at));
      const cond = parsePipeline(source, condTokens, 0, false).pipe;
      collect(cond);
      const body = block(true);
      branches.push({ cond, body: body.nodes });
      const stop = body.stop as { word: 'else' | 'end'; part: RawAction };
      if (stop.word === 'end') return { kind: 'if', branches, otherwise: [] };
      const rest = stop.part.tokens.slice(1);
      if (rest.length === 0) {
        const otherwise = block(true);
        if (otherwise.stop?.word !== 'end')
          throw new TemplateSyntaxError(
            'expected {{end}} after {{else}}',
            positionOf(source, otherwise.stop?.part.start ?? 0),
          );
        return { kind: 'if', branches, otherwise: otherwise.nodes };
      }
      const next = rest[0];
      if (next?.t !== 'ident' || next.name !== 'if')
        throw new TemplateSyntaxError(
          "only 'else' and 'else if' are supported",
          positionOf(source, next?.pos ?? at),
        );
      condTokens = rest.slice(1);
      at = next.pos;
    }
  };
  const { nodes } = block(false);
  return Object.freeze({ source, nodes, functions });
}
