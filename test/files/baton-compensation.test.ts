/**
 * Baton's workflow files on a real engine (real SQLite store, real worker): the file's `timeout`
 * (the steps in flight cancelled, child workflows and signal waits included, the completed ones
 * compensated) and the compensations of `foreach` iterations (newest first, a failed one not
 * compensated, a failed compensation marked).
 */
import { describe, expect, it } from 'vitest';
import { ApplicationFailure } from '../../src/index.js';
import { eventually } from '../support/harness.js';
import { runWorkflowFiles } from '../support/workflow-files.js';
import { events, markerEventId, rootOf } from './run-kit.js';

describe('Baton format: the file’s timeout and compensations', () => {
  it('fails the run with WorkflowTimeout, cancels the steps in flight, compensates the completed ones', async () => {
    const calls: string[] = [];
    const activities = {
      book: async (what: string) => {
        calls.push(`book ${what}`);
        return `${what}-booked`;
      },
      unbook: async (what: string) => {
        calls.push(`unbook ${what}`);
        return null;
      },
    };
    const text = [
      'name: slow',
      'timeout: 300ms',
      'steps:',
      '  hotel: { action: { activity: book, args: [hotel] }, compensate: { activity: unbook, args: ["${result}"] } }',
      '  wait: { action: { sleep: 10s } }',
      '  never: { action: { echo: never } }',
    ].join('\n');
    const run = await runWorkflowFiles([], { texts: { 'slow.yaml': text }, activities });
    expect(run.status).toBe('FAILED');
    const root = rootOf(run.failure);
    expect(root.type).toBe('WorkflowTimeout');
    expect(root.message).toContain('300 ms');
    expect(calls).toEqual(['book hotel', 'unbook hotel-booked']);
    expect(run.steps).toEqual({ hotel: 'COMPENSATED', wait: 'CANCELED' });
    const started = run.history[0]!.timeMs;
    expect(run.history.at(-1)!.timeMs - started).toBeGreaterThanOrEqual(300 - 5);
    expect(events(run.history, 'TimerCanceled').length).toBeGreaterThanOrEqual(1);
  });

  it('on timeout, cancels a child workflow step and a signal wait in flight', async () => {
    const parent = [
      'name: parent',
      'timeout: 300ms',
      'steps:',
      '  call: { action: { workflow: child } }',
      '  approve: { action: { waitForSignal: go } }',
      '  both: { dependsOn: [call, approve], action: { echo: never } }',
    ].join('\n');
    const napping = ['name: child', 'steps:', '  nap: { action: { sleep: 10s } }'].join('\n');
    const run = await runWorkflowFiles([], {
      texts: { 'parent.yaml': parent, 'child.yaml': napping },
      workflowId: 'p-4',
    });
    expect(run.status).toBe('FAILED');
    expect(rootOf(run.failure).type).toBe('WorkflowTimeout');
    expect(run.steps).toEqual({ call: 'CANCELED', approve: 'CANCELED' });
    const childRun = await eventually(async () => {
      const d = await run.env.baton.client.getHandle('p-4/call').describe();
      return d.status === 'RUNNING' ? undefined : d;
    });
    expect(childRun.status).toBe('CANCELED');
  });

  for (const parallel of [false, true])
    it(`compensates each completed foreach iteration (parallel: ${parallel}), newest first, after later steps`, async () => {
      const calls: string[] = [];
      const activities = {
        reserve: async (item: string) => {
          calls.push(`reserve ${item}`);
          return `r-${item}`;
        },
        release: async (result: string, item: string, index: number) => {
          calls.push(`release ${result} ${item} ${index}`);
          return null;
        },
        pay: async () => {
          calls.push('pay');
          throw ApplicationFailure.nonRetryable('card refused', 'PaymentRefused');
        },
      };
      const text = [
        'name: order',
        'steps:',
        '  first: { action: { echo: one }, compensate: { activity: release, args: ["${result}", none, -1] } }',
        '  items:',
        '    foreach: [a, b, c]',
        `    parallel: ${parallel}`,
        '    action: { activity: reserve, args: ["${item}"] }',
        '    compensate: { activity: release, args: ["${result}", "${item}", "${index}"] }',
        '  pay: { action: { activity: pay }, retry: { maximumAttempts: 1 } }',
      ].join('\n');
      const run = await runWorkflowFiles([], { texts: { 'order.yaml': text }, activities });
      expect(run.status).toBe('FAILED');
      expect(rootOf(run.failure).type).toBe('PaymentRefused');
      const reserved = calls.filter((c) => c.startsWith('reserve')).map((c) => c.slice(8));
      expect(reserved.sort()).toEqual(['a', 'b', 'c']);
      const releases = calls.slice(calls.indexOf('pay') + 1);
      // Newest first: the iterations in the reverse order they completed, then `first`.
      const expected = [...reserved]
        .reverse()
        .map((item) => `release r-${item} ${item} ${'abc'.indexOf(item)}`);
      if (!parallel) expect(releases).toEqual([...expected, 'release one none -1']);
      else {
        expect(releases.slice(0, 3).sort()).toEqual([...expected].sort());
        expect(releases[3]).toBe('release one none -1');
      }
      expect(run.steps).toEqual({
        first: 'COMPENSATED',
        items: 'COMPENSATED',
        'items[0]': 'COMPENSATED',
        'items[1]': 'COMPENSATED',
        'items[2]': 'COMPENSATED',
        pay: 'FAILED',
      });
      const summaries = events(run.history, 'ActivityTaskScheduled').map((e) => e.attrs.options.summary);
      expect(summaries).toContain('compensate items[2]');
      expect(summaries.at(-1)).toBe('compensate first');
      // The step is marked COMPENSATED after its iterations, before `first`.
      const marked = ['items[0]', 'items[1]', 'items[2]', 'items', 'first'].map((step) =>
        markerEventId(run.history, run.env, step, 'COMPENSATED')!,
      );
      expect(Math.max(...marked.slice(0, 3))).toBeLessThan(marked[3]!);
      expect(marked[3]).toBeLessThan(marked[4]!);
    });

  it('marks a foreach step COMPENSATION_FAILED when one iteration’s compensation failed; the others still run', async () => {
    const calls: string[] = [];
    const activities = {
      release: async (item: string) => {
        calls.push(`release ${item}`);
        if (item === 'b') throw ApplicationFailure.nonRetryable('cannot release b', 'Stuck');
        return null;
      },
      pay: async () => {
        throw ApplicationFailure.nonRetryable('card refused', 'PaymentRefused');
      },
    };
    const text = [
      'name: order',
      'steps:',
      '  items:',
      '    foreach: [a, b, c]',
      '    parallel: false',
      '    retry: { maximumAttempts: 1 }',
      '    action: { echo: "${item}" }',
      '    compensate: { activity: release, args: ["${result}"] }',
      '  pay: { action: { activity: pay }, retry: { maximumAttempts: 1 } }',
    ].join('\n');
    const run = await runWorkflowFiles([], { texts: { 'order.yaml': text }, activities });
    expect(run.status).toBe('FAILED');
    expect(calls).toEqual(['release c', 'release b', 'release a']);
    expect(run.steps).toEqual({
      items: 'COMPENSATION_FAILED',
      'items[0]': 'COMPENSATED',
      'items[1]': 'COMPENSATION_FAILED',
      'items[2]': 'COMPENSATED',
      pay: 'FAILED',
    });
    expect(run.stepViews.find((v) => v.step === 'items[1]')?.reason).toBe('cannot release b');
  });

  it('compensates the iterations that completed when a parallel iteration fails, not the failed one', async () => {
    const calls: string[] = [];
    const activities = {
      reserve: async (item: string) => {
        if (item === 'bad') throw ApplicationFailure.nonRetryable('sold out', 'SoldOut');
        calls.push(`reserve ${item}`);
        return item;
      },
      release: async (item: string) => {
        calls.push(`release ${item}`);
        return null;
      },
    };
    const text = [
      'name: partial',
      'steps:',
      '  items:',
      '    foreach: [a, bad, c]',
      '    retry: { maximumAttempts: 1 }',
      '    action: { activity: reserve, args: ["${item}"] }',
      '    compensate: { activity: release, args: ["${result}"] }',
    ].join('\n');
    const run = await runWorkflowFiles([], { texts: { 'p.yaml': text }, activities });
    expect(run.status).toBe('FAILED');
    expect(rootOf(run.failure).type).toBe('SoldOut');
    expect(run.steps['items[1]']).toBe('FAILED');
    expect(run.stepViews.find((v) => v.step === 'items[1]')?.reason).toBe('sold out');
    expect(run.steps.items).toBe('FAILED');
    const released = calls.filter((c) => c.startsWith('release')).sort();
    const reserved = calls
      .filter((c) => c.startsWith('reserve'))
      .map((c) => `release ${c.slice(8)}`)
      .sort();
    expect(released).toEqual(reserved);
    expect(released).not.toContain('release bad');
  });
});
