/**
 * TAB-indented files (uTask templates): only the TABs of a line's leading indentation are read as
 * two spaces, so a TAB inside a value stays in it, and a syntax error of such a file is reported
 * as read that way, at its place in the file as written, without the first read's TAB noise.
 */
import { describe, expect, it } from 'vitest';
import { loadWorkflowText, WorkflowFileError } from '../../src/index.js';
import { parseSource } from '../../src/dsl/files/source.js';
import { expandIndentTabs, originalOffset } from '../../src/dsl/files/tab-indent.js';
import type { UtaskRunResult } from '../../src/dsl/utask/import.js';
import { runWorkflowFiles } from '../support/workflow-files.js';

function loadProblems(text: string, file = 'bad.yaml'): string[] {
  try {
    loadWorkflowText(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(WorkflowFileError);
    return (error as WorkflowFileError).message.split('\n');
  }
  throw new Error(`${file} was accepted`);
}

const echo = (output: string): string =>
  ['name: t', 'steps:', '\tone:', '\t\taction:', '\t\t\ttype: echo', '\t\t\tconfiguration:', output].join(
    '\n',
  ) + '\n';

describe('TAB indentation read as spaces', () => {
  it('replaces only the TABs of a line leading indentation, and maps offsets back to the text as given', () => {
    const text = 'a:\n\t \tb: "x\ty"\n\tc:\td\n';
    const expanded = expandIndentTabs(text);
    expect(expanded.text).toBe('a:\n     b: "x\ty"\n  c:\td\n');
    expect(expanded.tabs).toEqual([3, 5, 15]);
    // 'b' is at 8 in the expanded text and at 6 as given; each space of a TAB maps to the TAB.
    expect(originalOffset(expanded, 8)).toBe(6);
    expect(originalOffset(expanded, 3)).toBe(3);
    expect(originalOffset(expanded, 4)).toBe(3);
    expect(originalOffset(expanded, 5)).toBe(4);
    expect(originalOffset(expanded, 18)).toBe(15);
    expect(originalOffset(expanded, 19)).toBe(16); // 'c'
    expect(originalOffset(expanded, 21)).toBe(18); // the TAB after 'c:' is kept, one character
  });

  it('keeps a TAB inside a quoted value or after a key, with positions as written', () => {
    const text = 'name: t\nsteps:\n\tone:\n\t\tfoo: "a\tb"\n\t\tbar:\tc\td\n';
    const doc = parseSource(text, 't.yaml', { tabsAsSpaces: true });
    expect(doc.tabsReplaced).toBe(true);
    expect(doc.value).toEqual({ name: 't', steps: { one: { foo: 'a\tb', bar: 'c\td' } } });
    expect(doc.locate(['steps', 'one', 'foo'])).toEqual({ line: 4, column: 8 });
    expect(doc.locate(['steps', 'one', 'bar'])).toEqual({ line: 5, column: 8 });
  });

  it('a TAB-indented uTask template keeps a TAB inside a quoted value (with a warning about the indentation)', async () => {
    const text = echo('\t\t\t\toutput: {foo: "a\tb"}');
    expect(loadWorkflowText(text, 'tabs.yaml').warnings.join('\n')).toMatch(/TAB indentation/);
    const run = await runWorkflowFiles([], { texts: { 'tabs.yaml': text } });
    expect(run.status).toBe('COMPLETED');
    expect((run.result as UtaskRunResult).steps.one?.output).toEqual({ foo: 'a\tb' });
  });

  it("on a block scalar's lines the leading run is indentation: its TABs are two spaces each, TABs after it are kept", () => {
    const text = 'name: t\nsteps:\n\tone:\n\t\tscript: |\n\t\t\tif x;\n\t\t\t\tthen\ty\n';
    const doc = parseSource(text, 't.yaml', { tabsAsSpaces: true });
    expect(doc.value).toEqual({ name: 't', steps: { one: { script: 'if x;\n  then\ty\n' } } });
  });

  it('a syntax error of a TAB-indented file is reported first, at its line and column as written, without TAB noise', () => {
    const unclosed = echo('\t\t\t\toutput:\n\t\t\t\t\tfoo: [1, 2\n\ttwo:\n\t\taction:\n\t\t\ttype: echo');
    // Read as written, YAML finds TABs used as indentation on every line, and keys seen twice.
    expect(() => parseSource(unclosed, 'bad.yaml')).toThrow(/Tabs are not allowed as indentation/);
    expect(loadProblems(unclosed)).toEqual([
      'bad.yaml:9:2: Flow sequence in block collection must be sufficiently indented and end with a ]',
      "bad.yaml:9:2: the file's indentation TABs were read as two spaces each, as uTask's test harness does (YAML forbids TABs as indentation)",
    ]);
    // The same file indented with two spaces per TAB: the same problem, at 'two' (column 3 there).
    expect(loadProblems(unclosed.replace(/\t/g, '  '))).toEqual([
      'bad.yaml:9:3: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
  });

  it('a TAB-indented file that reads as no uTask template is refused with the line of its first TAB', () => {
    expect(loadProblems('name: t\nsteps:\n\tone:\n\t\taction: {echo: 1}\n')).toEqual([
      'bad.yaml:3:1: TAB used as indentation; YAML forbids TAB characters in indentation: use spaces',
    ]);
  });
});
