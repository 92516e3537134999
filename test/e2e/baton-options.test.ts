/**
 * `Baton.open(url, { dataConverter })` takes either the converter's options or a `DataConverter`
 * instance; both ways, the codec is applied to every payload written to the SQLite file.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  Baton,
  DataConverter,
  defineWorkflow,
  PayloadTooLargeError,
  ValidationError,
  type BatonOptions,
  type PayloadCodec,
} from '../../src/index.js';
import { aesCodec } from '../support/codec.js';
import { openTestEnv } from '../support/harness.js';

const SECRET = 'Mewtwo-7f3a';

const activities = {
  nickname: async (name: string): Promise<string> => `${name} the Great`,
};

const nicknameWorkflow = defineWorkflow('Nickname', async (ctx, name: string) => {
  const act = ctx.activities<typeof activities>({ startToCloseTimeout: '5s' });
  return act.nickname(name);
});

interface PayloadRow {
  event_type: string;
  kind: string;
  payload: unknown;
}

/** Runs the workflow on a temp file store opened with `options`; returns its result and the stored payloads. */
async function runAndReadPayloads(options: BatonOptions): Promise<{ result: string; rows: PayloadRow[] }> {
  const env = await openTestEnv(options);
  env.worker({ taskQueue: 'opts', workflows: [nicknameWorkflow], activities });
  const result = await env.baton.client.execute(nicknameWorkflow, { taskQueue: 'opts', args: [SECRET] });
  await env.baton.close();
  const db = new Database(join(env.dir, 'baton.db'), { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare(
        'SELECT event_type, typeof(payload) AS kind, payload FROM history_events WHERE payload IS NOT NULL',
      )
      .all() as PayloadRow[];
    return { result, rows };
  } finally {
    db.close();
  }
}

function expectEncrypted(rows: PayloadRow[]): void {
  // Workflow input, activity input, activity result, workflow result.
  expect(rows.map((r) => r.event_type)).toEqual(
    expect.arrayContaining([
      'WorkflowExecutionStarted',
      'ActivityTaskScheduled',
      'ActivityTaskCompleted',
      'WorkflowExecutionCompleted',
    ]),
  );
  for (const r of rows) {
    expect(r.kind, r.event_type).toBe('blob');
    expect(Buffer.isBuffer(r.payload), r.event_type).toBe(true);
    expect((r.payload as Buffer).toString('latin1'), r.event_type).not.toContain(SECRET);
    expect((r.payload as Buffer).toString('latin1'), r.event_type).not.toContain('the Great');
  }
}

describe('Baton.open options: dataConverter', () => {
  it('without a codec, payloads are JSON text holding the plaintext (the control)', async () => {
    const { result, rows } = await runAndReadPayloads({});
    expect(result).toBe(`${SECRET} the Great`);
    expect(rows.length).toBeGreaterThanOrEqual(4);
    for (const r of rows) expect(r.kind, r.event_type).toBe('text');
    expect(rows.some((r) => String(r.payload).includes(SECRET))).toBe(true);
  });

  it('as options { codec, payloadLimitBytes }: every payload is an encrypted BLOB', async () => {
    const codec = aesCodec(randomBytes(32));
    const { result, rows } = await runAndReadPayloads({
      dataConverter: { codec, payloadLimitBytes: 64 * 1024 },
    });
    expect(result).toBe(`${SECRET} the Great`);
    expectEncrypted(rows);
  });

  it('as a DataConverter instance: used as given, its codec included', async () => {
    const converter = new DataConverter({ codec: aesCodec(randomBytes(32)) });
    const { result, rows } = await runAndReadPayloads({ dataConverter: converter });
    expect(result).toBe(`${SECRET} the Great`);
    expectEncrypted(rows);
  });

  it('as a DataConverter instance: its payload limit holds too', async () => {
    const xor: PayloadCodec = {
      encode: (data) => data.map((b) => b ^ 0x5a),
      decode: (data) => data.map((b) => b ^ 0x5a),
    };
    const env = await openTestEnv({
      dataConverter: new DataConverter({ codec: xor, payloadLimitBytes: 64 }),
    });
    expect(env.baton.converter.payloadLimitBytes).toBe(64);
    await expect(
      env.baton.client.start(nicknameWorkflow, { taskQueue: 'opts', args: ['x'.repeat(100)] }),
    ).rejects.toThrow(PayloadTooLargeError);
  });

  it('refuses a converter-like object that is not a DataConverter of this Baton (its codec would be lost)', async () => {
    const foreign = { payloadLimitBytes: 1024, toPayload: () => '', fromPayload: () => undefined };
    await expect(
      Baton.open('sqlite::memory:', { dataConverter: foreign as unknown as DataConverter }),
    ).rejects.toThrow(ValidationError);
  });
});
