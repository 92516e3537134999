/**
 * Parsing workflow files: a `.json` file must be JSON (the YAML parser behind the positions takes
 * more), positions in a file read with TABs as spaces are those of the text as given, and a file
 * whose aliases expand without bound is refused as a problem, not a crash.
 */
import { describe, expect, it } from 'vitest';
import { WorkflowFileError } from '../../src/index.js';
import { parseSource } from '../../src/dsl/files/source.js';

function problem(text: string, file: string): string {
  try {
    parseSource(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(WorkflowFileError);
    return (error as WorkflowFileError).message;
  }
  throw new Error(`${file} was accepted`);
}

describe('workflow file sources', () => {
  it('a .json file with a trailing comma, single quotes or a comment is not JSON: refused with its line and column', () => {
    expect(problem('{"name":"B2","steps":{"a":{"action":{"echo":1}},}}', 'b.json')).toMatch(
      /^b\.json:1:49: not valid JSON: /,
    );
    expect(problem("{ 'name': 'J2' }", 'j.json')).toMatch(/^j\.json:1:3: not valid JSON: /);
    expect(problem('{\n  "a": 1,\n  // note\n  "b": 2\n}', 'c.json')).toMatch(
      /^c\.json:3:3: not valid JSON: /,
    );
    // The same text in a .yaml file is YAML, and fine.
    expect(parseSource("{ 'name': 'J2' }", 'j.yaml').value).toEqual({ name: 'J2' });
  });

  it('with TABs read as two spaces, lines and columns are still those of the text as given (a TAB is one column)', () => {
    const text = 'name: t\nsteps:\n\tone:\n\t\taction:\ttype\n\ttwo: { a: \t[1, 2] }\n';
    const doc = parseSource(text, 't.yaml', { tabsAsSpaces: true });
    expect(doc.tabsReplaced).toBe(true);
    expect(doc.value).toEqual({ name: 't', steps: { one: { action: 'type' }, two: { a: [1, 2] } } });
    expect(doc.locate(['steps', 'one'], { key: true })).toEqual({ line: 3, column: 2 });
    expect(doc.locate(['steps', 'one', 'action'], { key: true })).toEqual({ line: 4, column: 3 });
    expect(doc.locate(['steps', 'one', 'action'])).toEqual({ line: 4, column: 11 });
    expect(doc.locate(['steps', 'two', 'a', 1])).toEqual({ line: 5, column: 17 });
    expect(doc.problem(['steps', 'two'], 'x')).toEqual({ file: 't.yaml', line: 5, column: 7, message: 'x' });
    // The same offsets without TABs, for comparison.
    const spaced = parseSource(text.replace(/\t/g, '  '), 't.yaml');
    expect(spaced.locate(['steps', 'one', 'action'])).toEqual({ line: 4, column: 14 });
    // A syntax error after the replacement is at its place in the text as given.
    expect(() => parseSource('a:\n\tb: [1, 2]]\n', 'e.yaml', { tabsAsSpaces: true })).toThrow(
      /^e\.yaml:2:11: Unexpected flow-seq-end/,
    );
    expect(() => parseSource('{\n\t\t"a": 1,,\n}', 'e.json', { tabsAsSpaces: true })).toThrow(
      /^e\.json:2:10: not valid JSON/,
    );
  });

  it('aliases that expand without bound ("billion laughs") are a problem of the file', () => {
    let text = 'a: &a [x, x, x, x, x, x, x, x, x]\n';
    let previous = 'a';
    for (const name of ['b', 'c', 'd', 'e', 'f', 'g']) {
      text += `${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]\n`;
      previous = name;
    }
    text += 'steps: *g\n';
    expect(problem(text, 'bomb.yaml')).toMatch(
      /^bomb\.yaml:1:1: .*alias.*; expected a file without nested aliases$/,
    );
  });
});
