import { describe, expect, it } from 'vitest';
import { NonDeterminismError, defineWorkflow } from '../../src/index.js';
import { eventually, latch, openTestEnv } from '../support/harness.js';

const options = { startToCloseTimeout: '30s' } as const;
type Acts = { wait(): Promise<string> };

/** Records marker `first`, runs one activity, records 'app.done'. */
function marking(first: string) {
  return defineWorkflow('Marking', async (ctx) => {
    ctx.recordMarker(first, { stage: 'before', at: new Date(0) });
    const out = await ctx.activities<Acts>(options).wait();
    ctx.recordMarker('app.done', { stage: 'after', out });
    return out;
  });
}

describe('markers (MarkerRecorded)', () => {
  it('are recorded in order with their details (through the data converter)', async () => {
    const env = await openTestEnv();
    env.worker({ taskQueue: 'm', workflows: [marking('app.stage')], activities: { wait: async () => 'ok' } });
    const handle = await env.baton.client.start(marking('app.stage'), {
      taskQueue: 'm',
      workflowId: 'mark-1',
    });
    expect(await handle.result()).toBe('ok');
    const { events } = await handle.fetchHistory();
    const markers = events.filter((e) => e.eventType === 'MarkerRecorded');
    expect(markers.map((e) => e.eventType === 'MarkerRecorded' && e.attrs.markerName)).toEqual([
      'app.stage',
      'app.done',
    ]);
    const details = markers.map((e) => env.baton.converter.fromPayload(e.payload!));
    expect(details).toEqual([
      { stage: 'before', at: new Date(0) },
      { stage: 'after', out: 'ok' },
    ]);
    // The first marker rides in the same workflow task as the activity it precedes.
    const scheduled = events.find((e) => e.eventType === 'ActivityTaskScheduled')!;
    expect(scheduled.eventId).toBe(markers[0]!.eventId + 1);
  });

  it('are matched by name on replay: code recording another name fails with NonDeterminismError', async () => {
    const env = await openTestEnv();
    const never = latch<string>();
    const w1 = env.worker({
      taskQueue: 'm',
      workflows: [marking('app.stage')],
      activities: { wait: () => never.promise },
      shutdownGraceTime: 50,
    });
    const handle = await env.baton.client.start(marking('app.stage'), {
      taskQueue: 'm',
      workflowId: 'mark-2',
    });
    await eventually(async () => ((await handle.describe()).pendingActivities.length > 0 ? true : undefined));
    await w1.shutdown();

    const failures: Error[] = [];
    const w2 = env.worker({
      taskQueue: 'm',
      workflows: [marking('app.renamed')],
      activities: { wait: async () => 'ok' },
      hooks: { onWorkflowTaskFailed: (e) => failures.push(e.error) },
    });
    await eventually(() => (failures.length > 0 ? true : undefined));
    await w2.shutdown();
    const nd = failures[0] as NonDeterminismError;
    expect(nd).toBeInstanceOf(NonDeterminismError);
    expect(nd.expected).toBe("MarkerRecorded 'app.stage'");
    expect(nd.actual).toBe("MarkerRecorded 'app.renamed'");

    env.worker({ taskQueue: 'm', workflows: [marking('app.stage')], activities: { wait: async () => 'ok' } });
    expect(await handle.result()).toBe('ok');
    never.release('late');
  });
});
