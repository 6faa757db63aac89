// Seeded randomness for the end-to-end tests: the same seed gives the same choices, so a
// failure repeats. `make test` uses each test's fixed default seed; `E2E_SEED=N` replays or
// explores another one, and every test that draws prints the seed it used.

export { prng } from './pages/prng.js';

/** The seed a test draws from: `E2E_SEED` when set, else `fallback`; printed either way. */
export function seedFor(name, fallback) {
  const given = process.env.E2E_SEED;
  const seed = given === undefined || given === '' ? fallback : Number(given);
  if (!Number.isSafeInteger(seed)) throw new Error(`E2E_SEED must be an integer, not ${given}`);
  console.log(`${name}: seed ${seed} (replay with E2E_SEED=${seed})`);
  return seed;
}
