import { describe, expectTypeOf, it } from 'vitest';
import { defineWorkflow, type ActivityProxy, type WorkflowHandle, type Client } from '../../src/index.js';

interface Activities {
  attack(p: { hp: number }, damage: number): Promise<{ hp: number }>;
  name(): Promise<string>;
}

describe('typed proxies and definitions (checked by tsc)', () => {
  it('argument and result types flow from the activity definitions to the call site', () => {
    type Proxy = ActivityProxy<Activities>;
    expectTypeOf<Parameters<Proxy['attack']>>().toEqualTypeOf<[p: { hp: number }, damage: number]>();
    expectTypeOf<ReturnType<Proxy['attack']>>().toEqualTypeOf<Promise<{ hp: number }>>();
    expectTypeOf<ReturnType<ReturnType<Proxy['name']['withOptions']>>>().toEqualTypeOf<Promise<string>>();
  });

  it('a workflow definition carries its argument and result types to the client', () => {
    const wf = defineWorkflow('Typed', async (_ctx, trainer: string, level: number) => ({ trainer, level }));
    // Type-checked by `npm run typecheck`, not called.
    const check = async (client: Client): Promise<void> => {
      const handle = await client.start(wf, { taskQueue: 'q', args: ['Sacha', 5] });
      expectTypeOf(handle).toEqualTypeOf<WorkflowHandle<{ trainer: string; level: number }>>();
      expectTypeOf(await client.execute(wf, { taskQueue: 'q', args: ['Sacha', 5] })).toEqualTypeOf<{
        trainer: string;
        level: number;
      }>();
      // @ts-expect-error arguments in the wrong order are a compile error
      await client.start(wf, { taskQueue: 'q', args: [5, 'Sacha'] });
    };
    expectTypeOf(check).toBeFunction();
  });
});
