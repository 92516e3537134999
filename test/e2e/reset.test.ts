import { describe, expect, it } from 'vitest';
import {
  Client,
  ValidationError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  defineWorkflow,
  systemClock,
  type HistoryEvent,
} from '../../src/index.js';
import { captureActivities } from '../../examples/pokemon/activities.js';
import { mewtwo, sacha, type CaptureResult } from '../../examples/pokemon/domain.js';
import { CombatService, PokeballService, StatusService } from '../../examples/pokemon/services.js';
import { captureSteps } from '../../examples/pokemon/steps.js';
import { capturePokemon } from '../../examples/pokemon/workflows.js';
import { eventually, latch, openTestEnv, type TestEnv } from '../support/harness.js';

/** The capture's services (their call counters are the real calls) and a worker running them. */
function captureWorker(env: TestEnv, taskQueue: string, throwFailsFirst: number) {
  const services = {
    status: new StatusService(),
    combat: new CombatService(),
    pokeball: new PokeballService({ failFirst: throwFailsFirst }),
  };
  const activities = captureActivities(services.status, services.combat, services.pokeball);
  env.worker({ taskQueue, workflows: [capturePokemon, captureSteps], activities });
  return services;
}

const failureOf = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

/** The scheduled event of the first activity of `activityType`. */
function scheduledOf(events: readonly HistoryEvent[], activityType: string): HistoryEvent {
  return events.find(
    (e) => e.eventType === 'ActivityTaskScheduled' && e.attrs.activityType === activityType,
  )!;
}

describe('reset (as Temporal’s ResetWorkflowExecution)', () => {
  it('re-runs a failed capture from the throw: paralyze and attack are not run again', async () => {
    const env = await openTestEnv();
    // CAPTURE_ACTIVITY_OPTIONS allow 5 attempts: the throw fails for good; its 6th call succeeds.
    const s = captureWorker(env, 'reset-capture', 5);
    const handle = await env.baton.client.start(capturePokemon, {
      workflowId: 'capture-reset',
      taskQueue: 'reset-capture',
      args: [sacha(), mewtwo()],
    });
    expect(await failureOf(handle.result())).toBeInstanceOf(WorkflowFailedError);
    expect([s.status.calls, s.combat.calls, s.pokeball.calls]).toEqual([1, 1, 5]);
    const old = await handle.fetchHistory();

    const reset = await handle.reset({ toStep: 'throwPokeball', reason: 'the Poké Ball service is back' });
    expect(reset.runId).not.toBe(handle.runId);
    const result: CaptureResult = await reset.result();
    expect(result.pokemon).toMatchObject({ name: 'Mewtwo', trainerName: 'Sacha' });
    // Only the throw ran again.
    expect([s.status.calls, s.combat.calls, s.pokeball.calls]).toEqual([1, 1, 6]);
    expect((await handle.describe()).status).toBe('FAILED');

    const toEventId = scheduledOf(old.events, 'throwPokeball').eventId - 1;
    const fresh = await reset.fetchHistory();
    expect(fresh.events.slice(1, toEventId)).toEqual(old.events.slice(1, toEventId));
    const { resetFrom, ...startAttrs } = fresh.events[0]!.attrs as { resetFrom: unknown };
    expect(startAttrs).toEqual(old.events[0]!.attrs);
    expect(resetFrom).toEqual({
      runId: handle.runId,
      eventId: toEventId,
      reason: 'the Poké Ball service is back',
    });
    expect(fresh.events[toEventId]).toMatchObject({
      eventId: toEventId + 1,
      eventType: 'ActivityTaskScheduled',
      attrs: { activityType: 'throwPokeball' },
    });
    expect(fresh.events.at(-1)!.eventType).toBe('WorkflowExecutionCompleted');
    const described = await reset.describe();
    expect(described).toMatchObject({ status: 'COMPLETED', workflowId: 'capture-reset' });
    expect(described.resetFrom).toEqual({
      runId: handle.runId,
      eventId: toEventId,
      reason: 'the Poké Ball service is back',
    });
    expect((await handle.describe()).resetFrom).toBeUndefined();
    // The workflowId's newest run is the new one.
    expect((await env.baton.client.getHandle('capture-reset').describe()).runId).toBe(reset.runId);
  }, 20_000);

  it('toEventId: re-runs from after the paralysis; the default reason is recorded', async () => {
    const env = await openTestEnv();
    const s = captureWorker(env, 'reset-event', 5);
    const handle = await env.baton.client.start(capturePokemon, {
      taskQueue: 'reset-event',
      args: [sacha(), mewtwo()],
    });
    await failureOf(handle.result());
    const toEventId = scheduledOf((await handle.fetchHistory()).events, 'attack').eventId - 1;
    const reset = await env.baton.client.getHandle(handle.workflowId).reset({ toEventId });
    await reset.result();
    expect([s.status.calls, s.combat.calls, s.pokeball.calls]).toEqual([1, 2, 6]);
    expect((await reset.describe()).resetFrom).toEqual({
      runId: handle.runId,
      eventId: toEventId,
      reason: 'reset by client',
    });
  }, 20_000);

  it('a reset of a running execution terminates the old run in the same step', async () => {
    const env = await openTestEnv();
    const gate = latch();
    const s = {
      status: new StatusService(),
      combat: new CombatService(),
      pokeball: new PokeballService(),
    };
    const base = captureActivities(s.status, s.combat, s.pokeball);
    env.worker({
      taskQueue: 'reset-running',
      workflows: [capturePokemon],
      activities: {
        ...base,
        async throwPokeball(...args: Parameters<typeof base.throwPokeball>) {
          await gate.promise;
          return base.throwPokeball(...args);
        },
      },
    });
    const handle = await env.baton.client.start(capturePokemon, {
      taskQueue: 'reset-running',
      args: [sacha(), mewtwo()],
    });
    await eventually(async () =>
      (await handle.describe()).pendingActivities.some((a) => a.activityType === 'throwPokeball')
        ? true
        : undefined,
    );
    const reset = await handle.reset({ toStep: 'throwPokeball', reason: 'stuck' });
    const old = await handle.describe();
    expect(old.status).toBe('TERMINATED');
    const last = (await handle.fetchHistory()).events.at(-1)!;
    expect(last).toMatchObject({
      eventType: 'WorkflowExecutionTerminated',
      attrs: { reason: 'reset: stuck' },
    });
    const err = await failureOf(handle.result());
    expect(err).toBeInstanceOf(WorkflowFailedError);
    gate.release();
    expect((await reset.result()).pokemon.trainerName).toBe('Sacha');
    expect([s.status.calls, s.combat.calls]).toEqual([1, 1]);
  }, 20_000);

  it('the new run keeps the random seed: ctx.uuid() replays the same', async () => {
    const env = await openTestEnv();
    const seen: string[] = [];
    const tag = defineWorkflow('TagWithUuid', async (ctx) => {
      const id = ctx.uuid();
      const act = ctx.activities<{ tag(id: string): Promise<string> }>({
        startToCloseTimeout: '5s',
        retry: { maximumAttempts: 1 },
      });
      await ctx.sleep(1);
      return act.tag(id);
    });
    env.worker({
      taskQueue: 'reset-seed',
      workflows: [tag],
      activities: {
        async tag(id: string) {
          seen.push(id);
          if (seen.length === 1) throw new Error('first call fails');
          return id;
        },
      },
    });
    const handle = await env.baton.client.start(tag, { taskQueue: 'reset-seed' });
    await failureOf(handle.result());
    const reset = await handle.reset({ toStep: 'tag' });
    expect(await reset.result()).toBe(seen[0]);
    expect(seen).toEqual([seen[0], seen[0]]);
    // A timer still running at the reset point is refused, naming it.
    const timer = (await handle.fetchHistory()).events.find((e) => e.eventType === 'TimerStarted')!;
    const err = await failureOf(handle.reset({ toEventId: timer.eventId }));
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toMatch(
      new RegExp(
        `leaves a timer of 1 ms \\(started at event ${timer.eventId}, not fired by event ${timer.eventId}\\) open.*Nearest valid toEventId: ${timer.eventId - 1} or ${timer.eventId + 1}$`,
      ),
    );
  }, 20_000);

  it('a step workflow resets to a step by its name (or its activity type)', async () => {
    const env = await openTestEnv();
    // ThrowPokeball allows 3 attempts: it fails for good, cure and heal compensate.
    const s = captureWorker(env, 'reset-steps', 3);
    const handle = await env.baton.client.start(captureSteps, {
      taskQueue: 'reset-steps',
      args: [{ trainer: sacha(), pokemon: mewtwo() }],
    });
    await failureOf(handle.result());
    expect([s.status.calls, s.combat.calls, s.pokeball.calls]).toEqual([2, 2, 3]);
    const reset = await handle.reset({ toStep: 'ThrowPokeball' });
    expect((await reset.result()).pokemon.trainerName).toBe('Sacha');
    expect([s.status.calls, s.combat.calls, s.pokeball.calls]).toEqual([2, 2, 4]);
    const old = (await handle.fetchHistory()).events;
    expect((await reset.describe()).resetFrom?.eventId).toBe(scheduledOf(old, 'throwPokeball').eventId - 1);

    // A client that does not know the graph finds the step by the summary recorded in the history.
    const other = new Client({ store: env.baton.store, converter: env.baton.converter, clock: systemClock });
    const byName = await other
      .getHandle<CaptureResult>(handle.workflowId, handle.runId)
      .reset({ toStep: 'ThrowPokeball' });
    expect((await byName.describe()).resetFrom?.eventId).toBe(scheduledOf(old, 'throwPokeball').eventId - 1);
    expect((await byName.result()).pokemon.trainerName).toBe('Sacha');
    const byType = await other
      .getHandle<CaptureResult>(handle.workflowId, handle.runId)
      .reset({ toStep: 'throwPokeball' });
    expect((await byType.result()).pokemon.trainerName).toBe('Sacha');
    other.close();
  }, 20_000);

  it('the new run has the search attributes given at start and upserted up to the point, and the memo', async () => {
    const env = await openTestEnv();
    // No worker polls this queue: the new run stays as the reset wrote it.
    const handle = await env.baton.client.start('Staged', {
      taskQueue: 'reset-nobody',
      memo: { note: 'kept' },
      searchAttributes: { trainer: 'Sacha', level: 1 },
    });
    const [held] = await env.baton.store.claimExecutions({
      taskQueue: 'reset-nobody',
      workerId: 'T',
      leaseMs: 60_000,
      limit: 1,
      nowMs: Date.now(),
      includeBlocked: false,
    });
    const upsert = (eventId: number, searchAttributes: Record<string, string | number>) =>
      ({
        eventId,
        eventType: 'UpsertWorkflowSearchAttributes',
        timeMs: Date.now(),
        attrs: { seq: eventId, searchAttributes },
      }) as HistoryEvent;
    await env.baton.store.commit({
      runId: handle.runId!,
      workflowId: handle.workflowId,
      workerId: 'T',
      epoch: held!.execution.leaseEpoch,
      expectedLastEventId: 1,
      events: [upsert(2, { level: 2, badge: 'boulder' }), upsert(3, { level: 3 })],
      searchAttributes: { level: 3, badge: 'boulder' },
    });
    expect((await handle.describe()).searchAttributes).toEqual({
      trainer: 'Sacha',
      level: 3,
      badge: 'boulder',
    });
    const atTwo = await handle.reset({ toEventId: 2 });
    expect(await atTwo.describe()).toMatchObject({
      status: 'RUNNING',
      historyLength: 2,
      memo: { note: 'kept' },
      searchAttributes: { trainer: 'Sacha', level: 2, badge: 'boulder' },
    });
    expect((await handle.describe()).status).toBe('TERMINATED');
    // Resetting the old run again terminates the workflowId's running run (the first reset's).
    const atOne = await handle.reset({ toEventId: 1 });
    expect((await atOne.describe()).searchAttributes).toEqual({ trainer: 'Sacha', level: 1 });
    expect((await atTwo.describe()).status).toBe('TERMINATED');
  });

  it('refuses bad reset points with a ValidationError and writes nothing', async () => {
    const env = await openTestEnv();
    captureWorker(env, 'reset-bad', 5);
    const handle = await env.baton.client.start(capturePokemon, {
      workflowId: 'capture-bad',
      taskQueue: 'reset-bad',
      args: [sacha(), mewtwo()],
    });
    await failureOf(handle.result());
    const events = (await handle.fetchHistory()).events;
    const last = events.at(-1)!.eventId;
    const attack = scheduledOf(events, 'attack').eventId;
    const cases: [Parameters<typeof handle.reset>[0], string | RegExp][] = [
      [{}, 'reset: expected exactly one of toEventId and toStep, got neither'],
      [{ toEventId: 2, toStep: 'attack' }, 'reset: expected exactly one of toEventId and toStep, got both'],
      [{ toStep: '' }, 'toStep: expected a non-empty activity type or step name, got '],
      [{ toEventId: 0 }, new RegExp(`^toEventId: expected an integer in \\[1, ${last - 1}\\] .*got 0$`)],
      [{ toEventId: last }, `close event WorkflowExecutionFailed), got ${last}`],
      [{ toEventId: 1.5 }, /got 1\.5$/],
      [
        { toEventId: attack },
        `reset point event ${attack} of run '${handle.runId}' leaves activity 'attack' (scheduled at event ${attack}, not closed by event ${attack}) open; a reset must keep no open activity or timer. Nearest valid toEventId: ${attack - 1} or ${attack + 2}`,
      ],
      [
        { toStep: 'heal' },
        `toStep: no activity type 'heal' was scheduled in run '${handle.runId}'; activity types present: paralyze, attack, throwPokeball`,
      ],
    ];
    for (const [options, message] of cases) {
      const err = await failureOf(handle.reset(options));
      expect(err, JSON.stringify(options)).toBeInstanceOf(ValidationError);
      if (typeof message === 'string') expect((err as Error).message).toContain(message);
      else expect((err as Error).message).toMatch(message);
    }
    expect(
      await failureOf(env.baton.client.getHandle('no-such-capture').reset({ toEventId: 1 })),
    ).toBeInstanceOf(WorkflowNotFoundError);
    expect(
      await failureOf(env.baton.client.getHandle('capture-bad', 'no-such-run').reset({ toEventId: 1 })),
    ).toBeInstanceOf(WorkflowNotFoundError);
    const runs = await env.baton.client.list({ workflowId: 'capture-bad' });
    expect(runs.map((r) => [r.runId, r.status])).toEqual([[handle.runId, 'FAILED']]);
    expect((await handle.fetchHistory()).events).toEqual(events);
  }, 20_000);
});
