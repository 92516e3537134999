import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  ApplicationFailure,
  Baton,
  DataConverterError,
  PayloadTooLargeError,
  StoreError,
  ValidationError,
  WorkflowFailedError,
  defineWorkflow,
} from '../../src/index.js';
import { eventually, openTestEnv } from '../support/harness.js';

const echo = defineWorkflow('Echo', async (ctx, value: unknown) => {
  return ctx.activities<{ echo(v: unknown): Promise<unknown> }>({ startToCloseTimeout: '5s' }).echo(value);
});

describe('bad input gets a clear error and leaves nothing half-written', () => {
  it('an unknown workflow type blocks the workflow task with an error naming it; only the start is recorded', async () => {
    const env = await openTestEnv();
    const errors: Error[] = [];
    env.worker({
      taskQueue: 'q',
      workflows: [echo],
      activities: {},
      hooks: { onWorkflowTaskFailed: (e) => errors.push(e.error) },
    });
    const handle = await env.baton.client.start('Ecoh', { taskQueue: 'q', args: [1] });
    await eventually(() => (errors.length > 0 ? true : undefined));
    expect(errors[0]!.name).toBe('WorkflowTypeNotRegisteredError');
    expect(errors[0]!.message).toContain("'Ecoh'");
    expect(errors[0]!.message).toContain('Echo');
    const d = await handle.describe();
    expect(d.status).toBe('RUNNING');
    expect(d.workflowTaskFailure?.message).toContain("'Ecoh'");
    expect((await handle.fetchHistory()).events.map((e) => e.eventType)).toEqual([
      'WorkflowExecutionStarted',
    ]);
  });

  it('an activity neither registered nor routed fails the workflow task, naming it and the registered ones', async () => {
    const env = await openTestEnv();
    const errors: Error[] = [];
    const wf = defineWorkflow('CallsMissing', async (ctx) => {
      const act = ctx.activities<{ registered(): Promise<void>; missing(): Promise<void> }>({
        startToCloseTimeout: '5s',
      });
      await act.missing();
    });
    env.worker({
      taskQueue: 'q',
      workflows: [wf],
      activities: { registered: async () => {} },
      hooks: { onWorkflowTaskFailed: (e) => errors.push(e.error) },
    });
    const handle = await env.baton.client.start(wf, { taskQueue: 'q' });
    await eventually(() => (errors.length > 0 ? true : undefined));
    expect(errors[0]!.message).toContain("activity type 'missing' is not registered");
    expect(errors[0]!.message).toContain('registered: registered');
    expect((await handle.describe()).workflowTaskFailure?.message).toContain("'missing'");
    expect((await handle.fetchHistory()).events.map((e) => e.eventType)).toEqual([
      'WorkflowExecutionStarted',
    ]);
    expect((await handle.describe()).pendingActivities).toEqual([]);
  });

  it('activity options without startToClose or scheduleToClose are refused when the proxy is made', async () => {
    const env = await openTestEnv();
    const errors: Error[] = [];
    const wf = defineWorkflow('NoTimeout', async (ctx) => {
      await ctx.activities<{ a(): Promise<void> }>({ retry: { maximumAttempts: 1 } }).a();
    });
    env.worker({
      taskQueue: 'q',
      workflows: [wf],
      activities: { a: async () => {} },
      hooks: { onWorkflowTaskFailed: (e) => errors.push(e.error) },
    });
    await env.baton.client.start(wf, { taskQueue: 'q' });
    await eventually(() => (errors.length > 0 ? true : undefined));
    expect(errors[0]).toBeInstanceOf(ValidationError);
    expect(errors[0]!.message).toContain('startToCloseTimeout');
  });

  it('a non-serializable argument is refused before anything is written, naming the path', async () => {
    const env = await openTestEnv();
    const err = await env.baton.client
      .start(echo, {
        taskQueue: 'q',
        workflowId: 'bad-arg',
        args: [{ pokemon: { name: 'Mewtwo', onFaint: () => 1 } }],
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataConverterError);
    expect((err as DataConverterError).message).toContain("input of workflow 'Echo'");
    expect((err as DataConverterError).path).toBe('[0].pokemon.onFaint');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(
      env.baton.client.start(echo, { taskQueue: 'q', workflowId: 'bad-arg', args: [cyclic] }),
    ).rejects.toThrow(/cycl/i);
    expect(await env.baton.client.list({ workflowId: 'bad-arg' })).toEqual([]);
  });

  it('a payload over the limit states its size and the limit; nothing is written', async () => {
    const env = await openTestEnv({ dataConverter: { payloadLimitBytes: 1024 } });
    const err = await env.baton.client
      .start(echo, { taskQueue: 'q', workflowId: 'too-big', args: ['x'.repeat(2000)] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PayloadTooLargeError);
    expect((err as PayloadTooLargeError).limitBytes).toBe(1024);
    expect((err as PayloadTooLargeError).sizeBytes).toBeGreaterThan(2000);
    expect((err as Error).message).toMatch(/\d+ bytes, over the payload limit of 1024 bytes/);
    expect(await env.baton.client.list({ workflowId: 'too-big' })).toEqual([]);
  });

  it('a workflow result over the limit fails the execution cleanly instead of leaving it RUNNING', async () => {
    const env = await openTestEnv({ dataConverter: { payloadLimitBytes: 1024 } });
    const big = defineWorkflow('BigResult', async () => 'y'.repeat(5000));
    env.worker({ taskQueue: 'q', workflows: [big] });
    const handle = await env.baton.client.start(big, { taskQueue: 'q' });
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause.type).toBe('PayloadTooLargeError');
    expect(cause.nonRetryable).toBe(true);
    expect((await handle.describe()).status).toBe('FAILED');
  });

  it('an unwritable store path is refused with the path in the message', async () => {
    await expect(Baton.open('sqlite:/proc/baton-nope/baton.db')).rejects.toThrow(StoreError);
    await expect(Baton.open('sqlite:/proc/baton-nope/baton.db')).rejects.toThrow('/proc/baton-nope');
    await expect(Baton.open('sqlite:/etc/hostname/baton.db')).rejects.toThrow(/cannot create the folder/);
    await expect(Baton.open('postgress://x')).rejects.toThrow(/unknown scheme/);
  });

  it('a file that is not a Baton database is refused and left untouched', async () => {
    const env = await openTestEnv({ memory: true });
    const text = join(env.dir, 'notes.db');
    writeFileSync(text, "Professor Oak's notes, not a database\n".repeat(200));
    const before = readFileSync(text);
    await expect(Baton.open(`sqlite:${text}`)).rejects.toThrow(/not a SQLite database/);
    expect(readFileSync(text).equals(before)).toBe(true);

    const foreign = join(env.dir, 'pokedex.db');
    const db = new Database(foreign);
    db.exec('CREATE TABLE pokemon (id INTEGER PRIMARY KEY, name TEXT)');
    db.close();
    const err = await Baton.open(`sqlite:${foreign}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toContain('is not a Baton database');
    const check = new Database(foreign, { readonly: true });
    const tables = check.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all();
    check.close();
    expect(tables).toEqual([{ name: 'pokemon' }]);
  });
});
