/**
 * `useExecution(workflowId, runId)`: one execution and its history, live. It loads both, then,
 * while the execution runs, follows its server-sent events (`execution` replaces the detail,
 * `history` appends events); when the stream is not available it polls every 2 s instead.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApiExecutionDetail, ApiHistoryEvent } from '../../server/api-types.js';
import { getExecution, getHistory, streamUrl } from './api.js';

export interface LiveExecution {
  detail: ApiExecutionDetail | undefined;
  events: ApiHistoryEvent[];
  error: unknown;
  /** `stream` while the server-sent events flow, `poll` when polling, `idle` once closed. */
  mode: 'stream' | 'poll' | 'idle';
  /** Loads detail and history again (after an action). */
  reload: () => void;
}

const POLL_MS = 2000;

/** `known` with `added` merged in by event id, in event id order. */
export function mergeEvents(known: ApiHistoryEvent[], added: ApiHistoryEvent[]): ApiHistoryEvent[] {
  if (added.length === 0) return known;
  const byId = new Map(known.map((e) => [e.eventId, e]));
  for (const e of added) byId.set(e.eventId, e);
  return [...byId.values()].sort((a, b) => a.eventId - b.eventId);
}

export function useExecution(workflowId: string, runId: string | undefined): LiveExecution {
  const [detail, setDetail] = useState<ApiExecutionDetail | undefined>(undefined);
  const [events, setEvents] = useState<ApiHistoryEvent[]>([]);
  const [error, setError] = useState<unknown>(undefined);
  const [mode, setMode] = useState<LiveExecution['mode']>('idle');
  const [nonce, setNonce] = useState(0);
  const eventsRef = useRef(events);
  eventsRef.current = events;

  // A different execution starts empty.
  useEffect(() => {
    setDetail(undefined);
    setEvents([]);
  }, [workflowId, runId]);

  useEffect(() => {
    let stopped = false;
    let source: EventSource | undefined;
    let timer: number | undefined;
    let historyLoading = false;
    let historyAgain = false;

    // One history load at a time; a call during a load makes one more load after it.
    const loadHistory = async (): Promise<void> => {
      if (historyLoading) {
        historyAgain = true;
        return;
      }
      historyLoading = true;
      try {
        do {
          historyAgain = false;
          const history = await getHistory(workflowId, runId);
          if (!stopped) setEvents((known) => mergeEvents(known, history.events));
        } while (historyAgain && !stopped);
      } finally {
        historyLoading = false;
      }
    };
    // The stream sends the new events itself, right after the detail; polling fetches them.
    const onDetail = (d: ApiExecutionDetail, streamed: boolean): void => {
      setDetail(d);
      setError(undefined);
      const last = eventsRef.current.at(-1)?.eventId ?? 0;
      if (!streamed && d.historyLength > last) loadHistory().catch((e: unknown) => !stopped && setError(e));
      if (d.status !== 'RUNNING' && !streamed) stop();
    };
    const stop = (): void => {
      source?.close();
      source = undefined;
      window.clearTimeout(timer);
      setMode('idle');
    };
    const poll = async (): Promise<void> => {
      try {
        const d = await getExecution(workflowId, runId);
        if (stopped) return;
        onDetail(d, false);
        if (d.status !== 'RUNNING') return;
      } catch (e) {
        if (stopped) return;
        setError(e);
      }
      timer = window.setTimeout(() => void poll(), POLL_MS);
    };
    const follow = (): void => {
      setMode('stream');
      const es = new EventSource(streamUrl(workflowId, runId));
      source = es;
      let closed = false;
      es.addEventListener('execution', (m: MessageEvent<string>) => {
        if (stopped) return;
        const d = JSON.parse(m.data) as ApiExecutionDetail;
        closed = d.status !== 'RUNNING';
        onDetail(d, true);
      });
      es.addEventListener('history', (m: MessageEvent<string>) => {
        if (!stopped) setEvents((known) => mergeEvents(known, JSON.parse(m.data) as ApiHistoryEvent[]));
      });
      es.addEventListener('error', () => {
        if (stopped) return;
        // The server ends the stream once the run has closed and its last events were sent.
        if (closed) return stop();
        // Otherwise the browser reconnects by itself (from the last event id), unless the server
        // refused the stream: then poll.
        if (es.readyState !== EventSource.CLOSED) return;
        source = undefined;
        setMode('poll');
        void poll();
      });
    };

    const start = async (): Promise<void> => {
      try {
        const [d, history] = await Promise.all([
          getExecution(workflowId, runId),
          getHistory(workflowId, runId),
        ]);
        if (stopped) return;
        setDetail(d);
        setEvents(history.events);
        setError(undefined);
        if (d.status === 'RUNNING') follow();
        else setMode('idle');
      } catch (e) {
        if (!stopped) setError(e);
      }
    };
    void start();
    return () => {
      stopped = true;
      stop();
    };
  }, [workflowId, runId, nonce]);

  return { detail, events, error, mode, reload: () => setNonce((n) => n + 1) };
}
