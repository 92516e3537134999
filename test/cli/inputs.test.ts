/**
 * `--input JSON` values: decoded in order; a text JSON.parse refuses is a usage error naming the
 * `--input` and the position of the syntax error, which the grammar walk finds where Node's message
 * does not say it.
 */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/commands/exit-codes.js';
import { parseInputs } from '../../src/cli/commands/inputs.js';
import { jsonSyntaxError } from '../../src/cli/commands/json-syntax.js';

describe('jsonSyntaxError', () => {
  it.each([
    ['{"a":}', 5, "'}'"],
    ['{a:1}', 1, "'a'"],
    ['', 0, 'end of input'],
    ['[1,', 3, 'end of input'],
    ['[1,]', 3, "']'"],
    ['nope', 1, "'o'"],
    ['tru', 3, 'end of input'],
    ['1 2', 2, "'2'"],
    ['"abc', 4, 'end of input'],
    ['"a\\x"', 3, "'x'"],
    ['"\\u12g4"', 5, "'g'"],
    ['01', 1, "'1'"],
    ['-', 1, 'end of input'],
    ['1.', 2, 'end of input'],
    ['1e+', 3, 'end of input'],
    ['{"a" 1}', 5, "'1'"],
    ['{"a":1 "b":2}', 7, "'\"'"],
    ['"tab\there"', 4, "'\\t'"],
    ["{'a':1}", 1, `"'"`],
  ])('finds the error of %j at %i', (text, position, found) => {
    expect(() => {
      JSON.parse(text);
    }).toThrow();
    expect(jsonSyntaxError(text)).toEqual({ position, found });
  });

  it('agrees with JSON.parse where Node names the position', () => {
    for (const text of ['{a:1}', '1 2', '"abc', '[1,2', '{"k": tru}', '[1 2]', '{"a":1,}']) {
      let message = '';
      try {
        JSON.parse(text);
      } catch (error) {
        message = (error as Error).message;
      }
      const stated = /at position (\d+)/.exec(message);
      if (stated !== null)
        expect(jsonSyntaxError(text)?.position, `${text}: ${message}`).toBe(Number(stated[1]));
    }
  });

  it('finds nothing in valid JSON', () => {
    for (const text of ['0', '-1.5e+3', ' "a\\u00e9\\n" ', '{"a":[1,{"b":null}],"c":true}', '[]', '{}']) {
      expect(jsonSyntaxError(text)).toBeUndefined();
    }
  });
});

describe('parseInputs', () => {
  it('decodes each --input as one argument, in order', () => {
    expect(parseInputs(['"ultra"', '{"level":70}', '[1,2]', '3', 'null'])).toEqual([
      'ultra',
      { level: 70 },
      [1, 2],
      3,
      null,
    ]);
    expect(parseInputs([])).toEqual([]);
  });

  it('names the --input and the position', () => {
    expect(() => parseInputs(['1', '{"a":}'])).toThrow(UsageError);
    expect(() => parseInputs(['1', '{"a":}'])).toThrow(
      `--input #2 ('{"a":}') is not valid JSON: unexpected '}' at position 5`,
    );
  });

  it('hints at quotes for a bare word', () => {
    expect(() => parseInputs(['ultra'])).toThrow(
      `--input #1 ('ultra') is not valid JSON: unexpected 'u' at position 0; a string needs JSON quotes, e.g. --input '"ultra"'`,
    );
  });

  it('cuts a long input in the message', () => {
    const long = `{"team": [${'"pikachu",'.repeat(10)}]}`;
    expect(() => parseInputs([long])).toThrow(
      /--input #1 \('\{"team": \[.{29}…'\) is not valid JSON: unexpected '\]' at position \d+$/,
    );
  });
});
