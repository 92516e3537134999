import { describe, expect, it } from 'vitest';
import {
  DataConverter,
  NonDeterminismError,
  defineStepWorkflow,
  defineWorkflow,
  silentLogger,
  type HistoryEvent,
} from '../../src/index.js';
import { WorkflowRun } from '../../src/runtime/workflow-run.js';

const converter = new DataConverter();
const settle = () => new Promise<void>((r) => setImmediate(r));
const options = { startToCloseTimeout: '1s' } as const;
type Acts = { a(): Promise<string>; b(): Promise<string>; c(): Promise<string> };

const started: HistoryEvent & { eventType: 'WorkflowExecutionStarted' } = {
  eventId: 1,
  eventType: 'WorkflowExecutionStarted',
  timeMs: 1_000,
  attrs: {
    workflowType: 'W',
    workflowId: 'w',
    taskQueue: 'q',
    attempt: 1,
    randomSeed: 'seed',
    historyVersion: 1,
    batonVersion: 't',
  },
  payload: converter.toPayload([], 'args'),
};

function newRun(fn: Parameters<typeof defineWorkflow>[1]) {
  return new WorkflowRun(defineWorkflow('W', fn), started, 'run-1', {
    converter,
    settle,
    logger: silentLogger,
  });
}

const scheduled = (eventId: number, seq: number, activityType: string): HistoryEvent => ({
  eventId,
  eventType: 'ActivityTaskScheduled',
  timeMs: 1_000 + eventId,
  attrs: {
    seq,
    activityType,
    options: {
      startToCloseTimeoutMs: 1000,
      retry: {
        initialIntervalMs: 1000,
        backoffCoefficient: 2,
        maximumIntervalMs: 100000,
        maximumAttempts: 0,
        nonRetryableErrorTypes: [],
      },
    },
  },
  payload: converter.toPayload([], 'args'),
});
const completed = (eventId: number, seq: number, value: string): HistoryEvent => ({
  eventId,
  eventType: 'ActivityTaskCompleted',
  timeMs: 2_000 + eventId,
  attrs: { seq, scheduledEventId: 0, startedEventId: 0 },
  payload: converter.toPayload(value, 'result'),
});

describe('WorkflowRun (the pure replay state machine)', () => {
  it('first run: emits commands in order and completes with the round-tripped result', async () => {
    const run = newRun(async (ctx) => {
      const act = ctx.activities<Acts>(options);
      const a = await act.a();
      return { a, at: ctx.now() };
    });
    await run.replay([started]);
    const commands = run.takeCommands();
    expect(commands.map((c) => c.kind === 'scheduleActivity' && c.activityType)).toEqual(['a']);
    await run.deliver(completed(4, 1, 'A!'));
    const [close] = run.takeCommands();
    if (close?.kind !== 'completeWorkflow') throw new Error(`expected completeWorkflow, got ${close?.kind}`);
    expect(converter.fromPayload(close.payload)).toEqual({
      a: 'A!',
      at: 2_004,
    });
  });

  it('replay makes no command already in the history and is deterministic in random() and uuid()', async () => {
    const draws: unknown[][] = [];
    const fn = async (ctx: Parameters<Parameters<typeof defineWorkflow>[1]>[0]) => {
      const act = ctx.activities<Acts>(options);
      draws.push([ctx.random(), ctx.uuid()]);
      await act.a();
      return act.b();
    };
    const history = [started, scheduled(2, 1, 'a'), completed(4, 1, 'x'), scheduled(5, 2, 'b')];
    const run = newRun(fn);
    await run.replay(history);
    expect(run.taskFailure).toBeUndefined();
    expect(run.takeCommands()).toEqual([]);
    expect(run.pendingSeqs()).toEqual([2]);
    const again = newRun(fn);
    await again.replay(history);
    expect(draws[0]).toEqual(draws[1]);
    expect(String(draws[0]![1])).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('a different activity at a recorded sequence number is a NonDeterminismError naming both', async () => {
    const run = newRun(async (ctx) => {
      const act = ctx.activities<Acts>(options);
      await act.a();
      await act.c();
    });
    await run.replay([started, scheduled(2, 1, 'a'), completed(4, 1, 'x'), scheduled(5, 2, 'b')]);
    const err = run.taskFailure as NonDeterminismError;
    expect(err).toBeInstanceOf(NonDeterminismError);
    expect(err.eventId).toBe(5);
    expect(err.expected).toBe("ActivityTaskScheduled 'b'");
    expect(err.actual).toBe("ActivityTaskScheduled 'c'");
    expect(run.takeCommands()).toEqual([]);
  });

  it('a recorded command the code no longer makes is a NonDeterminismError', async () => {
    const run = newRun(async (ctx) => {
      await ctx.activities<Acts>(options).a();
      return 'done early';
    });
    await run.replay([started, scheduled(2, 1, 'a'), completed(4, 1, 'x'), scheduled(5, 2, 'b')]);
    expect(run.taskFailure).toBeInstanceOf(NonDeterminismError);
    expect(run.taskFailure!.message).toContain('the code made no such call');
  });

  it('Promise.race settles the same way on replay: events are delivered one at a time', async () => {
    const fn = async (ctx: Parameters<Parameters<typeof defineWorkflow>[1]>[0]) => {
      const act = ctx.activities<Acts>(options);
      const winner = await Promise.race([act.a(), act.b()]);
      return winner;
    };
    const history = [
      started,
      scheduled(2, 1, 'a'),
      scheduled(3, 2, 'b'),
      completed(5, 2, 'b first'),
      completed(7, 1, 'a second'),
    ];
    const run = newRun(fn);
    await run.replay(history.slice(0, 4));
    const [close] = run.takeCommands();
    expect(close?.kind === 'completeWorkflow' && converter.fromPayload(close.payload)).toBe('b first');
    const replayed = newRun(fn);
    await replayed.replay(history);
    expect(replayed.taskFailure).toBeUndefined();
    const [again] = replayed.takeCommands();
    expect(again?.kind === 'completeWorkflow' && converter.fromPayload(again.payload)).toBe('b first');
  });

  it('Promise.race over an activity and a timer decides the same way on replay', async () => {
    const fn = async (ctx: Parameters<Parameters<typeof defineWorkflow>[1]>[0]) => {
      const act = ctx.activities<Acts>(options);
      return Promise.race([act.a(), ctx.sleep(100).then(() => 'timer')]);
    };
    const timerStarted: HistoryEvent = {
      eventId: 3,
      eventType: 'TimerStarted',
      timeMs: 1_000,
      attrs: { seq: 2, durationMs: 100, fireAtMs: 1_100 },
    };
    const timerFired: HistoryEvent = {
      eventId: 4,
      eventType: 'TimerFired',
      timeMs: 1_100,
      attrs: { seq: 2, startedEventId: 3 },
    };
    const history = [started, scheduled(2, 1, 'a'), timerStarted, timerFired, completed(6, 1, 'activity')];
    for (const length of [4, 5]) {
      const run = newRun(fn);
      await run.replay(history.slice(0, length));
      expect(run.taskFailure).toBeUndefined();
      const [close] = run.takeCommands();
      expect(close?.kind === 'completeWorkflow' && converter.fromPayload(close.payload)).toBe('timer');
    }
  });

  it('the activity summary is recorded but not compared: histories recorded without one replay', async () => {
    const steps = defineStepWorkflow({
      name: 'W',
      activityOptions: options,
      steps: [
        { name: 'First', run: 'a', compensate: 'c' },
        { name: 'Second', run: 'b' },
      ],
    });
    const stepRun = () =>
      new WorkflowRun(steps, started, 'run-1', { converter, settle, logger: silentLogger });
    const run = stepRun();
    await run.replay([started]);
    const [first] = run.takeCommands();
    expect(first?.kind === 'scheduleActivity' && first.options.summary).toBe('First');
    // Recorded before summaries (scheduled() has none): same calls, so the replay goes on.
    const old = stepRun();
    await old.replay([started, scheduled(2, 1, 'a'), completed(4, 1, 'x'), scheduled(5, 2, 'b')]);
    expect(old.taskFailure).toBeUndefined();
    expect(old.takeCommands()).toEqual([]);
    await old.deliver(completed(7, 2, 'y'));
    const [close] = old.takeCommands();
    expect(close?.kind === 'completeWorkflow' && converter.fromPayload(close.payload)).toEqual({
      First: 'x',
      Second: 'y',
    });
    // A summary changed in the code since (here: added) is no NonDeterminismError either.
    const changed = newRun(async (ctx) => ctx.activities<Acts>({ ...options, summary: 'now named' }).a());
    await changed.replay([started, scheduled(2, 1, 'a')]);
    expect(changed.taskFailure).toBeUndefined();
    expect(changed.pendingSeqs()).toEqual([1]);
  });
});
