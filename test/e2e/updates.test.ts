import { describe, expect, it } from 'vitest';
import {
  WorkflowUpdateFailedError,
  defineQuery,
  defineSignal,
  defineUpdate,
  defineWorkflow,
} from '../../src/index.js';
import { openTestEnv } from '../support/harness.js';

const setName = defineUpdate<string, [name: string]>('setName');
const name = defineQuery<string>('name');
const finish = defineSignal('finish');

function nicknamer(calls: string[]) {
  return defineWorkflow('Nicknamer', async (ctx) => {
    let current = 'Mewtwo';
    let done = false;
    ctx.setHandler(
      setName,
      (next) => {
        calls.push(next);
        const previous = current;
        current = next;
        return `${previous} -> ${next}`;
      },
      {
        validator: (next) => {
          if (next === 'invalid-arg') throw new Error(`'${next}' is not a name`);
        },
      },
    );
    ctx.setHandler(name, () => current);
    ctx.setHandler(finish, () => {
      done = true;
    });
    await ctx.condition(() => done);
    return current;
  });
}

describe('updates', () => {
  it('a validator rejection changes nothing and records nothing; a valid update returns its result', async () => {
    const env = await openTestEnv();
    const calls: string[] = [];
    const wf = nicknamer(calls);
    env.worker({ taskQueue: 'u', workflows: [wf] });
    const h = await env.baton.client.start(wf, { taskQueue: 'u' });
    const before = (await h.fetchHistory()).events.length;
    const err = await h.executeUpdate(setName, { args: ['invalid-arg'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((err as Error).message).toContain("'invalid-arg' is not a name");
    expect(await h.query(name)).toBe('Mewtwo');
    expect((await h.fetchHistory()).events).toHaveLength(before);
    expect(calls).toEqual([]);

    expect(await h.executeUpdate(setName, { args: ['Mew'] })).toBe('Mewtwo -> Mew');
    expect(await h.query(name)).toBe('Mew');
    const types = (await h.fetchHistory()).events.map((e) => e.eventType);
    expect(types.slice(-2)).toEqual(['WorkflowExecutionUpdateAccepted', 'WorkflowExecutionUpdateCompleted']);
    await h.signal(finish);
    expect(await h.result()).toBe('Mew');
  });

  it('the same updateId twice runs the handler once and returns the first outcome', async () => {
    const env = await openTestEnv();
    const calls: string[] = [];
    const wf = nicknamer(calls);
    env.worker({ taskQueue: 'u', workflows: [wf] });
    const h = await env.baton.client.start(wf, { taskQueue: 'u' });
    const first = await h.executeUpdate(setName, { args: ['Pikachu'], updateId: 'rename-1' });
    const second = await h.executeUpdate(setName, { args: ['Raichu'], updateId: 'rename-1' });
    expect(first).toBe('Mewtwo -> Pikachu');
    expect(second).toBe(first);
    expect(calls).toEqual(['Pikachu']);
    const handle = await h.startUpdate(setName, {
      args: ['Mew'],
      updateId: 'rename-2',
      waitForStage: 'ACCEPTED',
    });
    expect(handle.updateId).toBe('rename-2');
    expect(await handle.result()).toBe('Pikachu -> Mew');
    const accepted = (await h.fetchHistory()).events.filter(
      (e) => e.eventType === 'WorkflowExecutionUpdateAccepted',
    );
    expect(accepted).toHaveLength(2);
  });

  it('an accepted update whose workflow closes first fails instead of waiting forever', async () => {
    const env = await openTestEnv();
    const slow = defineUpdate<string>('slow');
    const wf = defineWorkflow('ClosesFirst', async (ctx) => {
      let done = false;
      ctx.setHandler(finish, () => {
        done = true;
      });
      ctx.setHandler(slow, async () => {
        await ctx.sleep('1h');
        return 'never';
      });
      await ctx.condition(() => done);
      return 'closed';
    });
    env.worker({ taskQueue: 'u', workflows: [wf] });
    const h = await env.baton.client.start(wf, { taskQueue: 'u' });
    const update = await h.startUpdate(slow, { args: [], waitForStage: 'ACCEPTED' });
    await h.signal(finish);
    expect(await h.result()).toBe('closed');
    const err = await update.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((err as Error).message).toContain('closed before the update completed');
  });
});
