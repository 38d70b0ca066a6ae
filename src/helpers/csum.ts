// The Internet checksum primitives as the x86_64 kernel computes them
// (arch/x86/lib/csum-partial_64.c): 64-bit one's-complement additions with
// the carry flag, in the kernel's order, folded to 32 bits at the end.

const M64 = (1n << 64n) - 1n;

/** A 64-bit register with x86's carry flag. */
class Acc {
  value: bigint;
  carry = 0n;
  constructor(v: bigint) { this.value = v; }
  /** addq x */
  add(x: bigint): void { const s = this.value + x; this.carry = s >> 64n; this.value = s & M64; }
  /** adcq x */
  adc(x: bigint): void { const s = this.value + x + this.carry; this.carry = s >> 64n; this.value = s & M64; }
}

const quad = (b: Uint8Array, off: number): bigint => {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(b[off + i]);
  return v;
};

/** update_csum_40b(): five quads with carry, then the last carry. */
function update40(sum: bigint, b: Uint8Array, off: number): bigint {
  const a = new Acc(sum);
  a.add(quad(b, off));
  for (let i = 1; i < 5; i++) a.adc(quad(b, off + i * 8));
  a.adc(0n);
  return a.value;
}

/** csum_finalize_sum(): (temp64 + ror64(temp64, 32)) >> 32. */
function finalize(t: bigint): number {
  const ror = ((t >> 32n) | (t << 32n)) & M64;
  return Number(((t + ror) & M64) >> 32n);
}

/** csum_partial(buff, len, sum): the 32-bit partial checksum (__wsum) of `b`, starting from `seed`. */
export function csumPartial(b: Uint8Array, seed: number): number {
  let len = b.length;
  let off = 0;
  let t = BigInt(seed >>> 0);
  if (len >= 80) {
    let t2 = 0n;
    do {
      t = update40(t, b, off);
      t2 = update40(t2, b, off + 40);
      off += 80;
      len -= 80;
    } while (len >= 80);
    const a = new Acc(t);
    a.add(t2);
    a.adc(0n);
    t = a.value;
  }
  if (len >= 40) {
    t = update40(t, b, off);
    len -= 40;
    if (len === 0) return finalize(t);
    off += 40;
  }
  for (const chunk of [32, 16, 8]) {
    if ((len & chunk) !== 0) {
      const a = new Acc(t);
      a.add(quad(b, off));
      for (let i = 8; i < chunk; i += 8) a.adc(quad(b, off + i));
      a.adc(0n);
      t = a.value;
      off += chunk;
    }
  }
  if ((len & 7) !== 0) {
    // load_unaligned_zeropad of the last len & 7 bytes, little-endian.
    let trail = 0n;
    for (let i = (len & 7) - 1; i >= 0; i--) trail = (trail << 8n) | BigInt(b[off + i]);
    const a = new Acc(t);
    a.add(trail);
    a.adc(0n);
    t = a.value;
  }
  return finalize(t);
}

/** csum_fold(): the 16-bit one's-complement checksum of a 32-bit partial sum, complemented. */
export function csumFold(sum: number): number {
  let s = (sum & 0xffff) + (sum >>> 16);
  s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

/** csum_add(): 32-bit one's-complement addition. */
export function csumAdd(a: number, b: number): number {
  const r = ((a >>> 0) + (b >>> 0)) >>> 0;
  return (r + (r < (b >>> 0) ? 1 : 0)) >>> 0;
}

/** csum_sub(): a minus b in one's complement. */
export const csumSub = (a: number, b: number): number => csumAdd(a, ~b >>> 0);

/** csum_from32to16(): folds a 32-bit partial sum to 16 bits (not complemented). */
export function csumFrom32to16(sum: number): number {
  const s = ((sum >>> 0) + (((sum >>> 16) | (sum << 16)) >>> 0)) >>> 0;
  return s >>> 16;
}

/**
 * bpf_csum_diff() as kernels since 6.12 compute it on every architecture:
 * the one's-complement sum of `to` minus that of `from`, added to `seed`,
 * folded to 16 bits.
 */
export function csumDiff(from: Uint8Array, to: Uint8Array, seed: number): number {
  let ret = seed >>> 0;
  if (from.length > 0 && to.length > 0) ret = csumSub(csumPartial(to, ret), csumPartial(from, 0));
  else if (to.length > 0) ret = csumPartial(to, ret);
  else if (from.length > 0) ret = ~csumPartial(from, ~ret >>> 0) >>> 0;
  return csumFrom32to16(ret);
}
