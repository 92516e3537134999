/**
 * Compiles a Baton workflow file (YAML or JSON, see docs/files.md) into a {@link FileWorkflow}:
 * the shape is checked with the zod schema, then dependencies, cycles, expressions and the
 * references they make; every problem is collected with its line and column before anything is
 * thrown.
 */
import { defineWorkflow } from '../../runtime/definitions.js';
import { WorkflowFileError, type FileProblem } from '../files/file-error.js';
import type { SourceDoc, ValuePath } from '../files/source.js';
import type { FileGraphNode, FileWorkflow } from '../files/types.js';
import { compileAction } from './compile-action.js';
import { compileCondition } from './condition.js';
import { compileTemplate, type Template, type TemplateSink } from './expressions.js';
import { resolveGraph, type GraphInput, type ResolvedGraph } from './graph.js';
import { inputPreparer, typeProblem } from './inputs.js';
import { runPlan } from './interpreter.js';
import type { Plan, PlannedStep } from './plan.js';
import { batonFileSchema, type BatonFileValue, type BatonStepValue } from './schema.js';
import { zodProblems } from './zod-problems.js';
import { durationMs } from '../../common/duration.js';

/** A step as found in the file, with where it is. */
interface StepEntry {
  readonly name: string;
  readonly step: BatonStepValue;
  readonly path: ValuePath;
}

/**
 * Compiles a parsed Baton workflow file.
 *
 * @throws WorkflowFileError listing every problem with its file, line and column: unknown keys
 *   (with the expected ones), wrong types, an action with no kind or two, bad durations, a step
 *   declared twice, `dependsOn` naming an unknown step or state, a dependency cycle (named), a CEL
 *   syntax or type error, a variable out of scope (`item` outside `foreach`), `inputs.X` of an
 *   undeclared input, `steps.X` of an unknown step or of a step this one does not come after, an
 *   `if` that is not a boolean (a string such as `"yes"`, an expression of another type), an
 *   input default of the wrong type.
 * @example
 * const capture = compileBatonFile(parseSource(readFileSync('capture.yaml', 'utf8'), 'capture.yaml'));
 * baton.worker({ taskQueue: 'files', workflows: [capture.definition], activities });
 */
export function compileBatonFile(doc: SourceDoc): FileWorkflow {
  const parsed = batonFileSchema.safeParse(doc.value);
  if (!parsed.success) {
    const problems = zodProblems(doc, batonFileSchema, parsed.error.issues);
    resolveGraph(doc, rawGraphInput(doc.value), problems);
    throw new WorkflowFileError(problems);
  }
  const file = parsed.data;
  const problems: FileProblem[] = [];
  const entries = stepEntries(doc, file, problems);
  checkInputDefaults(doc, file, problems);
  if (problems.length > 0) throw new WorkflowFileError(problems);
  const graph = resolveGraph(
    doc,
    entries.map((e) => ({ name: e.name, path: e.path, dependsOn: e.step.dependsOn })),
    problems,
  );
  const sink: TemplateSink = { doc, problems, references: [] };
  const steps = entries.map((entry, i) => compileStep(entry, i, entries, graph, file, sink));
  const output = compileOutput(file, entries, sink);
  let timeoutMs: number | undefined;
  if (file.timeout !== undefined) timeoutMs = durationMs(file.timeout, 'timeout');
  if (problems.length > 0) throw new WorkflowFileError(problems);

  const workflowType = `${file.name}@${file.version}`;
  const plan: Plan = Object.freeze({
    workflowType,
    steps: Object.freeze(steps),
    output,
    timeoutMs,
    signals: Object.freeze([
      ...new Set(
        steps.flatMap((s) =>
          [s.action, s.compensate].flatMap((a) => (a?.kind === 'waitForSignal' ? [a.target!] : [])),
        ),
      ),
    ]),
    handled: new Set(
      steps.flatMap((s) =>
        s.dependencies.filter((d) => d.state === 'FAILED' || d.state === 'ANY').map((d) => d.step),
      ),
    ),
  });
  const nodes: FileGraphNode[] = steps.map((s) =>
    Object.freeze({
      id: s.name,
      label: s.name,
      kind: s.action.kind,
      dependsOn: Object.freeze(s.dependencies.map((d) => d.step)),
    }),
  );
  const references = [
    ...new Set(
      steps.flatMap((s) =>
        [s.action, s.compensate].flatMap((a) => (a?.kind === 'workflow' ? [a.target!] : [])),
      ),
    ),
  ];
  const prepareInput = inputPreparer(workflowType, file.inputs);
  return Object.freeze({
    format: 'baton',
    file: doc.file,
    name: file.name,
    version: file.version,
    workflowType,
    definition: defineWorkflow(workflowType, (ctx, input: unknown) =>
      runPlan(ctx, plan, input, prepareInput),
    ),
    graph: Object.freeze({ nodes: Object.freeze(nodes) }),
    prepareInput,
    references: Object.freeze(references),
    warnings: Object.freeze([]),
  });
}

function stepEntries(doc: SourceDoc, file: BatonFileValue, problems: FileProblem[]): StepEntry[] {
  const entries: StepEntry[] = Array.isArray(file.steps)
    ? file.steps.map(({ name, ...step }, i) => ({ name, step, path: ['steps', i] }))
    : Object.entries(file.steps).map(([name, step]) => ({ name, step, path: ['steps', name] }));
  if (entries.length === 0) problems.push(doc.problem(['steps'], 'steps: expected at least one step'));
  const seen = new Map<string, number>();
  entries.forEach((e, i) => {
    const first = seen.get(e.name);
    if (first === undefined) seen.set(e.name, i);
    else
      problems.push(
        doc.problem(
          [...e.path, 'name'],
          `step '${e.name}' is declared twice (steps[${first}] and steps[${i}])`,
        ),
      );
  });
  return entries;
}

/** The graph's input from a file that failed its shape check (what can be read of it). */
function rawGraphInput(value: unknown): GraphInput[] {
  const steps = (value as { steps?: unknown } | null)?.steps;
  const read = (name: unknown, step: unknown, path: ValuePath): GraphInput | undefined => {
    const deps = (step as { dependsOn?: unknown } | null)?.dependsOn;
    if (typeof name !== 'string') return undefined;
    if (deps !== undefined && !(Array.isArray(deps) && deps.every((d) => typeof d === 'string')))
      return undefined;
    return { name, path, dependsOn: deps };
  };
  const all = Array.isArray(steps)
    ? steps.map((s, i) => read((s as { name?: unknown } | null)?.name, s, ['steps', i]))
    : typeof steps === 'object' && steps !== null
      ? Object.entries(steps).map(([n, s]) => read(n, s, ['steps', n]))
      : [];
  return all.every((s) => s !== undefined) ? all : [];
}

function checkInputDefaults(doc: SourceDoc, file: BatonFileValue, problems: FileProblem[]): void {
  for (const [name, decl] of Object.entries(file.inputs)) {
    if (decl.default === undefined) continue;
    const problem = typeProblem(decl.default, decl.type);
    if (problem !== undefined)
      problems.push(doc.problem(['inputs', name, 'default'], `inputs.${name}.default: ${problem}`));
  }
}

function compileStep(
  entry: StepEntry,
  i: number,
  entries: readonly StepEntry[],
  graph: ResolvedGraph,
  file: BatonFileValue,
  sink: TemplateSink,
): PlannedStep {
  const { name, step, path } = entry;
  const each = step.foreach !== undefined;
  const mark = sink.references.length;
  const ifT =
    step.if === undefined ? undefined : compileCondition(step.if, [...path, 'if'], name, plain, sink);
  const foreach =
    step.foreach === undefined ? undefined : compileTemplate(step.foreach, [...path, 'foreach'], plain, sink);
  const action = compileAction(
    step.action,
    [...path, 'action'],
    step,
    path,
    { item: each, result: false },
    sink,
  );
  const output =
    step.output === undefined
      ? undefined
      : compileTemplate(step.output, [...path, 'output'], { item: each, result: true }, sink);
  checkReferences(sink, mark, file, entries, graph.ancestors[i], name, false);
  const markCompensate = sink.references.length;
  const compensate =
    step.compensate === undefined
      ? undefined
      : compileAction(
          step.compensate,
          [...path, 'compensate'],
          step,
          path,
          { item: each, result: true },
          sink,
        );
  checkReferences(sink, markCompensate, file, entries, graph.ancestors[i], name, true);
  return Object.freeze({
    name,
    action,
    compensate,
    dependencies: graph.dependencies[i]!,
    dependents: Object.freeze(
      entries.flatMap((_, j) => (graph.dependencies[j]!.some((d) => d.step === name) ? [j] : [])),
    ),
    if: ifT,
    foreach,
    foreachSource: typeof step.foreach === 'string' ? step.foreach : 'the list',
    parallel: step.parallel,
    output,
  });
}

const plain = { item: false, result: false } as const;

/** Checks the references made since `mark`: known inputs, known steps this one comes after. */
function checkReferences(
  sink: TemplateSink,
  mark: number,
  file: BatonFileValue,
  entries: readonly StepEntry[],
  ancestors: ReadonlySet<string> | undefined,
  self: string | undefined,
  selfAllowed: boolean,
): void {
  const names = entries.map((e) => e.name);
  for (const ref of sink.references.slice(mark)) {
    const at = (message: string) => sink.problems.push(sink.doc.problem(ref.path, message));
    if (ref.root === 'inputs' && !Object.hasOwn(file.inputs, ref.name)) {
      const declared = Object.keys(file.inputs);
      at(
        `inputs.${ref.name}: unknown input '${ref.name}'; ${declared.length > 0 ? `declared inputs: ${declared.join(', ')}` : 'the file declares no inputs'}`,
      );
    } else if (ref.root === 'steps' && !names.includes(ref.name)) {
      at(`steps.${ref.name}: unknown step '${ref.name}'; expected one of ${names.join(', ')}`);
    } else if (ref.root === 'steps' && ancestors !== undefined && !ancestors.has(ref.name)) {
      if (ref.name === self && selfAllowed) continue;
      at(
        `step '${self ?? ''}' reads steps.${ref.name} but does not come after it; add '${ref.name}' to its dependsOn (directly or through another step)`,
      );
    }
  }
}

function compileOutput(
  file: BatonFileValue,
  entries: readonly StepEntry[],
  sink: TemplateSink,
): Template | undefined {
  if (file.output === undefined) return undefined;
  const mark = sink.references.length;
  const output = compileTemplate(file.output, ['output'], plain, sink);
  checkReferences(sink, mark, file, entries, undefined, undefined, false);
  return output;
}
