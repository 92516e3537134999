/**
 * `GET /api/executions/:workflowId/stream` on a real server: server-sent `execution` and `history`
 * events follow a workflow from waiting to completed, then the stream ends; heartbeats; resuming
 * after an event id; the server's close ends open streams.
 */
import { describe, expect, it } from 'vitest';
import type { ApiExecutionDetail } from '../../src/server/api-types.js';
import { openApiEnv, wild } from './support.js';
import { sseReader, type SseMessage } from './sse.js';

const parsed = (m: SseMessage): unknown => JSON.parse(m.data);

describe('HTTP API: execution stream (SSE)', () => {
  it('sends execution and history events until the workflow closes, then ends', async () => {
    const api = await openApiEnv({ streamHeartbeatMs: 100 });
    await api.call('POST', '/api/executions', {
      workflowType: 'Encounter',
      workflowId: 'watched',
      args: [wild()],
    });
    const res = await fetch(`${api.server.url}/api/executions/watched/stream`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const sse = sseReader(res);

    const first = await sse.until((m) => m.event === 'history');
    const execution = first.find((m) => m.event === 'execution')!;
    expect(parsed(execution)).toMatchObject({
      workflowId: 'watched',
      workflowType: 'Encounter',
      status: 'RUNNING',
    });
    const opening = parsed(first.at(-1)!) as { eventId: number; eventType: string }[];
    expect(opening[0]).toMatchObject({ eventId: 1, eventType: 'WorkflowExecutionStarted' });
    expect(first.at(-1)!.id).toBe(String(opening.at(-1)!.eventId));

    // Idle while the workflow waits: heartbeats keep the connection alive.
    const idle = await sse.until((m) => m.comment === 'heartbeat', 5_000);
    expect(idle.at(-1)!.comment).toBe('heartbeat');

    const signal = await api.call('POST', '/api/executions/watched/signal', {
      name: 'trainerDecision',
      args: ['capture'],
    });
    expect(signal.status).toBe(204);
    const rest = await sse.until(() => false, 15_000); // until the server ends the stream
    const history = rest
      .filter((m) => m.event === 'history')
      .flatMap((m) => parsed(m) as { eventId: number; eventType: string }[]);
    const types = history.map((e) => e.eventType);
    expect(types).toContain('WorkflowExecutionSignaled');
    expect(types.filter((t) => t === 'ActivityTaskCompleted')).toHaveLength(3);
    expect(types.at(-1)).toBe('WorkflowExecutionCompleted');
    const ids = [...opening, ...history].map((e) => e.eventId);
    expect(ids).toEqual(ids.map((_, i) => i + 1)); // every event once, in order
    const executions = rest.filter((m) => m.event === 'execution').map(parsed) as { status: string }[];
    expect(executions.at(-1)).toMatchObject({ status: 'COMPLETED', result: { outcome: 'captured' } });
  });

  it('sends only the events after afterEventId (or Last-Event-ID), and ends at once for a closed run', async () => {
    const api = await openApiEnv();
    await api.call('POST', '/api/executions', {
      workflowType: 'Encounter',
      workflowId: 'done',
      args: [wild()],
    });
    await api.call('POST', '/api/executions/done/signal', { name: 'trainerDecision', args: ['flee'] });
    const closed = await api.env.baton.client.getHandle('done').result();
    expect(closed).toMatchObject({ outcome: 'fled' });
    const length = (await api.call<ApiExecutionDetail>('GET', '/api/executions/done')).json.historyLength;

    const all = await sseReader(await fetch(`${api.server.url}/api/executions/done/stream`)).until(
      () => false,
    );
    expect(all.map((m) => m.event)).toEqual(['execution', 'history']);
    expect((parsed(all[1]!) as unknown[]).length).toBe(length);

    const after = await sseReader(
      await fetch(`${api.server.url}/api/executions/done/stream?afterEventId=2`),
    ).until(() => false);
    expect((parsed(after[1]!) as { eventId: number }[]).map((e) => e.eventId)).toEqual(
      Array.from({ length: length - 2 }, (_, i) => i + 3),
    );
    const resumed = await sseReader(
      await fetch(`${api.server.url}/api/executions/done/stream`, {
        headers: { 'Last-Event-ID': String(length) },
      }),
    ).until(() => false);
    expect(resumed.map((m) => m.event)).toEqual(['execution']);
  });

  it('ends open streams when the server closes', async () => {
    const api = await openApiEnv();
    await api.call('POST', '/api/executions', {
      workflowType: 'Encounter',
      workflowId: 'open',
      args: [wild()],
    });
    const sse = sseReader(await fetch(`${api.server.url}/api/executions/open/stream`));
    await sse.until((m) => m.event === 'history');
    await api.server.close();
    expect(await sse.until(() => false)).toEqual([]);
  });
});
