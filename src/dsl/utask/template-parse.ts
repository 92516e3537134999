/**
 * Parser of the Go `text/template` subset that uTask templates use: text with `{{ … }}` actions
 * (trim markers `{{-` / `-}}`, comments `{{/* … *\/}}`), pipelines (`.input.list | toJson`),
 * field chains (`.step.s.output.y`, `$.input.x`, `(pipeline).field`), string / number / boolean /
 * `nil` literals, function calls, and `if` / `else if` / `else` / `end`. Everything else (`range`,
 * `with`, variables `$x :=`, `define`, `template`, `block`) is refused with its position.
 * Pure and deterministic: the same text always gives the same tree. The tokens come from
 * `template-lex.ts`.
 */
import {
  positionOf,
  scan,
  TemplateSyntaxError,
  UNSUPPORTED_KEYWORDS,
  type RawAction,
  type TemplatePosition,
  type Token,
} from './template-lex.js';

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

/**
 * Parses a template.
 *
 * @throws TemplateSyntaxError with the position (in the template's text) of the first problem.
 * @example
 * parseTemplate('Say hello in {{.input.language}}').nodes.length; // 2
 */
export function parseTemplate(source: string): ParsedTemplate {
  const parser = new Parser(source, scan(source));
  const { nodes } = parser.block(false);
  return Object.freeze({ source, nodes, functions: parser.functions });
}

/** Where a block stopped: at an `{{else …}}` or `{{end}}`. */
interface Stop {
  word: 'else' | 'end';
  part: RawAction;
}

/** Builds the tree of one template from its scanned parts, in order. */
class Parser {
  readonly functions: { name: string; pos: TemplatePosition }[] = [];
  private index = 0;

  constructor(
    private readonly source: string,
    private readonly parts: readonly (string | RawAction)[],
  ) {}

  /** The nodes up to the end of the text, or (in an `if`) up to its `else` or `end`. */
  block(inIf: boolean): { nodes: TemplateNode[]; stop?: Stop } {
    const nodes: TemplateNode[] = [];
    while (this.index < this.parts.length) {
      const part = this.parts[this.index++] as string | RawAction;
      if (typeof part === 'string') {
        nodes.push({ kind: 'text', text: part });
        continue;
      }
      const first = part.tokens[0];
      const word = first?.t === 'ident' ? first.name : undefined;
      if (word === 'else' || word === 'end') {
        if (!inIf) throw this.error(`unexpected {{${word}}}`, part.start);
        return { nodes, stop: { word, part } };
      }
      if (word !== undefined && UNSUPPORTED_KEYWORDS.has(word))
        throw this.error(`'${word}' is not supported`, first?.pos ?? part.start);
      if (word === 'if') nodes.push(this.ifNode(part, 1));
      else nodes.push({ kind: 'action', pipe: this.pipeline(part.tokens) });
    }
    if (inIf) throw this.error('unexpected end of template: missing {{end}}', this.source.length);
    return { nodes };
  }

  /** An `{{if …}}` (its condition from `part.tokens[from]`) with its `else if` / `else` branches. */
  private ifNode(part: RawAction, from: number): TemplateNode {
    const branches: { cond: Pipeline; body: TemplateNode[] }[] = [];
    let condTokens = part.tokens.slice(from);
    let at = part.start;
    for (;;) {
      if (condTokens.length === 0) throw this.error('missing condition in if', at);
      const cond = this.pipeline(condTokens);
      const body = this.block(true);
      branches.push({ cond, body: body.nodes });
      const stop = body.stop as Stop;
      if (stop.word === 'end') return { kind: 'if', branches, otherwise: [] };
      const rest = stop.part.tokens.slice(1);
      if (rest.length === 0) {
        const otherwise = this.block(true);
        if (otherwise.stop?.word !== 'end')
          throw this.error('expected {{end}} after {{else}}', otherwise.stop?.part.start ?? 0);
        return { kind: 'if', branches, otherwise: otherwise.nodes };
      }
      const next = rest[0];
      if (next?.t !== 'ident' || next.name !== 'if')
        throw this.error("only 'else' and 'else if' are supported", next?.pos ?? at);
      condTokens = rest.slice(1);
      at = next.pos;
    }
  }

  /** A whole action's pipeline; the functions it calls are collected. */
  private pipeline(tokens: Token[]): Pipeline {
    const { pipe } = parsePipeline(this.source, tokens, 0, false);
    this.collect(pipe);
    return pipe;
  }

  private collect(pipe: Pipeline): void {
    for (const cmd of pipe.commands)
      for (const arg of cmd.args) {
        if (arg.kind === 'func') this.functions.push({ name: arg.name, pos: arg.pos });
        if (arg.kind === 'paren') this.collect(arg.pipe);
      }
  }

  private error(reason: string, offset: number): TemplateSyntaxError {
    return new TemplateSyntaxError(reason, positionOf(this.source, offset));
  }
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
      const after = tokens[i];
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
