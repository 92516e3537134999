import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { defineWorkflow, type PayloadCodec } from '../../src/index.js';
import { openTestEnv } from '../support/harness.js';

/** AES-256-GCM with a fixed key: nonce ‖ tag ‖ ciphertext. */
function aesCodec(key: Buffer): PayloadCodec {
  return {
    encode(data) {
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, nonce);
      const body = Buffer.concat([cipher.update(data), cipher.final()]);
      return Buffer.concat([nonce, cipher.getAuthTag(), body]);
    },
    decode(data) {
      const buf = Buffer.from(data);
      const decipher = createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12));
      decipher.setAuthTag(buf.subarray(12, 28));
      return Buffer.concat([decipher.update(buf.subarray(28)), decipher.final()]);
    },
  };
}

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
