import type { BtfExt, BtfExtCoreRelo, BtfExtFuncInfo, BtfExtLineInfo } from '../btf/ext.js';
import type { Instruction } from '../isa/instruction.js';
import { BPF_PSEUDO_FUNC, LD_IMM64 } from '../isa/opcodes.js';
import type { RelocatedSection } from './code-relocations.js';
import { ElfError } from './errors.js';
import { functionStartingAt, type CodeSection, type ElfFunction } from './functions.js';
import type { CoreRelocation, FunctionInfo, LineInfo, MapRef } from './object-spec.js';

export interface LinkedProgram {
  readonly insns: Instruction[];
  readonly functions: FunctionInfo[];
  readonly lineInfo: LineInfo[];
  readonly mapRefs: MapRef[];
  readonly coreRelos: CoreRelocation[];
}

export interface LinkInput {
  readonly code: ReadonlyMap<number, CodeSection>;
  readonly relocated: ReadonlyMap<number, RelocatedSection>;
  /** BTF.ext records per section name, each list sorted by insnOff (see sortExtRecords). */
  readonly records: ReadonlyMap<string, SectionRecords>;
}

export interface SectionRecords {
  readonly funcInfo: readonly BtfExtFuncInfo[];
  readonly lineInfo: readonly BtfExtLineInfo[];
  readonly coreRelos: readonly BtfExtCoreRelo[];
}

/** Groups BTF.ext records by section, sorted by instruction offset, dropping records not on an instruction. */
export function sortExtRecords(ext: BtfExt | null): Map<string, SectionRecords> {
  const out = new Map<string, SectionRecords>();
  if (ext === null) return out;
  const names = new Set([...ext.funcInfo.keys(), ...ext.lineInfo.keys(), ...ext.coreRelos.keys()]);
  const sorted = <T extends { insnOff: number }>(list: readonly T[] | undefined): T[] =>
    (list ?? []).filter((r) => r.insnOff % 8 === 0).sort((a, b) => a.insnOff - b.insnOff);
  for (const name of names) {
    out.set(name, { funcInfo: sorted(ext.funcInfo.get(name)), lineInfo: sorted(ext.lineInfo.get(name)), coreRelos: sorted(ext.coreRelos.get(name)) });
  }
  return out;
}

/** Records with lo <= insnOff < hi of a list sorted by insnOff. */
function inRange<T extends { insnOff: number }>(list: readonly T[], lo: number, hi: number): T[] {
  let a = 0;
  let b = list.length;
  while (a < b) {
    const mid = (a + b) >> 1;
    if (list[mid].insnOff < lo) a = mid + 1; else b = mid;
  }
  const out: T[] = [];
  for (let i = a; i < list.length && list[i].insnOff < hi; i++) out.push(list[i]);
  return out;
}

/**
 * Builds one program from its entry function: the entry's slots first, then
 * every function it reaches through calls and function pointers, appended
 * depth-first in the order they are met (as libbpf's bpf_object__reloc_code),
 * each once. Calls and BPF_PSEUDO_FUNC lddws get their final relative
 * offsets; func_info, line_info and CO-RE records follow their functions.
 */
export function linkProgram(entry: ElfFunction, input: LinkInput): LinkedProgram {
  const insns: Instruction[] = [];
  const functions: FunctionInfo[] = [];
  const mapRefs: MapRef[] = [];
  const placed = new Map<ElfFunction, number>();

  const place = (f: ElfFunction): number => {
    const at = insns.length;
    placed.set(f, at);
    const code = input.code.get(f.section.index) as CodeSection;
    const relocated = input.relocated.get(f.section.index) as RelocatedSection;
    for (let i = 0; i < f.length; i++) {
      insns.push({ ...code.insns[f.start + i] });
      const ref = relocated.mapRefs.get(f.start + i);
      if (ref !== undefined) mapRefs.push({ insn: at + i, ...ref });
    }
    functions.push({ name: f.name, insn: at, length: f.length, section: f.section.name, btfId: 0 });
    return at;
  };

  place(entry);
  const stack: Array<{ f: ElfFunction; at: number; i: number }> = [{ f: entry, at: 0, i: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.i >= top.f.length) { stack.pop(); continue; }
    const i = top.i++;
    const slot = top.f.start + i;
    const relocated = input.relocated.get(top.f.section.index) as RelocatedSection;
    const target = relocated.targets.get(slot);
    if (target === undefined) continue;
    const targetCode = input.code.get(target.section);
    const callee = targetCode === undefined ? undefined : functionStartingAt(targetCode, target.slot);
    if (callee === undefined) {
      throw new ElfError(`${target.kind === 'call' ? 'call' : 'function pointer'} at insn ${slot} targets slot ${target.slot}` +
        ` of ${targetCode?.section.name ?? `section #${target.section}`}, which is not the start of a function`,
      top.f.section.name, top.f.section.offset + slot * 8);
    }
    let calleeAt = placed.get(callee);
    if (calleeAt === undefined) {
      calleeAt = place(callee);
      stack.push({ f: callee, at: calleeAt, i: 0 });
    }
    const insn = insns[top.at + i];
    insn.imm = calleeAt - (top.at + i) - 1;
    if (target.kind === 'func') insn.src = BPF_PSEUDO_FUNC;
    if (insn.opcode === LD_IMM64) top.i++;
  }

  const lineInfo: LineInfo[] = [];
  const coreRelos: CoreRelocation[] = [];
  for (const [f, at] of placed) {
    const records = input.records.get(f.section.name);
    if (records === undefined) continue;
    const lo = f.start * 8;
    const hi = (f.start + f.length) * 8;
    const slotOf = (insnOff: number): number => at + (insnOff - lo) / 8;
    for (const fi of inRange(records.funcInfo, lo, lo + 1)) {
      const index = functions.findIndex((x) => x.insn === at);
      if (index >= 0) functions[index] = { ...functions[index], btfId: fi.typeId };
    }
    for (const li of inRange(records.lineInfo, lo, hi)) {
      lineInfo.push({ insn: slotOf(li.insnOff), fileName: li.fileName, line: li.line, column: li.column, lineText: li.lineText,
        fileNameOff: li.fileNameOff, lineOff: li.lineOff });
    }
    for (const cr of inRange(records.coreRelos, lo, hi)) {
      coreRelos.push({ insn: slotOf(cr.insnOff), typeId: cr.typeId, accessString: cr.accessString, kind: cr.kind });
    }
  }
  lineInfo.sort((a, b) => a.insn - b.insn);
  coreRelos.sort((a, b) => a.insn - b.insn);
  return { insns, functions, lineInfo, mapRefs, coreRelos };
}
