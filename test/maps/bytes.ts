// Small byte builders for map tests.

export const u32 = (n: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0, true);
  return b;
};

export const u64 = (n: bigint | number): Uint8Array => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, BigInt(n)), true);
  return b;
};

export const readU32 = (b: Uint8Array, off = 0): number => new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(off, true);
export const readU64 = (b: Uint8Array, off = 0): bigint => new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(off, true);

export const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** An LPM trie key: u32 prefixlen (host order) + data bytes. */
export const lpmKey = (prefixlen: number, data: readonly number[]): Uint8Array => {
  const b = new Uint8Array(4 + data.length);
  new DataView(b.buffer).setUint32(0, prefixlen, true);
  b.set(data, 4);
  return b;
};

/** Catches a thrown error's errno (MapError and KernelError both carry one), or 0 when nothing was thrown. */
export function errnoOf(f: () => unknown): number {
  try {
    f();
    return 0;
  } catch (e) {
    const errno = (e as { errno?: unknown }).errno;
    if (typeof errno !== 'number') throw e;
    return errno;
  }
}
