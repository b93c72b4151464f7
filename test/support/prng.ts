/** A small seeded PRNG (mulberry32): `rand(n)` is a whole number in [0, n), so a failing mix can be replayed from its seed. */
export const prng = (seed: number) => (n: number) => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return (((t ^ (t >>> 14)) >>> 0) % 4294967296) % n;
};
