import { describe, expect, it } from 'vitest';
import { defineWorkflow, type PayloadCodec } from '../../src/index.js';
import { openTestEnv } from '../support/harness.js';

// An activity attempt that cannot even begin (its arguments or heartbeat details fail to decode,
// e.g. a codec whose key is missing) must not keep its maxConcurrentActivities slot.

const POISON = 'undecodable';
const codec: PayloadCodec = {
  encode: (data) => data,
  decode: (data) => {
    if (Buffer.from(data).toString('utf8').includes(POISON)) throw new Error('codec: unknown key');
    return data;
  },
};

describe('activity slots', () => {
  it('an attempt whose arguments fail to decode gives its slot back; other executions still run activities', async () => {
    const env = await openTestEnv({ dataConverter: { codec } });
    const ran: string[] = [];
    const activities = {
      async echo(value: string): Promise<string> {
        ran.push(value);
        return value;
      },
    };
    const wf = defineWorkflow('Echo', async (ctx, word: string) =>
      ctx.activities<typeof activities>({ startToCloseTimeout: '5s' }).echo(`${word}`),
    );
    const bad = defineWorkflow('Bad', async (ctx) =>
      ctx.activities<typeof activities>({ startToCloseTimeout: '5s' }).echo(['un', 'decodable'].join('')),
    );
    env.worker({
      taskQueue: 'q',
      workflows: [wf, bad],
      activities,
      maxConcurrentActivities: 1,
      shutdownGraceTime: 10,
    });
    await env.baton.client.start(bad, { taskQueue: 'q' });
    await new Promise((r) => setTimeout(r, 200));
    const handle = await env.baton.client.start(wf, { taskQueue: 'q', args: ['pikachu'] });
    const outcome = await Promise.race([
      handle.result(),
      new Promise((r) => setTimeout(() => r('healthy workflow still waiting for a slot after 3 s'), 3000)),
    ]);
    expect(outcome).toBe('pikachu');
  });
});
