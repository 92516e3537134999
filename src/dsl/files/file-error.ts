/**
 * Errors of workflow files: each problem names the file, the line and the column (1-based) of
 * the part that is wrong, and what was expected.
 */
import { ValidationError } from '../../common/errors.js';

/** Where a problem is in a file: 1-based line and column. */
export interface FilePosition {
  readonly line: number;
  readonly column: number;
}

/** One problem of a workflow file. */
export interface FileProblem extends FilePosition {
  /** The file as given (path or a label such as `<stdin>`). */
  readonly file: string;
  /** What was wrong and what was expected, e.g. `steps.attack.dependsOn: unknown step 'paralize'`. */
  readonly message: string;
}

/** `file:line:column: message`, the shape editors and terminals link. */
export function formatProblem(p: FileProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.message}`;
}

/**
 * A workflow file that cannot be loaded: malformed YAML or JSON, an unknown key, a wrong type, a
 * cycle, a reference to an unknown step or input, an unsupported Conductor task or uTask action.
 * `problems` lists every problem found (at least one), in file order; the message is them, one per
 * line, as `file:line:column: message`.
 *
 * @example
 * try { await loadWorkflowFile('capture.yaml'); }
 * catch (e) { if (e instanceof WorkflowFileError) for (const p of e.problems) console.error(formatProblem(p)); }
 */
export class WorkflowFileError extends ValidationError {
  readonly problems: readonly FileProblem[];

  constructor(problems: readonly FileProblem[]) {
    if (problems.length === 0) throw new TypeError('WorkflowFileError: expected at least one problem');
    const sorted = [...problems].sort((a, b) => a.line - b.line || a.column - b.column);
    super(sorted.map(formatProblem).join('\n'));
    this.problems = Object.freeze(sorted);
  }
}
