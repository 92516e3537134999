/**
 * Parsing workflow files: a `.json` file must be JSON (the YAML parser behind the positions takes
 * more), and a file whose aliases expand without bound is refused as a problem, not a crash.
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
