import type { Instruction } from '../instruction.js';
import { dumpData } from './data-dump.js';
import { decodeLlvm } from './decode-llvm.js';
import type { LlvmDecoded } from './decoded.js';
import { UNKNOWN_TEXT } from './disassemble.js';
import { STT_COMMON, STT_OBJECT, type ListingOptions, type ListingSection, type ListingSymbol } from './listing-types.js';
import { orderedSymbols, symbolAtOrBefore } from './symbol-order.js';

const SLOT = 8;

/** Reads the 8 bytes at `at` as an instruction slot (any byte offset: llvm-objdump can lose alignment). */
function slotAt(bytes: Uint8Array, at: number): Instruction | undefined {
  if (at + SLOT > bytes.length) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, SLOT);
  return { opcode: bytes[at], dst: bytes[at + 1] & 0xf, src: bytes[at + 1] >> 4, off: view.getInt16(2, true), imm: view.getInt32(4, true) };
}

const hexBytes = (bytes: Uint8Array): string => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');

/** Zero bytes llvm-objdump folds into `...`: a run of at least 8, rounded down to a multiple of 4. */
function skippableZeros(bytes: Uint8Array, from: number, to: number): number {
  let n = 0;
  while (from + n < to && bytes[from + n] === 0) n++;
  return n < 8 ? 0 : n & ~3;
}

/** ` <symbol+0x..>` after a branch, as llvm-objdump resolves `address + 8 + displacement * 8`. */
function branchTarget(symbols: readonly ListingSymbol[], at: number, displacement: number): string {
  const target = BigInt.asUintN(64, BigInt(at) + 8n + BigInt(displacement) * 8n);
  const symbol = symbolAtOrBefore(symbols, target);
  if (symbol === undefined) return '';
  const disp = target - BigInt(symbol.offset);
  return ` <${symbol.name}${disp === 0n ? '' : `+0x${disp.toString(16)}`}>`;
}

/**
 * The lines `llvm-objdump-19 -d` prints for one section (an empty list when
 * it prints nothing for it): `Disassembly of section S:`, a `<symbol>:` line
 * per symbol, then `     INDEX:\tBYTES\tTEXT` per instruction, where INDEX
 * is the byte offset divided by 8.
 */
export function listSection(section: ListingSection, options: ListingOptions = {}): string[] {
  const { bytes, name, executable } = section;
  if (section.size === 0) return [];
  const symbols = orderedSymbols(name, executable, section.symbols);
  const relocations = options.relocations ? [...section.relocations].sort((a, b) => a.offset - b.offset) : [];
  let rel = 0;
  const out: string[] = [];
  let printedHeader = false;

  for (let si = 0; si < symbols.length;) {
    const first = si;
    const start = symbols[si].offset;
    while (si < symbols.length && symbols[si].offset === start) si++;
    const here = symbols.slice(first, si);
    // Code wins over data at one address; of the code symbols the last is shown.
    let shown = here.length - 1;
    let asData = executable;
    if (executable) {
      here.forEach((s, i) => {
        if (s.type !== STT_OBJECT && s.type !== STT_COMMON) { asData = false; shown = i; }
      });
    }
    const end = si < symbols.length ? Math.min(section.size, symbols[si].offset) : section.size;
    if (start >= end) continue;
    if (!printedHeader) {
      out.push('', `Disassembly of section ${name}:`);
      printedHeader = true;
    }
    out.push('', `${start.toString(16).padStart(16, '0')} <${here[shown].name}>:`);
    if (section.virtual) { out.push('...'); continue; }
    if (asData) {
      for (const line of dumpData(bytes, start, end)) out.push(line);
      continue;
    }
    while (rel < relocations.length && relocations[rel].offset < start) rel++;

    for (let at = start; at < end;) {
      const zeroLimit = rel < relocations.length ? Math.min(end, relocations[rel].offset) : end;
      const zeros = skippableZeros(bytes, at, zeroLimit);
      if (zeros > 0) {
        out.push('\t\t...');
        at += zeros;
        continue;
      }
      const first8 = slotAt(bytes, at);
      const decoded: LlvmDecoded = first8 === undefined ? { kind: 'truncated' } : decodeLlvm(first8, slotAt(bytes, at + SLOT), options);
      // Undecodable bytes take 8 bytes; a truncated instruction 1 byte (LLVM's size 0).
      const size = decoded.kind === 'insn' ? decoded.slots * SLOT : decoded.kind === 'unknown' ? SLOT : 1;
      const text = decoded.kind === 'insn'
        ? decoded.text + (decoded.jump === null ? '' : branchTarget(symbols, at, decoded.jump))
        : UNKNOWN_TEXT;
      out.push(`${String(Math.floor(at / SLOT)).padStart(8)}:\t${hexBytes(bytes.subarray(at, at + size))}\t${text}`);
      while (rel < relocations.length && relocations[rel].offset < at + size) {
        const r = relocations[rel++];
        if (r.offset >= at) out.push(`\t\t${r.offset.toString(16).padStart(16, '0')}:  ${r.type}\t${r.value}`);
      }
      at += size;
    }
  }
  return out;
}
