/**
 * The Pokémon domain of the worked example: plain data, no engine types. Every value here is
 * JSON-friendly, so it goes through the data converter unchanged.
 */

/** A Pokémon's status condition. */
export const Status = {
  /** Paralyzed: easier to catch. */
  PAR: 'PAR',
  HEALTHY: 'HEALTHY',
} as const;
/** A Pokémon's status condition: `'PAR'` or `'HEALTHY'`. */
export type Status = (typeof Status)[keyof typeof Status];

/** A Pokémon, wild or owned (then `trainerName` is set). */
export interface Pokemon {
  id: string;
  name: string;
  level: number;
  currentHealth: number;
  maxHealth: number;
  status: Status;
  /** The trainer who owns it; absent while it is wild. */
  trainerName?: string;
}

/** A trainer and their team. */
export interface Trainer {
  id: string;
  name: string;
  pokemons: Pokemon[];
}

/** What a capture returns: the trainer with the new team, and the captured Pokémon. */
export interface CaptureResult {
  trainer: Trainer;
  pokemon: Pokemon;
}

/** A wild Mewtwo: level 50, 200/200 HP, healthy. @example const wild = mewtwo(); */
export function mewtwo(): Pokemon {
  return {
    id: 'mewtwo',
    name: 'Mewtwo',
    level: 50,
    currentHealth: 200,
    maxHealth: 200,
    status: Status.HEALTHY,
  };
}

/** A Pikachu: level 60, 230/230 HP, healthy, wild until a trainer is given. */
export function pikachu(trainerName?: string): Pokemon {
  const p: Pokemon = {
    id: 'pikachu',
    name: 'Pikachu',
    level: 60,
    currentHealth: 230,
    maxHealth: 230,
    status: Status.HEALTHY,
  };
  if (trainerName !== undefined) p.trainerName = trainerName;
  return p;
}

/** Sacha (Ash), who owns a Pikachu. @example const { name, pokemons } = sacha(); */
export function sacha(): Trainer {
  return { id: 'sacha', name: 'Sacha', pokemons: [pikachu('Sacha')] };
}
