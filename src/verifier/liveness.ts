// Registers live before each instruction (the kernel's compute_live_registers):
// a backward data-flow pass over each function's control-flow graph. Pruning
// compares only live registers; a dead one cannot influence what follows.
import type { Instruction } from '../isa/instruction.js';
import * as op from '../isa/opcodes.js';

const R0 = 1;
const CALLER_SAVED = 0x3f; // r0..r5
const BPF_LOAD_ACQ = 0x100;

/** Number of arguments a helper takes, or undefined when unknown (then r1..r5). */
export type HelperArgCount = (helperId: number) => number | undefined;

function useDef(insn: Instruction, argCount: HelperArgCount): [number, number] {
  const cls = op.opClass(insn.opcode);
  const dst = 1 << insn.dst;
  const src = 1 << insn.src;
  const code = op.opCode(insn.opcode);
  switch (cls) {
    case op.BPF_LD:
      if (insn.opcode === op.LD_IMM64) return [0, dst];
      // LD_ABS/LD_IND: the kernel takes every register as used (and none as set).
      return [0xffff, 0];
    case op.BPF_LDX:
      return [src, dst];
    case op.BPF_ST:
      return [dst, 0];
    case op.BPF_STX:
      if (op.opMode(insn.opcode) === op.BPF_ATOMIC) {
        if (insn.imm === op.BPF_CMPXCHG) return [dst | src | R0, R0];
        if (insn.imm === BPF_LOAD_ACQ) return [src, dst];
        if (insn.imm & op.BPF_FETCH) return [dst | src, src];
        return [dst | src, 0];
      }
      return [dst | src, 0];
    case op.BPF_ALU:
    case op.BPF_ALU64:
      if (code === op.BPF_MOV) return [op.opSource(insn.opcode) === op.BPF_X ? src : 0, dst];
      if (code === op.BPF_NEG || code === op.BPF_END) return [dst, dst];
      return [dst | (op.opSource(insn.opcode) === op.BPF_X ? src : 0), dst];
    default:
      switch (code) {
        case op.BPF_JA:
          return [0, 0];
        case op.BPF_EXIT:
          return [R0, 0];
        case op.BPF_CALL: {
          let use = CALLER_SAVED & ~R0;
          if (insn.src === op.BPF_HELPER_CALL) {
            const n = argCount(insn.imm);
            if (n !== undefined) use = ((1 << (n + 1)) - 1) & ~R0;
          }
          return [use, CALLER_SAVED];
        }
        default:
          return [op.opSource(insn.opcode) === op.BPF_K ? dst : dst | src, 0];
      }
  }
}

function successors(insns: readonly Instruction[], i: number): number[] {
  const insn = insns[i];
  const cls = op.opClass(insn.opcode);
  if (insn.opcode === op.LD_IMM64) return [i + 2];
  if (!op.isJmpClass(cls)) return [i + 1];
  const code = op.opCode(insn.opcode);
  if (code === op.BPF_EXIT) return [];
  if (code === op.BPF_CALL) return [i + 1];
  if (code === op.BPF_JA) return [i + 1 + (cls === op.BPF_JMP ? insn.off : insn.imm)];
  return [i + 1, i + 1 + insn.off];
}

/** Bit r of result[i] is set when register r (0..9) is live before instruction i. */
export function computeLiveRegs(insns: readonly Instruction[], argCount: HelperArgCount): Uint16Array {
  const n = insns.length;
  const use = new Uint16Array(n);
  const def = new Uint16Array(n);
  const succ: number[][] = new Array(n);
  const isSecond = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (isSecond[i]) { succ[i] = []; continue; }
    [use[i], def[i]] = useDef(insns[i], argCount);
    succ[i] = successors(insns, i).filter((s) => s >= 0 && s < n);
    if (insns[i].opcode === op.LD_IMM64 && i + 1 < n) isSecond[i + 1] = 1;
  }
  const live = new Uint16Array(n);
  let changed = true;
  while (changed) {
    changed = false;
    for (let i = n - 1; i >= 0; i--) {
      if (isSecond[i]) continue;
      let out = 0;
      for (const s of succ[i]) out |= live[s];
      const inn = (use[i] | (out & ~def[i])) & 0x3ff;
      if (inn !== live[i]) {
        live[i] = inn;
        changed = true;
      }
    }
  }
  return live;
}
