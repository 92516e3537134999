/**
 * Live progress of an execution while `baton start --wait` waits: the steps (activities) done, the
 * ones running with their attempt and last failure, a blocked workflow task, or that no worker has
 * picked it up yet. Read from the store (describe() and the history), so it works whichever process
 * runs the workflow. On a terminal it is one line rewritten in place; otherwise a line per change.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Baton, ExecutionStatus } from '../../index.js';
import { describeError } from '../output.js';
import { printable, shorten } from './format.js';

/** What progress shows of one execution. */
export interface ProgressState {
  runId: string;
  taskQueue: string;
  status: ExecutionStatus;
  /** Activity types completed, in order. */
  done: string[];
  /** Activities scheduled and not closed. */
  running: { activityType: string; attempt: number; lastFailure?: string }[];
  /** No worker has taken the execution yet. */
  waitingForWorker: boolean;
  /** The workflow task is failing (an unknown type, a bug, non-determinism). */
  taskFailure?: { attempt: number; message: string };
}

/** Reads an execution's progress, following its newest run; the history is read incrementally. */
export class ProgressReader {
  private runId: string | undefined;
  private nextEventId = 1;
  private readonly scheduled = new Map<number, string>();
  private done: string[] = [];

  constructor(
    private readonly baton: Baton,
    private readonly workflowId: string,
  ) {}

  /** The execution's progress now. */
  async read(): Promise<ProgressState> {
    const d = await this.baton.client.getHandle(this.workflowId).describe();
    if (d.runId !== this.runId) {
      this.runId = d.runId;
      this.nextEventId = 1;
      this.scheduled.clear();
      this.done = [];
    }
    for (const e of await this.baton.store.getHistory(d.runId, this.nextEventId)) {
      this.nextEventId = e.eventId + 1;
      if (e.eventType === 'ActivityTaskScheduled') this.scheduled.set(e.eventId, e.attrs.activityType);
      if (e.eventType === 'ActivityTaskCompleted')
        this.done.push(this.scheduled.get(e.attrs.scheduledEventId) ?? '?');
    }
    const state: ProgressState = {
      runId: d.runId,
      taskQueue: d.taskQueue,
      status: d.status,
      done: [...this.done],
      running: d.pendingActivities.map((a) => ({
        activityType: a.activityType,
        attempt: a.attempt,
        ...(a.lastFailure === undefined ? {} : { lastFailure: describeError(a.lastFailure) }),
      })),
      waitingForWorker: d.status === 'RUNNING' && d.historyLength <= 1 && d.worker === undefined,
    };
    if (d.workflowTaskFailure !== undefined) state.taskFailure = d.workflowTaskFailure;
    return state;
  }
}

/**
 * The progress in one line: `RUNNING · 2 steps done (paralyze, attack) · throwPokeball attempt 2
 * (last failure: ApplicationFailure: the ball missed)`, made {@link printable}.
 */
export function progressText(s: ProgressState): string {
  const parts: string[] = [s.status];
  if (s.waitingForWorker) {
    parts.push(`waiting for a worker on task queue '${s.taskQueue}' (baton worker, baton dev)`);
  } else {
    const names = s.done.length > 4 ? ['…', ...s.done.slice(-3)] : s.done;
    const steps = `${s.done.length} step${s.done.length === 1 ? '' : 's'} done`;
    parts.push(s.done.length === 0 ? steps : `${steps} (${names.join(', ')})`);
  }
  for (const a of s.running) {
    const failure = a.lastFailure === undefined ? '' : ` (last failure: ${shorten(a.lastFailure, 80)})`;
    parts.push(`${a.activityType} attempt ${a.attempt}${failure}`);
  }
  if (s.taskFailure !== undefined) {
    parts.push(
      `workflow task failing (attempt ${s.taskFailure.attempt}): ${shorten(s.taskFailure.message, 100)}`,
    );
  }
  return printable(parts.join(' · '));
}

/** Where progress goes: a stream (stderr) and whether it is a terminal. */
export interface ProgressSink {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/** One line rewritten in place on a terminal; a line per change otherwise. */
export class ProgressLine {
  private last: string | undefined;

  constructor(private readonly sink: ProgressSink) {}

  /** Shows `text` (nothing happens when it is what is shown). */
  show(text: string): void {
    if (text === this.last) return;
    this.last = text;
    if (this.sink.isTTY === true) {
      // A terminal that does not say its width (0) gets 80 columns.
      const width = Math.max(20, (this.sink.columns || 80) - 1);
      this.sink.write(`\r\x1b[2K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
    } else this.sink.write(`${text}\n`);
  }

  /** Ends the line on a terminal, so what follows starts on a fresh one. */
  end(): void {
    if (this.sink.isTTY === true && this.last !== undefined) this.sink.write('\n');
  }
}

/** How long progress waits before it says that no worker has taken the execution, in ms. */
const WORKER_GRACE_MS = 1000;

/** Shows the progress of `workflowId` until `until` settles, then once more, and ends the line. */
export async function watchProgress(
  baton: Baton,
  workflowId: string,
  until: Promise<unknown>,
  sink: ProgressSink = process.stderr,
  pollMs = 100,
): Promise<void> {
  const reader = new ProgressReader(baton, workflowId);
  const line = new ProgressLine(sink);
  let settled = false;
  const over = until.then(
    () => (settled = true),
    () => (settled = true),
  );
  const startedMs = Date.now();
  try {
    while (!settled) {
      const state = await reader.read();
      // A worker usually takes a new execution within a poll or two: say so only when it does not.
      if (!state.waitingForWorker || Date.now() - startedMs >= WORKER_GRACE_MS)
        line.show(progressText(state));
      await Promise.race([sleep(pollMs), over]);
    }
    line.show(progressText(await reader.read()));
  } finally {
    line.end();
  }
}
