// Registers live before each instruction (the kernel's compute_live_registers):
// a backward data-flow pass over each function's control-flow graph. Pruning
// compares only live registers; a dead one cannot influence what follows.
import type { Instruction } from '../isa/instruction.js';
import * as op from '../isa/opcodes.js';
import { computeEdges } from './cfg-edges.js';
import { Temp, tempInt32 } from './work-arrays.js';

const R0 = 1;
const CALLER_SAVED = 0x3f; // r0..r5
const BPF_LOAD_ACQ = 0x100;

/** Number of arguments a helper takes, or undefined when unknown (then r1..r5). */
export type HelperArgCount = (helperId: number) => number | undefined;

const pack = (use: number, def: number): number => (use & 0xffff) | ((def & 0xffff) << 16);

/** The registers an instruction uses and sets, packed: use | set << 16. */
function useDef(insn: Instruction, argCount: HelperArgCount): number {
  const cls = op.opClass(insn.opcode);
  const dst = 1 << insn.dst;
  const src = 1 << insn.src;
  const code = op.opCode(insn.opcode);
  switch (cls) {
    case op.BPF_LD:
      if (insn.opcode === op.LD_IMM64) return pack(0, dst);
      // LD_ABS/LD_IND: the kernel takes every register as used (and none as set).
      return pack(0xffff, 0);
    case op.BPF_LDX:
      return pack(src, dst);
    case op.BPF_ST:
      return pack(dst, 0);
    case op.BPF_STX:
      if (op.opMode(insn.opcode) === op.BPF_ATOMIC) {
        if (insn.imm === op.BPF_CMPXCHG) return pack(dst | src | R0, R0);
        if (insn.imm === BPF_LOAD_ACQ) return pack(src, dst);
        if (insn.imm & op.BPF_FETCH) return pack(dst | src, src);
        return pack(dst | src, 0);
      }
      return pack(dst | src, 0);
    case op.BPF_ALU:
    case op.BPF_ALU64:
      if (code === op.BPF_MOV) return pack(op.opSource(insn.opcode) === op.BPF_X ? src : 0, dst);
      if (code === op.BPF_NEG || code === op.BPF_END) return pack(dst, dst);
      return pack(dst | (op.opSource(insn.opcode) === op.BPF_X ? src : 0), dst);
    default:
      switch (code) {
        case op.BPF_JA:
          return pack(0, 0);
        case op.BPF_EXIT:
          return pack(R0, 0);
        case op.BPF_CALL: {
          let use = CALLER_SAVED & ~R0;
          if (insn.src === op.BPF_HELPER_CALL) {
            const n = argCount(insn.imm);
            if (n !== undefined) use = ((1 << (n + 1)) - 1) & ~R0;
          }
          return pack(use, CALLER_SAVED);
        }
        default:
          return pack(op.opSource(insn.opcode) === op.BPF_K ? dst : dst | src, 0);
      }
  }
}

/** Bit r of result[i] is set when register r (0..9) is live before instruction i. */
export function computeLiveRegs(insns: readonly Instruction[], argCount: HelperArgCount, edges = computeEdges(insns)): Uint16Array {
  const n = insns.length;
  const use = tempInt32(Temp.LiveUse, n);
  const def = tempInt32(Temp.LiveDef, n);
  const isSecond = tempInt32(Temp.LiveSecond, n);
  for (let i = 0; i < n; i++) {
    if (isSecond[i]) continue;
    const ud = useDef(insns[i], argCount);
    use[i] = ud & 0xffff;
    def[i] = ud >>> 16;
    if (insns[i].opcode === op.LD_IMM64 && i + 1 < n) isSecond[i + 1] = 1;
  }
  const { next, branch } = edges;
  const live = new Uint16Array(n);
  let changed = true;
  while (changed) {
    changed = false;
    for (let i = n - 1; i >= 0; i--) {
      if (isSecond[i]) continue;
      let out = 0;
      if (next[i] >= 0) out |= live[next[i]];
      if (branch[i] >= 0) out |= live[branch[i]];
      const inn = (use[i] | (out & ~def[i])) & 0x3ff;
      if (inn !== live[i]) {
        live[i] = inn;
        changed = true;
      }
    }
  }
  return live;
}
