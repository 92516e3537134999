import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runTs } from '../support/child.js';

describe('README quickstart', () => {
  it('is examples/hello.ts verbatim, at most 20 lines, and it runs', async () => {
    const readme = readFileSync('README.md', 'utf8');
    const block = /## Quickstart[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    const file = readFileSync('examples/hello.ts', 'utf8');
    expect(block).toBe(file);
    expect(file.trimEnd().split('\n').length).toBeLessThanOrEqual(20);
    const child = runTs('examples/hello.ts', []);
    const exit = await child.exited;
    expect(exit.code, child.stderr()).toBe(0);
    expect(child.stdout().trim()).toBe('Hello, Baton!');
  });
});
