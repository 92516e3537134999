/**
 * Baton's workflow-file format at load: every problem reported with its file, line and column;
 * the graph, the input check, and the committed JSON Schema.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileBatonFile } from '../../src/dsl/baton-format/compile.js';
import { batonJsonSchemaText, JSON_SCHEMA_PATH } from '../../src/dsl/baton-format/schema.js';
import { WorkflowFileError, type FileProblem } from '../../src/dsl/files/file-error.js';
import { parseSource } from '../../src/dsl/files/source.js';
import { ValidationError } from '../../src/index.js';

function compile(text: string, file = 'wf.yaml') {
  return compileBatonFile(parseSource(text, file));
}

/** The problems of loading `text` (parse or compile). */
function problems(text: string, file = 'wf.yaml'): FileProblem[] {
  try {
    compile(text, file);
  } catch (error) {
    if (error instanceof WorkflowFileError) return [...error.problems];
    throw error;
  }
  throw new Error('expected the file to be refused');
}

describe('Baton format: load-time problems with line and column', () => {
  it('reports bad YAML at its line and column', () => {
    const [p] = problems('name: x\nsteps:\n  a:\n    action: { echo: 1\n');
    expect(p).toMatchObject({ file: 'wf.yaml', line: 5, column: 1 });
  });

  it('names a dependency cycle at the dependsOn entry', () => {
    const text = [
      'name: cyc',
      'steps:',
      '  a:',
      '    action: { echo: 1 }',
      '  b:',
      '    dependsOn: [c]',
      '    action: { echo: 2 }',
      '  c:',
      '    dependsOn: [b]',
      '    action: { echo: 3 }',
    ].join('\n');
    const all = problems(text);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ line: 6, column: 17 });
    expect(all[0]!.message).toContain("dependency cycle 'b' → 'c' → 'b'");
  });

  it('reports an unknown step in dependsOn, and every other problem with it', () => {
    const text = [
      'name: x',
      'steps:',
      '  a:',
      '    action: { echo: 1 }',
      '  b:',
      '    dependsOn: [a, paralize, a:DONE]',
      '    action: { echo: 2 }',
    ].join('\n');
    const all = problems(text);
    expect(all.map((p) => [p.line, p.column])).toEqual([
      [6, 20],
      [6, 30],
    ]);
    expect(all[0]!.message).toBe("step 'b': dependsOn: unknown step 'paralize'; expected one of 'a'");
    expect(all[1]!.message).toContain("unknown state 'DONE'");
  });

  it('reports an unknown key with the expected ones, at the key', () => {
    const text = 'name: x\nsteps:\n  a:\n    action: { echo: 1 }\n    compensation: { echo: 2 }\n';
    const [p, ...rest] = problems(text);
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ line: 5, column: 5 });
    expect(p!.message).toMatch(
      /^steps\.a: unknown key 'compensation'; expected one of: action, dependsOn, .*compensate/,
    );
  });

  it('reports an unknown key inside an action with the keys of its kind', () => {
    const [p] = problems('name: x\nsteps:\n  a:\n    action: { activity: paralyze, arg: [] }\n');
    expect(p!.message).toBe("steps.a.action: unknown key 'arg'; expected one of: activity, args");
    expect(p).toMatchObject({ line: 4, column: 35 });
  });

  it('reports a reference to an unknown input at the string holding it', () => {
    const text = [
      'name: x',
      'inputs:',
      '  user: { type: object }',
      'steps:',
      '  greet:',
      '    action: { echo: "hello ${inputs.usr.name}" }',
    ].join('\n');
    const [p, ...rest] = problems(text);
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ line: 6, column: 21 });
    expect(p!.message).toBe("inputs.usr: unknown input 'usr'; declared inputs: user");
  });

  it('reports CEL syntax errors, variables out of scope and unordered step reads', () => {
    const text = [
      'name: x',
      'steps:',
      '  a:',
      '    action: { echo: "${1 +}" }',
      '  b:',
      '    if: "${item == 1}"',
      '    action: { echo: "${steps.c.output}" }',
      '  c:',
      '    action: { sleep: 5 fortnights }',
    ].join('\n');
    const messages = problems(text).map((p) => `${p.line}:${p.column} ${p.message}`);
    expect(messages).toEqual([
      expect.stringMatching(/^4:21 steps\.a\.action\.echo: expression `1 \+`: /),
      expect.stringMatching(
        /^6:9 steps\.b\.if: expression `item == 1`: unknown variable 'item' \(only in a step with foreach\)/,
      ),
      "7:21 step 'b' reads steps.c but does not come after it; add 'c' to its dependsOn (directly or through another step)",
      expect.stringMatching(/^9:22 steps\.c\.action\.sleep: expected a duration/),
    ]);
  });

  it('reports an action with no kind or two kinds, and wrong types', () => {
    const text = [
      'name: x',
      'version: 0',
      'steps:',
      '  a:',
      '    action: {}',
      '  b:',
      '    action: { echo: 1, sleep: 1s }',
      '  c:',
      '    action: { echo: 1 }',
      '    retry: { maximumAttempts: many }',
    ].join('\n');
    const messages = problems(text).map((p) => `${p.line}: ${p.message}`);
    expect(messages[0]).toMatch(/^2: version: /);
    expect(messages[1]).toBe(
      '5: steps.a.action: an action needs exactly one of http, echo, activity, workflow, sleep, waitForSignal, publish; got an empty map',
    );
    expect(messages[2]).toBe(
      "7: steps.b.action: an action has exactly one kind; got 'echo' and 'sleep' (use two steps)",
    );
    expect(messages[3]).toBe('10: steps.c.retry.maximumAttempts: expected a number, got "many"');
  });

  it('refuses an input default of the wrong type and two steps of one name', () => {
    const text = [
      'name: x',
      'inputs:',
      '  count: { type: integer, default: "3" }',
      'steps:',
      '  - name: a',
      '    action: { echo: 1 }',
      '  - name: a',
      '    action: { echo: 2 }',
    ].join('\n');
    expect(problems(text).map((p) => `${p.line}:${p.column} ${p.message}`)).toEqual([
      '3:36 inputs.count.default: expected an integer, got "3"',
      "7:11 step 'a' is declared twice (steps[0] and steps[1])",
    ]);
  });
});

describe('Baton format: what a loaded file is', () => {
  it('compiles the capture: type, graph, references', () => {
    const file = compile(readFileSync('examples/files/capture.yaml', 'utf8'), 'examples/files/capture.yaml');
    expect(file.workflowType).toBe('CapturePokemon@1');
    expect(file.definition.name).toBe('CapturePokemon@1');
    expect(file.graph.nodes.map((n) => [n.id, n.kind, n.dependsOn])).toEqual([
      ['paralyze', 'activity', []],
      ['attack', 'activity', ['paralyze']],
      ['throwPokeball', 'activity', ['attack']],
    ]);
  });

  it('runs the steps of a file without dependsOn in sequence, and a list of steps keeps its order', () => {
    const file = compile(
      'name: seq\nversion: 3\nsteps:\n  - name: one\n    action: { echo: 1 }\n  - name: two\n    action: { workflow: other }\n',
    );
    expect(file.workflowType).toBe('seq@3');
    expect(file.graph.nodes.map((n) => n.dependsOn)).toEqual([[], ['one']]);
    expect(file.references).toEqual(['other']);
  });

  it('prepares the input: defaults, required, types, undeclared keys', () => {
    const file = compile(
      [
        'name: in',
        'inputs:',
        '  user: { type: object, required: true }',
        '  count: { type: integer, default: 2 }',
        '  tags: { type: array }',
        'steps:',
        '  a:',
        '    action: { echo: "${inputs.count}" }',
      ].join('\n'),
    );
    expect(file.prepareInput({ user: { name: 'ada' } })).toEqual({ user: { name: 'ada' }, count: 2 });
    expect(() => file.prepareInput({})).toThrow(ValidationError);
    expect(() => file.prepareInput({})).toThrow("workflow 'in@1': input 'user' is required (object)");
    expect(() => file.prepareInput({ user: {}, count: 1.5 })).toThrow(
      "input 'count': expected an integer, got 1.5",
    );
    expect(() => file.prepareInput({ user: {}, tag: [] })).toThrow("input 'tag' is not declared");
  });

  it('keeps the committed JSON Schema equal to the one generated from the zod schema', () => {
    // Compared as JSON: the committed file is formatted by prettier.
    expect(JSON.parse(readFileSync(JSON_SCHEMA_PATH, 'utf8'))).toEqual(JSON.parse(batonJsonSchemaText()));
  });
});
