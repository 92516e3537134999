import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import {
  Baton,
  CancelledFailure,
  QueryFailedError,
  WorkflowFailedError,
  historyToJson,
  silentLogger,
} from '../../src/index.js';
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

async function startWorker(mode: string, env: NodeJS.ProcessEnv = {}): Promise<Child> {
  const child = runTs('test/fixtures/floating-worker.ts', [url, mode], env);
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

test('query handlers and update validators cannot fail the task or end the process; a cancelled floating call is no failure; an unprintable reason is still reported', async () => {
  const baton = await Baton.open(url, { logger: silentLogger });
  try {
    const worker = await startWorker('buggy');
    const handlers = await baton.client.start('Handlers', {
      workflowId: 'handlers-1',
      taskQueue: 'floating',
    });
    expect(await handlers.query('hp')).toBe(7);
    const asyncQuery = await handlers.query('asyncHp').catch((e: unknown) => e);
    expect(asyncQuery).toBeInstanceOf(QueryFailedError);
    expect((asyncQuery as Error).message).toContain('query handlers must be synchronous');
    const update = await handlers.executeUpdate('heal', { args: [-1] }).catch((e: unknown) => e);
    expect((update as Error).message).toContain("the validator of update 'heal' returned a promise");

    const cyclic = await baton.client.start('Cyclic', { workflowId: 'cyclic-1', taskQueue: 'floating' });
    const failure = await eventually(async () => (await cyclic.describe()).workflowTaskFailure, 20_000);
    expect(failure.message).toMatch(/^UnhandledRejectionError: .*workflow 'Cyclic'.*: \[object Object\]$/);

    const cancelled = await baton.client.start('CancelFloating', {
      workflowId: 'cancel-floating-1',
      taskQueue: 'floating',
    });
    await eventually(async () =>
      (await cancelled.describe()).pendingActivities.length > 0 ? true : undefined,
    );
    await cancelled.cancel();
    const err = await cancelled.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    expect((await cancelled.describe()).status).toBe('CANCELED');

    expect((await handlers.describe()).workflowTaskFailure).toBeUndefined();
    expect(worker.proc.exitCode).toBeNull();
    expect(worker.stderr()).toBe('');
  } finally {
    await baton.close();
  }
}, 60_000);

for (const [flag, exitCode] of [
  ['--unhandled-rejections warn', 0],
  ['--unhandled-rejections=warn-with-error-code', 1],
] as const) {
  test(`under ${flag} a stray rejection warns and the process goes on, as without Baton`, async () => {
    const stray = await startWorker('stray', { NODE_OPTIONS: flag });
    await eventually(() =>
      stray.stderr().includes('a stray rejection outside workflow code') ? true : undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(stray.proc.exitCode).toBeNull();
    stray.proc.kill('SIGTERM'); // the fixture shuts its worker down and lets the process end
    expect(await stray.exited).toEqual({ code: exitCode, signal: null });
  }, 30_000);
}
