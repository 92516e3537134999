/**
 * Injectable faults for the example services: fail the first N calls, or fail calls with a seeded
 * (so repeatable) probability. Faults make retries visible in the demos and tests.
 */

/** Which calls of a service fail. Both rules may be combined; by default nothing fails. */
export interface FaultOptions {
  /** The first N calls fail. @default 0 */
  failFirst?: number;
  /** Each later call fails with this probability, in [0, 1]. @default 0 */
  failProbability?: number;
  /** Seed of the probability draws: the same seed fails the same calls. @default 1 */
  seed?: number;
}

/** The error an injected fault throws; its `name` is e.g. `'StatusServiceUnavailable'`. */
export class ServiceUnavailableError extends Error {
  constructor(
    readonly service: string,
    readonly operation: string,
    readonly call: number,
    reason: string,
  ) {
    super(`${service}.${operation} is unavailable (call ${call}: ${reason})`);
    this.name = `${service}Unavailable`;
  }
}

/** mulberry32: a tiny deterministic PRNG; returns numbers in [0, 1). */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The fault plan of one service: counts its calls and decides which fail.
 *
 * @throws RangeError for a negative `failFirst` or a probability outside [0, 1].
 * @example
 * const faults = new Faults('StatusService', { failFirst: 2 });
 * faults.check('paralyze'); // throws StatusServiceUnavailable on calls 1 and 2
 */
export class Faults {
  /** Calls so far. */
  calls = 0;
  private readonly failFirst: number;
  private readonly failProbability: number;
  private readonly random: () => number;

  constructor(
    readonly service: string,
    options: FaultOptions = {},
  ) {
    this.failFirst = options.failFirst ?? 0;
    this.failProbability = options.failProbability ?? 0;
    if (!Number.isInteger(this.failFirst) || this.failFirst < 0)
      throw new RangeError(`failFirst: expected an integer ≥ 0, got ${String(options.failFirst)}`);
    if (!(this.failProbability >= 0 && this.failProbability <= 1))
      throw new RangeError(
        `failProbability: expected a number in [0, 1], got ${String(options.failProbability)}`,
      );
    this.random = seededRandom(options.seed ?? 1);
  }

  /** Counts a call of `operation`; throws {@link ServiceUnavailableError} when it must fail. */
  check(operation: string): void {
    const call = ++this.calls;
    if (call <= this.failFirst)
      throw new ServiceUnavailableError(
        this.service,
        operation,
        call,
        `injected fault, the first ${this.failFirst} calls fail`,
      );
    if (this.failProbability > 0 && this.random() < this.failProbability)
      throw new ServiceUnavailableError(
        this.service,
        operation,
        call,
        `injected fault, probability ${this.failProbability}`,
      );
  }
}
