/**
 * The deliveries one consumer-group member holds, kept so that a keyed message is never handed
 * out while an earlier message of the same key is unsettled in this member. Per key, one message
 * is the *owner* (ready to hand out, in flight, or waiting for its retry); later ones wait in
 * `held`, in stream order, and the next becomes the owner when the owner is settled. Pure
 * bookkeeping: no I/O, no clock (callers pass `performance.now()` times).
 */

/** Where an entry stands. */
export type EntryState = 'held' | 'ready' | 'inflight' | 'retrying' | 'settling';

/** One message this member has received and not yet settled. */
export interface Entry<M> {
  readonly seq: number;
  readonly key: string | undefined;
  /** The latest delivery of it (a redelivery replaces it). */
  msg: M;
  state: EntryState;
  /** When its retry is due (state `retrying`). */
  retryDueAtMs: number;
}

/** Per-key ordering of one member's unsettled messages. */
export class KeyOrderQueue<M> {
  private readonly entries = new Map<number, Entry<M>>();
  private readonly owners = new Map<string, Entry<M>>();
  private readonly held = new Map<string, Entry<M>[]>();
  private ready: Entry<M>[] = [];

  /** Entries waiting to be handed out (held or ready). */
  get waitingCount(): number {
    let n = this.ready.length;
    for (const list of this.held.values()) n += list.length;
    return n;
  }

  get readyCount(): number {
    return this.ready.length;
  }

  get(seq: number): Entry<M> | undefined {
    return this.entries.get(seq);
  }

  /**
   * A message arrived: a new one becomes ready (or held behind its key's owner); a redelivery of
   * one already known replaces its `msg` and, if it was in flight or waiting for its retry,
   * makes it ready again (its lease ran out, or its retry is due).
   */
  offer(seq: number, key: string | undefined, msg: M): void {
    const known = this.entries.get(seq);
    if (known !== undefined) {
      if (known.state === 'settling') return;
      known.msg = msg;
      if (known.state === 'inflight' || known.state === 'retrying') this.makeReady(known);
      return;
    }
    const entry: Entry<M> = { seq, key, msg, state: 'held', retryDueAtMs: 0 };
    this.entries.set(seq, entry);
    if (key === undefined) return this.makeReady(entry);
    if (!this.owners.has(key)) {
      this.owners.set(key, entry);
      return this.makeReady(entry);
    }
    const list = this.held.get(key) ?? [];
    const at = list.findIndex((e) => e.seq > seq);
    list.splice(at < 0 ? list.length : at, 0, entry);
    this.held.set(key, list);
  }

  /** Up to `max` ready entries, now in flight. */
  take(max: number): Entry<M>[] {
    const out = this.ready.splice(0, Math.max(0, max));
    for (const e of out) e.state = 'inflight';
    return out;
  }

  /** The entry waits for its retry, due at `dueAtMs`; its key stays taken. */
  markRetrying(entry: Entry<M>, dueAtMs: number): void {
    if (this.entries.get(entry.seq) !== entry || entry.state === 'settling') return;
    this.unready(entry);
    entry.state = 'retrying';
    entry.retryDueAtMs = dueAtMs;
  }

  /** Starts settling an entry (ack, dead letter): redeliveries of it are ignored from now on. */
  beginSettle(entry: Entry<M>): void {
    this.unready(entry);
    entry.state = 'settling';
  }

  /** A settle failed before the server took it: the entry is in flight again. */
  abortSettle(entry: Entry<M>): void {
    if (this.entries.get(entry.seq) === entry && entry.state === 'settling') entry.state = 'inflight';
  }

  /** The entry is gone; the next held message of its key (if any) becomes ready. */
  remove(entry: Entry<M>): void {
    if (this.entries.get(entry.seq) !== entry) return;
    this.entries.delete(entry.seq);
    this.unready(entry);
    const key = entry.key;
    if (key === undefined) return;
    const list = this.held.get(key);
    if (list !== undefined) {
      const i = list.indexOf(entry);
      if (i >= 0) list.splice(i, 1);
    }
    if (this.owners.get(key) !== entry) {
      if (list !== undefined && list.length === 0) this.held.delete(key);
      return;
    }
    this.owners.delete(key);
    const next = list?.shift();
    if (list !== undefined && list.length === 0) this.held.delete(key);
    if (next !== undefined) {
      this.owners.set(key, next);
      this.makeReady(next);
    }
  }

  /** True when a retry was due by `dueBeforeMs` and has not come back. */
  hasRetryDueBefore(dueBeforeMs: number): boolean {
    for (const e of this.owners.values())
      if (e.state === 'retrying' && e.retryDueAtMs <= dueBeforeMs) return true;
    return false;
  }

  /**
   * Forgets retries that were due by `dueBeforeMs` and never came back (another member got the
   * redelivery), so that their keys move on. Returns how many.
   */
  releaseOverdueRetries(dueBeforeMs: number): number {
    const overdue = [...this.owners.values()].filter(
      (e) => e.state === 'retrying' && e.retryDueAtMs <= dueBeforeMs,
    );
    for (const e of overdue) this.remove(e);
    return overdue.length;
  }

  /** Entries waiting to be handed out (held or ready), e.g. to keep their leases alive. */
  waiting(): Entry<M>[] {
    const out = [...this.ready];
    for (const list of this.held.values()) out.push(...list);
    return out;
  }

  /** Removes and returns every entry not yet handed out (on close). */
  drainWaiting(): Entry<M>[] {
    const out = this.waiting();
    for (const e of out) this.remove(e);
    // Removing an owner promotes the next held entry, which `out` already lists.
    this.ready = [];
    return out;
  }

  private makeReady(entry: Entry<M>): void {
    entry.state = 'ready';
    if (!this.ready.includes(entry)) this.ready.push(entry);
  }

  private unready(entry: Entry<M>): void {
    const i = this.ready.indexOf(entry);
    if (i >= 0) this.ready.splice(i, 1);
  }
}
