/**
 * What a loaded workflow file is, whatever its format (Baton's own, a Conductor workflow
 * definition, a uTask template): an ordinary workflow definition for a worker, registered under
 * `name@version`, with its graph (to draw it) and its input check (to refuse bad input at start).
 */
import type { WorkflowDefinition } from '../../runtime/definitions.js';

/** The formats a workflow file may be written in. */
export type FileFormat = 'baton' | 'conductor' | 'utask';

/** One node of a file's graph: a step (Baton, uTask) or a task (Conductor). */
export interface FileGraphNode {
  /**
   * The step's id, unique in the file: the `summary` of its activities and the `step` of its
   * `baton.step` markers. Nested steps (a Conductor task inside a SWITCH, FORK_JOIN or DO_WHILE)
   * keep their own reference name; ids never contain a `[`.
   */
  readonly id: string;
  /** What to show: the step name, or a Conductor task's `name`. */
  readonly label: string;
  /** The action or task type: `http`, `activity`, `echo`, `SWITCH`, `FORK_JOIN`, `subtask` … */
  readonly kind: string;
  /** The ids of the nodes this one starts after (edges point from each of these to this node). */
  readonly dependsOn: readonly string[];
  /** For a node inside a control-flow node (a SWITCH case, a FORK branch, a DO_WHILE body): its id. */
  readonly parent?: string;
  /** For a node inside a SWITCH: the case it belongs to (`defaultCase` for the default). */
  readonly branch?: string;
}

/** A file's graph, nodes in file order. */
export interface FileGraph {
  readonly nodes: readonly FileGraphNode[];
}

/** A workflow file, loaded and checked. */
export interface FileWorkflow {
  readonly format: FileFormat;
  /** The file as given. */
  readonly file: string;
  /** The workflow's name, as in the file (uTask: lower-cased and trimmed, as uTask does). */
  readonly name: string;
  /** The file's `version` (a positive integer); 1 when the file has none. */
  readonly version: number;
  /** The workflow type it is registered under: `${name}@${version}`. */
  readonly workflowType: string;
  /** The workflow definition: `definition.name === workflowType`; takes one argument, the input. */
  readonly definition: WorkflowDefinition<[input: unknown], unknown>;
  readonly graph: FileGraph;
  /**
   * Checks and completes an input before a start (defaults filled in, types checked, uTask's
   * `legal_values`), so that bad input is refused before anything is written.
   * @throws ValidationError naming the input and what was expected.
   */
  prepareInput(input: unknown): unknown;
  /** Names of the workflows this one may start (children, sub-workflows, a failure workflow). */
  readonly references: readonly string[];
  /**
   * A hash of the file's parsed content (16 hex digits): recorded by each execution as the marker
   * `baton.definition:<fingerprint>`, so one resumed with a changed file stops with a
   * `NonDeterminismError` instead of mixing two definitions up. Set by the loader.
   */
  readonly fingerprint?: string;
  /** Things worth saying that are not errors (e.g. TABs replaced by spaces in a uTask template). */
  readonly warnings: readonly string[];
}
