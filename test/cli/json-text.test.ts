/**
 * `jsonText`: decoded payloads as JSON for `--json` and for people, keeping what plain
 * `JSON.stringify` loses or refuses.
 */
import { describe, expect, it } from 'vitest';
import { jsonText } from '../../src/cli/output.js';
import { ApplicationFailure } from '../../src/index.js';

describe('jsonText', () => {
  it('writes bigint, Map, Set, Uint8Array and Date as JSON values', () => {
    const value = {
      level: 42n,
      caught: new Set(['Mewtwo']),
      byName: new Map([['pika', 1]]),
      byLevel: new Map([[50, 'Mewtwo']]),
      bytes: new Uint8Array([1, 2, 3]),
      at: new Date('2024-02-29T12:34:56.789Z'),
      gone: undefined,
    };
    expect(JSON.parse(jsonText(value))).toEqual({
      level: '42',
      caught: ['Mewtwo'],
      byName: { pika: 1 },
      byLevel: [[50, 'Mewtwo']],
      bytes: 'AQID',
      at: '2024-02-29T12:34:56.789Z',
    });
  });

  it('writes an error with its own fields and cause chain, without its stack', () => {
    const failure = ApplicationFailure.create({
      message: 'the ball broke',
      type: 'BallBroke',
      cause: new Error('cracked'),
    });
    expect(JSON.parse(jsonText(failure))).toEqual({
      name: 'ApplicationFailure',
      message: 'the ball broke',
      type: 'BallBroke',
      nonRetryable: false,
      details: [],
      cause: { name: 'Error', message: 'cracked' },
    });
  });

  it('writes undefined as null, and indents when asked', () => {
    expect(jsonText(undefined)).toBe('null');
    expect(jsonText({ a: [1] }, 2)).toBe('{\n  "a": [\n    1\n  ]\n}');
  });
});
