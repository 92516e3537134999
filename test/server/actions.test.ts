/**
 * The actions on an execution through the HTTP API, on a real server, worker and SQLite: signal a
 * workflow waiting for it, query, update (accepted and rejected), cancel, terminate, reset; and
 * their errors (409 on a closed execution, 422 for a query the workflow does not know, 504 when
 * no worker answers).
 */
import { describe, expect, it } from 'vitest';
import { bundledExamples, DEV_TASK_QUEUE } from '../../src/cli/dev-command.js';
import type { ApiExecutionDetail, ApiResult, ApiStartResponse } from '../../src/server/api-types.js';
import { anyNumber, anyString, closedDetail, openApiEnv, trainer, type ApiEnv, wild } from './support.js';

/** Starts an Encounter and waits until its worker answers a query (it is waiting for the trainer). */
async function waitingEncounter(api: ApiEnv, workflowId: string): Promise<string> {
  const started = await api.call<ApiStartResponse>('POST', '/api/executions', {
    workflowType: 'Encounter',
    workflowId,
    args: [wild()],
  });
  expect(started.status).toBe(201);
  const state = await api.call<ApiResult>('POST', `/api/executions/${workflowId}/query`, {
    name: 'encounterState',
  });
  expect(state.status).toBe(200);
  expect(state.json.result).toMatchObject({ phase: 'waiting' });
  return started.json.runId;
}

describe('HTTP API: actions', () => {
  it('signals a workflow waiting for the trainer: it captures, and the detail lists the signal', async () => {
    const api = await openApiEnv();
    await waitingEncounter(api, 'encounter-capture');
    const signal = await api.call('POST', '/api/executions/encounter-capture/signal', {
      name: 'trainerDecision',
      args: ['capture'],
    });
    expect(signal.status).toBe(204);
    expect(signal.text).toBe('');
    const detail = await closedDetail(api, 'encounter-capture');
    expect(detail.json.status).toBe('COMPLETED');
    expect(detail.json.result).toMatchObject({
      outcome: 'captured',
      pokemon: { name: 'Mewtwo', trainerName: 'Sacha' },
    });
    expect(detail.json.signals).toEqual([
      { eventId: anyNumber, name: 'trainerDecision', args: ['capture'], time: anyString },
    ]);
  });

  it('queries and updates a running workflow (an updateId makes an update idempotent); a closed one is 409', async () => {
    const api = await openApiEnv();
    await waitingEncounter(api, 'encounter-berry');
    const weakened = { ...wild(), currentHealth: 100 };
    // A second encounter with a weakened Pokémon, to see the berry heal it.
    await api.call('POST', '/api/executions', {
      workflowType: 'Encounter',
      workflowId: 'encounter-weak',
      args: [weakened],
    });
    const update = await api.call<ApiResult>('POST', '/api/executions/encounter-weak/update', {
      name: 'offerBerry',
      updateId: 'b1',
    });
    expect(update.status).toBe(200);
    expect(update.json).toEqual({ result: 120 });
    const again = await api.call<ApiResult>('POST', '/api/executions/encounter-weak/update', {
      name: 'offerBerry',
      updateId: 'b1',
    });
    expect(again.json).toEqual({ result: 120 });
    const state = await api.call<ApiResult>('POST', '/api/executions/encounter-weak/query', {
      name: 'encounterState',
    });
    expect(state.json.result).toMatchObject({
      phase: 'waiting',
      berries: 1,
      pokemon: { currentHealth: 120 },
    });

    await api.call('POST', '/api/executions/encounter-weak/signal', {
      name: 'trainerDecision',
      args: ['flee'],
    });
    const fled = await closedDetail(api, 'encounter-weak');
    expect(fled.json.result).toMatchObject({ outcome: 'fled', reason: 'trainer fled' });

    const unknownQuery = await api.call('POST', '/api/executions/encounter-berry/query', {
      name: 'pokedexEntry',
    });
    expect(unknownQuery.status).toBe(422);
    expect(unknownQuery.error.code).toBe('QUERY_FAILED');
    expect(unknownQuery.error.message).toContain('pokedexEntry');

    await api.call('POST', '/api/executions/encounter-berry/signal', {
      name: 'trainerDecision',
      args: ['flee'],
    });
    await closedDetail(api, 'encounter-berry');
    const closed = await api.call('POST', '/api/executions/encounter-berry/update', { name: 'offerBerry' });
    expect(closed.status).toBe(409);
    expect(closed.error.code).toBe('NOT_RUNNING');
  });

  it('rejects an update with a validator error as 422, recording nothing', async () => {
    const api = await openApiEnv();
    await waitingEncounter(api, 'encounter-full-health');
    const length = async () =>
      (await api.call<ApiExecutionDetail>('GET', '/api/executions/encounter-full-health')).json.historyLength;
    const before = await length();
    const update = await api.call('POST', '/api/executions/encounter-full-health/update', {
      name: 'offerBerry',
    });
    expect(update.status).toBe(422);
    expect(update.error.code).toBe('UPDATE_FAILED');
    expect(update.error.message).toContain('Mewtwo is at full health and refuses the berry');
    expect(await length()).toBe(before);
  });

  it('cancels a waiting workflow (CANCELED) and terminates another (TERMINATED, with the reason)', async () => {
    const api = await openApiEnv();
    await waitingEncounter(api, 'encounter-cancel');
    await waitingEncounter(api, 'encounter-terminate');
    const cancel = await api.call('POST', '/api/executions/encounter-cancel/cancel', {
      reason: 'the trainer went home',
    });
    expect(cancel.status).toBe(204);
    const canceled = await closedDetail(api, 'encounter-cancel');
    expect(canceled.json.status).toBe('CANCELED');
    expect(canceled.json.failure).toMatchObject({ name: 'CancelledFailure' });

    const terminate = await api.call('POST', '/api/executions/encounter-terminate/terminate', {
      reason: 'server maintenance',
    });
    expect(terminate.status).toBe(204);
    const terminated = await api.call<ApiExecutionDetail>('GET', '/api/executions/encounter-terminate');
    expect(terminated.json.status).toBe('TERMINATED');
    expect(terminated.json.failure).toMatchObject({
      name: 'TerminatedFailure',
      message: 'server maintenance',
    });

    const twice = await api.call('POST', '/api/executions/encounter-terminate/terminate');
    expect(twice.status).toBe(409);
    expect(twice.error.message).toContain('already closed');
    const signalClosed = await api.call('POST', '/api/executions/encounter-cancel/signal', {
      name: 'trainerDecision',
    });
    expect(signalClosed.status).toBe(409);
  });

  it('answers 504 when no worker answers a query in time', async () => {
    const api = await openApiEnv({ worker: false, batonOptions: { queryTimeout: '300ms' } });
    const started = await api.call('POST', '/api/executions', {
      workflowType: 'Encounter',
      workflowId: 'lonely',
      args: [wild()],
    });
    expect(started.status).toBe(201);
    const r = await api.call('POST', '/api/executions/lonely/query', { name: 'encounterState' });
    expect(r.status).toBe(504);
    expect(r.error.code).toBe('QUERY_TIMEOUT');
    expect(r.error.message).toContain('no worker');
  });

  it('answers 504 naming the updateId when no worker completes an update in time; the same id then waits for it', async () => {
    const api = await openApiEnv({ worker: false, updateTimeoutMs: 300 });
    const started = await api.call('POST', '/api/executions', {
      workflowType: 'Encounter',
      workflowId: 'unattended',
      args: [wild()],
    });
    expect(started.status).toBe(201);
    const before = Date.now();
    const r = await api.call('POST', '/api/executions/unattended/update', {
      name: 'offerBerry',
      updateId: 'berry-1',
    });
    expect(Date.now() - before).toBeGreaterThanOrEqual(300 - 5);
    expect(r.status).toBe(504);
    expect(r.error.code).toBe('UPDATE_TIMEOUT');
    expect(r.error.message).toContain('updateId berry-1');
    // The update stays admitted: a worker arrives, and the same updateId gets its outcome.
    const examples = bundledExamples();
    api.env.worker({
      taskQueue: DEV_TASK_QUEUE,
      workflows: examples.workflows,
      activities: examples.activities,
    });
    const again = await api.call('POST', '/api/executions/unattended/update', {
      name: 'offerBerry',
      updateId: 'berry-1',
    });
    expect([200, 422]).toContain(again.status);
  });

  it('resets a capture to a step: a new run, whose detail names the run it was reset from', async () => {
    const api = await openApiEnv();
    // Started by the engine's client by type name, so only the server knows its step graph.
    const handle = await api.env.baton.client.start('CapturePokemonSteps', {
      taskQueue: 'baton-dev',
      workflowId: 'steps-reset',
      args: [{ trainer: trainer(), pokemon: wild() }],
    });
    await handle.result();
    const reset = await api.call<ApiStartResponse>('POST', '/api/executions/steps-reset/reset', {
      toStep: 'ThrowPokeball',
      reason: 'a better ball',
    });
    expect(reset.status).toBe(201);
    expect(reset.json.workflowId).toBe('steps-reset');
    expect(reset.json.runId).not.toBe(handle.runId);
    const detail = await closedDetail(api, 'steps-reset');
    expect(detail.json.runId).toBe(reset.json.runId);
    expect(detail.json.status).toBe('COMPLETED');
    expect(detail.json.resetFrom).toMatchObject({ runId: handle.runId, reason: 'a better ball' });

    const bad = await api.call('POST', '/api/executions/steps-reset/reset', { toEventId: 99_999 });
    expect(bad.status).toBe(400);
    expect(bad.error.code).toBe('VALIDATION');
  });
});
