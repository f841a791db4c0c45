/**
 * Seeded randomness. Readings use counter-based hashing: a value is a pure function of
 * (seed, stream, tick), so sampling the same instant twice, live or in a history, gives the same number
 * and no generator state has to be carried between calls.
 */
const TWO_32 = 2 ** 32;
const GOLDEN = 0x9e3779b9;

/** A 32-bit avalanche mix (the "lowbias32" finaliser): every input bit flips about half the output bits. */
export function mix32(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** FNV-1a over UTF-16 code units, then mixed: a stable 32-bit hash of a label or a seed string. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return mix32(hash);
}

/** An independent random stream for one purpose ("speed noise of loop n at traffic-03") under one seed. */
export function streamKey(seed: number, label: string): number {
  return mix32(seed ^ hashString(label));
}

/** Uniform in [0, 1) for an integer tick (epoch milliseconds fit: ticks up to 2^53 are split in two words). */
export function uniform(stream: number, tick: number): number {
  const low = ((tick % TWO_32) + TWO_32) % TWO_32;
  const high = Math.floor(tick / TWO_32);
  const h = mix32(stream ^ mix32(low + GOLDEN));
  return mix32(h ^ mix32(high + 0x85ebca6b)) / TWO_32;
}

/** Standard normal (Box-Muller) from two uniforms of derived streams. */
export function gaussian(stream: number, tick: number): number {
  const u1 = 1 - uniform(stream, tick); // (0, 1]: log stays finite
  const u2 = uniform(mix32(stream ^ 0x5bd1e995), tick);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * Value noise: independent normals at knots `periodMs` apart, blended with smoothstep in between, so
 * neighbouring instants are correlated (weather, demand swings) instead of jumping at every sample.
 */
export function smoothNoise(stream: number, tMs: number, periodMs: number): number {
  const position = tMs / periodMs;
  const knot = Math.floor(position);
  const f = position - knot;
  const s = f * f * (3 - 2 * f);
  return gaussian(stream, knot) * (1 - s) + gaussian(stream, knot + 1) * s;
}

// Above this mean the normal approximation is indistinguishable for counting vehicles and avoids long loops.
const POISSON_EXACT_LIMIT = 60;

/** A Poisson count with mean `lambda`: exact inverse CDF for small means, normal approximation above. */
export function poisson(lambda: number, stream: number, tick: number): number {
  if (!(lambda > 0)) return 0;
  if (lambda > POISSON_EXACT_LIMIT) {
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * gaussian(stream, tick)));
  }
  const u = uniform(stream, tick);
  let k = 0;
  let p = Math.exp(-lambda);
  let cdf = p;
  while (u > cdf && k < 10 * POISSON_EXACT_LIMIT) {
    k += 1;
    p *= lambda / k;
    cdf += p;
  }
  return k;
}

/** A sequential seeded PRNG (mulberry32), used once to lay out the city. */
export function createRng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / TWO_32;
  };
}
