/**
 * uTask's templating (Go `text/template` with sprig and uTask's functions), the subset that Baton
 * supports: compile once at load (syntax and unknown functions are load errors), render
 * synchronously in workflow code (pure, deterministic). The result of a render is always a string,
 * as in uTask: values print as Go prints them (`<no value>` for a missing key, `map[k:v]`, `[a b]`).
 */
import { TemplateSyntaxError } from './template-lex.js';
import {
  parseTemplate,
  type Command,
  type Operand,
  type ParsedTemplate,
  type Pipeline,
  type TemplateNode,
} from './template-parse.js';
import {
  goPrint,
  isObject,
  templateFunction,
  truthy,
  TEMPLATE_FUNCTION_NAMES,
  type FuncContext,
} from './template-funcs.js';

export { TemplateSyntaxError, type TemplatePosition } from './template-lex.js';
export type { ParsedTemplate } from './template-parse.js';
export { goJson, goPrint, TEMPLATE_FUNCTION_NAMES } from './template-funcs.js';

/** A template that failed while rendering (a bad argument, a field of a string, bad JSON …). */
export class TemplateRenderError extends Error {
  override readonly name = 'TemplateRenderError';
}

/**
 * Parses `source` and checks that every function it calls exists.
 *
 * @throws TemplateSyntaxError naming the problem (or the unknown function and the known ones)
 *   with its line and column in the template's text.
 * @example
 * const t = compileTemplate('{{.input.list | toJson}}');
 * renderTemplate(t, { input: { list: ['a'] } }); // '["a"]'
 */
export function compileTemplate(source: string): ParsedTemplate {
  const parsed = parseTemplate(source);
  for (const f of parsed.functions)
    if (templateFunction(f.name) === undefined)
      throw new TemplateSyntaxError(
        `function '${f.name}' is not supported (supported: ${TEMPLATE_FUNCTION_NAMES.join(', ')})`,
        f.pos,
      );
  return parsed;
}

/** True when `source` has no `{{` (rendering it gives it back unchanged). */
export function isPlainText(source: string): boolean {
  return !source.includes('{{');
}

/** Options of {@link renderTemplate}. */
export interface RenderOptions {
  /** uTask's `eval "name"` / `evalCache "name"`: the variable's value. @default throws "unknown variable" */
  evalVariable?: (name: string) => unknown;
}

/**
 * Renders a compiled template against `data` (uTask's values: `input`, `step`, `iterator` …).
 *
 * @throws TemplateRenderError naming what failed and where in the template.
 */
export function renderTemplate(template: ParsedTemplate, data: unknown, options: RenderOptions = {}): string {
  const ctx: FuncContext = {
    root: data,
    evalVariable:
      options.evalVariable ??
      ((name) => {
        throw new Error(`Var name not found in template: '${name}'`);
      }),
  };
  return renderNodes(template.nodes, data, ctx);
}

/** Renders the value of one pipeline evaluation, as the whole template would, for tests and tools. */
export function evaluateTemplateValue(source: string, data: unknown): unknown {
  const parsed = compileTemplate(source);
  const node = parsed.nodes[0];
  if (parsed.nodes.length !== 1 || node?.kind !== 'action')
    throw new TemplateRenderError('expected a single {{ … }} action');
  return evalPipeline(node.pipe, data, { root: data, evalVariable: () => undefined });
}

function renderNodes(nodes: readonly TemplateNode[], dot: unknown, ctx: FuncContext): string {
  let out = '';
  for (const node of nodes) {
    if (node.kind === 'text') out += node.text;
    else if (node.kind === 'action') out += goPrint(evalPipeline(node.pipe, dot, ctx));
    else {
      const branch = node.branches.find((b) => truthy(evalPipeline(b.cond, dot, ctx)));
      out += renderNodes(branch?.body ?? node.otherwise, dot, ctx);
    }
  }
  return out;
}

function where(pos: { line: number; column: number }): string {
  return `template line ${pos.line}, column ${pos.column}`;
}

function evalPipeline(pipe: Pipeline, dot: unknown, ctx: FuncContext): unknown {
  let value: unknown;
  let piped = false;
  for (const cmd of pipe.commands) {
    value = evalCommand(cmd, dot, ctx, piped ? [value] : []);
    piped = true;
  }
  return value;
}

function evalCommand(cmd: Command, dot: unknown, ctx: FuncContext, piped: unknown[]): unknown {
  const [head, ...rest] = cmd.args;
  if (head === undefined) throw new TemplateRenderError(`empty command (${where(cmd.pos)})`);
  if (head.kind === 'func')
    return call(head.name, [...rest.map((a) => evalArg(a, dot, ctx)), ...piped], ctx, head.pos);
  if (rest.length > 0 || piped.length > 0)
    throw new TemplateRenderError(`can't give argument to non-function (${where(cmd.pos)})`);
  return evalArg(head, dot, ctx);
}

function call(
  name: string,
  args: unknown[],
  ctx: FuncContext,
  pos: { line: number; column: number },
): unknown {
  const fn = templateFunction(name);
  if (fn === undefined) throw new TemplateRenderError(`function '${name}' not defined (${where(pos)})`);
  try {
    return fn(ctx, ...args);
  } catch (error) {
    throw new TemplateRenderError(`error calling ${name}: ${(error as Error).message} (${where(pos)})`);
  }
}

function evalArg(arg: Operand, dot: unknown, ctx: FuncContext): unknown {
  switch (arg.kind) {
    case 'literal':
      return arg.value;
    case 'func':
      return call(arg.name, [], ctx, arg.pos);
    case 'field':
      return walk(arg.root === 'dot' ? dot : ctx.root, arg.path, arg.pos);
    case 'paren':
      return walk(evalPipeline(arg.pipe, dot, ctx), arg.path, arg.pos);
  }
}

/** Go's field chain on maps: a missing key (or a field of no value) is no value. */
function walk(value: unknown, path: readonly string[], pos: { line: number; column: number }): unknown {
  let v = value;
  for (const name of path) {
    if (v === undefined || v === null) return undefined;
    if (!isObject(v))
      throw new TemplateRenderError(
        `can't evaluate field ${name} in type ${Array.isArray(v) ? 'list' : typeof v} (${where(pos)})`,
      );
    v = Object.hasOwn(v, name) ? v[name] : undefined;
  }
  return v;
}
