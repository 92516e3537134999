import { expect } from 'vitest';
import { ValidationError } from '../../src/common/errors.js';
import { resolveSpec } from '../../src/client/schedule-spec.js';

/** The ValidationError `resolveSpec` throws on `spec` at `nowMs` (fails the test when it does not throw). */
export function specRefusal(spec: Parameters<typeof resolveSpec>[0], nowMs: number): ValidationError {
  try {
    resolveSpec(spec, nowMs);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return err as ValidationError;
  }
  throw new Error(`resolveSpec accepted ${JSON.stringify(spec)}`);
}
