/**
 * The reply subject of a message delivered by a JetStream consumer: `$JS.ACK.<stream>.<consumer>.
 * <delivered>.<stream seq>.<consumer seq>.<timestamp ns>.<pending>`, or the longer form with a
 * domain and an account hash after `$JS.ACK.` (and a random token at the end).
 */

/** What the reply subject of a delivered message tells. */
export interface AckSubjectInfo {
  stream: string;
  consumer: string;
  /** How many times the consumer has delivered this message (1 on the first delivery). */
  deliveredCount: number;
  streamSeq: number;
  /** When the message was stored, in epoch milliseconds. */
  storedAtMs: number;
}

/** Parses the reply subject of a delivered message; undefined when it is not one. */
export function parseAckSubject(reply: string | undefined): AckSubjectInfo | undefined {
  if (reply === undefined || !reply.startsWith('$JS.ACK.')) return undefined;
  const tokens = reply.split('.');
  const offset = tokens.length === 9 ? 2 : tokens.length >= 11 ? 4 : -1;
  if (offset < 0) return undefined;
  const [stream, consumer, delivered, streamSeq, , timestampNs] = tokens.slice(offset);
  const deliveredCount = Number(delivered);
  const seq = Number(streamSeq);
  if (stream === undefined || consumer === undefined || !(deliveredCount >= 1) || !(seq >= 1))
    return undefined;
  const storedAtMs = /^\d+$/.test(timestampNs ?? '') ? Number(BigInt(timestampNs ?? '0') / 1_000_000n) : 0;
  return { stream, consumer, deliveredCount, streamSeq: seq, storedAtMs };
}
