// The seeded generator every randomized test, page and soak of the project draws from, so
// that a failure can be replayed from its seed. An ES module for Node and for pages alike.

/** mulberry32: returns a function giving numbers in [0, 1), the same ones for the same seed. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
