import type { ProgramSpec } from '../elf/object-spec.js';
import type { Instruction } from '../isa/instruction.js';
import { ldImm64 } from '../isa/instruction.js';
import { LD_IMM64 } from '../isa/opcodes.js';
import { ArrayMap } from '../maps/array-map.js';
import type { BpfMap } from '../maps/bpf-map.js';
import { VmObjectError } from './errors.js';

/**
 * A program's instructions with every map reference turned into a plain
 * 64-bit immediate, as the engines take them: BPF_PSEUDO_MAP_FD becomes the
 * map's pointer (its descriptor, CONST_PTR_TO_MAP), BPF_PSEUDO_MAP_VALUE the
 * address of that byte of value 0 (global data, direct array value access).
 */
export function relocateForVm(program: ProgramSpec, maps: readonly BpfMap[]): Instruction[] {
  const insns = program.insns.map((insn) => ({ ...insn }));
  for (const ref of program.mapRefs) {
    const insn = insns[ref.insn];
    const fail = (why: string): never => { throw new VmObjectError(`program ${program.name}: insn ${ref.insn} (map ${ref.map}): ${why}`, program.section, ref.insn); };
    if (insn === undefined || insn.opcode !== LD_IMM64 || insns[ref.insn + 1] === undefined) fail('not an lddw');
    const map = maps[ref.mapIndex] ?? fail(`map #${ref.mapIndex} does not exist`);
    let value: bigint;
    if (ref.kind === 'fd') {
      value = map.pointer;
    } else {
      if (!(map instanceof ArrayMap)) fail(`a direct value reference needs an array map, ${map.name} is ${map.type}`);
      try {
        value = (map as ArrayMap).directValuePointer(ref.offset);
      } catch (err) {
        value = fail((err as Error).message);
      }
    }
    const [lo, hi] = ldImm64(insn.dst, value);
    insns[ref.insn] = lo;
    insns[ref.insn + 1] = hi;
  }
  return insns;
}
