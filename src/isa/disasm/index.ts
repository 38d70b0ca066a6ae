/**
 * The disassembler: LLVM 19's BPF syntax, byte for byte what
 * `llvm-objdump-19 -d` prints (hex immediates, every v4 instruction,
 * `<unknown>` for what LLVM cannot decode, its lax decoding of fields it
 * ignores), and whole listings of objects (`-d`, `-dr`, `-j S`, `--mcpu=v3/v4`).
 *
 * Known differences from llvm-objdump-19 (see the tests for what is compared):
 * - with `relocations`, the CO-RE lines llvm-objdump reads from .BTF.ext
 *   (`CO-RE <byte_off> [2] struct task::pid (0:0)`) are not printed;
 * - objects are read as relocatable (ET_REL, section addresses 0), as clang
 *   emits them; other ELF machines are refused rather than disassembled;
 * - a `section` that does not exist is an error (llvm-objdump warns and
 *   prints only the header);
 * - RELA addends are spelled as LLVM does (`sym+0x8`) but LLVM's BPF
 *   assembler only emits REL, so that path is not compared.
 */
export type { DisasmOptions, LlvmDecoded } from './decoded.js';
export { decodeLlvm } from './decode-llvm.js';
export { disassemble, disassembleProgram, decodeAt, UNKNOWN_TEXT } from './disassemble.js';
export type { ListingOptions, ListingRelocation, ListingSection, ListingSymbol } from './listing-types.js';
export { listSection } from './listing.js';
export type { ObjectLike, ObjectListingOptions } from './object-listing.js';
export { listObject, listRaw, missingSections, DisasmInputError } from './object-listing.js';
