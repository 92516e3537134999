/**
 * Importing a uTask template (YAML) as a Baton workflow file: read and checked at load (every
 * problem with its line and column), compiled into an ordinary workflow definition that runs the
 * template with uTask's semantics on the durable engine.
 */
import { ValidationError } from '../../common/errors.js';
import { defineWorkflow } from '../../runtime/definitions.js';
import type { SourceDoc } from '../files/source.js';
import type { FileGraphNode, FileWorkflow } from '../files/types.js';
import { inputRecord, runUtaskTemplate } from './interpreter.js';
import type { UtaskTemplate } from './model.js';
import { prepareUtaskInput } from './inputs.js';
import { isPlainText } from './template.js';
import { readUtaskTemplate } from './validate.js';

export { looksLikeUtask } from './detect.js';
export { UTASK_RESOLUTION_FAILURE, type UtaskRunResult, type UtaskStepResult } from './interpreter.js';

/** Options of {@link importUtask}. */
export interface UtaskImportOptions {
  /**
   * How many times an http step that ends SERVER_ERROR (a 5xx answer, no answer, a timeout) is
   * retried before the run gives up with resolution ERROR. uTask instead re-runs the whole
   * resolution later, up to its `resolver_max_runs` (100); Baton retries the step's activity, with
   * delays from its `retry_pattern` (seconds: 10 s doubling to 1 min; minutes: 1 min doubling to
   * 30 min; hours: 1 h doubling to 6 h). Tests set 0.
   * @default 5
   */
  maxRetries?: number;
}

/** Resolved {@link UtaskImportOptions}. */
function resolveOptions(options: UtaskImportOptions): { maxRetries: number } {
  const maxRetries = options.maxRetries ?? 5;
  if (!Number.isInteger(maxRetries) || maxRetries < 0)
    throw new ValidationError(
      `utask.maxRetries: expected an integer >= 0, got ${String(options.maxRetries)}`,
    );
  return Object.freeze({ maxRetries });
}

function graphOf(template: UtaskTemplate): FileGraphNode[] {
  return template.steps.map((s) => ({
    id: s.name,
    label: s.name,
    kind: s.foreach === undefined ? s.action.type : `${s.action.type} (foreach)`,
    dependsOn: s.dependencies.map((d) => d.step),
  }));
}

/** Literal subtask template names (those without `{{`), lower-cased as uTask names templates. */
function referencesOf(template: UtaskTemplate): string[] {
  const names = new Set<string>();
  for (const s of template.steps) {
    if (s.action.type !== 'subtask' || s.action.configuration.kind !== 'map') continue;
    const entry = s.action.configuration.entries.find(([k]) => k === 'template')?.[1];
    if (entry?.kind === 'tpl' && isPlainText(entry.tpl.source))
      names.add(entry.tpl.source.trim().toLowerCase());
  }
  return [...names];
}

/**
 * Compiles a uTask template. The workflow is registered as `${name}@1` (the name lower-cased and
 * trimmed, as uTask does; uTask templates have no version). Its run COMPLETES with
 * `{resolution: 'DONE', title, result, steps}` or FAILS with an `ApplicationFailure` of type
 * `UTaskResolution` whose `details[0]` is that object with the resolution reached
 * (BLOCKED_FATAL, BLOCKED_BADREQUEST, ERROR, BLOCKED_DEADLOCK).
 *
 * @throws WorkflowFileError with every problem and its line and column: an unsupported action
 *   type or key, a template syntax error or unknown function, an unknown dependency, a state a
 *   step cannot reach, a cycle, an invalid JSON Schema.
 * @example
 * const wf = importUtask(parseSource(text, 'hello.yaml'), { maxRetries: 0 });
 * wf.workflowType; // 'hello-world-now@1'
 */
export function importUtask(doc: SourceDoc, options: UtaskImportOptions = {}): FileWorkflow {
  const settings = resolveOptions(options);
  const { template, warnings } = readUtaskTemplate(doc);
  const workflowType = `${template.name}@1`;
  const definition = defineWorkflow(workflowType, (ctx, input: unknown) =>
    runUtaskTemplate(ctx, template, inputRecord(input), settings),
  );
  return Object.freeze({
    format: 'utask' as const,
    file: doc.file,
    name: template.name,
    version: 1,
    workflowType,
    definition,
    graph: Object.freeze({ nodes: Object.freeze(graphOf(template)) }),
    prepareInput: (input: unknown) => prepareUtaskInput(input, template.inputs, template.name),
    references: Object.freeze(referencesOf(template)),
    warnings: Object.freeze(warnings),
  });
}
