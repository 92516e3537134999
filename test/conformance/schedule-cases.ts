import { expect, it } from 'vitest';
import { startRequest, type OpenStore } from './fixtures.js';

/** Schedules (`store.schedules`): creation, conditional writes with their starts, due look-ups. */
export function scheduleCases(open: OpenStore): void {
  it('schedules: a duplicate id is refused; get, list and delete', async () => {
    const store = await open();
    const req = { scheduleId: 's1', body: '{"a":1}', args: '["x"]', wakeAtMs: 5000, nowMs: 1000 };
    expect(await store.schedules.create(req)).toBe(true);
    expect(await store.schedules.create({ ...req, body: '{"a":2}' })).toBe(false);
    expect(await store.schedules.create({ ...req, scheduleId: 's0', args: new Uint8Array([1, 2]) })).toBe(
      true,
    );
    const got = await store.schedules.get('s1');
    expect(got).toEqual({
      scheduleId: 's1',
      body: '{"a":1}',
      args: '["x"]',
      wakeAtMs: 5000,
      conflictToken: 1,
      createdAtMs: 1000,
      updatedAtMs: 1000,
    });
    const bytes = (await store.schedules.get('s0'))!.args;
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect([...(bytes as Uint8Array)]).toEqual([1, 2]);
    expect((await store.schedules.list()).map((s) => s.scheduleId)).toEqual(['s0', 's1']);
    expect((await store.schedules.list({ afterId: 's0', limit: 5 })).map((s) => s.scheduleId)).toEqual([
      's1',
    ]);
    expect(await store.schedules.delete('s0')).toBe(true);
    expect(await store.schedules.delete('s0')).toBe(false);
    expect(await store.schedules.get('s0')).toBeUndefined();
    await store.close();
  });

  it('schedules: due ones by wake-up time; the earliest wake-up', async () => {
    const store = await open();
    for (const [id, wakeAtMs] of [
      ['a', 3000],
      ['b', 1000],
      ['c', undefined],
      ['d', 9000],
    ] as const)
      await store.schedules.create({ scheduleId: id, body: '{}', args: undefined, wakeAtMs, nowMs: 1 });
    expect((await store.schedules.due(3000, 10)).map((s) => s.scheduleId)).toEqual(['b', 'a']);
    expect((await store.schedules.due(3000, 1)).map((s) => s.scheduleId)).toEqual(['b']);
    expect(await store.schedules.nextWakeMs()).toBe(1000);
    await store.close();
  });

  it('schedules: a write applies only with the current token, with its starts in the same transaction', async () => {
    const store = await open();
    await store.schedules.create({ scheduleId: 's', body: 'v1', args: undefined, wakeAtMs: 10, nowMs: 1 });
    const seen: boolean[][] = [];
    const first = [startRequest('s-1', { reusePolicy: 'REJECT_DUPLICATE' })];
    const ok = await store.schedules.write({
      scheduleId: 's',
      expectedToken: 1,
      nowMs: 2,
      args: '["y"]',
      wakeAtMs: 20,
      starts: first,
      body: (started) => (seen.push([...started]), 'v2'),
    });
    expect(ok).toEqual([true]);
    expect(seen).toEqual([[true]]);
    expect(await store.schedules.get('s')).toMatchObject({
      body: 'v2',
      args: '["y"]',
      wakeAtMs: 20,
      conflictToken: 2,
      updatedAtMs: 2,
    });
    expect((await store.getExecution('s-1'))?.runId).toBe(first[0]!.runId);
    // A writer that read token 1 lost: nothing of its write lands, its starts neither.
    const stale = await store.schedules.write({
      scheduleId: 's',
      expectedToken: 1,
      nowMs: 3,
      args: undefined,
      wakeAtMs: 30,
      starts: [startRequest('s-2', { reusePolicy: 'REJECT_DUPLICATE' })],
      body: () => 'stale',
    });
    expect(stale).toBeUndefined();
    expect((await store.schedules.get('s'))!.body).toBe('v2');
    expect(await store.getExecution('s-2')).toBeUndefined();
    // A start of a nominal time that ran already is refused; the others and the body land.
    const again = await store.schedules.write({
      scheduleId: 's',
      expectedToken: 2,
      nowMs: 4,
      args: undefined,
      wakeAtMs: undefined,
      starts: [
        startRequest('s-1', { reusePolicy: 'REJECT_DUPLICATE' }),
        startRequest('s-3', { reusePolicy: 'REJECT_DUPLICATE' }),
      ],
      body: (started) => JSON.stringify(started),
    });
    expect(again).toEqual([false, true]);
    expect(await store.schedules.get('s')).toMatchObject({
      body: '[false,true]',
      wakeAtMs: undefined,
      conflictToken: 3,
    });
    expect((await store.getExecution('s-1'))?.runId).toBe(first[0]!.runId);
    expect(await store.getExecution('s-3')).toBeDefined();
    expect(
      await store.schedules.write({
        scheduleId: 'gone',
        expectedToken: 1,
        nowMs: 5,
        args: undefined,
        wakeAtMs: 1,
        body: () => 'x',
      }),
    ).toBeUndefined();
    await store.close();
  });

  it('schedules: of two writers racing with the same token, exactly one wins', async () => {
    const store = await open();
    const other = await open().catch(() => undefined);
    await store.schedules.create({ scheduleId: 'r', body: '0', args: undefined, wakeAtMs: 1, nowMs: 1 });
    const writer = other !== undefined && other.url === store.url ? other : store;
    const write = (s: typeof store, n: number) =>
      s.schedules.write({
        scheduleId: 'r',
        expectedToken: 1,
        nowMs: 2,
        args: undefined,
        wakeAtMs: 2,
        starts: [startRequest(`r-${n}`, { reusePolicy: 'REJECT_DUPLICATE' })],
        body: () => String(n),
      });
    const results = await Promise.all([write(store, 1), write(writer, 2)]);
    expect(results.filter((r) => r !== undefined)).toHaveLength(1);
    const winner = results[0] !== undefined ? 1 : 2;
    expect((await store.schedules.get('r'))!.body).toBe(String(winner));
    expect(await store.getExecution(`r-${3 - winner}`)).toBeUndefined();
    await other?.close();
    await store.close();
  });
}
