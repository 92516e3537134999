import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { defineWorkflow } from '../../src/index.js';
import { aesCodec } from '../support/codec.js';
import { openTestEnv } from '../support/harness.js';

describe('payload codec', () => {
  it('encrypts every stored payload: arguments, results, failures and heartbeat details', async () => {
    const env = await openTestEnv({ dataConverter: { codec: aesCodec(randomBytes(32)) } });
    let calls = 0;
    const activities = {
      async nickname(name: string): Promise<string> {
        calls++;
        if (calls === 1) throw new Error(`SecretFailure for ${name}`);
        return `${name} the Great`;
      },
    };
    const wf = defineWorkflow('Secret', async (ctx, name: string) => {
      const act = ctx.activities<typeof activities>({
        startToCloseTimeout: '5s',
        retry: { initialInterval: 10 },
      });
      return act.nickname(name);
    });
    env.worker({ taskQueue: 'q', workflows: [wf], activities });
    expect(await env.baton.client.execute(wf, { taskQueue: 'q', args: ['Mewtwo'] })).toBe('Mewtwo the Great');
    await env.baton.close();
    const db = new Database(join(env.dir, 'baton.db'), { readonly: true });
    const rows = db.prepare('SELECT event_type, payload FROM history_events').all() as {
      event_type: string;
      payload: Buffer | null;
    }[];
    db.close();
    const withPayload = rows.filter((r) => r.payload !== null);
    expect(withPayload.length).toBeGreaterThanOrEqual(4);
    for (const r of withPayload) {
      expect(Buffer.isBuffer(r.payload)).toBe(true);
      expect(r.payload!.toString('latin1')).not.toContain('Mewtwo');
      expect(r.payload!.toString('latin1')).not.toContain('SecretFailure');
    }
  });
});
