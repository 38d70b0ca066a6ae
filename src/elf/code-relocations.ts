import type { Instruction } from '../isa/instruction.js';
import { BPF_CALL, BPF_JMP, BPF_PSEUDO_CALL, BPF_PSEUDO_FUNC, BPF_PSEUDO_MAP_FD, BPF_PSEUDO_MAP_VALUE, LD_IMM64 } from '../isa/opcodes.js';
import { R_BPF_64_32, R_BPF_64_64, SHN_LORESERVE, SHN_UNDEF, STT_SECTION } from './constants.js';
import type { CodeSection } from './functions.js';
import type { MapRef } from './object-spec.js';
import { forEachRelocationOf } from './section-relocations.js';
import type { ElfFile } from './types.js';

const CALL = BPF_JMP | BPF_CALL;

/** Where a bpf-to-bpf call or a function pointer points: a slot of a code section. */
export interface CodeTarget {
  readonly section: number;
  readonly slot: number;
  /** 'call' for `call` (src 1), 'func' for an lddw loading a function address. */
  readonly kind: 'call' | 'func';
}

/** Resolves a map-defining symbol (section index, byte offset) to a map index, or null. */
export interface MapLocator {
  mapAt(sectionIndex: number, offset: number): number | null;
  /** Name of the map with this index. */
  mapName(index: number): string;
  /** Index of the global-data map of this section, or null. */
  dataMap(sectionIndex: number): number | null;
  /** Map index and value offset of a `__kconfig` extern, or null for other undefined symbols. */
  kconfigExtern?(name: string): { mapIndex: number; offset: number } | null;
}

export interface RelocatedSection {
  /** Map references by slot (section-relative). */
  readonly mapRefs: Map<number, Omit<MapRef, 'insn'>>;
  /** Call and function-pointer targets by slot, relocated or pc-relative. */
  readonly targets: Map<number, CodeTarget>;
}

/**
 * Applies a code section's relocations as libbpf does: R_BPF_64_64 on an
 * lddw against a map symbol gives BPF_PSEUDO_MAP_FD (map index in imm),
 * against global data BPF_PSEUDO_MAP_VALUE (map index, offset in the second
 * slot), against a function BPF_PSEUDO_FUNC, against a `__kconfig` extern
 * BPF_PSEUDO_MAP_VALUE into the .kconfig map; R_BPF_64_32 on `call` is a
 * bpf-to-bpf call. Unrelocated `call` with src 1 is pc-relative in its section.
 * The section's instructions are patched in place.
 */
export function relocateCodeSection(elf: ElfFile, code: CodeSection, codeByIndex: ReadonlyMap<number, CodeSection>,
  maps: MapLocator): RelocatedSection {
  const { section, insns } = code;
  const mapRefs = new Map<number, Omit<MapRef, 'insn'>>();
  const targets = new Map<number, CodeTarget>();
  forEachRelocationOf(elf, section, (rel, i, fail) => {
    if (rel.offset % 8 !== 0) fail(`relocation ${i} at offset ${rel.offset} is not at an instruction`);
    const slot = rel.offset / 8;
    const insn = insns[slot];
    const sym = elf.symbols[rel.symbol];
    const symName = sym.name || elf.sections[sym.sectionIndex]?.name || `#${rel.symbol}`;
    const where = `insn ${slot} of ${section.name}`;
    if (rel.type !== R_BPF_64_64 && rel.type !== R_BPF_64_32) fail(`${where}: unsupported relocation type ${rel.type} against '${symName}'`);
    if (sym.sectionIndex === SHN_UNDEF) {
      const kconfig = maps.kconfigExtern?.(symName) ?? null;
      if (kconfig === null) fail(`${where}: extern symbol '${symName}' (${maps.kconfigExtern ? 'kfunc or ksym' : 'kfunc, ksym or kconfig'}) is not supported`);
      // libbpf's RELO_EXTERN_LD64 for a kcfg extern: the variable's place in the .kconfig map.
      if (insn.opcode !== LD_IMM64 || slot + 1 >= insns.length || rel.type !== R_BPF_64_64) fail(`${where}: kconfig extern '${symName}' is not loaded by lddw`);
      insn.src = BPF_PSEUDO_MAP_VALUE;
      insn.imm = kconfig!.mapIndex;
      insns[slot + 1].imm = kconfig!.offset;
      mapRefs.set(slot, { map: maps.mapName(kconfig!.mapIndex), mapIndex: kconfig!.mapIndex, kind: 'value', offset: kconfig!.offset });
      return;
    }
    if (sym.sectionIndex >= SHN_LORESERVE) fail(`${where}: symbol '${symName}' is in special section 0x${sym.sectionIndex.toString(16)}`);
    const symSection = elf.sections[sym.sectionIndex];
    if (symSection === undefined) fail(`${where}: symbol '${symName}' is in section ${sym.sectionIndex}, which does not exist`);

    if (insn.opcode === CALL) {
      if (insn.src !== BPF_PSEUDO_CALL) fail(`${where}: relocated call is not a bpf-to-bpf call (src ${insn.src})`);
      if (!codeByIndex.has(sym.sectionIndex)) fail(`${where}: call target '${symName}' is not in a code section`);
      const targetSlot = (sym.type === STT_SECTION ? 0 : sym.value / 8) + insn.imm + 1;
      targets.set(slot, { section: sym.sectionIndex, slot: targetSlot, kind: 'call' });
      return;
    }
    if (insn.opcode !== LD_IMM64 || slot + 1 >= insns.length) {
      fail(`${where}: relocation against '${symName}' on opcode 0x${insn.opcode.toString(16)}, which is neither lddw nor call`);
    }
    if (rel.type !== R_BPF_64_64) fail(`${where}: lddw needs R_BPF_64_64, got type ${rel.type}`);
    const offset = sym.value + insn.imm;
    if (codeByIndex.has(sym.sectionIndex)) {
      if (offset % 8 !== 0) fail(`${where}: function pointer to '${symName}' at byte ${offset} is not at an instruction`);
      insn.src = BPF_PSEUDO_FUNC;
      targets.set(slot, { section: sym.sectionIndex, slot: offset / 8, kind: 'func' });
      return;
    }
    const mapIndex = maps.mapAt(sym.sectionIndex, offset);
    if (mapIndex !== null) {
      insn.src = BPF_PSEUDO_MAP_FD;
      insn.imm = mapIndex;
      mapRefs.set(slot, { map: maps.mapName(mapIndex), mapIndex, kind: 'fd', offset: 0 });
      return;
    }
    const dataIndex = maps.dataMap(sym.sectionIndex);
    if (dataIndex !== null) {
      if (offset < 0 || offset > symSection.size) fail(`${where}: offset ${offset} into '${symSection.name}' is outside it (${symSection.size} bytes)`);
      insn.src = BPF_PSEUDO_MAP_VALUE;
      insn.imm = dataIndex;
      insns[slot + 1].imm = offset;
      mapRefs.set(slot, { map: maps.mapName(dataIndex), mapIndex: dataIndex, kind: 'value', offset });
      return;
    }
    fail(`${where}: '${symName}' in section ${symSection.name} is not a map, global data or a function`);
  });
  insns.forEach((insn, slot) => {
    if (insn.opcode !== CALL || insn.src !== BPF_PSEUDO_CALL || targets.has(slot)) return;
    targets.set(slot, { section: section.index, slot: slot + insn.imm + 1, kind: 'call' });
  });
  return { mapRefs, targets };
}
