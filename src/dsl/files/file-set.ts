/**
 * A set of loaded workflow files, as a worker registers them: their workflow definitions, the
 * built-in activities they call, and the lookup of a workflow by name (its latest version) or by
 * `name@version` that child workflows, Conductor sub-workflows and failure workflows use.
 */
import { ValidationError } from '../../common/errors.js';
import type { Client } from '../../client/client.js';
import type { ActivityFunction, WorkflowDefinition } from '../../runtime/definitions.js';
import { asStepGraph } from './as-step-graph.js';
import { createBuiltinActivities } from './builtins/activities.js';
import { loadWorkflowFile, type LoadWorkflowOptions } from './load.js';
import type { FileWorkflow } from './types.js';

/** Options of {@link FileWorkflowSet.activities}. */
export interface FileActivitiesOptions {
  /** The client child workflows are started with (`baton.client`). */
  client: Client;
  /**
   * Rewrites the URL of every HTTP step just before the request (tests point public hosts at a
   * local server). @default none
   */
  rewriteUrl?: (url: string) => string;
}

/**
 * Workflow files, registered together.
 *
 * @example
 * const files = await FileWorkflowSet.load(['examples/files/capture.yaml']);
 * const worker = baton.worker({
 *   taskQueue: 'files',
 *   workflows: files.workflows,
 *   activities: { ...files.activities({ client: baton.client }), ...captureActivities(...) },
 * });
 */
export class FileWorkflowSet {
  private readonly byType = new Map<string, FileWorkflow>();
  private readonly latest = new Map<string, FileWorkflow>();

  /**
   * @throws ValidationError when two files are registered under the same `name@version`.
   */
  constructor(readonly files: readonly FileWorkflow[]) {
    for (const file of files) {
      const other = this.byType.get(file.workflowType);
      if (other !== undefined)
        throw new ValidationError(
          `workflow '${file.workflowType}' is defined twice: by ${other.file} and by ${file.file}; bump the version of one`,
        );
      this.byType.set(file.workflowType, file);
      const newest = this.latest.get(file.name);
      if (newest === undefined || newest.version < file.version) this.latest.set(file.name, file);
    }
  }

  /**
   * Loads files (each as {@link loadWorkflowFile}) into one set.
   * @throws WorkflowFileError for the first file that cannot be loaded; ValidationError as the constructor.
   */
  static async load(paths: readonly string[], options: LoadWorkflowOptions = {}): Promise<FileWorkflowSet> {
    const files: FileWorkflow[] = [];
    for (const path of paths) files.push(await loadWorkflowFile(path, options));
    return new FileWorkflowSet(files);
  }

  /**
   * The workflow definitions, one per file (registered as `name@version`), each carrying its
   * graph as a step workflow's `graph` (the HTTP API and the UI draw it) and the file's
   * `prepareInput` (the HTTP API checks and completes a start's input with it before writing).
   */
  get workflows(): WorkflowDefinition[] {
    return this.files.map(
      (f) =>
        Object.freeze({
          ...f.definition,
          graph: asStepGraph(f),
          prepareInput: (input: unknown) => f.prepareInput(input),
        }) as unknown as WorkflowDefinition,
    );
  }

  /**
   * The file registered as `name@version`, or the latest version of `name`.
   * @throws ValidationError naming the workflow and listing the registered ones.
   */
  resolve(name: string): FileWorkflow {
    const found = this.byType.get(name) ?? this.latest.get(name);
    if (found !== undefined) return found;
    const known = [...this.byType.keys()].map((t) => `'${t}'`).join(', ');
    throw new ValidationError(
      `no workflow file named '${name}' is registered; expected a name or name@version among ${known || 'none'}`,
    );
  }

  /** Names that files refer to (children, sub-workflows, failure workflows) but the set lacks. */
  missingReferences(): { file: string; reference: string }[] {
    const missing: { file: string; reference: string }[] = [];
    for (const file of this.files)
      for (const reference of file.references)
        if (!this.byType.has(reference) && !this.latest.has(reference))
          missing.push({ file: file.file, reference });
    return missing;
  }

  /**
   * The built-in activities the files call (`baton.http`, `baton.echo`, `baton.script`, `baton.jq`,
   * `baton.workflow`), bound to this set (children are looked up here) and to `options.client`.
   */
  activities(options: FileActivitiesOptions): Record<string, ActivityFunction> {
    return createBuiltinActivities({
      client: options.client,
      resolve: (name) => this.resolve(name),
      ...(options.rewriteUrl === undefined ? {} : { rewriteUrl: options.rewriteUrl }),
    });
  }
}
