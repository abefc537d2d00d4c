import { randomInt } from 'node:crypto';

/** A source of random choices that can be replayed: the same seed gives the same choices. */
export interface Seeded {
  /** The seed: `SAMRAD_TEST_SEED=<seed>` replays this run's choices. */
  readonly seed: number;
  /** A number in [0, 1). */
  next(): number;
  /** An integer in [0, max]. */
  upTo(max: number): number;
}

/** mulberry32: small, fast and good enough for choosing delays and orders in tests. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed of this run: `SAMRAD_TEST_SEED` when set (to replay a failure), otherwise chosen now. */
export function testSeed(): number {
  const given = process.env.SAMRAD_TEST_SEED?.trim();
  if (given) {
    const seed = Number(given);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`SAMRAD_TEST_SEED must be an integer from 0 to ${0xffffffff}, not "${given}"`);
    return seed;
  }
  return randomInt(0, 0x7fffffff);
}

/** A seeded source of random choices. */
export function seeded(seed = testSeed()): Seeded {
  const next = mulberry32(seed);
  return { seed, next, upTo: (max) => Math.floor(next() * (max + 1)) };
}

/**
 * Gives every test of the enclosing `describe` its own seeded source (the seed from
 * `SAMRAD_TEST_SEED`, or chosen per test), and prints the seed of each test that fails, with the
 * command line that replays it (and `where()`, what the test was doing). Call it inside `describe`.
 */
export function useSeed(where?: () => string): () => Seeded {
  let current: Seeded | undefined;
  beforeEach(() => {
    current = seeded();
  });
  afterEach(function () {
    const test = this.currentTest;
    if (current && test?.state === 'failed') {
      const doing = where?.();
      process.stderr.write(`\n      "${test.fullTitle()}" failed with seed ${current.seed}${doing ? ` (${doing})` : ''}: replay it with SAMRAD_TEST_SEED=${current.seed} npx mocha ${test.file ?? ''}\n`);
    }
  });
  return () => {
    if (!current) throw new Error('useSeed: no test is running');
    return current;
  };
}
