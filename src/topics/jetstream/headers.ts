/**
 * What a Baton message carries in NATS headers besides its data. Free text (ids, keys, error
 * messages) is percent-encoded (`encodeURIComponent`), since header values cannot hold line
 * breaks and lose surrounding blanks.
 */
import { headers as createHeaders } from '@nats-io/transport-node';
import type { MsgHdrs } from '@nats-io/transport-node';
import type { Payload } from '../../common/converter.js';
import type { DeadLetterInfo, TopicMessage } from '../broker.js';

/** Header names (`Nats-Msg-Id` is set through the publish options). */
export const Header = {
  id: 'Baton-Id',
  key: 'Baton-Key',
  correlationId: 'Baton-Correlation-Id',
  publishedAt: 'Baton-Published-At',
  /** `string` when the payload was a string (it is sent as UTF-8), `bytes` otherwise. */
  dataKind: 'Baton-Data',
  dlTopic: 'Baton-DL-Topic',
  dlGroup: 'Baton-DL-Group',
  dlAttempts: 'Baton-DL-Attempts',
  dlErrorType: 'Baton-DL-Error-Type',
  dlErrorMessage: 'Baton-DL-Error-Message',
  dlAt: 'Baton-DL-At',
  /** On a redriven message: the only consumer group that handles it; the others ack it unseen. */
  redriveGroup: 'Baton-Redrive-Group',
  natsMsgId: 'Nats-Msg-Id',
} as const;

/** The fields of a message as it is published. */
export interface OutgoingMessage {
  id: string;
  key: string | undefined;
  correlationId: string;
  data: Payload;
  publishedAtMs: number;
  deadLetter?: DeadLetterInfo;
  redriveGroup?: string;
}

/** A message read back from a stream, before it becomes a delivery. */
export interface IncomingMessage extends TopicMessage {
  /** Set on a redriven message: the group it was sent back to. */
  redriveGroup: string | undefined;
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** Percent-encodes free text for a header value. */
export function encodeText(text: string): string {
  return encodeURIComponent(text);
}

function decodeText(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Headers and body of `message`. */
export function encodeMessage(message: OutgoingMessage): { headers: MsgHdrs; body: Uint8Array } {
  const h = createHeaders();
  h.set(Header.id, encodeText(message.id));
  if (message.key !== undefined) h.set(Header.key, encodeText(message.key));
  h.set(Header.correlationId, encodeText(message.correlationId));
  h.set(Header.publishedAt, String(message.publishedAtMs));
  h.set(Header.dataKind, typeof message.data === 'string' ? 'string' : 'bytes');
  const dl = message.deadLetter;
  if (dl !== undefined) {
    h.set(Header.dlTopic, dl.topic);
    h.set(Header.dlGroup, dl.group);
    h.set(Header.dlAttempts, String(dl.attempts));
    h.set(Header.dlErrorType, encodeText(dl.lastError.type));
    h.set(Header.dlErrorMessage, encodeText(dl.lastError.message));
    h.set(Header.dlAt, String(dl.deadLetteredAtMs));
  }
  if (message.redriveGroup !== undefined) h.set(Header.redriveGroup, message.redriveGroup);
  const body = typeof message.data === 'string' ? utf8Encoder.encode(message.data) : message.data;
  return { headers: h, body };
}

function header(h: MsgHdrs | undefined, name: string): string | undefined {
  if (h === undefined || !h.has(name)) return undefined;
  return h.get(name);
}

function numberHeader(h: MsgHdrs | undefined, name: string): number | undefined {
  const raw = header(h, name);
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(n) ? n : undefined;
}

function decodeDeadLetter(h: MsgHdrs | undefined): DeadLetterInfo | undefined {
  const topic = header(h, Header.dlTopic);
  const group = header(h, Header.dlGroup);
  if (topic === undefined || group === undefined) return undefined;
  return {
    topic,
    group,
    attempts: numberHeader(h, Header.dlAttempts) ?? 0,
    lastError: {
      type: decodeText(header(h, Header.dlErrorType) ?? 'Error'),
      message: decodeText(header(h, Header.dlErrorMessage) ?? ''),
    },
    deadLetteredAtMs: numberHeader(h, Header.dlAt) ?? 0,
  };
}

/**
 * Reads a stored message back. A message published by something other than Baton still decodes:
 * its id is its `Nats-Msg-Id` (else `<topic>:<seq>`), its data bytes, its time the server's.
 */
export function decodeMessage(
  topic: string,
  seq: number,
  h: MsgHdrs | undefined,
  data: Uint8Array,
  storedAtMs: number,
): IncomingMessage {
  const rawId = header(h, Header.id) ?? header(h, Header.natsMsgId);
  const id = rawId === undefined ? `${topic}:${seq}` : decodeText(rawId);
  const rawKey = header(h, Header.key);
  const rawCorrelation = header(h, Header.correlationId);
  const payload: Payload =
    header(h, Header.dataKind) === 'string' ? utf8Decoder.decode(data) : new Uint8Array(data);
  return {
    topic,
    seq,
    id,
    key: rawKey === undefined ? undefined : decodeText(rawKey),
    correlationId: rawCorrelation === undefined ? id : decodeText(rawCorrelation),
    data: payload,
    publishedAtMs: numberHeader(h, Header.publishedAt) ?? storedAtMs,
    deadLetter: decodeDeadLetter(h),
    redriveGroup: header(h, Header.redriveGroup),
  };
}

/** The {@link TopicMessage} part of an incoming message. */
export function toTopicMessage(m: IncomingMessage): TopicMessage {
  return {
    topic: m.topic,
    seq: m.seq,
    id: m.id,
    key: m.key,
    correlationId: m.correlationId,
    data: m.data,
    publishedAtMs: m.publishedAtMs,
    deadLetter: m.deadLetter,
  };
}
