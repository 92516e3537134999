/**
 * The execution endpoints on a real server with a real worker and SQLite: start, detail, history,
 * list (filters and paging), and the errors (404, 400 malformed JSON and schema issues, 409, 415),
 * all through fetch().
 */
import { describe, expect, it } from 'vitest';
import type {
  ApiExecutionDetail,
  ApiExecutionList,
  ApiHistory,
  ApiStartResponse,
} from '../../src/server/api-types.js';
import { anyString, closedDetail, openApiEnv, trainer, wild } from './support.js';

const ids = (list: ApiExecutionList): string[] => list.executions.map((e) => e.workflowId);
const paths = (issues: { path: string }[] | undefined): string[] => (issues ?? []).map((i) => i.path).sort();

describe('HTTP API: executions', () => {
  it('runs the capture end to end through POST /api/executions: detail shows the result, history the events', async () => {
    const api = await openApiEnv();
    const started = await api.call<ApiStartResponse>('POST', '/api/executions', {
      workflowType: 'CapturePokemon',
      workflowId: 'capture-mewtwo',
      args: [trainer(), wild()],
    });
    expect(started.status).toBe(201);
    expect(started.headers.get('content-type')).toMatch(/^application\/json/);
    expect(started.json).toEqual({ workflowId: 'capture-mewtwo', runId: anyString });

    const detail = await closedDetail(api, 'capture-mewtwo');
    expect(detail.status).toBe(200);
    expect(detail.json).toMatchObject({
      workflowId: 'capture-mewtwo',
      runId: started.json.runId,
      workflowType: 'CapturePokemon',
      taskQueue: 'baton-dev',
      status: 'COMPLETED',
      input: [trainer(), wild()],
      pendingActivities: [],
      workflowTaskFailure: null,
      signals: [],
      stepGraph: null,
    });
    expect(detail.json.result).toMatchObject({
      pokemon: { name: 'Mewtwo', status: 'PAR', trainerName: 'Sacha' },
      trainer: { pokemons: [{ name: 'Mewtwo' }] },
    });
    expect(Date.parse(detail.json.closeTime!)).toBeGreaterThanOrEqual(Date.parse(detail.json.startTime));

    const history = await api.call<ApiHistory>('GET', '/api/executions/capture-mewtwo/history');
    expect(history.status).toBe(200);
    expect(history.json.runId).toBe(started.json.runId);
    const events = history.json.events;
    expect(events.map((e) => e.eventId)).toEqual(events.map((_, i) => i + 1));
    expect(events[0]).toMatchObject({ eventType: 'WorkflowExecutionStarted', payload: [trainer(), wild()] });
    expect(events.filter((e) => e.eventType === 'ActivityTaskScheduled')).toHaveLength(3);
    expect(events.at(-1)).toMatchObject({
      eventType: 'WorkflowExecutionCompleted',
      payload: detail.json.result,
    });
    expect(detail.json.historyLength).toBe(events.length);
  });

  it('attaches the step graph of a step workflow the server knows', async () => {
    const api = await openApiEnv();
    const input = { trainer: trainer(), pokemon: wild('Mew') };
    await api.call('POST', '/api/executions', {
      workflowType: 'CapturePokemonSteps',
      workflowId: 'steps-1',
      args: [input],
    });
    const detail = await closedDetail(api, 'steps-1');
    expect(detail.json.status).toBe('COMPLETED');
    expect(detail.json.stepGraph).toEqual({
      name: 'CapturePokemonSteps',
      mode: 'sequence',
      steps: [
        { name: 'Paralyze', activity: 'paralyze', compensation: 'cure', dependsOn: [] },
        { name: 'Attack', activity: 'attack', compensation: 'heal', dependsOn: ['Paralyze'] },
        { name: 'ThrowPokeball', activity: 'throwPokeball', compensation: null, dependsOn: ['Attack'] },
      ],
      order: ['Paralyze', 'Attack', 'ThrowPokeball'],
    });
  });

  it('lists executions newest first, with filters and pages', async () => {
    const api = await openApiEnv({ worker: false });
    for (const id of ['wild-a', 'wild-b', 'other-c']) {
      const r = await api.call('POST', '/api/executions', {
        workflowType: 'Encounter',
        workflowId: id,
        args: [wild()],
      });
      expect(r.status).toBe(201);
    }
    const list = (query: string) => api.call<ApiExecutionList>('GET', `/api/executions?${query}`);
    const all = await list('');
    expect(ids(all.json)).toEqual(['other-c', 'wild-b', 'wild-a']);
    expect(all.json.executions[0]).toEqual({
      workflowId: 'other-c',
      runId: anyString,
      workflowType: 'Encounter',
      taskQueue: 'baton-dev',
      status: 'RUNNING',
      startTime: anyString,
      closeTime: null,
      historyLength: 1,
    });
    expect(all.json.nextOffset).toBeNull();

    const page1 = await list('limit=2');
    expect(page1.json.executions).toHaveLength(2);
    expect(page1.json.nextOffset).toBe(2);
    const page2 = await list(`limit=2&offset=${page1.json.nextOffset}`);
    expect(ids(page2.json)).toEqual(['wild-a']);
    expect(page2.json.nextOffset).toBeNull();

    expect(ids((await list('q=wild-&status=running&type=Encounter')).json)).toEqual(['wild-b', 'wild-a']);
    expect(ids((await list('status=COMPLETED')).json)).toEqual([]);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(ids((await list(`startedAfter=${future}`)).json)).toEqual([]);
    expect(ids((await list(`startedBefore=${future}`)).json)).toHaveLength(3);
  });

  it('answers 404 for an unknown workflowId, on detail, history and actions', async () => {
    const api = await openApiEnv({ worker: false });
    for (const [method, path, body] of [
      ['GET', '/api/executions/no-such-id', undefined],
      ['GET', '/api/executions/no-such-id/history', undefined],
      ['GET', '/api/executions/no-such-id/stream', undefined],
      ['POST', '/api/executions/no-such-id/signal', { name: 'trainerDecision', args: ['flee'] }],
      ['POST', '/api/executions/no-such-id/cancel', undefined],
    ] as const) {
      const r = await api.call(method, path, body);
      expect(r.status, `${method} ${path}`).toBe(404);
      expect(r.headers.get('content-type')).toMatch(/^application\/json/);
      expect(r.error.code).toBe('NOT_FOUND');
      expect(r.error.message).toContain("workflowId 'no-such-id'");
    }
    const unknownEndpoint = await api.call('GET', '/api/nothing-here');
    expect(unknownEndpoint.status).toBe(404);
    expect(unknownEndpoint.error.message).toContain('/api/openapi.json');
  });

  it('answers 400 with the parse error for malformed JSON, and nothing is started', async () => {
    const api = await openApiEnv({ worker: false });
    const r = await api.call('POST', '/api/executions', '{"workflowType": "Encounter",');
    expect(r.status).toBe(400);
    expect(r.error.code).toBe('MALFORMED_JSON');
    expect(r.error.message).toMatch(/^malformed JSON in the request body: .*JSON/);
    expect(ids((await api.call<ApiExecutionList>('GET', '/api/executions')).json)).toEqual([]);
  });

  it('answers 400 with issues naming each field that fails the schema', async () => {
    const api = await openApiEnv({ worker: false });
    const r = await api.call('POST', '/api/executions', { workflowType: 42, args: 'not-a-list' });
    expect(r.status).toBe(400);
    expect(r.error.code).toBe('VALIDATION');
    expect(paths(r.error.issues)).toEqual(['body.args', 'body.workflowType']);
    expect(r.error.message).toContain('body.');

    const query = await api.call('GET', '/api/executions?limit=5000&status=SLEEPING&startedAfter=last-week');
    expect(query.status).toBe(400);
    expect(paths(query.error.issues)).toEqual(['query.limit', 'query.startedAfter', 'query.status']);

    const missing = await api.call('POST', '/api/executions');
    expect(missing.status).toBe(400);
    expect(missing.error.issues).toEqual([{ path: 'body.workflowType', message: anyString }]);

    const unknownType = await api.call('POST', '/api/executions', { workflowType: 'Snorlax' });
    expect(unknownType.status).toBe(400);
    expect(unknownType.error.message).toContain("'Snorlax' is not a workflow type of the server's worker");

    const text = await api.call('POST', '/api/executions', 'workflowType=Encounter', {
      'content-type': 'text/plain',
    });
    expect(text.status).toBe(415);
    expect(text.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers 409 to a second start of a running workflowId', async () => {
    const api = await openApiEnv({ worker: false });
    const body = { workflowType: 'Encounter', workflowId: 'encounter-1', args: [wild()] };
    expect((await api.call('POST', '/api/executions', body)).status).toBe(201);
    const again = await api.call('POST', '/api/executions', body);
    expect(again.status).toBe(409);
    expect(again.error.code).toBe('ALREADY_STARTED');
    expect(again.error.message).toContain('encounter-1');
  });

  it('returns ids and inputs with markup as JSON strings, unchanged, with a JSON content type', async () => {
    const api = await openApiEnv({ worker: false });
    const evil = '<script>alert(1)</script>';
    const started = await api.call<ApiStartResponse>('POST', '/api/executions', {
      workflowType: 'Encounter',
      workflowId: evil,
      args: [{ ...wild(), name: evil }],
    });
    expect(started.status).toBe(201);
    expect(started.json.workflowId).toBe(evil);
    const detail = await api.call<ApiExecutionDetail>('GET', `/api/executions/${encodeURIComponent(evil)}`);
    expect(detail.status).toBe(200);
    expect(detail.headers.get('content-type')).toMatch(/^application\/json/);
    expect(detail.headers.get('x-content-type-options')).toBe('nosniff');
    expect(detail.json.workflowId).toBe(evil);
    expect(detail.json.input).toEqual([{ ...wild(), name: evil }]);
    const list = await api.call<ApiExecutionList>(
      'GET',
      `/api/executions?q=${encodeURIComponent('<script>')}`,
    );
    expect(list.headers.get('content-type')).toMatch(/^application\/json/);
    expect(ids(list.json)).toEqual([evil]);
    const history = await api.call<ApiHistory>('GET', `/api/executions/${encodeURIComponent(evil)}/history`);
    expect(history.json.events[0]!.attrs.workflowId).toBe(evil);
  });

  it('serves a workflowId with a slash and a runId query', async () => {
    const api = await openApiEnv({ worker: false });
    const started = await api.call<ApiStartResponse>('POST', '/api/executions', {
      workflowType: 'Encounter',
      workflowId: 'region/kanto',
      args: [wild()],
    });
    const detail = await api.call<ApiExecutionDetail>(
      'GET',
      `/api/executions/${encodeURIComponent('region/kanto')}?runId=${started.json.runId}`,
    );
    expect(detail.status).toBe(200);
    expect(detail.json.workflowId).toBe('region/kanto');
    const wrongRun = await api.call(
      'GET',
      `/api/executions/${encodeURIComponent('region/kanto')}?runId=nope`,
    );
    expect(wrongRun.status).toBe(404);
  });
});
