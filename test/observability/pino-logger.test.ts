/**
 * pinoLogger on a real worker, pino writing JSON lines to a stream in the test: every line about an
 * execution carries its workflowId and runId, every line about an activity attempt also its
 * activityType and attempt — from the workflow's ctx.logger, an activity's logger, and the worker's
 * own warnings.
 */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { activityContext, childLogger, defineWorkflow, pinoLogger, type Logger } from '../../src/index.js';
import { eventually, openTestEnv } from '../support/harness.js';

interface Line {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A pino logger at debug level whose JSON lines land in `lines`. */
function capture(): { logger: Logger; lines: Line[] } {
  const lines: Line[] = [];
  const stream = { write: (line: string) => void lines.push(JSON.parse(line) as Line) };
  return { logger: pinoLogger({ level: 'debug' }, stream), lines };
}

const scan = defineWorkflow('Scan', async (ctx, name: string) => {
  ctx.logger.info('scanning', { name });
  const act = ctx.activities<{ lookUp(name: string): Promise<number> }>({
    startToCloseTimeout: '5s',
    retry: { maximumAttempts: 2, initialInterval: '10ms' },
  });
  return act.lookUp(name);
});

const unknownActivity = defineWorkflow('UnknownActivity', async (ctx) => {
  await ctx.activities<{ missing(): Promise<void> }>({ startToCloseTimeout: '5s' }).missing();
});

describe('pinoLogger', () => {
  it('every line about an execution carries workflowId and runId; about an attempt, activityType and attempt too', async () => {
    const { logger, lines } = capture();
    // A heartbeat over 16 KiB cannot be stored: the worker warns and drops it.
    const env = await openTestEnv({ logger, dataConverter: { payloadLimitBytes: 16 * 1024 } });
    const lookUp = async (name: string): Promise<number> => {
      const ctx = activityContext();
      ctx.logger.info('looking up', { name });
      ctx.heartbeat('x'.repeat(20_000));
      if (ctx.attempt === 1) throw new Error('Pokédex offline');
      return 150;
    };
    env.worker({ taskQueue: 'logs', workflows: [scan, unknownActivity], activities: { lookUp } });
    const handle = await env.baton.client.start(scan, {
      taskQueue: 'logs',
      workflowId: 'scan-1',
      args: ['Mewtwo'],
    });
    await expect(handle.result()).resolves.toBe(150);
    const blocked = await env.baton.client.start(unknownActivity, {
      taskQueue: 'logs',
      workflowId: 'blocked-1',
    });
    await eventually(() => lines.find((l) => l.msg === 'workflow task failed; it will be retried'));

    const ids = { workflowId: 'scan-1', runId: handle.runId };
    expect(lines.find((l) => l.msg === 'scanning')).toMatchObject({ ...ids, name: 'Mewtwo', level: 30 });
    const lookUps = lines.filter((l) => l.msg === 'looking up');
    expect(lookUps.map((l) => l.attempt)).toEqual([1, 2]);
    for (const l of lookUps) expect(l).toMatchObject({ ...ids, activityType: 'lookUp', name: 'Mewtwo' });
    const dropped = lines.filter((l) => l.msg === 'heartbeat details dropped');
    expect(dropped.map((l) => l.attempt)).toEqual([1, 2]);
    for (const l of dropped) expect(l).toMatchObject({ ...ids, activityType: 'lookUp', level: 40 });
    expect(lines.find((l) => l.msg === 'workflow task failed; it will be retried')).toMatchObject({
      workflowId: 'blocked-1',
      runId: blocked.runId,
      error: expect.stringMatching(/activity type 'missing' is not registered/) as unknown,
    });
    // No line of this run lacks the ids of the execution it is about.
    for (const l of lines) {
      expect(l.workflowId, JSON.stringify(l)).toBeTypeOf('string');
      expect(l.runId, JSON.stringify(l)).toBeTypeOf('string');
    }
  });

  it('binds with pino child loggers and wraps an existing pino logger', () => {
    const lines: Line[] = [];
    const base = pino(
      { level: 'info' },
      { write: (line: string) => void lines.push(JSON.parse(line) as Line) },
    );
    const logger = pinoLogger(base.child({ service: 'pokedex' }));
    logger.debug('not written');
    logger.info('plain');
    childLogger(logger, { workflowId: 'w', runId: 'r' }).warn('bound', { hp: 150 });
    expect(lines).toMatchObject([
      { level: 30, msg: 'plain', service: 'pokedex' },
      { level: 40, msg: 'bound', service: 'pokedex', workflowId: 'w', runId: 'r', hp: 150 },
    ]);
  });

  it('childLogger merges bindings into each record of a logger without child()', () => {
    const records: [string, Record<string, unknown> | undefined][] = [];
    const plain: Logger = {
      debug: (m, a) => records.push([m, a]),
      info: (m, a) => records.push([m, a]),
      warn: (m, a) => records.push([m, a]),
      error: (m, a) => records.push([m, a]),
    };
    const bound = childLogger(plain, { workflowId: 'w', runId: 'r' });
    bound.info('a');
    bound.error('b', { runId: 'given', code: 1 });
    childLogger(bound, { activityType: 'attack', attempt: 2 }).warn('c');
    expect(records).toEqual([
      ['a', { workflowId: 'w', runId: 'r' }],
      ['b', { workflowId: 'w', runId: 'given', code: 1 }],
      ['c', { workflowId: 'w', runId: 'r', activityType: 'attack', attempt: 2 }],
    ]);
  });
});
