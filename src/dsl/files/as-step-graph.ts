/**
 * A file's graph in the shape of a step workflow's ({@link StepGraph}), so the HTTP API, the web
 * UI and `reset({ toStep })` treat a workflow file like a step workflow defined in code.
 */
import type { StepGraph, StepNode } from '../step-graph.js';
import type { FileWorkflow } from './types.js';

/**
 * The file's graph as a {@link StepGraph}: each node a step whose `activity` is its kind; a
 * nested node (inside a SWITCH, FORK_JOIN or DO_WHILE) with no dependencies of its own hangs under
 * its parent.
 *
 * @example
 * asStepGraph(file).order; // ['paralyze', 'attack', 'throwPokeball']
 */
export function asStepGraph(file: FileWorkflow): StepGraph {
  const ids = new Set(file.graph.nodes.map((n) => n.id));
  const steps: StepNode[] = file.graph.nodes.map((n) => {
    const own = n.dependsOn.filter((d) => ids.has(d));
    const dependsOn = own.length === 0 && n.parent !== undefined && ids.has(n.parent) ? [n.parent] : own;
    return Object.freeze({
      name: n.id,
      activity: n.kind,
      compensation: null,
      dependsOn: Object.freeze(dependsOn),
    });
  });
  return Object.freeze({
    name: file.workflowType,
    mode: 'dag',
    steps: Object.freeze(steps),
    roots: Object.freeze(steps.filter((s) => s.dependsOn.length === 0).map((s) => s.name)),
    order: Object.freeze(topological(steps)),
  });
}

/** Steps in dependency order, ties in file order (a cycle's steps go last, in file order). */
function topological(steps: readonly StepNode[]): string[] {
  const placed = new Set<string>();
  const order: string[] = [];
  let progress = true;
  while (progress) {
    progress = false;
    for (const s of steps) {
      if (placed.has(s.name) || !s.dependsOn.every((d) => placed.has(d))) continue;
      placed.add(s.name);
      order.push(s.name);
      progress = true;
    }
  }
  for (const s of steps) if (!placed.has(s.name)) order.push(s.name);
  return order;
}
