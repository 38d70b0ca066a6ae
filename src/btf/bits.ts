// Little-endian integer and bit-field access over byte buffers, for the BTF codecs.

/** Unsigned little-endian integer of `size` bytes (1..16) at `offset`. */
export function readUint(bytes: Uint8Array, offset: number, size: number): bigint {
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[offset + i]);
  return v;
}

export function writeUint(bytes: Uint8Array, offset: number, size: number, value: bigint): void {
  let v = BigInt.asUintN(size * 8, value);
  for (let i = 0; i < size; i++) {
    bytes[offset + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

/** Bytes spanned by `bits` bits starting `bitOffset` bits after `offset`. */
export const bitSpan = (bitOffset: number, bits: number): number => Math.ceil((bitOffset + bits) / 8);

/** The unsigned value of `bits` bits starting `bitOffset` bits (little-endian) after byte `offset`. */
export function readBits(bytes: Uint8Array, offset: number, bitOffset: number, bits: number): bigint {
  const start = offset + Math.floor(bitOffset / 8);
  const shift = bitOffset % 8;
  const span = bitSpan(shift, bits);
  return (readUint(bytes, start, span) >> BigInt(shift)) & ((1n << BigInt(bits)) - 1n);
}

export function writeBits(bytes: Uint8Array, offset: number, bitOffset: number, bits: number, value: bigint): void {
  const start = offset + Math.floor(bitOffset / 8);
  const shift = BigInt(bitOffset % 8);
  const span = bitSpan(Number(shift), bits);
  const mask = ((1n << BigInt(bits)) - 1n) << shift;
  const old = readUint(bytes, start, span);
  writeUint(bytes, start, span, (old & ~mask) | ((BigInt.asUintN(bits, value) << shift) & mask));
}

export const signExtend = (value: bigint, bits: number): bigint => BigInt.asIntN(bits, value);
