import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, describe, test } from 'vitest';
import { topicSuite } from './topic-suite.js';

const url = process.env.BATON_TEST_NATS_URL;

if (url === undefined || url === '') {
  console.warn(
    'topics on NATS JetStream: skipped, BATON_TEST_NATS_URL is not set (e.g. nats://127.0.0.1:4222)',
  );
  describe('topics on NATS JetStream', () => {
    test.skip('skipped: BATON_TEST_NATS_URL is not set', () => undefined);
  });
} else {
  const prefixes: string[] = [];
  topicSuite('NATS JetStream', () => ({ topics: { broker: url } }), prefixes);
  // The server keeps streams between runs: delete the ones this run made.
  afterAll(async () => {
    const nc = await connect({ servers: url });
    try {
      const jsm = await jetstreamManager(nc);
      for await (const info of jsm.streams.list()) {
        const subjects = info.config.subjects ?? [];
        if (subjects.some((s) => prefixes.some((p) => s.startsWith(`baton.t.${p}.`))))
          await jsm.streams.delete(info.config.name);
      }
    } finally {
      await nc.close();
    }
  });
}
