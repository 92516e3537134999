import { describe, expect, it } from 'vitest';
import { ApplicationFailure, defineWorkflow } from '../../src/index.js';
import { eventually, openTestEnv } from '../support/harness.js';

// A run that upserts a search attribute, waits, then fails and is retried by its policy.
const staged = defineWorkflow('StagedRetry', async (ctx) => {
  if (ctx.info.attempt > 1) return 'second run';
  ctx.upsertSearchAttributes({ stage: 'attacked' });
  await ctx.sleep(200);
  throw ApplicationFailure.create({ message: 'retry me' });
});

async function secondRunAttributes(crashMidway: boolean): Promise<Record<string, unknown>> {
  const env = await openTestEnv();
  const w1 = env.worker({ taskQueue: 'r', workflows: [staged], shutdownGraceTime: 10 });
  const h = await env.baton.client.start(staged, {
    taskQueue: 'r',
    workflowId: 'staged',
    searchAttributes: { trainer: 'Sacha' },
    retry: { maximumAttempts: 2, initialInterval: 10 },
  });
  if (crashMidway) {
    // The upsert is durable; the worker goes away before the failure, another one replays.
    await eventually(async () =>
      (await h.describe()).searchAttributes.stage === 'attacked' ? true : undefined,
    );
    await w1.shutdown();
    env.worker({ taskQueue: 'r', workflows: [staged], identity: 'w2' });
  }
  expect(await h.result()).toBe('second run');
  const runs = await env.baton.client.list({ workflowId: 'staged' });
  expect(runs).toHaveLength(2);
  return (await env.baton.client.getHandle('staged').describe()).searchAttributes;
}

describe('search attributes of a run started by the workflow retry policy', () => {
  it('are the same whether or not the failed run was replayed by another worker on the way', async () => {
    const withoutCrash = await secondRunAttributes(false);
    const withCrash = await secondRunAttributes(true);
    // Today: without a crash the new run gets { trainer } (the attributes at claim time), after a
    // crash it gets { trainer, stage } (the claim happened after the upsert).
    expect(withoutCrash).toEqual(withCrash);
  });
});
