/**
 * The dependency graph of a Baton workflow file: `dependsOn` entries resolved (`step`,
 * `step:STATE`), unknown steps and cycles reported at their line and column, and for each step
 * the steps it comes after (its ancestors), which its expressions may read.
 */
import type { FileProblem } from '../files/file-error.js';
import type { SourceDoc, ValuePath } from '../files/source.js';

/** The state a dependency must end in for the step to run; `ANY` accepts every final state. */
export type DependencyState = 'COMPLETED' | 'FAILED' | 'SKIPPED' | 'ANY';
const STATES: readonly DependencyState[] = ['COMPLETED', 'FAILED', 'SKIPPED', 'ANY'];

/** One resolved `dependsOn` entry. */
export interface Dependency {
  readonly step: string;
  readonly state: DependencyState;
}

/** What the graph needs to know of a step. */
export interface GraphInput {
  readonly name: string;
  /** The path of the step in the file (`['steps', 'attack']` or `['steps', 2]`). */
  readonly path: ValuePath;
  readonly dependsOn: readonly string[] | undefined;
}

/** The resolved graph. */
export interface ResolvedGraph {
  /** `'sequence'` when no step has `dependsOn` (each runs after the previous one), else `'dag'`. */
  readonly mode: 'sequence' | 'dag';
  /** Per step (declaration order): its dependencies. */
  readonly dependencies: readonly (readonly Dependency[])[];
  /** Per step: the names of every step it comes after, directly or not. */
  readonly ancestors: readonly ReadonlySet<string>[];
}

/**
 * Resolves the steps' dependencies. In a sequence, each step depends on the previous one with
 * `COMPLETED`. Problems (an unknown step, a bad state, a step listed twice or depending on itself,
 * a cycle) go to `problems` at the position of the `dependsOn` entry.
 */
export function resolveGraph(
  doc: SourceDoc,
  steps: readonly GraphInput[],
  problems: FileProblem[],
): ResolvedGraph {
  const index = new Map(steps.map((s, i) => [s.name, i]));
  const mode = steps.some((s) => s.dependsOn !== undefined) ? 'dag' : 'sequence';
  const dependencies = steps.map((s, i): Dependency[] => {
    if (mode === 'sequence') return i === 0 ? [] : [{ step: steps[i - 1]!.name, state: 'COMPLETED' }];
    const out: Dependency[] = [];
    (s.dependsOn ?? []).forEach((entry, j) => {
      const dep = parseDependency(entry, s.name, index);
      const at = [...s.path, 'dependsOn', j];
      if (typeof dep === 'string') problems.push(doc.problem(at, `step '${s.name}': dependsOn: ${dep}`));
      else if (out.some((d) => d.step === dep.step))
        problems.push(doc.problem(at, `step '${s.name}': dependsOn lists '${dep.step}' twice`));
      else out.push(dep);
    });
    return out;
  });
  const cycle = findCycle(steps, dependencies, index);
  if (cycle !== undefined) {
    const first = steps[cycle[0]!]!;
    const next = steps[cycle[1] ?? cycle[0]!]!.name;
    const j = (first.dependsOn ?? []).findIndex((e) => e.split(':')[0] === next);
    const names = [...cycle, cycle[0]!].map((i) => `'${steps[i]!.name}'`).join(' → ');
    problems.push(
      doc.problem(
        [...first.path, 'dependsOn', Math.max(j, 0)],
        `dependency cycle ${names} (each step depends on the next); a step cannot wait, directly or not, on itself`,
      ),
    );
    return { mode, dependencies, ancestors: steps.map(() => new Set<string>()) };
  }
  return { mode, dependencies, ancestors: ancestorsOf(steps, dependencies, index) };
}

function parseDependency(
  entry: string,
  self: string,
  index: ReadonlyMap<string, number>,
): Dependency | string {
  const colon = entry.lastIndexOf(':');
  const step = colon === -1 ? entry : entry.slice(0, colon);
  const state = colon === -1 ? 'COMPLETED' : entry.slice(colon + 1);
  if (!STATES.includes(state as DependencyState))
    return `'${entry}': unknown state '${state}'; expected 'step' or 'step:STATE' with STATE one of ${STATES.join(', ')}`;
  if (step === self) return `'${entry}': a step cannot depend on itself`;
  if (!index.has(step)) {
    const others = [...index.keys()].filter((n) => n !== self).map((n) => `'${n}'`);
    return `unknown step '${step}'; ${others.length > 0 ? `expected one of ${others.join(', ')}` : 'the file has no other step'}`;
  }
  return { step, state: state as DependencyState };
}

/** A cycle as step indexes (the first-declared step of it first), or undefined. */
function findCycle(
  steps: readonly GraphInput[],
  dependencies: readonly (readonly Dependency[])[],
  index: ReadonlyMap<string, number>,
): number[] | undefined {
  const color = steps.map(() => 0); // 0 new, 1 on the path, 2 done
  const path: number[] = [];
  const visit = (i: number): number[] | undefined => {
    color[i] = 1;
    path.push(i);
    for (const d of dependencies[i]!) {
      const j = index.get(d.step)!;
      if (color[j] === 1) return path.slice(path.indexOf(j));
      if (color[j] === 0) {
        const found = visit(j);
        if (found !== undefined) return found;
      }
    }
    path.pop();
    color[i] = 2;
    return undefined;
  };
  for (let i = 0; i < steps.length; i++) {
    if (color[i] !== 0) continue;
    const cycle = visit(i);
    if (cycle === undefined) continue;
    const start = cycle.indexOf(Math.min(...cycle));
    return [...cycle.slice(start), ...cycle.slice(0, start)];
  }
  return undefined;
}

function ancestorsOf(
  steps: readonly GraphInput[],
  dependencies: readonly (readonly Dependency[])[],
  index: ReadonlyMap<string, number>,
): Set<string>[] {
  const memo: (Set<string> | undefined)[] = steps.map(() => undefined);
  const of = (i: number): Set<string> => {
    const known = memo[i];
    if (known !== undefined) return known;
    const set = new Set<string>();
    for (const d of dependencies[i]!) {
      set.add(d.step);
      for (const a of of(index.get(d.step)!)) set.add(a);
    }
    memo[i] = set;
    return set;
  };
  return steps.map((_, i) => of(i));
}
