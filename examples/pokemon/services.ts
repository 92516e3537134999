/**
 * Three independent services, as in the workshop: status, combat and Poké Balls. Each counts its
 * calls, may fail on purpose (see `faults.ts`), and returns new objects (inputs are not mutated).
 */
import { Status, type CaptureResult, type Pokemon, type Trainer } from './domain.js';
import { Faults, type FaultOptions } from './faults.js';

/** Health an attack takes away (never below 1 HP: an attack weakens, it does not knock out). */
export const ATTACK_DAMAGE = 150;

/** Paralyzes and cures. @example new StatusService({ failFirst: 2 }).paralyze(mewtwo()) */
export class StatusService {
  private readonly faults: Faults;

  constructor(faults: FaultOptions = {}) {
    this.faults = new Faults('StatusService', faults);
  }

  /** Calls so far, failed ones included. */
  get calls(): number {
    return this.faults.calls;
  }

  /** A copy with status PAR. @throws ServiceUnavailableError on an injected fault. */
  paralyze(p: Pokemon): Pokemon {
    this.faults.check('paralyze');
    return { ...p, status: Status.PAR };
  }

  /** A copy with status HEALTHY (the compensation of {@link paralyze}). */
  cure(p: Pokemon): Pokemon {
    this.faults.check('cure');
    return { ...p, status: Status.HEALTHY };
  }
}

/** Attacks and heals. @example new CombatService().attack(mewtwo()).currentHealth // 50 */
export class CombatService {
  private readonly faults: Faults;

  constructor(faults: FaultOptions = {}) {
    this.faults = new Faults('CombatService', faults);
  }

  /** Calls so far, failed ones included. */
  get calls(): number {
    return this.faults.calls;
  }

  /** A copy with {@link ATTACK_DAMAGE} less health, at least 1. @throws ServiceUnavailableError */
  attack(p: Pokemon): Pokemon {
    this.faults.check('attack');
    return { ...p, currentHealth: Math.max(1, p.currentHealth - ATTACK_DAMAGE) };
  }

  /** A copy at full health (the compensation of {@link attack}). */
  heal(p: Pokemon): Pokemon {
    this.faults.check('heal');
    return { ...p, currentHealth: p.maxHealth };
  }
}

/** Throws Poké Balls. @example new PokeballService().throw(sacha(), mewtwo()).trainer.pokemons.length // 2 */
export class PokeballService {
  private readonly faults: Faults;

  constructor(faults: FaultOptions = {}) {
    this.faults = new Faults('PokeballService', faults);
  }

  /** Calls so far, failed ones included. */
  get calls(): number {
    return this.faults.calls;
  }

  /**
   * Captures `pokemon` for `trainer`: the Pokémon gets the trainer's name and joins the team.
   * @throws ServiceUnavailableError on an injected fault.
   */
  throw(trainer: Trainer, pokemon: Pokemon): CaptureResult {
    this.faults.check('throw');
    const captured: Pokemon = { ...pokemon, trainerName: trainer.name };
    return { trainer: { ...trainer, pokemons: [...trainer.pokemons, captured] }, pokemon: captured };
  }
}
