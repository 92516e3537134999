/**
 * The progress line of `baton start --wait`: its text, and how it is written (rewritten in place on
 * a terminal, a line per change otherwise). The CLI runs in test/cli/wait-follow.test.ts show it
 * on a real execution.
 */
import { describe, expect, it } from 'vitest';
import { ProgressLine, progressText, type ProgressState } from '../../src/cli/commands/progress.js';

const base: ProgressState = {
  runId: 'r1',
  taskQueue: 'default',
  status: 'RUNNING',
  done: [],
  running: [],
  waitingForWorker: false,
};

describe('progressText', () => {
  it('says when no worker has taken the execution', () => {
    expect(progressText({ ...base, waitingForWorker: true })).toBe(
      "RUNNING · waiting for a worker on task queue 'default' (baton worker, baton dev)",
    );
  });

  it('shows the steps done, the activity running, its attempt and last failure', () => {
    expect(
      progressText({
        ...base,
        done: ['paralyze', 'attack'],
        running: [{ activityType: 'throwPokeball', attempt: 2, lastFailure: 'ApplicationFailure: missed' }],
      }),
    ).toBe(
      'RUNNING · 2 steps done (paralyze, attack) · throwPokeball attempt 2 (last failure: ApplicationFailure: missed)',
    );
    expect(progressText({ ...base, status: 'COMPLETED', done: ['greet'] })).toBe(
      'COMPLETED · 1 step done (greet)',
    );
    expect(progressText({ ...base, done: ['a', 'b', 'c', 'd', 'e'] })).toBe(
      'RUNNING · 5 steps done (…, c, d, e)',
    );
  });

  it('shows a failing workflow task', () => {
    expect(
      progressText({
        ...base,
        taskFailure: { attempt: 3, message: "workflow type 'Nope' is not registered" },
      }),
    ).toBe(
      "RUNNING · 0 steps done · workflow task failing (attempt 3): workflow type 'Nope' is not registered",
    );
  });
});

describe('ProgressLine', () => {
  function sink(
    isTTY: boolean,
    columns = 80,
  ): { writes: string[]; isTTY: boolean; columns: number; write(t: string): void } {
    const writes: string[] = [];
    return { writes, isTTY, columns, write: (t: string) => writes.push(t) };
  }

  it('writes a line per change when not on a terminal', () => {
    const s = sink(false);
    const line = new ProgressLine(s);
    line.show('a');
    line.show('a');
    line.show('b');
    line.end();
    expect(s.writes).toEqual(['a\n', 'b\n']);
  });

  it('rewrites one line on a terminal, cut to its width, and ends it', () => {
    const s = sink(true, 30);
    const line = new ProgressLine(s);
    line.show('first');
    line.show('x'.repeat(40));
    line.end();
    expect(s.writes).toEqual(['\r\x1b[2Kfirst', `\r\x1b[2K${'x'.repeat(28)}…`, '\n']);
  });

  it('writes nothing on a terminal when nothing was shown', () => {
    const s = sink(true);
    new ProgressLine(s).end();
    expect(s.writes).toEqual([]);
  });
});
