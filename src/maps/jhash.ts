// Bob Jenkins' lookup3 hash as the kernel's include/linux/jhash.h computes it:
// the hash map picks buckets with it and the bloom filter its bits, so equal
// seeds give the kernel's bucket (and so iteration) order.

const JHASH_INITVAL = 0xdeadbeef;

const rol32 = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

/** Little-endian u32 at `off` (the kernel reads native-endian words; x86 is little-endian). */
const word = (b: Uint8Array, off: number): number =>
  (b[off] | (b[off + 1] << 8) | (b[off + 2] << 16) | (b[off + 3] << 24)) >>> 0;

/**
 * Mixes and finalises in place on a 3-element state; written out so that the
 * hot path allocates nothing.
 */
function final(s: Uint32Array): number {
  let a = s[0], b = s[1], c = s[2];
  c ^= b; c = (c - rol32(b, 14)) | 0;
  a ^= c; a = (a - rol32(c, 11)) | 0;
  b ^= a; b = (b - rol32(a, 25)) | 0;
  c ^= b; c = (c - rol32(b, 16)) | 0;
  a ^= c; a = (a - rol32(c, 4)) | 0;
  b ^= a; b = (b - rol32(a, 14)) | 0;
  c ^= b; c = (c - rol32(b, 24)) | 0;
  return c >>> 0;
}

function mix(s: Uint32Array): void {
  let a = s[0], b = s[1], c = s[2];
  a = (a - c) | 0; a ^= rol32(c, 4); c = (c + b) | 0;
  b = (b - a) | 0; b ^= rol32(a, 6); a = (a + c) | 0;
  c = (c - b) | 0; c ^= rol32(b, 8); b = (b + a) | 0;
  a = (a - c) | 0; a ^= rol32(c, 16); c = (c + b) | 0;
  b = (b - a) | 0; b ^= rol32(a, 19); a = (a + c) | 0;
  c = (c - b) | 0; c ^= rol32(b, 4); b = (b + a) | 0;
  s[0] = a; s[1] = b; s[2] = c;
}

const state = new Uint32Array(3);

/** jhash(key, length, initval) over `length` bytes of `b` from `off`. */
export function jhash(b: Uint8Array, off: number, length: number, initval: number): number {
  state[0] = state[1] = state[2] = (JHASH_INITVAL + length + initval) >>> 0;
  let k = off;
  while (length > 12) {
    state[0] += word(b, k);
    state[1] += word(b, k + 4);
    state[2] += word(b, k + 8);
    mix(state);
    length -= 12;
    k += 12;
  }
  if (length === 0) return state[2];
  // The tail: bytes 8..11 go to c, 4..7 to b, 0..3 to a, little-endian within each word.
  let a = 0, bb = 0, c = 0;
  for (let i = length - 1; i >= 0; i--) {
    const v = b[k + i] << ((i & 3) * 8);
    if (i >= 8) c += v; else if (i >= 4) bb += v; else a += v;
  }
  state[0] += a >>> 0;
  state[1] += bb >>> 0;
  state[2] += c >>> 0;
  return final(state);
}

/** jhash2(k, length, initval) over `words` little-endian u32 words of `b` from `off`. */
export function jhash2(b: Uint8Array, off: number, words: number, initval: number): number {
  state[0] = state[1] = state[2] = (JHASH_INITVAL + (words << 2) + initval) >>> 0;
  let k = off;
  while (words > 3) {
    state[0] += word(b, k);
    state[1] += word(b, k + 4);
    state[2] += word(b, k + 8);
    mix(state);
    words -= 3;
    k += 12;
  }
  if (words === 0) return state[2];
  if (words === 3) state[2] += word(b, k + 8);
  if (words >= 2) state[1] += word(b, k + 4);
  state[0] += word(b, k);
  return final(state);
}

/** The kernel's htab_map_hash(): jhash2 for key sizes that are a multiple of 4, jhash otherwise. */
export function mapHash(b: Uint8Array, off: number, length: number, seed: number): number {
  return (length & 3) === 0 ? jhash2(b, off, length >>> 2, seed) : jhash(b, off, length, seed);
}
