/**
 * How the CLI reports a workflow file that cannot be loaded (`baton run`, `baton validate`,
 * `baton dev --file`): each problem as `FILE:LINE:COLUMN: message`, or the file that cannot be read.
 */
import { ValidationError } from '../index.js';
import { WorkflowFileError, formatProblem } from '../dsl/files/file-error.js';

/**
 * The lines for stderr of an error met loading workflow files, or undefined for an error that is
 * not about the files (to rethrow).
 *
 * @param file - the file named when the error itself names none.
 * @example
 * fileLoadErrorLines(error, 'capture.yaml'); // ['capture.yaml:7:16: steps.attack.dependsOn: unknown step …']
 */
export function fileLoadErrorLines(error: unknown, file: string): string[] | undefined {
  if (error instanceof WorkflowFileError) return error.problems.map(formatProblem);
  // Two files defining the same NAME@VERSION.
  if (error instanceof ValidationError) return [`baton: ${error.message}`];
  const { code, path } = (error ?? {}) as { code?: unknown; path?: unknown };
  if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES')
    return [`${typeof path === 'string' ? path : file}: cannot read the file (${String(code)})`];
  return undefined;
}
