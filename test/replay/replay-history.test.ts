import { describe, expect, it } from 'vitest';
import {
  ApplicationFailure,
  DataConverter,
  DataConverterError,
  NonDeterminismError,
  ValidationError,
  WorkflowTypeNotRegisteredError,
  defineWorkflow,
  historyToJson,
  parseSavedHistory,
  replayHistories,
  replayHistory,
  toSavedHistory,
  type WorkflowDefinition,
  type WorkflowHistory,
} from '../../src/index.js';
import { aesCodec } from '../support/codec.js';
import { openTestEnv } from '../support/harness.js';

type Name = 'a' | 'b' | 'c' | 'x';
type Acts = Record<Name, () => Promise<string>>;
const options = { startToCloseTimeout: '10s' } as const;
const say = (name: Name) => async (): Promise<string> => `${name}!`;
const activities: Acts = { a: say('a'), b: say('b'), c: say('c'), x: say('x') };

/** Calls the activity of each name in turn, then returns them joined (or throws when `fail`). */
function steps(names: Name[], fail = false): WorkflowDefinition {
  return defineWorkflow('Steps', async (ctx) => {
    const act = ctx.activities<Acts>(options);
    const out: string[] = [];
    for (const name of names) out.push(await act[name]());
    if (fail) throw ApplicationFailure.nonRetryable('gave up', 'GaveUp');
    return out.join(' ');
  });
}

/** Runs `wf` to its end on an in-memory store and returns its history. */
async function historyOf(wf: WorkflowDefinition, converter?: DataConverter): Promise<WorkflowHistory> {
  const env = await openTestEnv({ memory: true, ...(converter ? { dataConverter: converter } : {}) });
  const w = env.worker({ taskQueue: 'h', workflows: [wf], activities });
  const handle = await env.baton.client.start(wf, { taskQueue: 'h', workflowId: `wf-${Math.random()}` });
  await handle.result().catch(() => undefined);
  await w.shutdown();
  return handle.fetchHistory();
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => undefined,
    (err: unknown) => err,
  );
}

describe('the saved-history format', () => {
  it('round-trips a history, codec bytes as base64 and JSON payloads as their text', async () => {
    const converter = new DataConverter({ codec: aesCodec(Buffer.alloc(32, 7)) });
    const history = await historyOf(steps(['a']), converter);
    const text = historyToJson(history);
    const doc = JSON.parse(text) as { events: { payload?: unknown }[] };
    expect(doc.events[0]!.payload).toEqual({ base64: expect.any(String) as string });
    const back = parseSavedHistory(text, 'h.json');
    expect(back.events).toHaveLength(history.events.length);
    expect(back.events.map((e) => e.payload)).toEqual(
      history.events.map((e) =>
        e.payload === undefined ? undefined : new Uint8Array(e.payload as Uint8Array),
      ),
    );
    // Replaying needs the codec the history was written with.
    expect(await rejection(replayHistory(steps(['a']), text))).toBeInstanceOf(DataConverterError);
    await replayHistory(steps(['a']), text, { dataConverter: converter });

    const plain = await historyOf(steps(['a']));
    const saved = toSavedHistory(plain);
    expect(saved.events[0]!.payload).toBe(plain.events[0]!.payload);
    expect(parseSavedHistory(saved).events).toEqual(plain.events);
  });

  it('refuses documents it cannot read, naming the source and the field', async () => {
    const saved = toSavedHistory(await historyOf(steps(['a'])));
    const bad = (change: (d: Record<string, unknown>) => void): unknown => {
      const doc = structuredClone(saved) as unknown as Record<string, unknown>;
      change(doc);
      try {
        parseSavedHistory(doc, 'x.json');
      } catch (err) {
        return err;
      }
      return undefined;
    };
    const events = (d: Record<string, unknown>) => d.events as Record<string, unknown>[];
    const cases: [(d: Record<string, unknown>) => void, string][] = [
      [(d) => (d.formatVersion = 2), 'x.json: formatVersion 2 is not one this Baton reads (1 to 1)'],
      [(d) => (d.format = 'other'), 'x.json: expected a saved history ("format": "baton.history")'],
      [
        (d) => (events(d)[1]!.eventId = 3),
        'x.json: events[1]: expected eventId 2 (ids start at 1, no gaps), got 3',
      ],
      [(d) => (events(d)[1]!.eventType = 'Nope'), 'x.json: events[1]: unknown eventType "Nope"'],
      [
        (d) => (events(d)[0]!.payload = 5),
        'x.json: events[0]: expected payload to be JSON text or { "base64": "…" }',
      ],
      [(d) => (d.events = []), 'x.json: expected events to be a non-empty array'],
    ];
    for (const [change, message] of cases) {
      const err = bad(change);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as Error).message).toBe(message);
    }
    expect(() => parseSavedHistory('{', 'y.json')).toThrow(/^y\.json: not JSON/);
  });
});

describe('replayHistory and replayHistories', () => {
  it('report each history: ok, diverged, or of a workflow type not given', async () => {
    const ab = await historyOf(steps(['a', 'b']));
    const ac = await historyOf(steps(['a', 'c']));
    const other = await historyOf(defineWorkflow('Other', () => Promise.resolve(1)));
    const results = await replayHistories([steps(['a', 'b'])], [ab, ac, historyToJson(other)]);
    expect(results.map((r) => [r.workflowId, r.workflowType, r.error?.name])).toEqual([
      [ab.workflowId, 'Steps', undefined],
      [ac.workflowId, 'Steps', 'NonDeterminismError'],
      [other.workflowId, 'Other', 'WorkflowTypeNotRegisteredError'],
    ]);
    const nd = results[1]!.error as NonDeterminismError;
    expect(nd.eventId).toBe(5);
    expect(nd.expected).toBe("ActivityTaskScheduled 'c'");
    expect(nd.actual).toBe("ActivityTaskScheduled 'b'");
    expect(results[2]!.error).toBeInstanceOf(WorkflowTypeNotRegisteredError);
    expect(results[2]!.error!.message).toContain(
      "workflow type 'Other' is not among the workflows given (Steps)",
    );
  });

  it('a closed history must close the same way, with nothing more asked', async () => {
    const ab = await historyOf(steps(['a', 'b']));
    const close = ab.events.length;

    const more = (await rejection(replayHistory(steps(['a', 'b', 'c']), ab))) as NonDeterminismError;
    expect(more).toBeInstanceOf(NonDeterminismError);
    expect(more.eventId).toBe(close);
    expect(more.message).toBe(
      `non-determinism in workflow 'Steps' (workflowId '${ab.workflowId}') at event ${close}: the history holds WorkflowExecutionCompleted, the code asked for ActivityTaskScheduled 'c'`,
    );

    const fails = (await rejection(replayHistory(steps(['a', 'b'], true), ab))) as NonDeterminismError;
    expect(fails.actual).toBe('WorkflowExecutionFailed');

    // Fewer calls than recorded: the command the code never made is named.
    const fewer = (await rejection(replayHistory(steps(['a']), ab))) as NonDeterminismError;
    expect(fewer).toBeInstanceOf(NonDeterminismError);
    expect(fewer.actual).toBe('nothing (the code made no such call)');

    // A failed history replays against code that fails the same way.
    await replayHistory(steps(['a'], true), await historyOf(steps(['a'], true)));
  });

  it('an open history accepts code that goes on past it', async () => {
    const ab = await historyOf(steps(['a', 'b']));
    const open = { ...ab, events: ab.events.slice(0, 4) }; // a scheduled, started, completed
    await replayHistory(steps(['a', 'c', 'x']), open);
    const nd = (await rejection(replayHistory(steps(['x']), open))) as NonDeterminismError;
    expect(nd).toBeInstanceOf(NonDeterminismError);
    expect(nd.eventId).toBe(2);
  });

  it('replays code reading continueAsNewSuggested under the bounds the worker had; refuses a non-history', async () => {
    const env = await openTestEnv();
    const bounded = defineWorkflow('Bounded', async (ctx, round: number) => {
      while (!ctx.info.continueAsNewSuggested) await ctx.sleep(1);
      if (round === 0) return ctx.continueAsNew(1);
      return ctx.info.historyLength;
    });
    env.worker({ taskQueue: 'b', workflows: [bounded], continueAsNewSuggestedAt: { historyLength: 5 } });
    const handle = await env.baton.client.start(bounded, {
      taskQueue: 'b',
      workflowId: 'bounded',
      args: [0],
    });
    await handle.result();
    const first = await handle.fetchHistory();
    expect(first.events.at(-1)!.eventType).toBe('WorkflowExecutionContinuedAsNew');
    await expect(
      replayHistory(bounded, first, { continueAsNewSuggestedAt: { historyLength: 5 } }),
    ).resolves.toBeUndefined();
    // Under the default bounds the same code would not have continued as new there.
    await expect(replayHistory(bounded, first)).rejects.toBeInstanceOf(NonDeterminismError);
    for (const bad of [undefined, null, 42])
      await expect(replayHistory(bounded, bad as never)).rejects.toBeInstanceOf(ValidationError);
  });
});
