/**
 * uTask templating (the Go text/template subset), conditions, load-time checks and input checks.
 */
import { describe, expect, it } from 'vitest';
import { parseSource } from '../../src/dsl/files/source.js';
import { WorkflowFileError } from '../../src/dsl/files/file-error.js';
import { assertHolds } from '../../src/dsl/utask/conditions.js';
import { importUtask, looksLikeUtask } from '../../src/dsl/utask/import.js';
import {
  compileTemplate,
  renderTemplate,
  TemplateRenderError,
  TemplateSyntaxError,
} from '../../src/dsl/utask/template.js';

const r = (src: string, data: unknown, evalVariable?: (n: string) => unknown): string =>
  renderTemplate(compileTemplate(src), data, evalVariable === undefined ? {} : { evalVariable });

describe('uTask templates', () => {
  it('renders fields, missing keys as <no value>, and Go-printed values', () => {
    const data = { input: { x: 'a', n: 404, list: ['a', 'b'], m: { b: 1, a: [1, null] } }, step: {} };
    expect(r('{{.input.x}}-{{.input.n}}', data)).toBe('a-404');
    expect(r('{{.input.missing}}|{{.step.s.output.y}}', data)).toBe('<no value>|<no value>');
    expect(r('{{.input.list}} {{.input.m}}', data)).toBe('[a b] map[a:[1 <nil>] b:1]');
    expect(r('{{.input.list | toJson}}', data)).toBe('["a","b"]');
    expect(r('{{ toJson .input.m }}', data)).toBe('{"a":[1,null],"b":1}');
    expect(r('{{ index .input "m" "b" }}', data)).toBe('1');
    expect(r('{{ (fromJson "{\\"k\\": [3]}").k }}', data)).toBe('[3]');
  });

  it('supports if / else if / else / end, eq, trim markers, default and coalesce', () => {
    const t = '{{if eq .x "a"}}A{{else if (eq .x "b")}}B{{else}}C{{end}}';
    expect(['a', 'b', 'z'].map((x) => r(t, { x }))).toEqual(['A', 'B', 'C']);
    expect(r('a  {{- " b " -}}  c', {})).toBe('a b c');
    expect(r('{{ .none | default "d" }} {{ default "d" .v }} {{ coalesce .none "" "c" }}', { v: 'v' })).toBe(
      'd v c',
    );
    expect(r('{{ eval "greeting" }}', {}, (n) => `hi ${n}`)).toBe('hi greeting');
  });

  it('refuses unsupported syntax and unknown functions with the position in the template', () => {
    expect(() => compileTemplate('a\n  {{ nope .x }}')).toThrow(TemplateSyntaxError);
    expect(() => compileTemplate('a\n  {{ nope .x }}')).toThrow(
      /function 'nope' is not supported.*line 2, column 6/,
    );
    expect(() => compileTemplate('{{ range .x }}{{ end }}')).toThrow(/'range' is not supported/);
    expect(() => compileTemplate('{{ $x := 1 }}')).toThrow(/variables/);
    expect(() => compileTemplate('{{ if .x }}')).toThrow(/missing \{\{end\}\}/);
    expect(() => compileTemplate('{{ .x ')).toThrow(/unclosed action/);
  });

  it('fails a render on a field of a string and on incompatible comparisons', () => {
    expect(() => r('{{ .x.y }}', { x: 's' })).toThrow(TemplateRenderError);
    expect(() => r('{{ eq .x 1 }}', { x: 's' })).toThrow(/incompatible types/);
  });
});

describe('uTask conditions', () => {
  const a = (operator: string, value: string, expected: string) =>
    assertHolds(
      { value: compileTemplate(value), operator, expected: compileTemplate(expected), listSeparator: ',' },
      (t) => renderTemplate(t, {}),
    );
  it('compares rendered strings with the operators', () => {
    expect(a('EQ', '404', '404')).toBe(true);
    expect(a('EQ', '{{.missing}}', '')).toBe(true);
    expect(a('NE', 'a', 'b')).toBe(true);
    expect(a('GT', '10', '9')).toBe(true);
    expect(a('LE', '10', '9')).toBe(false);
    expect(a('REGEXP', 'abc', '^a.c$')).toBe(true);
    expect(a('IN', 'x, y ,z', 'y')).toBe(true);
    expect(a('NOTIN', 'x,y', 'q')).toBe(true);
    expect(() => a('GT', 'ten', '9')).toThrow(/not an integer/);
  });
});

const load = (text: string) => importUtask(parseSource(text, 't.yaml'), { maxRetries: 0 });
const problems = (text: string): string[] => {
  try {
    load(text);
  } catch (e) {
    if (e instanceof WorkflowFileError) return e.problems.map((p) => `${p.line}:${p.column} ${p.message}`);
    throw e;
  }
  return [];
};

describe('uTask template loading', () => {
  it('names the workflow as uTask does (lower-cased, trimmed), version 1, with its graph', () => {
    const wf = load(
      'name: " MyTemplate "\ntitle_format: t\nsteps:\n  a: {action: {type: echo, configuration: {output: {x: 1}}}}\n  b: {dependencies: ["a:ANY"], action: {type: echo}}\n',
    );
    expect(wf.workflowType).toBe('mytemplate@1');
    expect(wf.graph.nodes).toEqual([
      { id: 'a', label: 'a', kind: 'echo', dependsOn: [] },
      { id: 'b', label: 'b', kind: 'echo', dependsOn: ['a'] },
    ]);
    expect(looksLikeUtask({ steps: { a: { action: { type: 'echo' } } } })).toBe(true);
    expect(looksLikeUtask({ name: 'x', tasks: [] })).toBe(false);
  });

  it('reports unsupported actions, unknown functions, dependencies and states with line and column', () => {
    const found = problems(
      [
        'name: bad',
        'steps:',
        '  a:',
        '    action: {type: script, configuration: {}}',
        '  b:',
        '    action: {type: echo, configuration: {output: "{{ now }}"}}',
        '  c:',
        '    dependencies: [nope]',
        '    action: {type: echo}',
      ].join('\n'),
    );
    expect(found).toEqual([
      expect.stringMatching(/^4:\d+ step 'a': action type 'script' is not supported/),
      expect.stringMatching(/^6:\d+ step 'b': function 'now' is not supported/),
    ]);
    expect(
      problems(
        'name: x\nsteps:\n  a: {action: {type: echo}}\n  b: {dependencies: ["a:WEIRD"], action: {type: echo}}\n',
      ),
    ).toEqual([expect.stringMatching(/^4:\d+ step 'b': step 'a' never reaches state 'WEIRD'/)]);
    expect(
      problems(
        'name: x\nsteps:\n  a: {dependencies: [b], action: {type: echo}}\n  b: {dependencies: [a], action: {type: echo}}\n',
      ),
    ).toEqual([expect.stringMatching(/circular dependency/)]);
  });

  it('checks inputs: legal values, collections, defaults, required', () => {
    const wf = load(
      'name: x\ninputs:\n  - {name: lang, legal_values: [en, es], optional: true, default: en}\n  - {name: list, collection: true}\nsteps:\n  a: {action: {type: echo}}\n',
    );
    expect(wf.prepareInput({ list: [] })).toEqual({ lang: 'en', list: [] });
    expect(() => wf.prepareInput({ lang: 'fr', list: [] })).toThrow(
      /input 'lang' got "fr"; legal values are "en", "es"/,
    );
    expect(() => wf.prepareInput({ list: 'a' })).toThrow(/input 'list' is a collection/);
    expect(() => wf.prepareInput({})).toThrow(/input 'list' is required/);
  });
});
