import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { Baton, historyToJson, silentLogger } from '../../src/index.js';
import { runTs, type Child } from '../support/child.js';
import { eventually } from '../support/harness.js';

// Child processes: an unhandled rejection inside this test process would fail the run itself.
const dir = mkdtempSync(join(tmpdir(), 'baton-floating-'));
const url = `sqlite:${join(dir, 'baton.db')}`;
const children: Child[] = [];

afterAll(async () => {
  for (const c of children) if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
  await Promise.all(children.map((c) => c.exited));
  rmSync(dir, { recursive: true, force: true });
});

async function startWorker(mode: string, ...extra: string[]): Promise<Child> {
  const child = runTs('test/fixtures/floating-worker.ts', [url, mode, ...extra]);
  children.push(child);
  await eventually(
    () => (child.stdout().includes('ready') || child.proc.exitCode !== null ? true : undefined),
    20_000,
  );
  return child;
}

test('a promise workflow code forgot to await fails the workflow task, not the worker process; fixed code then completes the execution', async () => {
  const baton = await Baton.open(url, { logger: silentLogger });
  try {
    const buggy = await startWorker('buggy');
    const h = await baton.client.start('Floating', { workflowId: 'floating-1', taskQueue: 'floating' });
    const failure = await eventually(async () => (await h.describe()).workflowTaskFailure, 20_000);
    expect(failure.message).toMatch(
      /^UnhandledRejectionError: a promise made by workflow 'Floating' \(workflowId 'floating-1'\) rejected and nothing handled it \(a missing await\?\): ActivityFailure: .* ← ApplicationFailure: the ball breaks$/,
    );
    expect((await h.describe()).status).toBe('RUNNING');

    // The process lives on and keeps serving other executions.
    const fine = await baton.client.start('Fine', { workflowId: 'fine-1', taskQueue: 'floating' });
    expect(await fine.result()).toBe('fine');
    expect(buggy.proc.exitCode).toBeNull();
    expect(buggy.stderr()).not.toContain('ball breaks');

    // A replay of the saved history against the buggy code reports the same error.
    const historyFile = join(dir, 'floating.history.json');
    writeFileSync(historyFile, historyToJson(await h.fetchHistory()));
    const replay = runTs('test/fixtures/floating-worker.ts', [url, 'replay', historyFile]);
    children.push(replay);
    expect((await replay.exited).code).toBe(0);
    expect(replay.stdout().trim()).toBe('UnhandledRejectionError');

    buggy.proc.kill('SIGKILL');
    await buggy.exited;
    await startWorker('fixed');
    expect(await h.result()).toBe('recovered from the ball breaks');
    const types = (await h.fetchHistory()).events.map((e) => e.eventType);
    expect(types.filter((t) => t === 'ActivityTaskScheduled')).toHaveLength(1);
    expect(types.at(-1)).toBe('WorkflowExecutionCompleted');
  } finally {
    await baton.close();
  }
}, 60_000);

test('a rejection outside workflow code still ends the process, as Node does without Baton', async () => {
  const stray = await startWorker('stray');
  const { code } = await stray.exited;
  expect(code).toBe(1);
  expect(stray.stderr()).toContain('a stray rejection outside workflow code');
}, 30_000);
