/**
 * The saved histories (test/histories/, written by scripts/save-histories.ts) are portable: the
 * stack traces in their failure payloads name files relative to the repository (`<repo>/…`),
 * never by the absolute paths of the machine that saved them.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SAVED = readdirSync('test/histories')
  .filter((f) => f.endsWith('.json'))
  .map((f) => join('test/histories', f));

/** The stacks (`s`) of the error nodes (`{"@t":"E"}`) in a converted value, causes included. */
function stacks(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) stacks(v, out);
  else if (value !== null && typeof value === 'object') {
    const node = value as Record<string, unknown>;
    if (node['@t'] === 'E' && typeof node.s === 'string') out.push(node.s);
    for (const v of Object.values(node)) stacks(v, out);
  }
  return out;
}

/** Where each frame of a stack is: `fn (where)` or `where`. */
function frameLocations(stack: string): string[] {
  return stack
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .map((line) => {
      const frame = line.trim().slice('at '.length);
      return frame.endsWith(')') ? frame.slice(frame.lastIndexOf('(') + 1, -1) : frame;
    });
}

describe('saved histories', () => {
  it('name stack frames relative to the repository, not by absolute paths', () => {
    expect(SAVED.length).toBeGreaterThanOrEqual(4);
    let frames = 0;
    for (const file of SAVED) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toContain(process.cwd());
      const doc = JSON.parse(text) as { events: { payload?: unknown }[] };
      for (const e of doc.events) {
        if (typeof e.payload !== 'string') continue;
        for (const where of stacks(JSON.parse(e.payload)).flatMap(frameLocations)) {
          frames++;
          expect(where, file).not.toMatch(/^(\/|[A-Za-z]:[\\/]|file:)/);
        }
      }
    }
    // The saga's throw fails for good: its history holds failures with stacks.
    expect(frames).toBeGreaterThan(0);
  });

  it('keep the repository-relative frames of the failure (e.g. the saga’s injected fault)', () => {
    const saga = JSON.parse(readFileSync('test/histories/saga.json', 'utf8')) as {
      events: { eventType: string; payload?: string }[];
    };
    const failed = saga.events.find((e) => e.eventType === 'WorkflowExecutionFailed')!;
    expect(stacks(JSON.parse(failed.payload!)).join('\n')).toMatch(
      /at Faults\.check \(<repo>\/examples\/pokemon\/faults\.ts:\d+:\d+\)/,
    );
  });
});
