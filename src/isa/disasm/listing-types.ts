import type { DisasmOptions } from './decoded.js';

/** ELF symbol types the listing distinguishes (elf.h names). */
export const STT_NOTYPE = 0;
export const STT_OBJECT = 1;
export const STT_FUNC = 2;
export const STT_COMMON = 5;

/** A symbol defined in the section being listed. */
export interface ListingSymbol {
  readonly name: string;
  /** Byte offset in the section. */
  readonly offset: number;
  /** STT_* type: data symbols (STT_OBJECT) in a code section are dumped as bytes, like llvm-objdump. */
  readonly type: number;
}

/** A relocation in the section being listed, for `-r` style annotations. */
export interface ListingRelocation {
  /** Byte offset in the section. */
  readonly offset: number;
  /** The type name, e.g. `R_BPF_64_64`. */
  readonly type: string;
  /** What llvm-objdump prints as its value: the symbol (or section) name and any addend. */
  readonly value: string;
}

/** One section to list, in the terms llvm-objdump uses. */
export interface ListingSection {
  readonly name: string;
  /** The contents (empty for a section without file bytes, e.g. SHT_NOBITS). */
  readonly bytes: Uint8Array;
  /** sh_size (may exceed `bytes.length` only for a virtual section). */
  readonly size: number;
  /** SHF_EXECINSTR: what llvm-objdump calls a text section. */
  readonly executable: boolean;
  /** SHT_NOBITS: no contents in the file. */
  readonly virtual: boolean;
  readonly symbols: readonly ListingSymbol[];
  readonly relocations: readonly ListingRelocation[];
}

export interface ListingOptions extends DisasmOptions {
  /** Print relocations after the instructions they patch (`llvm-objdump -dr`). */
  readonly relocations?: boolean;
}
