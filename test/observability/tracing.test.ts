/**
 * OpenTelemetry spans of a real worker, recorded by a minimal TracerProvider registered as the
 * global one (no OpenTelemetry SDK is installed): the spans every Baton makes by default.
 */
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  captureActivities,
  capturePokemon,
  CombatService,
  mewtwo,
  PokeballService,
  sacha,
  StatusService,
} from '../../examples/pokemon/index.js';
import { ApplicationFailure, defineWorkflow, SPAN_ATTRIBUTES as A } from '../../src/index.js';
import { BATON_VERSION } from '../../src/version.js';
import { openTestEnv } from '../support/harness.js';
import { RecordingTracerProvider, type RecordedSpan } from './recording-tracer.js';

const provider = new RecordingTracerProvider();

beforeAll(() => {
  expect(trace.setGlobalTracerProvider(provider)).toBe(true);
});
afterAll(() => {
  trace.disable();
});
beforeEach(() => {
  provider.spans.length = 0;
});

const fled = defineWorkflow('Fled', async (ctx) => {
  const act = ctx.activities<{ attack(): Promise<void> }>({
    startToCloseTimeout: '5s',
    retry: { maximumAttempts: 1 },
  });
  await act.attack();
});

const named = (name: string) => provider.spans.filter((s) => s.name === name);
const one = (name: string): RecordedSpan => {
  const found = named(name);
  expect(found, name).toHaveLength(1);
  return found[0]!;
};

describe('tracing (installed by default in every Baton)', () => {
  it('a capture makes a workflow span and one child span per activity attempt', async () => {
    const env = await openTestEnv();
    const activities = captureActivities(
      new StatusService(),
      new CombatService({ failFirst: 1 }),
      new PokeballService(),
    );
    env.worker({ taskQueue: 'traced', workflows: [capturePokemon], activities });
    const handle = await env.baton.client.start(capturePokemon, {
      taskQueue: 'traced',
      workflowId: 'capture-traced',
      args: [sacha(), mewtwo()],
    });
    await handle.result();
    await expect.poll(() => named('workflow CapturePokemon')[0]?.ended).toBe(true);

    expect(provider.tracers).toContainEqual({ name: 'baton', version: BATON_VERSION });
    const workflow = one('workflow CapturePokemon');
    expect(workflow.parentSpanId).toBeUndefined();
    expect(workflow.attributes).toMatchObject({
      [A.workflowId]: 'capture-traced',
      [A.runId]: handle.runId,
      [A.workflowType]: 'CapturePokemon',
      [A.taskQueue]: 'traced',
      [A.firstTask]: true,
      [A.leaseExpired]: false,
      [A.status]: 'COMPLETED',
    });
    expect(workflow.status.code).toBe(SpanStatusCode.UNSET);
    expect(workflow.ended).toBe(true);

    const attempts = provider.spans.filter((s) => s.name.startsWith('activity '));
    expect(
      attempts.map((s) => `${s.name}#${String(s.attributes[A.attempt])}:${String(s.attributes[A.outcome])}`),
    ).toEqual([
      'activity paralyze#1:completed',
      'activity attack#1:failed',
      'activity attack#2:completed',
      'activity throwPokeball#1:completed',
    ]);
    for (const span of attempts) {
      expect(span.parentSpanId).toBe(workflow.spanContext().spanId);
      expect(span.spanContext().traceId).toBe(workflow.spanContext().traceId);
      expect(span.ended).toBe(true);
      expect(span.attributes[A.activityType]).toBe(span.name.slice('activity '.length));
    }
    const failed = attempts[1]!;
    expect(failed.status).toMatchObject({ code: SpanStatusCode.ERROR });
    expect(failed.status.message).toMatch(/CombatService\.attack is unavailable/);
    expect(failed.exceptions).toEqual([
      {
        name: 'CombatServiceUnavailable',
        message: expect.stringMatching(/CombatService\.attack is unavailable/) as unknown,
      },
    ]);
    expect(attempts[2]!.status.code).toBe(SpanStatusCode.UNSET);
    expect(attempts[2]!.exceptions).toEqual([]);
  });

  it('a workflow that fails ends its span with status ERROR', async () => {
    const env = await openTestEnv();
    const attack = async (): Promise<void> => {
      throw ApplicationFailure.nonRetryable('the Pokémon fled', 'Fled');
    };
    env.worker({ taskQueue: 'traced', workflows: [fled], activities: { attack } });
    await expect(env.baton.client.execute(fled, { taskQueue: 'traced' })).rejects.toThrow();
    await expect.poll(() => named('workflow Fled')[0]?.ended).toBe(true);

    const workflow = one('workflow Fled');
    expect(workflow.status.code).toBe(SpanStatusCode.ERROR);
    expect(workflow.attributes[A.status]).toBe('FAILED');
    const attempt = one('activity attack');
    expect(attempt.parentSpanId).toBe(workflow.spanContext().spanId);
    expect(attempt.exceptions).toEqual([{ name: 'Fled', message: 'the Pokémon fled' }]);
  });

  it('a worker that hands an execution back ends its span, marked released', async () => {
    const env = await openTestEnv();
    const waits = defineWorkflow('Waits', async (ctx) => {
      await ctx.sleep('1h');
    });
    const worker = env.worker({ taskQueue: 'traced', workflows: [waits] });
    await env.baton.client.start(waits, { taskQueue: 'traced' });
    await expect.poll(() => named('workflow Waits').length).toBe(1);
    await worker.shutdown();
    const span = one('workflow Waits');
    expect(span.ended).toBe(true);
    expect(span.attributes[A.released]).toBe('handed back');
    expect(span.attributes[A.status]).toBeUndefined();
  });

  it('makes no spans when the Baton is opened with tracing: false', async () => {
    const env = await openTestEnv({ tracing: false });
    const activities = captureActivities(new StatusService(), new CombatService(), new PokeballService());
    env.worker({ taskQueue: 'untraced', workflows: [capturePokemon], activities });
    await env.baton.client.execute(capturePokemon, { taskQueue: 'untraced', args: [sacha(), mewtwo()] });
    expect(provider.spans).toEqual([]);
  });
});
