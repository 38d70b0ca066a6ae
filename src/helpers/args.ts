// Conversions of the u64 registers helpers receive to the C types of their
// parameters (engines may pass them signed or unsigned).

export const u64 = (r: bigint): bigint => BigInt.asUintN(64, r);
export const u32 = (r: bigint): number => Number(BigInt.asUintN(32, r));
export const s32 = (r: bigint): number => Number(BigInt.asIntN(32, r));

/**
 * Map flags (u64 in the helper) as a number the map code compares: values
 * beyond 32 bits become 0xffffffff, which every map refuses as unknown flags.
 */
export const mapFlags = (r: bigint): number => {
  const v = BigInt.asUintN(64, r);
  return v > 0xffffffffn ? 0xffffffff : Number(v);
};

/** A helper result: 0 or a negative errno as the u64 r0 gets it. */
export const ret = (n: number | bigint): bigint => BigInt.asUintN(64, BigInt(n));
