/**
 * `${...}` templates of Baton's workflow files: whole-string values keep their type, longer
 * strings interpolate, null is a value, a missing key is an error naming the path.
 */
import { describe, expect, it } from 'vitest';
import { toCel } from '../../src/dsl/baton-format/cel.js';
import {
  celScope,
  compileTemplate,
  evaluateTemplate,
  scanTemplate,
  type TemplateSink,
} from '../../src/dsl/baton-format/expressions.js';
import { ApplicationFailure } from '../../src/index.js';
import { parseSource } from '../../src/dsl/files/source.js';

function evaluate(
  value: unknown,
  inputs: Record<string, unknown>,
  steps: Record<string, unknown> = {},
): unknown {
  const sink: TemplateSink = { doc: parseSource('x: 1', 't.yaml'), problems: [], references: [] };
  const template = compileTemplate(value, ['x'], { item: false, result: false }, sink);
  expect(sink.problems).toEqual([]);
  const scope = celScope({ inputs: toCel(inputs), steps: toCel(steps), workflow: toCel({ id: 'w' }) });
  return evaluateTemplate(template, scope, "step 'greet'");
}

describe('Baton format: expressions', () => {
  it('keeps the type of a whole-string expression', () => {
    expect(evaluate('${inputs.count}', { count: 0 })).toBe(0);
    expect(evaluate('${ inputs.user }', { user: { name: 'ada', age: 36 } })).toEqual({
      name: 'ada',
      age: 36,
    });
    expect(evaluate('${inputs.ok}', { ok: false })).toBe(false);
    expect(evaluate('${inputs.price * 2}', { price: 1.25 })).toBe(2.5);
  });

  it('does JSON-like arithmetic on JSON numbers', () => {
    expect(evaluate('${inputs.count + 1}', { count: 2 })).toBe(3);
    expect(evaluate('${inputs.count * 1.5}', { count: 2 })).toBe(3);
    expect(evaluate('${[1, "a", inputs.count]}', { count: 2 })).toEqual([1, 'a', 2]);
  });

  it('interpolates inside longer strings, and in lists and maps', () => {
    expect(evaluate('hello ${inputs.user.name}, ${inputs.n} left', { user: { name: 'ada' }, n: 3 })).toBe(
      'hello ada, 3 left',
    );
    expect(evaluate('tags=${inputs.tags}', { tags: ['a', 1] })).toBe('tags=["a",1]');
    expect(evaluate({ to: ['${inputs.a}', 'x'], n: '${inputs.a}' }, { a: 7 })).toEqual({
      to: [7, 'x'],
      n: 7,
    });
    expect(evaluate('price: $${not an expression}', {})).toBe('price: ${not an expression}');
    expect(evaluate('${ {"a": "}"}.a }', {})).toBe('}');
  });

  it('treats a present null as a value', () => {
    expect(evaluate('${inputs.user.name}', { user: { name: null } })).toBeNull();
    expect(evaluate('name: ${inputs.user.name}', { user: { name: null } })).toBe('name: null');
    expect(
      evaluate('${inputs.user.name == null ? "anonymous" : inputs.user.name}', { user: { name: null } }),
    ).toBe('anonymous');
  });

  it('fails on a missing key, naming the step, the expression and the path', () => {
    let failure: unknown;
    try {
      evaluate('${inputs.user.nmae}', { user: { name: 'ada' } });
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).nonRetryable).toBe(true);
    expect((failure as ApplicationFailure).type).toBe('ExpressionError');
    expect((failure as Error).message).toBe(
      "step 'greet': expression `inputs.user.nmae`: no such key 'nmae' (at inputs.user)",
    );
    expect(() => evaluate('${has(inputs.user.nmae)}', { user: { name: 'ada' } })).not.toThrow();
  });

  it('scans templates, refusing an unclosed ${', () => {
    expect(scanTemplate('a ${x} b')).toEqual(['a ', { expr: 'x' }, ' b']);
    expect(scanTemplate('a ${x')).toMatch(/unclosed/);
  });

  it('matches(text, pattern) runs RE2: a pattern that backtracks exponentially answers at once', () => {
    const evil = `${'a'.repeat(40)}!`;
    expect(evaluate('${matches(inputs.s, "^(a+)+$")}', { s: evil })).toBe(false);
    expect(evaluate('${matches(inputs.s, "^a+!$")}', { s: evil })).toBe(true);
  }, 10_000);

  it('the method form text.matches(pattern) (backtracking) is refused at load, naming the fix', () => {
    const sink: TemplateSink = { doc: parseSource('x: 1', 't.yaml'), problems: [], references: [] };
    compileTemplate('${inputs.s.matches("^(a+)+$")}', ['x'], { item: false, result: false }, sink);
    expect(sink.problems).toHaveLength(1);
    expect(sink.problems[0]!.message).toMatch(
      /x\.matches\(pattern\) is not available.*matches\(x, pattern\)/,
    );
  });
});
