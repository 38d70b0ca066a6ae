/** What LLVM 19's BPF disassembler makes of the bytes at one position. */
export type LlvmDecoded =
  /** An instruction: its text, how many 8-byte slots it takes, and for
   *  branches the displacement (in slots, from the next slot) that
   *  llvm-objdump resolves to a `<symbol+0x..>` target. */
  | { readonly kind: 'insn'; readonly text: string; readonly slots: 1 | 2; readonly jump: number | null }
  /** Bytes LLVM cannot decode: it prints `<unknown>` and moves on 8 bytes. */
  | { readonly kind: 'unknown' }
  /** An lddw whose second slot is missing: LLVM fails with size 0 and
   *  llvm-objdump moves on one byte at a time. */
  | { readonly kind: 'truncated' };

export interface DisasmOptions {
  /**
   * Decode as a CPU with ALU32 (`llvm-objdump --mcpu=v3` or `v4`, or
   * `--mattr=+alu32`): sub-word loads, stores and 32-bit atomics name `w`
   * registers. The default, like `llvm-objdump -d` without `--mcpu`, is off.
   */
  readonly alu32?: boolean;
}

export const UNKNOWN: LlvmDecoded = { kind: 'unknown' };

export const insn = (text: string, jump: number | null = null, slots: 1 | 2 = 1): LlvmDecoded =>
  ({ kind: 'insn', text, slots, jump });

/** Builds an instruction from operand texts, or UNKNOWN if any operand failed to decode. */
export function textOf(parts: ReadonlyArray<string | null>, build: (...p: string[]) => string, jump: number | null = null): LlvmDecoded {
  if (parts.some((p) => p === null)) return UNKNOWN;
  return insn(build(...(parts as string[])), jump);
}
