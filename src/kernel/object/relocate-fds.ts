import type { ProgramSpec } from '../../elf/object-spec.js';
import type { Instruction } from '../../isa/instruction.js';
import { BPF_PSEUDO_MAP_FD, BPF_PSEUDO_MAP_VALUE, LD_IMM64 } from '../../isa/opcodes.js';
import { ObjectLoadError } from './errors.js';

/**
 * A program's instructions with every map reference (lddw with the map's
 * index in imm, as the loader leaves them) pointing at the kernel map's fd:
 * BPF_PSEUDO_MAP_FD, or BPF_PSEUDO_MAP_VALUE keeping the value offset in
 * the second slot.
 */
export function relocateWithFds(program: ProgramSpec, mapFds: readonly number[]): Instruction[] {
  const insns = program.insns.map((insn) => ({ ...insn }));
  for (const ref of program.mapRefs) {
    const insn = insns[ref.insn];
    if (insn === undefined || insn.opcode !== LD_IMM64) {
      throw new ObjectLoadError(`program ${program.name}: map reference to ${ref.map} at insn ${ref.insn} is not an lddw`, program.section, ref.insn);
    }
    const fd = mapFds[ref.mapIndex];
    if (fd === undefined) throw new ObjectLoadError(`program ${program.name}: map #${ref.mapIndex} (${ref.map}) was not created`, program.section, ref.insn);
    insn.src = ref.kind === 'fd' ? BPF_PSEUDO_MAP_FD : BPF_PSEUDO_MAP_VALUE;
    insn.imm = fd;
    if (ref.kind === 'fd') insns[ref.insn + 1].imm = 0;
    else insns[ref.insn + 1].imm = ref.offset;
  }
  return insns;
}
