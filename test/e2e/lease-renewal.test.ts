/**
 * Lease renewal runs on the worker's clock, the one lease expiry is judged by: on a clock faster
 * than the machine's, a worker still renews its leases in time and never takes its own execution
 * over again (which would count the running attempt as lost and run the activity twice).
 */
import { describe, expect, it } from 'vitest';
import { defineWorkflow } from '../../src/index.js';
import { fastClock } from '../support/fast-clock.js';
import { openTestEnv } from '../support/harness.js';

const slowCall = defineWorkflow('SlowCall', async (ctx) => {
  const act = ctx.activities<{ slow(): Promise<string> }>({ startToCloseTimeout: '1h' });
  return act.slow();
});

describe('lease renewal on the worker clock', () => {
  it('a 30 s lease on a 50× clock (600 ms real) is renewed through a 2 s activity: it runs once', async () => {
    const env = await openTestEnv({ clock: fastClock(50) });
    let calls = 0;
    env.worker({
      taskQueue: 'lease',
      workflows: [slowCall],
      activities: {
        async slow(): Promise<string> {
          calls++;
          await new Promise((resolve) => setTimeout(resolve, 2000));
          return 'done';
        },
      },
    });
    const handle = await env.baton.client.start(slowCall, { taskQueue: 'lease', workflowId: 'lease-clock' });
    expect(await handle.result()).toBe('done');
    expect(calls).toBe(1);
    const { events } = await handle.fetchHistory();
    expect(events.filter((e) => e.eventType === 'ActivityTaskStarted')).toHaveLength(1);
  }, 30_000);
});
