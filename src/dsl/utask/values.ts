/**
 * The data uTask templates see (`.input`, `.step.NAME.{output,metadata,children,error,state}`,
 * `.step.this`, `.iterator`, `.task`, `.config`, `.resolver_input`) and the rendering of
 * configuration trees (every string leaf rendered; other leaves unchanged). Pure.
 */
import type { TplTree, UtaskVariable } from './model.js';
import { renderTemplate, type ParsedTemplate } from './template.js';

/** The recorded state of one step (or one foreach child). */
export interface StepRecord {
  state: string;
  output?: unknown;
  metadata?: unknown;
  error?: string;
  /** A foreach step's children (once it is done: those not pruned, as uTask collects them). */
  children?: unknown[];
  /** A foreach child's item. */
  item?: unknown;
}

/** What a render needs besides the template. */
export interface RenderScope {
  /** The step whose `.step.this` it is (an id of `records`). */
  readonly self?: StepRecord;
  /** The foreach item (`.iterator`). */
  readonly item?: unknown;
}

/** Everything the values are made of. */
export interface ValueSource {
  readonly input: Record<string, unknown>;
  readonly task: Record<string, unknown>;
  readonly records: ReadonlyMap<string, StepRecord>;
  readonly variables: readonly UtaskVariable[];
  /** Results of expression variables, computed once at the start (string, or an Error). */
  readonly expressionResults: ReadonlyMap<string, string | Error>;
}

/** uTask's view of one step: absent fields as uTask stores them (empty maps, empty error). */
function stepData(record: StepRecord): Record<string, unknown> {
  return {
    state: record.state,
    output: record.output ?? {},
    metadata: record.metadata ?? {},
    error: record.error ?? '',
    ...(record.children === undefined ? {} : { children: record.children }),
  };
}

/** The root value of a render. */
export function templateData(source: ValueSource, scope: RenderScope = {}): Record<string, unknown> {
  const step: Record<string, unknown> = {};
  for (const [name, record] of source.records) step[name] = stepData(record);
  if (scope.self !== undefined) step.this = stepData(scope.self);
  return {
    input: source.input,
    resolver_input: {},
    config: {},
    task: source.task,
    step,
    ...(scope.item === undefined ? {} : { iterator: scope.item }),
  };
}

/** Renders one template against the run's values. @throws TemplateRenderError */
export function render(source: ValueSource, template: ParsedTemplate, scope: RenderScope = {}): string {
  return renderTemplate(template, templateData(source, scope), {
    evalVariable: (name) => evalVariable(source, name),
  });
}

/** Renders every string leaf of a configuration tree. @throws TemplateRenderError */
export function renderTree(source: ValueSource, tree: TplTree, scope: RenderScope = {}): unknown {
  switch (tree.kind) {
    case 'tpl':
      return render(source, tree.tpl, scope);
    case 'value':
      return tree.value;
    case 'list':
      return tree.items.map((t) => renderTree(source, t, scope));
    case 'map':
      return Object.fromEntries(tree.entries.map(([k, t]) => [k, renderTree(source, t, scope)]));
  }
}

/** uTask's `eval "name"`: a plain value (rendered when it is text) or an expression's result. */
function evalVariable(source: ValueSource, name: string): unknown {
  const variable = source.variables.find((v) => v.name === name);
  if (variable === undefined) throw new Error(`Var name not found in template: '${name}'`);
  if (variable.value !== undefined) return renderTree(source, variable.value);
  const result = source.expressionResults.get(name);
  if (result instanceof Error) throw result;
  if (result === undefined) throw new Error(`variable '${name}' was not evaluated`);
  return result;
}
