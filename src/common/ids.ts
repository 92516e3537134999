import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/** A new random id (UUID v4), used for runIds and generated workflowIds. */
export function newId(): string {
  return randomUUID();
}

let lastTimeMs = 0;
let sequence = 0;

/**
 * A new time-ordered id (UUID v7, RFC 9562): 48 bits of epoch ms, a 12-bit sequence, random bits.
 * Ids made later sort later, so rows keyed by them land at the end of the store's B-trees instead
 * of all over them. Used for runIds.
 */
export function newTimeOrderedId(): string {
  const nowMs = Date.now();
  if (nowMs > lastTimeMs) {
    lastTimeMs = nowMs;
    sequence = 0;
  } else if (++sequence > 0xfff) {
    lastTimeMs++;
    sequence = 0;
  }
  const time = lastTimeMs.toString(16).padStart(12, '0');
  const random = randomUUID();
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${sequence.toString(16).padStart(3, '0')}-${random.slice(19)}`;
}

/** Identity of a worker: `pid@host/name`, as Temporal's worker identity. */
export function workerIdentity(name: string): string {
  return `${process.pid}@${hostname()}/${name}`;
}

/**
 * A small deterministic PRNG (sfc32 seeded from a string through a 32-bit hash): the same seed
 * gives the same sequence on every run and replay. Returns numbers in [0, 1).
 */
export function seededRandom(seed: string): () => number {
  let h = 1779033703 ^ seed.length;
  for (let i = 0; i < seed.length; i++) {
    h = Math.imul(h ^ seed.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  const next = (): number => {
    h = Math.imul(h ^ (h >>> 16), 2246822507);
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    return (h ^= h >>> 16) >>> 0;
  };
  let a = next(),
    b = next(),
    c = next(),
    d = next();
  return () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

/** A UUID v4 string drawn from `random` (deterministic when `random` is). */
export function uuidFrom(random: () => number): string {
  const hex: string[] = [];
  for (let i = 0; i < 16; i++)
    hex.push(
      Math.floor(random() * 256)
        .toString(16)
        .padStart(2, '0'),
    );
  hex[6] = (0x40 | (parseInt(hex[6] ?? '0', 16) & 0x0f)).toString(16);
  hex[8] = (0x80 | (parseInt(hex[8] ?? '0', 16) & 0x3f)).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}
