/**
 * Loading a workflow file: read, parse (YAML or JSON, with positions), tell its format apart
 * (a Conductor workflow definition, a uTask template, or Baton's own format), and compile it into
 * a {@link FileWorkflow}.
 */
import { readFile } from 'node:fs/promises';
import { compileBatonFile } from '../baton-format/compile.js';
import { importConductor, looksLikeConductor } from '../conductor/import.js';
import { importUtask, looksLikeUtask, type UtaskImportOptions } from '../utask/import.js';
import { guardDefinition } from './definition-guard.js';
import { WorkflowFileError } from './file-error.js';
import { parseSource, type SourceDoc } from './source.js';
import type { FileFormat, FileWorkflow } from './types.js';

/** Options of {@link loadWorkflowFile} and {@link loadWorkflowText}. */
export interface LoadWorkflowOptions {
  /**
   * The file's format. By default it is told from the content: a `tasks` list makes a Conductor
   * workflow definition; steps whose `action` has a `type` (or uTask's `title_format`,
   * `result_format`, `variables`) make a uTask template; anything else is Baton's format.
   */
  format?: FileFormat;
  /** Options of uTask templates (see `UtaskImportOptions`). */
  utask?: UtaskImportOptions;
}

/**
 * Reads and compiles a workflow file.
 *
 * @param path - a `.yaml`, `.yml` or `.json` file.
 * @throws WorkflowFileError listing every problem with its file, line and column (bad YAML or JSON,
 *   an unknown key, a wrong type, a dependency cycle, an unknown step or input, an unsupported
 *   Conductor task or uTask action); a Node.js error when the file cannot be read.
 * @example
 * const capture = await loadWorkflowFile('examples/files/capture.yaml');
 * console.log(capture.workflowType); // 'CapturePokemon@1'
 */
export async function loadWorkflowFile(
  path: string,
  options: LoadWorkflowOptions = {},
): Promise<FileWorkflow> {
  return loadWorkflowText(await readFile(path, 'utf8'), path, options);
}

/**
 * Compiles a workflow file's text; `file` names it in problems (a name ending in `.json` is JSON).
 *
 * A uTask template indented with TAB characters (YAML forbids them) is read again with each TAB of
 * its indentation turned into two spaces, as uTask's own test harness does (other TABs, say in a
 * quoted value, are kept), and the result carries a warning; when that read fails too, its problems
 * are reported; any other file with TAB indentation is refused with the line of the first TAB.
 *
 * @throws WorkflowFileError as {@link loadWorkflowFile}.
 */
export function loadWorkflowText(
  text: string,
  file: string,
  options: LoadWorkflowOptions = {},
): FileWorkflow {
  const doc = parseWithTabFallback(text, file, options.format);
  const format = options.format ?? detectFormat(doc.value);
  if (doc.tabsReplaced && format !== 'utask') throw tabError(text, file);
  return guardDefinition(compileAs(format, doc, options), doc.value);
}

function compileAs(format: FileFormat, doc: SourceDoc, options: LoadWorkflowOptions): FileWorkflow {
  const file = doc.file;
  switch (format) {
    case 'conductor':
      return importConductor(doc);
    case 'utask':
      return importUtask(doc, options.utask);
    case 'baton':
      return compileBatonFile(doc);
    default:
      throw new WorkflowFileError([
        {
          file,
          line: 1,
          column: 1,
          message: `unknown format '${String(format)}'; expected baton, conductor or utask`,
        },
      ]);
  }
}

/** The format of a parsed file (see {@link LoadWorkflowOptions.format}). */
export function detectFormat(value: unknown): FileFormat {
  if (looksLikeConductor(value)) return 'conductor';
  if (looksLikeUtask(value)) return 'utask';
  return 'baton';
}

/**
 * Parses the text; a file refused for TAB indentation that may be a uTask template is read again
 * with its indentation TABs as two spaces. When that fails too, its problems are the ones shown
 * (the first read's are mostly TAB noise and what the TABs garbled), with a line saying how the
 * file was read; when it parses but is no uTask template, the file is refused for its TABs.
 */
function parseWithTabFallback(text: string, file: string, format: FileFormat | undefined): SourceDoc {
  try {
    return parseSource(text, file);
  } catch (error) {
    // TAB indentation also breaks the structure (say, keys seen twice): one TAB problem is enough.
    const tabIndented =
      error instanceof WorkflowFileError &&
      error.problems.some((p) => p.message.includes('TAB')) &&
      /^[ ]*\t/m.test(text) &&
      (format === undefined || format === 'utask');
    if (!tabIndented) throw error;
    let doc: SourceDoc;
    try {
      doc = parseSource(text, file, { tabsAsSpaces: true });
    } catch (again) {
      if (again instanceof WorkflowFileError) throw withTabNote(again);
      throw again;
    }
    if (format === undefined && !looksLikeUtask(doc.value)) throw tabError(text, file);
    return doc;
  }
}

/**
 * The problems of the text read with TABs as spaces, then one line saying so (at the last
 * problem's place, so that it comes last).
 */
function withTabNote(error: WorkflowFileError): WorkflowFileError {
  const last = error.problems[error.problems.length - 1];
  if (last === undefined) return error;
  return new WorkflowFileError([
    ...error.problems,
    {
      ...last,
      message:
        "the file's indentation TABs were read as two spaces each, as uTask's test harness does (YAML forbids TABs as indentation)",
    },
  ]);
}

function tabError(text: string, file: string): WorkflowFileError {
  const lines = text.split('\n');
  const line = lines.findIndex((l) => /^[ ]*\t/.test(l));
  return new WorkflowFileError([
    {
      file,
      line: line + 1,
      column: (lines[line] ?? '').indexOf('\t') + 1,
      message: 'TAB used as indentation; YAML forbids TAB characters in indentation: use spaces',
    },
  ]);
}
