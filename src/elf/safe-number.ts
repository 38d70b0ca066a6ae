import { ElfError } from './errors.js';

/** A 64-bit ELF field as a number; values past 2^53 cannot be offsets or sizes of a real file. */
export function safeNumber(value: bigint, field: string, section: string | null, offset: number): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new ElfError(`${field} 0x${value.toString(16)} is too large`, section, offset);
  }
  return Number(value);
}
