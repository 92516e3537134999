/**
 * `baton worker` as a real child process on a store where a schedule has a year's backfill of
 * every-second times waiting (BUFFER_ALL behind a run that waits for a signal): the worker keeps
 * running other workflows, and SIGTERM still shuts it down (exit 0) within a generous bound.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Baton, silentLogger } from '../../src/index.js';
import { runTs, type Child } from '../support/child.js';
import { tempStore } from '../support/cli.js';

const QUEUE = 'schedule-worker';
const children: Child[] = [];

afterAll(() => {
  for (const child of children) if (child.proc.exitCode === null) child.proc.kill('SIGKILL');
});

/** `promise`, or a rejection naming `what` after `timeoutMs`. */
async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe('baton worker with a large schedule backfill (CLI, child process)', () => {
  it('runs another workflow meanwhile, and SIGTERM stops it', { timeout: 60_000 }, async () => {
    const file = tempStore('baton-cli-schedule-worker-');
    const baton = await Baton.open(`sqlite:${file}`, { logger: silentLogger });
    try {
      const handle = await baton.client.schedule.create({
        scheduleId: 'y',
        spec: { intervals: [{ every: '1s' }] },
        action: { workflow: 'Encounter', args: [{ name: 'Mew', hp: 10 }], taskQueue: QUEUE },
        policies: { overlap: 'BUFFER_ALL' },
        state: { paused: true },
      });
      await handle.backfill([
        { start: new Date('2025-01-01T00:00:00Z'), end: new Date('2025-12-31T23:59:59Z') },
      ]);
      const worker = runTs(
        'src/cli/main.ts',
        [
          'worker',
          '--module',
          'test/fixtures/cli-workflows.ts',
          '--task-queue',
          QUEUE,
          '--store',
          `sqlite:${file}`,
        ],
        { BATON_STORE: undefined },
      );
      children.push(worker);
      await expect
        .poll(async () => (await handle.describe()).info.numActionsTaken, { timeout: 20_000 })
        .toBe(1);
      const greeting = baton.client.execute('Greet', { taskQueue: QUEUE, args: ['Misty'] });
      expect(await within(greeting, 20_000, 'Greet')).toBe('Hello, Misty!');

      worker.proc.kill('SIGTERM');
      const exit = await within(worker.exited, 20_000, `exit after SIGTERM (stderr: ${worker.stderr()})`);
      expect(exit, worker.stderr()).toEqual({ code: 0, signal: null });
      expect(worker.stdout()).toMatch(/^SIGTERM: shutting down/m);
    } finally {
      await baton.close();
    }
  });
});
