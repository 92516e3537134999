// Hello, Baton: one workflow, one activity, a worker and a client (`npm run build && node dist/examples/hello.js`).
import { Baton, defineWorkflow } from 'baton';

const activities = {
  greet: async (name: string): Promise<string> => `Hello, ${name}!`,
};

export const hello = defineWorkflow('Hello', async (ctx, name: string) => {
  const act = ctx.activities<typeof activities>({ startToCloseTimeout: '10s' });
  return act.greet(name);
});

const baton = await Baton.open('sqlite::memory:'); // or Baton.open() for ./.baton/baton.db
const worker = baton.worker({ taskQueue: 'hello', workflows: [hello], activities });
const running = worker.run();
console.log(await baton.client.execute(hello, { taskQueue: 'hello', args: ['Baton'] }));
await worker.shutdown();
await running;
await baton.close();
