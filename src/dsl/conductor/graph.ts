/**
 * The graph of a Conductor workflow definition: a node per task (id = its taskReferenceName),
 * edges from each task to the next one in its list, nested tasks pointing to their SWITCH,
 * FORK_JOIN or DO_WHILE.
 */
import type { FileGraph, FileGraphNode } from '../files/types.js';
import { childLists, type ConductorTask } from './model.js';

/**
 * Builds the graph: in a list each task depends on the one before it (the first of a nested list
 * on its parent); a JOIN depends on the last task of each branch of the FORK_JOIN before it;
 * nested nodes carry `parent` (and `branch`, the SWITCH case).
 *
 * @example
 * buildGraph(def.tasks).nodes.map((n) => n.id); // ['fork_parallel_calls', 'fetch_utc_time', …]
 */
export function buildGraph(tasks: readonly ConductorTask[]): FileGraph {
  const nodes: FileGraphNode[] = [];
  addList(nodes, tasks, undefined, undefined);
  return Object.freeze({ nodes: Object.freeze(nodes) });
}

function addList(
  nodes: FileGraphNode[],
  tasks: readonly ConductorTask[],
  parent: string | undefined,
  branch: string | undefined,
): void {
  let previous: ConductorTask | undefined;
  for (const task of tasks) {
    const dependsOn =
      previous === undefined
        ? parent === undefined
          ? []
          : [parent]
        : task.type === 'JOIN' && previous.type === 'FORK_JOIN'
          ? branchEnds(previous)
          : [previous.ref];
    nodes.push({
      id: task.ref,
      label: task.name,
      kind: task.type,
      dependsOn,
      ...(parent === undefined ? {} : { parent }),
      ...(branch === undefined ? {} : { branch }),
    });
    for (const child of childLists(task)) addList(nodes, child.tasks, task.ref, child.branch);
    previous = task;
  }
}

/** The last task of each branch of a FORK_JOIN (the fork itself for an empty branch). */
function branchEnds(fork: ConductorTask): string[] {
  return (fork.forkTasks ?? []).map((branch) => branch[branch.length - 1]?.ref ?? fork.ref);
}
