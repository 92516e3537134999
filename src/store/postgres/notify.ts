import pg from 'pg';
import type { StoreNotice } from '../types.js';
import type { Reconnector } from './reconnect.js';

/** A notice on the wire: a kind letter and its fields. */
type WireNotice =
  | ['t', string]
  | ['i', string]
  | ['c', string, string]
  | ['q', string]
  | ['a', number]
  | ['u', string, string]
  | ['k', string]
  | ['p', string];

/** NOTIFY payloads must stay under 8000 bytes; leave room for the envelope. */
const MAX_PAYLOAD_BYTES = 7000;

function toWire(n: StoreNotice): WireNotice {
  switch (n.kind) {
    case 'task':
      return ['t', n.taskQueue];
    case 'inbox':
      return ['i', n.runId];
    case 'closed':
      return ['c', n.runId, n.workflowId];
    case 'query':
      return ['q', n.runId];
    case 'answered':
      return ['a', n.queryId];
    case 'update':
      return ['u', n.runId, n.updateId];
    case 'activityTask':
      return ['k', n.taskQueue];
    case 'topic':
      return ['p', n.topic];
  }
}

function fromWire(w: WireNotice): StoreNotice | undefined {
  switch (w[0]) {
    case 't':
      return { kind: 'task', taskQueue: w[1] };
    case 'i':
      return { kind: 'inbox', runId: w[1] };
    case 'c':
      return { kind: 'closed', runId: w[1], workflowId: w[2] };
    case 'q':
      return { kind: 'query', runId: w[1] };
    case 'a':
      return { kind: 'answered', queryId: w[1] };
    case 'u':
      return { kind: 'update', runId: w[1], updateId: w[2] };
    case 'k':
      return { kind: 'activityTask', taskQueue: w[1] };
    case 'p':
      return { kind: 'topic', topic: w[1] };
    default:
      return undefined;
  }
}

/**
 * The NOTIFY payloads announcing `notices` (duplicates dropped): `{"o": origin, "n": [...]}`,
 * each under 8000 bytes.
 */
export function noticePayloads(origin: string, notices: readonly StoreNotice[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  let batch: string[] = [];
  let size = 0;
  const push = () => {
    if (batch.length > 0) out.push(`{"o":${JSON.stringify(origin)},"n":[${batch.join(',')}]}`);
    batch = [];
    size = 0;
  };
  for (const n of notices) {
    const wire = JSON.stringify(toWire(n));
    if (seen.has(wire)) continue;
    seen.add(wire);
    const bytes = Buffer.byteLength(wire) + 1;
    if (bytes > MAX_PAYLOAD_BYTES) continue; // absurdly long names: the safety poll finds the work
    if (size + bytes > MAX_PAYLOAD_BYTES) push();
    batch.push(wire);
    size += bytes;
  }
  push();
  return out;
}

/** The notices of a payload, unless it came from `origin` (this store announced them already). */
export function decodePayload(payload: string, origin: string): StoreNotice[] {
  try {
    const { o, n } = JSON.parse(payload) as { o: string; n: WireNotice[] };
    if (o === origin) return [];
    return n.map(fromWire).filter((x): x is StoreNotice => x !== undefined);
  } catch {
    return [];
  }
}

/**
 * Wake-ups across processes: commits that make work due send `pg_notify(channel, payload)`, and
 * a dedicated connection LISTENs on the channel (one per schema) and hands the notices of other
 * stores to `deliver`, as the SQLite store hands its own in-process. Notices of this store are
 * delivered in-process at commit and skipped when they come back. After a lost connection it
 * listens again with back-off; what was announced meanwhile is found by the workers' polling.
 */
export class NoticeListener {
  private client: pg.Client | undefined;
  private started = false;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;
  private attempt = 0;
  private connecting: Promise<void> = Promise.resolve();

  constructor(
    private readonly config: pg.ClientConfig,
    readonly channel: string,
    private readonly origin: string,
    private readonly reconnector: Reconnector,
    private readonly deliver: (notice: StoreNotice) => void,
  ) {}

  /** Starts listening (once; later calls do nothing). */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    this.connecting = this.connect();
  }

  private async connect(): Promise<void> {
    this.retry = undefined;
    if (this.closed) return;
    const client = new pg.Client(this.config);
    client.on('error', () => undefined);
    client.on('end', () => {
      if (this.client !== client) return;
      this.client = undefined;
      this.schedule();
    });
    client.on('notification', (msg) => {
      if (msg.channel !== this.channel || msg.payload === undefined) return;
      for (const n of decodePayload(msg.payload, this.origin)) this.deliver(n);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${client.escapeIdentifier(this.channel)}`);
    } catch (err) {
      this.reconnector.lost(err);
      await client.end().catch(() => undefined);
      this.schedule();
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.attempt = 0;
    this.client = client;
  }

  private schedule(): void {
    if (this.closed || this.retry !== undefined) return;
    const delayMs = Math.min(50 * 2 ** this.attempt++, 2000);
    this.retry = setTimeout(() => {
      this.connecting = this.connect();
    }, delayMs);
  }

  /** Stops listening and closes the connection. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.retry !== undefined) clearTimeout(this.retry);
    await this.connecting;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}

/**
 * Sends NOTIFYs for notices announced outside a group commit (queries, answers, topics), batched
 * per event-loop turn on the pool. A NOTIFY that fails is dropped: the other side's polling finds
 * the work.
 */
export class NoticePoster {
  private outgoing: StoreNotice[] = [];
  private posting: Promise<void> = Promise.resolve();

  constructor(
    private readonly pool: pg.Pool,
    private readonly channel: string,
    private readonly origin: string,
  ) {}

  post(notices: readonly StoreNotice[]): void {
    const first = this.outgoing.length === 0;
    this.outgoing.push(...notices);
    if (!first) return;
    this.posting = this.posting.then(
      () =>
        new Promise<void>((resolve) =>
          setImmediate(() => {
            const payloads = noticePayloads(this.origin, this.outgoing.splice(0));
            Promise.all(payloads.map((p) => this.pool.query('SELECT pg_notify($1, $2)', [this.channel, p])))
              .catch(() => undefined)
              .finally(resolve);
          }),
        ),
    );
  }

  /** Resolves once what was posted has been sent (or dropped). */
  flush(): Promise<void> {
    return this.posting;
  }
}
