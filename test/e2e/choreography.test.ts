import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { CaptureTopics } from '../../examples/pokemon/choreography.js';
import { mewtwo, sacha } from '../../examples/pokemon/domain.js';
import { EffectLog } from '../../examples/pokemon/effect-log.js';
import { Baton, silentLogger } from '../../src/index.js';
import { runTs, type Child } from '../support/child.js';
import { eventually } from '../support/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'baton-choreo-'));
const url = `sqlite:${join(dir, 'baton.db')}`;
const children: Child[] = [];

afterAll(async () => {
  for (const c of children) if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
  await Promise.all(children.map((c) => c.exited));
  rmSync(dir, { recursive: true, force: true });
});

async function startService(service: string, ...extra: string[]): Promise<Child> {
  const child = runTs('test/fixtures/choreography-service.ts', [url, service, dir, ...extra]);
  children.push(child);
  await eventually(() => (child.stdout().includes('ready') ? true : undefined), 20_000);
  return child;
}

function countBy(log: EffectLog): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of log.effects())
    counts.set(`${e.captureId}/${e.effect}`, (counts.get(`${e.captureId}/${e.effect}`) ?? 0) + 1);
  return counts;
}

test('200 choreographed captures survive a SIGKILLed consumer: each ends captured or rolled back, each effect applied once', async () => {
  const baton = await Baton.open(url, { logger: silentLogger });
  try {
    await Promise.all([startService('status'), startService('pokeball')]);
    const combat = await startService('combat', '30'); // freezes inside its 31st attack
    for (let i = 1; i <= 200; i++) {
      const captureId = `capture-${i}`;
      const pokemon = { ...mewtwo(), id: `mewtwo-${i}` };
      await baton.topics.publish(
        CaptureTopics.encountered,
        { captureId, trainer: sacha(), pokemon },
        { id: `encountered:${captureId}`, key: captureId },
      );
    }
    const combatLog = new EffectLog(join(dir, 'combat.db'));
    await eventually(() => (combat.stdout().includes('holding') ? true : undefined), 30_000);
    combat.proc.kill('SIGKILL');
    expect((await combat.exited).signal).toBe('SIGKILL');
    expect(combatLog.effects().filter((e) => e.effect === 'attack')).toHaveLength(30);
    await startService('combat');

    const statusLog = new EffectLog(join(dir, 'status.db'));
    const pokeballLog = new EffectLog(join(dir, 'pokeball.db'));
    const outcome = (i: number): 'captured' | 'rolled back' | undefined => {
      const id = `capture-${i}`;
      if (pokeballLog.effects().some((e) => e.captureId === id && e.effect === 'capture')) return 'captured';
      const cured = statusLog.effects().some((e) => e.captureId === id && e.effect === 'cure');
      const healed = combatLog.effects().some((e) => e.captureId === id && e.effect === 'heal');
      return cured && healed ? 'rolled back' : undefined;
    };
    await eventually(() => {
      for (let i = 1; i <= 200; i++) if (outcome(i) === undefined) return undefined;
      return true;
    }, 60_000);
    for (let i = 1; i <= 200; i++) expect(outcome(i)).toBe(i % 5 === 0 ? 'rolled back' : 'captured');

    const counts = new Map([...countBy(statusLog), ...countBy(combatLog), ...countBy(pokeballLog)]);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const total = (effect: string) => [...counts.keys()].filter((k) => k.endsWith(`/${effect}`)).length;
    expect({ paralyze: total('paralyze'), attack: total('attack'), capture: total('capture') }).toEqual({
      paralyze: 200,
      attack: 200,
      capture: 160,
    });
    expect({ heal: total('heal'), cure: total('cure') }).toEqual({ heal: 40, cure: 40 });
    expect(await baton.topics.read('pokemon.dead-letters')).toEqual([]);
    const captured = await baton.topics.read(CaptureTopics.captured, { limit: 1000 });
    expect(captured).toHaveLength(160);
    expect(new Set(captured.map((e) => e.correlationId)).size).toBe(160);
    for (const log of [combatLog, statusLog, pokeballLog]) log.close();
  } finally {
    await baton.close();
  }
}, 120_000);
