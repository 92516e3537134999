/**
 * The capture by choreography: no orchestrator. Three independent services — status, combat and
 * pokeball — each subscribed to durable topics in its own consumer group, react to events and
 * publish the next one: PokemonEncountered → PokemonParalyzed → PokemonWeakened →
 * PokemonCaptured. When the throw fails for good, the pokeball service publishes PokemonEscaped,
 * to which combat (heal) and status (cure) react: a rollback by events.
 *
 * Each handler is idempotent by event id (its service's {@link EffectLog}), and each event it
 * publishes has an id derived from the capture, so a redelivered event (after a crash, a retry)
 * applies no effect twice and publishes no event twice.
 */
import type { EventInfo, RetryPolicy, Subscription, Topics } from '../../src/index.js';
import type { Pokemon, Trainer } from './domain.js';
import type { EffectLog } from './effect-log.js';
import type { CombatService, PokeballService, StatusService } from './services.js';

/** The topics of the capture, one per event type. */
export const CaptureTopics = {
  /** PokemonEncountered: a trainer meets a wild Pokémon. */
  encountered: 'pokemon.encountered',
  /** PokemonParalyzed: the status service paralyzed it. */
  paralyzed: 'pokemon.paralyzed',
  /** PokemonWeakened: the combat service attacked it. */
  weakened: 'pokemon.weakened',
  /** PokemonCaptured: the Poké Ball caught it. */
  captured: 'pokemon.captured',
  /** PokemonEscaped: the throw failed for good; combat heals it and status cures it. */
  escaped: 'pokemon.escaped',
} as const;

/** The payload of every capture event: the capture's id, the trainer and the Pokémon as it is now. */
export interface CaptureEvent {
  captureId: string;
  trainer: Trainer;
  pokemon: Pokemon;
  /** On PokemonEscaped: why the throw failed. */
  reason?: string;
}

/** What the three services share. */
export interface ChoreographyOptions {
  /** This service's own effect log (its database). */
  effects: EffectLog;
  /** Retry policy of every handler. @default 3 attempts from 100 ms */
  retry?: RetryPolicy;
  /** Events handled at once per group. @default 8 */
  concurrency?: number;
  /** How long a delivery stays with a member that went silent (a killed process). @default '30s' */
  leaseTimeout?: string;
  /** Called after each effect applied, with a line for people (the demo prints them). */
  onEffect?: (effect: AppliedEffect) => void;
}

/** An effect a service applied, as `onEffect` reports it. */
export interface AppliedEffect {
  captureId: string;
  /** `paralyze`, `attack`, `capture`, `escape`, `heal` or `cure`. */
  effect: string;
  line: string;
}

const DEFAULT_RETRY: RetryPolicy = { initialInterval: '100ms', maximumAttempts: 3 };

function report(options: ChoreographyOptions, e: CaptureEvent, effect: string, line: string): void {
  options.onEffect?.({ captureId: e.captureId, effect, line });
}

function hp(p: Pokemon): string {
  return `${p.currentHealth}/${p.maxHealth} HP`;
}

/** Publishes the next event of a capture; its id derives from the capture, so it is published once. */
function next(topics: Topics, topic: string, event: CaptureEvent): Promise<unknown> {
  return topics.publish(topic, event, { id: `${topic}:${event.captureId}`, key: event.captureId });
}

function subscribe(
  topics: Topics,
  topic: string,
  group: string,
  options: ChoreographyOptions,
  handler: (event: CaptureEvent, info: EventInfo) => Promise<void>,
): Subscription {
  return topics.subscribe<CaptureEvent>(topic, {
    group,
    handler,
    retry: options.retry ?? DEFAULT_RETRY,
    concurrency: options.concurrency ?? 8,
    leaseTimeout: options.leaseTimeout ?? '30s',
    deadLetterTopic: 'pokemon.dead-letters',
  });
}

/** The status service: paralyzes on PokemonEncountered, cures on PokemonEscaped. */
export function runStatusService(
  topics: Topics,
  status: Pick<StatusService, 'paralyze' | 'cure'>,
  options: ChoreographyOptions,
): Subscription[] {
  const { effects } = options;
  return [
    subscribe(topics, CaptureTopics.encountered, 'status-service', options, async (e, info) => {
      const { result, applied } = effects.once(info.id, e.captureId, 'paralyze', () =>
        status.paralyze(e.pokemon),
      );
      if (applied)
        report(options, e, 'paralyze', `status   ${e.pokemon.name} is paralyzed (${result.status})`);
      await next(topics, CaptureTopics.paralyzed, { ...e, pokemon: result });
    }),
    subscribe(topics, CaptureTopics.escaped, 'status-service', options, async (e, info) => {
      const { result, applied } = effects.once(info.id, e.captureId, 'cure', () => status.cure(e.pokemon));
      if (applied) report(options, e, 'cure', `status   ${e.pokemon.name} is cured (${result.status})`);
    }),
  ];
}

/** The combat service: attacks on PokemonParalyzed, heals on PokemonEscaped. */
export function runCombatService(
  topics: Topics,
  combat: Pick<CombatService, 'attack' | 'heal'>,
  options: ChoreographyOptions,
): Subscription[] {
  const { effects } = options;
  return [
    subscribe(topics, CaptureTopics.paralyzed, 'combat-service', options, async (e, info) => {
      const { result, applied } = effects.once(info.id, e.captureId, 'attack', () =>
        combat.attack(e.pokemon),
      );
      if (applied) report(options, e, 'attack', `combat   ${e.pokemon.name} is weakened (${hp(result)})`);
      await next(topics, CaptureTopics.weakened, { ...e, pokemon: result });
    }),
    subscribe(topics, CaptureTopics.escaped, 'combat-service', options, async (e, info) => {
      const { result, applied } = effects.once(info.id, e.captureId, 'heal', () => combat.heal(e.pokemon));
      if (applied) report(options, e, 'heal', `combat   ${e.pokemon.name} is healed (${hp(result)})`);
    }),
  ];
}

/**
 * The pokeball service: throws on PokemonWeakened and publishes PokemonCaptured; when its last
 * attempt fails, publishes PokemonEscaped instead (the rollback).
 */
export function runPokeballService(
  topics: Topics,
  pokeball: Pick<PokeballService, 'throw'>,
  options: ChoreographyOptions,
): Subscription[] {
  const { effects } = options;
  const maximumAttempts = (options.retry ?? DEFAULT_RETRY).maximumAttempts ?? 0;
  return [
    subscribe(topics, CaptureTopics.weakened, 'pokeball-service', options, async (e, info) => {
      let caught: Pokemon;
      try {
        const { result, applied } = effects.once(info.id, e.captureId, 'capture', () =>
          pokeball.throw(e.trainer, e.pokemon),
        );
        caught = result.pokemon;
        if (applied) report(options, e, 'capture', `pokeball ${caught.name} is caught by ${e.trainer.name}`);
      } catch (error) {
        if (maximumAttempts === 0 || info.attempt < maximumAttempts) throw error;
        const reason = error instanceof Error ? error.message : String(error);
        report(
          options,
          e,
          'escape',
          `pokeball ${e.pokemon.name} escaped after ${info.attempt} throws: ${reason}`,
        );
        await next(topics, CaptureTopics.escaped, { ...e, reason });
        return;
      }
      await next(topics, CaptureTopics.captured, { ...e, pokemon: caught });
    }),
  ];
}
