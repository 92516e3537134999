/** The data converter refuses containers nested deeper than it walks, with a DataConverterError. */
import { describe, expect, it } from 'vitest';
import { DataConverter } from '../../src/common/converter.js';
import { DataConverterError } from '../../src/common/errors.js';

describe('DataConverter: deep nesting', () => {
  const nested = (depth: number): unknown => {
    let v: unknown = 'core';
    for (let i = 0; i < depth; i++) v = i % 2 === 0 ? [v] : { inner: v };
    return v;
  };

  it('round-trips containers nested 256 levels deep', () => {
    const converter = new DataConverter();
    const value = nested(256);
    expect(converter.fromPayload(converter.toPayload(value, 'a deep value'))).toEqual(value);
  });

  it('refuses deeper nesting (5,000 levels) with a DataConverterError, not a stack overflow', () => {
    const converter = new DataConverter();
    let caught: unknown;
    try {
      converter.toPayload([nested(5_000)], 'input of workflow Deep');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DataConverterError);
    const message = (caught as Error).message;
    expect(message).toMatch(
      /^cannot convert input of workflow Deep: containers nested deeper than 256 levels at \[0\]\.inner\[0\]/,
    );
    expect(message).toMatch(/…\(\d+ more\)…/);
    expect(message.length).toBeLessThan(300);
  });
});
