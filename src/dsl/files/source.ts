/**
 * A workflow file's text parsed into a plain value, keeping where each value came from, so that a
 * validator can report `file:line:column` for any path (`['steps', 'attack', 'dependsOn', 0]`).
 * YAML 1.2 (the `yaml` package) reads both YAML and JSON files; duplicate keys are errors.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { WorkflowFileError, type FilePosition, type FileProblem } from './file-error.js';
import { expandIndentTabs, originalOffset } from './tab-indent.js';

/** A path into a parsed value: map keys and sequence indexes. */
export type ValuePath = readonly (string | number)[];

/** A parsed workflow file. */
export interface SourceDoc {
  /** The file as given (used in every problem). */
  readonly file: string;
  /** `'json'` when the file name ends in `.json`, else `'yaml'`. */
  readonly syntax: 'yaml' | 'json';
  /** The parsed value (plain objects, arrays, strings, numbers, booleans, null). */
  readonly value: unknown;
  /**
   * Where `path` is in the file: the value's position, or with `{ key: true }` the position of
   * its key (for "unknown key" problems). A path that does not exist gives the position of its
   * deepest existing ancestor (line 1, column 1 at worst).
   */
  locate(path: ValuePath, options?: { key?: boolean }): FilePosition;
  /** A problem at `path`, ready for {@link WorkflowFileError}. */
  problem(path: ValuePath, message: string, options?: { key?: boolean }): FileProblem;
  /** True when the text had TAB indentation that was turned into spaces (see `tabsAsSpaces`). */
  readonly tabsReplaced: boolean;
}

/** Options of {@link parseSource}. */
export interface ParseSourceOptions {
  /**
   * Read each TAB of a line's leading indentation as two spaces (what uTask's own test harness
   * does with its TAB-indented templates; YAML forbids TABs as indentation). Other TABs, such as
   * one inside a quoted value, are kept; on a block scalar's lines the whole leading run is
   * indentation too (the rule is in `tab-indent.ts`). Lines and columns still refer to the text as
   * given: a TAB counts as one column (a character, as editors count).
   * @default false
   */
  tabsAsSpaces?: boolean;
}

/**
 * Parses a workflow file's text.
 *
 * @param text - the file's content.
 * @param file - its name, as shown in problems; a name ending in `.json` marks JSON.
 * @throws WorkflowFileError with the line and column of each syntax error (bad YAML or JSON,
 *   duplicate keys, tabs used as indentation, an empty file).
 * @example
 * const doc = parseSource('name: capture\nsteps: {}\n', 'capture.yaml');
 * doc.locate(['steps']); // { line: 2, column: 8 }
 */
export function parseSource(text: string, file: string, options: ParseSourceOptions = {}): SourceDoc {
  const expanded = options.tabsAsSpaces === true ? expandIndentTabs(text) : undefined;
  const replace = expanded !== undefined && expanded.tabs.length > 0;
  const source = replace ? expanded.text : text;
  // Positions are in the text as given: with TABs replaced, an offset in `source` is mapped back.
  const original = replace
    ? (offset: number) => positionAt(text, originalOffset(expanded, offset))
    : undefined;
  if (file.toLowerCase().endsWith('.json'))
    checkJson(source, file, original ?? ((offset) => positionAt(source, offset)));
  const lineCounter = new LineCounter();
  const document = parseDocument(source, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const position =
    original ??
    ((offset: number): FilePosition => {
      const { line, col } = lineCounter.linePos(offset);
      return { line, column: col };
    });
  if (document.errors.length > 0)
    throw new WorkflowFileError(
      document.errors.map((e) => ({
        file,
        ...position(e.pos[0]),
        message: syntaxMessage(e.code, e.message),
      })),
    );
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // `yaml` refuses an alias that expands too much (a "billion laughs" file) with a ReferenceError.
    if (!(error instanceof ReferenceError)) throw error;
    throw new WorkflowFileError([
      { file, line: 1, column: 1, message: `${error.message}; expected a file without nested aliases` },
    ]);
  }
  if (value === null || value === undefined)
    throw new WorkflowFileError([
      { file, line: 1, column: 1, message: 'the file is empty; expected a workflow' },
    ]);
  const locate = (path: ValuePath, opts: { key?: boolean } = {}): FilePosition =>
    position(offsetOf(document, path, opts.key === true));
  return Object.freeze({
    file,
    syntax: file.toLowerCase().endsWith('.json') ? 'json' : 'yaml',
    value,
    locate,
    problem: (path: ValuePath, message: string, opts?: { key?: boolean }) => ({
      file,
      ...locate(path, opts),
      message,
    }),
    tabsReplaced: replace,
  });
}

/**
 * A `.json` file must be JSON (the YAML parser that gives positions also takes trailing commas,
 * single quotes and comments): `JSON.parse`'s complaint, at its line and column.
 */
function checkJson(text: string, file: string, position: (offset: number) => FilePosition): void {
  try {
    JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const at = /position (\d+)/.exec(message);
    const offset = at === null ? text.length : Number(at[1]);
    throw new WorkflowFileError([
      {
        file,
        ...position(offset),
        message: `not valid JSON: ${message.replace(/ in JSON at position \d+.*$/, '')}`,
      },
    ]);
  }
}

/** The 1-based line and column of `offset` in `text` (a TAB is one column, as any character). */
function positionAt(text: string, offset: number): FilePosition {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before[before.length - 1]?.length ?? 0) + 1 };
}

/** The first line of a `yaml` error message, with tabs explained. */
function syntaxMessage(code: string, message: string): string {
  const first = message.split('\n')[0] ?? message;
  if (code === 'TAB_AS_INDENT') return `${first} (YAML forbids TAB characters in indentation; use spaces)`;
  return first;
}

/** Offset of the node at `path` (or of its key), or of its deepest existing ancestor. */
function offsetOf(document: Document, path: ValuePath, key: boolean): number {
  let node: Node | null | undefined = document.contents;
  let offset = node?.range?.[0] ?? 0;
  for (const [i, segment] of path.entries()) {
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyText(p.key) === String(segment));
      if (pair === undefined) return offset;
      const keyNode = pair.key as Node | null;
      if (last && key && keyNode?.range) return keyNode.range[0];
      node = pair.value as Node | null;
      offset = node?.range?.[0] ?? keyNode?.range?.[0] ?? offset;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | null | undefined;
      if (item === undefined || item === null) return offset;
      node = item;
      offset = item.range?.[0] ?? offset;
    } else return offset;
  }
  return offset;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' ? key : undefined;
}
