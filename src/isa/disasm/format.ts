// Operand spelling of LLVM's BPF instruction printer (llvm-objdump prints
// immediates in hex since LLVM 15: `0x1`, `-0x1`).

/** LLVM's formatHex for a signed value: `0x..` or `-0x..`. */
export function hexImm(value: number | bigint): string {
  const v = BigInt(value);
  return v < 0n ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`;
}

/** A branch displacement as printBrTargetOperand spells it: `+0x2`, `-0x1`. */
export function branchDisplacement(value: number): string {
  return value >= 0 ? `+${hexImm(value)}` : hexImm(value);
}

/**
 * LLVM decodes register fields 0..11 (r11 is its internal stack register)
 * and refuses 12..15; null means the instruction does not decode.
 */
export function reg(n: number, wide = true): string | null {
  return n <= 11 ? `${wide ? 'r' : 'w'}${n}` : null;
}

/** A memory operand `r1 + 0x8` / `r10 - 0x4` (printMemOperand), or null for a bad base. */
export function memOperand(base: number, off: number): string | null {
  const r = reg(base);
  if (r === null) return null;
  return off >= 0 ? `${r} + ${hexImm(off)}` : `${r} - ${hexImm(-off)}`;
}

/** `u8`..`u64` / `s8`..`s32` for a size modifier. */
export function sizeName(bytes: number, signed = false): string {
  return `${signed ? 's' : 'u'}${bytes * 8}`;
}
