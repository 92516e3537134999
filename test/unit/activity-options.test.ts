/**
 * Activity options' `summary`: a string of at most 200 characters, kept in the resolved options
 * (recorded on `ActivityTaskScheduled`); anything else is a ValidationError naming it. Step
 * workflows set it per call and leave out a step name too long to record.
 */
import { describe, expect, it } from 'vitest';
import { defineStepWorkflow, ValidationError } from '../../src/index.js';
import { resolveActivityOptions } from '../../src/common/activity-options.js';

const base = { startToCloseTimeout: '1s' } as const;

describe('ActivityOptions.summary', () => {
  it('is resolved as given, and left out when unset', () => {
    expect(resolveActivityOptions({ ...base, summary: 'ThrowPokeball' }).summary).toBe('ThrowPokeball');
    expect(resolveActivityOptions({ ...base, summary: 'x'.repeat(200) }).summary).toHaveLength(200);
    expect('summary' in resolveActivityOptions(base)).toBe(false);
  });

  it('refuses a non-string or one longer than 200 characters, naming summary', () => {
    for (const [summary, message] of [
      ['x'.repeat(201), 'summary: expected at most 200 characters, got 201'],
      [42, 'summary: expected a string, got number'],
    ] as const) {
      const resolve = () => resolveActivityOptions({ ...base, summary: summary as string });
      expect(resolve).toThrow(ValidationError);
      expect(resolve).toThrow(message);
    }
  });

  it('a step workflow whose step name is too long for a summary is still defined', () => {
    const long = 'S'.repeat(201);
    const wf = defineStepWorkflow({ name: 'Long', steps: [{ name: long, run: 'a', compensate: 'b' }] });
    expect(wf.graph.steps[0]!.name).toBe(long);
  });
});
