import { expect, test } from 'vitest';
import { defineWorkflow, ValidationError } from '../../src/index.js';
import { openTestEnv } from '../support/harness.js';

const noop = defineWorkflow('Noop', async () => 'ok');

test('text no store keeps as given (NUL, unpaired surrogates) is refused before anything is written', async () => {
  const env = await openTestEnv();
  const client = env.baton.client;
  await expect(client.start(noop, { taskQueue: 'q', workflowId: 'a\u0000b' })).rejects.toThrow(
    /workflowId: expected text without NUL characters or unpaired surrogates/,
  );
  await expect(client.start(noop, { taskQueue: 'q\ud800', workflowId: 'w1' })).rejects.toThrow(
    ValidationError,
  );
  await expect(
    client.start(noop, { taskQueue: 'q', workflowId: 'w2', searchAttributes: { tag: 'x\udc00' } }),
  ).rejects.toThrow(/searchAttributes\.tag: expected text without NUL/);
  expect(await client.list({})).toEqual([]);
  const handle = client.getHandle('any');
  await expect(handle.signal('go\u0000')).rejects.toThrow(/signal name: expected text without NUL/);
  await expect(handle.query('hp\ud800')).rejects.toThrow(/query name: expected text without NUL/);
  // Paired surrogates (emoji) are fine.
  env.worker({ taskQueue: 'q', workflows: [noop] });
  expect(
    await client.execute(noop, { taskQueue: 'q', workflowId: 'id😀', searchAttributes: { tag: '😀' } }),
  ).toBe('ok');
});
