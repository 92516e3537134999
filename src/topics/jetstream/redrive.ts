/**
 * `TopicBroker.redrive` on JetStream. The durable consumer `baton-redrive` on the dead-letter
 * topic's stream remembers what was redriven: each dead letter it delivers is republished to its
 * original topic (a new message, so its delivery count starts again) with a header naming the
 * group it goes back to, then acked. Other groups' members ack such a message without handing it
 * out. The republish carries `Nats-Msg-Id` `baton:redrive:<topic>:<seq>`, so a redrive that
 * crashed between republishing and acking does not send it twice within the deduplication window.
 */
import { AckPolicy, DeliverPolicy } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { Msg } from '@nats-io/transport-node';
import { parseAckSubject } from './ack-subject.js';
import type { BrokerHost } from './context.js';
import { describeError, JetStreamBrokerError } from './errors.js';
import { decodeMessage } from './headers.js';
import { REDRIVE_CONSUMER } from './names.js';
import { MAX_PULL_BATCH, Puller } from './puller.js';

/** A dead letter a redrive has taken but not settled is handed to another redrive after this. */
const REDRIVE_LEASE_MS = 30_000;

/** Sends the dead letters of `deadLetterTopic` back; resolves with how many. */
export async function redriveDeadLetters(host: BrokerHost, deadLetterTopic: string): Promise<number> {
  if (host.isClosed()) return 0;
  const { ctx } = host;
  const stream = await ctx.ensureStream(deadLetterTopic);
  await ctx.jsm.consumers
    .add(stream, {
      durable_name: REDRIVE_CONSUMER,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(REDRIVE_LEASE_MS),
      max_deliver: -1,
    })
    .catch((err: unknown) => {
      throw new JetStreamBrokerError(
        `could not prepare the redrive of dead-letter topic '${deadLetterTopic}': ${describeError(err)}`,
        deadLetterTopic,
        err,
      );
    });
  const batch: Msg[] = [];
  const puller = new Puller(ctx.nc, ctx.nextSubject(stream, REDRIVE_CONSUMER), (msg) => batch.push(msg));
  const untrack = host.track(puller);
  let count = 0;
  try {
    for (;;) {
      await puller.pullUntil({
        deadlineMs: 0,
        batch: () => MAX_PULL_BATCH,
        satisfied: () => batch.length > 0 && puller.idle,
        stopped: () => host.isClosed(),
      });
      if (batch.length === 0 || host.isClosed()) break;
      for (const msg of batch.splice(0)) count += await redriveOne(host, deadLetterTopic, msg);
    }
  } finally {
    untrack();
    puller.close();
  }
  return count;
}

/** Republishes one dead letter and acks it; 1 when it was sent back (not a duplicate), else 0. */
async function redriveOne(host: BrokerHost, deadLetterTopic: string, msg: Msg): Promise<number> {
  const info = parseAckSubject(msg.reply);
  if (info === undefined || msg.reply === undefined) return 0;
  const m = decodeMessage(deadLetterTopic, info.streamSeq, msg.headers, msg.data, info.storedAtMs);
  let sent = 0;
  if (m.deadLetter !== undefined) {
    const ack = await host.ctx.publish(
      m.deadLetter.topic,
      {
        id: m.id,
        key: m.key,
        correlationId: m.correlationId,
        data: m.data,
        publishedAtMs: Date.now(),
        redriveGroup: m.deadLetter.group,
      },
      `baton:redrive:${deadLetterTopic}:${m.seq}`,
    );
    sent = ack.duplicate ? 0 : 1;
  }
  await host.ctx.confirm(
    msg.reply,
    '+ACK',
    `the redrive of dead letter ${m.seq} of '${deadLetterTopic}'`,
    deadLetterTopic,
  );
  return sent;
}
