import { fileURLToPath } from 'node:url';

/**
 * The path of a sample workflow definition kept as test data (test/fixtures/samples), e.g.
 * `samplePath('conductor/workflow.json')`.
 */
export function samplePath(relative: string): string {
  return fileURLToPath(new URL(`../fixtures/samples/${relative}`, import.meta.url));
}
