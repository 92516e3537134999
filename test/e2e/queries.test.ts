import { describe, expect, it } from 'vitest';
import {
  Baton,
  QueryNotRegisteredError,
  QueryTimeoutError,
  defineQuery,
  defineSignal,
  defineWorkflow,
  silentLogger,
} from '../../src/index.js';
import { openTestEnv } from '../support/harness.js';

const inc = defineSignal('inc');
const finish = defineSignal('finish');
const get = defineQuery<number>('get');
const plus = defineQuery<number, [n: number]>('plus');

const counter = defineWorkflow('Counter', async (ctx) => {
  let count = 0;
  let done = false;
  ctx.setHandler(inc, () => {
    count++;
  });
  ctx.setHandler(finish, () => {
    done = true;
  });
  ctx.setHandler(get, () => count);
  ctx.setHandler(plus, (n) => count + n);
  await ctx.condition(() => done);
  return count;
});

describe('queries', () => {
  it('answers from the running workflow and sees every signal accepted before it', async () => {
    const env = await openTestEnv();
    env.worker({ taskQueue: 'q', workflows: [counter] });
    const h = await env.baton.client.start(counter, { taskQueue: 'q', workflowId: 'counter' });
    expect(await h.query(get)).toBe(0);
    await h.signal(inc);
    expect(await h.query(get)).toBe(1);
    for (let i = 0; i < 3; i++) await h.signal(inc);
    expect(await h.query(get)).toBe(4);
    expect(await h.query(plus, 10)).toBe(14);
    const before = (await h.fetchHistory()).events.length;
    await h.query(get);
    expect((await h.fetchHistory()).events).toHaveLength(before);
    await expect(h.query('nope')).rejects.toThrow(QueryNotRegisteredError);
    await expect(h.query('nope')).rejects.toThrow(/'nope' is not registered.*get/);
  });

  it('after completion, with worker and client restarted, a handle from the workflowId alone answers by replay', async () => {
    const env = await openTestEnv();
    env.worker({ taskQueue: 'q', workflows: [counter] });
    const h = await env.baton.client.start(counter, { taskQueue: 'q', workflowId: 'finished-counter' });
    for (let i = 0; i < 4; i++) await h.signal(inc);
    await h.signal(finish);
    expect(await h.result()).toBe(4);
    const length = (await h.fetchHistory()).events.length;
    await env.baton.close();

    const fresh = await Baton.open(env.url, { logger: silentLogger });
    const worker = fresh.worker({ taskQueue: 'q', workflows: [counter], pollInterval: 20 });
    const running = worker.run();
    try {
      const handle = fresh.client.getHandle('finished-counter');
      expect(await handle.query(get)).toBe(4);
      expect((await handle.fetchHistory()).events).toHaveLength(length);
    } finally {
      await fresh.close();
      await running;
    }
  });

  it('with no worker that has the code, a query times out with a clear error', async () => {
    const env = await openTestEnv();
    env.worker({ taskQueue: 'q', workflows: [counter] });
    const h = await env.baton.client.start(counter, { taskQueue: 'q', workflowId: 'orphan' });
    await h.signal(finish);
    await h.result();
    await env.baton.close();
    const fresh = await Baton.open(env.url, { logger: silentLogger, queryTimeout: 300 });
    const client = fresh.client;
    try {
      const t0 = performance.now();
      const err = await client
        .getHandle('orphan')
        .query(get)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(QueryTimeoutError);
      expect((err as Error).message).toContain("query 'get' got no answer within 300 ms");
      expect(performance.now() - t0).toBeGreaterThanOrEqual(295);
    } finally {
      await fresh.close();
    }
  });
});
