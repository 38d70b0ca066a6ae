/**
 * bpf_get_prandom_u32()'s generator: xorshift128 (the kernel uses a per-CPU
 * Tausworthe generator; neither is for cryptography). Seedable, so that
 * runs can be repeated.
 */
export class PseudoRandom {
  private readonly s = new Uint32Array(4);

  constructor(seed = (Math.random() * 0x100000000) >>> 0) {
    this.seed(seed);
  }

  /** Restarts the sequence from `seed` (splitmix32 fills the state, never all zero). */
  seed(seed: number): void {
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
  }

  nextU32(): number {
    const s = this.s;
    let t = s[3];
    const f = s[0];
    s[3] = s[2];
    s[2] = s[1];
    s[1] = f;
    t ^= t << 11;
    t ^= t >>> 8;
    s[0] = (t ^ f ^ (f >>> 19)) >>> 0;
    return s[0];
  }
}
