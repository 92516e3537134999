/**
 * What every workflow file's workflow does before its steps, whatever the format: it records
 * which definition it runs, and checks its input.
 *
 * - **The definition.** Its first command is a marker named `baton.definition:<fingerprint>`, the
 *   fingerprint being a hash of the file's parsed content (comments and layout do not count). An
 *   execution resumed by a worker whose file changed under the same `name@version` (a step
 *   inserted, say) would replay the history against other steps and mix their results up; the
 *   marker's name differs instead, so the replay stops at once with a `NonDeterminismError`
 *   naming both fingerprints, and the execution waits for a worker with the file it started with.
 * - **The input.** `prepareInput` runs again inside the workflow, so an execution started without
 *   it (through the HTTP API, the UI, another client) gets the same defaults and checks; an input it
 *   refuses fails the run with a non-retryable `InvalidInput` failure.
 */
import { createHash } from 'node:crypto';
import { ValidationError } from '../../common/errors.js';
import { ApplicationFailure } from '../../common/failures.js';
import { defineWorkflow } from '../../runtime/definitions.js';
import type { FileWorkflow } from './types.js';

/** Prefix of the marker naming the definition an execution runs. */
export const DEFINITION_MARKER = 'baton.definition';

/** Failure type of an input refused inside the workflow. */
export const INVALID_INPUT = 'InvalidInput';

/**
 * `file` whose workflow records its definition's fingerprint first and checks its input.
 *
 * @param content - the file's parsed content (what the fingerprint is made of).
 * @example
 * const guarded = guardDefinition(compileBatonFile(doc), doc.value);
 */
export function guardDefinition(file: FileWorkflow, content: unknown): FileWorkflow {
  const fingerprint = fingerprintOf(content);
  const marker = `${DEFINITION_MARKER}:${fingerprint}`;
  const run = file.definition.fn;
  const definition = defineWorkflow<[input: unknown], unknown>(file.workflowType, async (ctx, input) => {
    ctx.recordMarker(marker, { format: file.format, name: file.name, version: file.version, fingerprint });
    let prepared: unknown;
    try {
      prepared = file.prepareInput(input);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      throw ApplicationFailure.nonRetryable(`input refused: ${error.message}`, INVALID_INPUT);
    }
    return run(ctx, prepared);
  });
  return Object.freeze({ ...file, definition, fingerprint });
}

/** 16 hex digits of the SHA-256 of `content` as JSON with its keys sorted. */
export function fingerprintOf(content: unknown): string {
  return createHash('sha256').update(stableJson(content)).digest('hex').slice(0, 16);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
