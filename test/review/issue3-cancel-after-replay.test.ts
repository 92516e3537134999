import { describe, expect, it } from 'vitest';
import { CancelledFailure, WorkflowFailedError, defineSignal, defineWorkflow } from '../../src/index.js';
import { eventually, openTestEnv } from '../support/harness.js';

const poke = defineSignal<[string]>('poke');

const blocked = defineWorkflow('BlockedAfterReplay', async (ctx, mode: string) => {
  let got: string | undefined;
  ctx.setHandler(poke, (x) => {
    got = x;
  });
  ctx.upsertSearchAttributes({ stage: 'waiting' });
  await ctx.sleep(5);
  try {
    if (mode === 'sleep') await ctx.sleep('1h');
    else if (mode === 'condition') await ctx.condition(() => got === 'never');
    else if (mode === 'condition-timeout') await ctx.condition(() => got === 'never', '1h');
    else if (mode === 'withTimeout') await ctx.withTimeout('1h', () => ctx.condition(() => got === 'never'));
    return 'not cancelled';
  } finally {
    await ctx.nonCancellable(() => ctx.sleep(5));
    ctx.upsertSearchAttributes({ stage: 'cleaned' });
  }
});

// Coverage (passing): no bug found here; kept because nothing else tests cancel-after-replay.
describe('cancellation of a workflow blocked after a replay (coverage, passing)', () => {
  for (const mode of ['sleep', 'condition', 'condition-timeout', 'withTimeout']) {
    it(`blocked in ${mode}: replayed by a new worker, then cancelled: ends CANCELED, no duplicate events`, async () => {
      const env = await openTestEnv();
      const w1 = env.worker({ taskQueue: 'c', workflows: [blocked], shutdownGraceTime: 10 });
      const h = await env.baton.client.start(blocked, { taskQueue: 'c', args: [mode] });
      await eventually(async () => {
        const n = (await h.fetchHistory()).events.filter((e) => e.eventType === 'TimerFired').length;
        return n === 1 ? true : undefined;
      });
      await new Promise((r) => setTimeout(r, 50));
      await w1.shutdown();
      env.worker({ taskQueue: 'c', workflows: [blocked], identity: 'w2' });
      await eventually(async () => ((await h.describe()).worker?.includes('/w2') ? true : undefined));
      await h.cancel('stop');
      const err = await h.result().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
      const d = await h.describe();
      expect(d.status).toBe('CANCELED');
      expect(d.searchAttributes).toMatchObject({ stage: 'cleaned' });
      const { events } = await h.fetchHistory();
      const keys = events
        .filter((e) => 'seq' in (e.attrs as object))
        .map((e) => `${e.eventType}#${String((e.attrs as { seq: number }).seq)}`);
      expect(new Set(keys).size).toBe(keys.length);
    });
  }
});
