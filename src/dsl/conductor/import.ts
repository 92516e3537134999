/**
 * Importing a Conductor workflow definition (JSON): checked at load, compiled into a Baton
 * workflow registered as `name@version`, run by the Conductor interpreter. See docs/importing.md.
 */
import { ValidationError } from '../../common/errors.js';
import { defineWorkflow } from '../../runtime/definitions.js';
import type { SourceDoc } from '../files/source.js';
import type { FileWorkflow } from '../files/types.js';
import { looksLikeConductor } from './detect.js';
import { buildGraph } from './graph.js';
import { runConductorWorkflow } from './interpreter.js';
import { allTasks, type ConductorWorkflowDef } from './model.js';
import { isObject } from './read-kit.js';
import { readWorkflowDef } from './validate.js';

export { looksLikeConductor };

/**
 * Compiles a parsed Conductor workflow definition.
 *
 * The workflow type is `${name}@${version}` (version 1 when absent); its one argument is the
 * workflow input (an object). `references` lists the SUB_WORKFLOW names (`name@version` when the
 * version is given) and the `failureWorkflow`.
 *
 * @throws WorkflowFileError with every problem and its line and column: missing or mistyped
 *   fields, an unsupported task type (naming the task's reference name and type), duplicated
 *   reference names, a FORK_JOIN without its JOIN, a `${...}` reference that Baton cannot read.
 * @example
 * const doc = parseSource(text, 'workflow.json');
 * const wf = importConductor(doc);
 * wf.workflowType; // 'hello_workflow@1'
 */
export function importConductor(doc: SourceDoc): FileWorkflow {
  const def = readWorkflowDef(doc);
  const workflowType = `${def.name}@${def.version}`;
  const definition = defineWorkflow(workflowType, (ctx, input: unknown) =>
    runConductorWorkflow(ctx, def, input),
  );
  return Object.freeze({
    format: 'conductor' as const,
    file: doc.file,
    name: def.name,
    version: def.version,
    workflowType,
    definition,
    graph: buildGraph(def.tasks),
    prepareInput: (input: unknown) => prepareInput(def, input),
    references: Object.freeze(referencesOf(def)),
    warnings: Object.freeze(warningsOf(def)),
  });
}

/** The brief's name for a format's compile function. */
export const compileConductor = importConductor;

/**
 * The input of a run: an object (nothing or null gives `{}`), over the definition's
 * `inputTemplate` defaults.
 *
 * @throws ValidationError when the input is not an object.
 */
function prepareInput(def: ConductorWorkflowDef, input: unknown): Record<string, unknown> {
  if (input === undefined || input === null) return { ...def.inputTemplate };
  if (!isObject(input))
    throw new ValidationError(
      `input of ${def.name}@${def.version}: expected a JSON object (Conductor workflow input), got ${Array.isArray(input) ? 'a list' : typeof input}`,
    );
  return { ...def.inputTemplate, ...input };
}

function referencesOf(def: ConductorWorkflowDef): string[] {
  const refs = new Set<string>();
  for (const task of allTasks(def.tasks)) {
    const sub = task.subWorkflow;
    if (sub !== undefined && sub.name !== '')
      refs.add(sub.version === undefined ? sub.name : `${sub.name}@${sub.version}`);
  }
  if (def.failureWorkflow !== undefined) refs.add(def.failureWorkflow);
  return [...refs];
}

function warningsOf(def: ConductorWorkflowDef): string[] {
  const warnings: string[] = [];
  if (def.timeoutPolicy === 'ALERT_ONLY' && def.timeoutSeconds > 0)
    warnings.push(
      `timeoutSeconds ${def.timeoutSeconds} with timeoutPolicy ALERT_ONLY: the run is never stopped, and Baton raises no alert`,
    );
  return warnings;
}
