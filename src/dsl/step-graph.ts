/**
 * The graph of a step workflow as data: the steps' names, activities, compensations and resolved
 * dependencies, checked once when the workflow is defined (names unique, dependencies known, no
 * cycle), with a topological order and the roots, frozen so a CLI or a UI can draw it before it runs.
 * Pure: no engine, no I/O.
 */
import { ValidationError } from '../common/errors.js';

/** One step of a {@link StepGraph}. */
export interface StepNode {
  /** The step's name, unique in its workflow. */
  readonly name: string;
  /** The activity type the step runs. */
  readonly activity: string;
  /** The activity type that undoes the step, or null when it has none. */
  readonly compensation: string | null;
  /**
   * The steps this one starts after, resolved: in a sequence, the previous step (none for the
   * first); in a DAG, the step's own `dependsOn`, in the order given.
   */
  readonly dependsOn: readonly string[];
}

/**
 * A step workflow as data, as `definition.graph` holds it.
 *
 * @example
 * for (const step of captureSteps.graph.steps)
 *   console.log(`${step.name} (${step.activity}) after ${step.dependsOn.join(', ') || 'the start'}`);
 */
export interface StepGraph {
  /** The workflow type. */
  readonly name: string;
  /**
   * `'sequence'` when no step declares `dependsOn` (each step runs after the previous one), else
   * `'dag'` (each step starts once all of its `dependsOn` have completed).
   */
  readonly mode: 'sequence' | 'dag';
  /** The steps, in declaration order. */
  readonly steps: readonly StepNode[];
  /** The steps that depend on nothing, in declaration order: they start at once. */
  readonly roots: readonly string[];
  /** A topological order: every step after its dependencies, ties broken by declaration order. */
  readonly order: readonly string[];
}

/** The fields of a step that shape the graph (the others are checked by `defineStepWorkflow`). */
interface StepShape {
  name: string;
  run: string;
  compensate?: string;
  dependsOn?: string[];
}

/**
 * Checks the steps of workflow `workflow` and returns its frozen graph.
 *
 * @param steps - the steps as given (anything: every field that shapes the graph is checked).
 * @throws ValidationError naming the step and what was expected: steps not a non-empty array, a
 *   step that is not an object, a name, `run`, `compensate` or `dependsOn` of the wrong type, a
 *   duplicate name, a dependency on an unknown step or listed twice, a dependency cycle.
 * @example
 * const graph = buildStepGraph('Capture', [
 *   { name: 'Paralyze', run: 'paralyze', compensate: 'cure' },
 *   { name: 'Attack', run: 'attack', compensate: 'heal' },
 * ]);
 * graph.steps[1]?.dependsOn; // ['Paralyze']
 */
export function buildStepGraph(workflow: string, steps: unknown): StepGraph {
  const fail = (message: string): never => {
    throw new ValidationError(`defineStepWorkflow('${workflow}'): ${message}`);
  };
  if (!Array.isArray(steps) || steps.length === 0)
    fail(`steps: expected a non-empty array of steps, got ${show(steps)}`);
  const shapes = (steps as unknown[]).map((step, i) => checkShape(step, i, fail));
  const index = new Map<string, number>();
  shapes.forEach((s, i) => {
    const first = index.get(s.name);
    if (first !== undefined)
      fail(`step '${s.name}' is declared twice (steps[${first}] and steps[${i}]); step names must be unique`);
    index.set(s.name, i);
  });
  const mode = shapes.some((s) => s.dependsOn !== undefined) ? 'dag' : 'sequence';
  const nodes = shapes.map((s, i): StepNode => {
    const previous = shapes[i - 1];
    const dependsOn =
      mode === 'sequence' ? (previous === undefined ? [] : [previous.name]) : (s.dependsOn ?? []);
    checkDependencies(s.name, dependsOn, index, fail);
    return Object.freeze({
      name: s.name,
      activity: s.run,
      compensation: s.compensate ?? null,
      dependsOn: Object.freeze([...dependsOn]),
    });
  });
  const order = topologicalOrder(nodes, index, fail);
  return Object.freeze({
    name: workflow,
    mode,
    steps: Object.freeze(nodes),
    roots: Object.freeze(nodes.filter((n) => n.dependsOn.length === 0).map((n) => n.name)),
    order: Object.freeze(order),
  });
}

function checkShape(step: unknown, i: number, fail: (message: string) => never): StepShape {
  if (typeof step !== 'object' || step === null || Array.isArray(step))
    fail(`steps[${i}]: expected a step object such as { name: 'Attack', run: 'attack' }, got ${show(step)}`);
  const s = step as Record<string, unknown>;
  if (typeof s.name !== 'string' || s.name.trim() === '')
    fail(`steps[${i}].name: expected a non-empty string, got ${show(s.name)}`);
  const name = s.name;
  const where = `step '${name}'`;
  if (typeof s.run !== 'string' || s.run === '')
    fail(`${where}: run: expected the name of an activity (a non-empty string), got ${show(s.run)}`);
  const shape: StepShape = { name, run: s.run };
  if (s.compensate !== undefined) {
    if (typeof s.compensate !== 'string' || s.compensate === '')
      fail(
        `${where}: compensate: expected the name of an activity (a non-empty string), got ${show(s.compensate)}`,
      );
    shape.compensate = s.compensate;
  }
  if (s.dependsOn !== undefined) {
    if (!Array.isArray(s.dependsOn) || s.dependsOn.some((d) => typeof d !== 'string'))
      fail(`${where}: dependsOn: expected an array of step names, got ${show(s.dependsOn)}`);
    shape.dependsOn = [...(s.dependsOn as string[])];
  }
  return shape;
}

function checkDependencies(
  name: string,
  dependsOn: readonly string[],
  index: ReadonlyMap<string, number>,
  fail: (message: string) => never,
): void {
  const seen = new Set<string>();
  for (const dep of dependsOn) {
    if (!index.has(dep))
      fail(
        `step '${name}': dependsOn: unknown step '${dep}'; expected one of ${[...index.keys()].map((n) => `'${n}'`).join(', ')}`,
      );
    if (seen.has(dep)) fail(`step '${name}': dependsOn lists '${dep}' twice`);
    seen.add(dep);
  }
}

/**
 * Kahn's algorithm, the ready step declared first going first. The steps left over all wait on
 * one another: walking their dependencies from the first of them must come back to a step seen
 * before, and that loop is the cycle reported.
 */
function topologicalOrder(
  nodes: readonly StepNode[],
  index: ReadonlyMap<string, number>,
  fail: (message: string) => never,
): string[] {
  const waitingOn = nodes.map((n) => n.dependsOn.length);
  const dependents = nodes.map((): number[] => []);
  nodes.forEach((n, i) => n.dependsOn.forEach((d) => dependents[index.get(d)!]!.push(i)));
  const ready = nodes.flatMap((n, i) => (n.dependsOn.length === 0 ? [i] : []));
  const order: string[] = [];
  while (ready.length > 0) {
    const i = ready.shift()!;
    order.push(nodes[i]!.name);
    for (const d of dependents[i]!) {
      if (--waitingOn[d]! > 0) continue;
      const at = ready.findIndex((r) => r > d);
      ready.splice(at === -1 ? ready.length : at, 0, d);
    }
  }
  if (order.length < nodes.length) fail(`dependency cycle ${describeCycle(nodes, index, waitingOn)}`);
  return order;
}

/** The cycle as `'A' → 'B' → 'A' (each step depends on the next)`, starting at its first-declared step. */
function describeCycle(
  nodes: readonly StepNode[],
  index: ReadonlyMap<string, number>,
  waitingOn: readonly number[],
): string {
  const left = (i: number): boolean => waitingOn[i]! > 0;
  const path: number[] = [];
  const at = new Map<number, number>();
  let i = waitingOn.findIndex((w) => w > 0);
  while (!at.has(i)) {
    at.set(i, path.length);
    path.push(i);
    i = nodes[i]!.dependsOn.map((d) => index.get(d)!).find(left)!;
  }
  const cycle = path.slice(at.get(i));
  const start = cycle.indexOf(Math.min(...cycle));
  const rotated = [...cycle.slice(start), ...cycle.slice(0, start)];
  const names = [...rotated, rotated[0]!].map((n) => `'${nodes[n]!.name}'`);
  return `${names.join(' → ')} (each step depends on the next); a step cannot wait, directly or not, on itself`;
}

/** A value as shown in an error message. */
function show(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (value === undefined) return 'undefined';
  try {
    const text = JSON.stringify(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  } catch {
    return `a ${typeof value}`;
  }
}
