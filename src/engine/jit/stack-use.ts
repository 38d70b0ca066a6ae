import type { Instruction } from '../../isa/instruction.js';
import * as op from '../../isa/opcodes.js';
import type { ControlFlowGraph } from './cfg.js';

const STACK_BYTES = op.MAX_BPF_STACK * op.MAX_CALL_FRAMES;

/**
 * How many bytes below frame 0's r10 a run must zero so that the program
 * cannot tell it from the interpreter, which zeroes the whole stack region
 * (4 KiB) at every run. Checked mode (unverified programs, which may reach
 * the stack through any pointer) and programs with calls zero it all. A
 * verified program without calls touches its stack only through r10: when
 * r10 appears only as the base of loads and stores at constant offsets, the
 * deepest of them bounds what it can see; when r10 is copied or passed on,
 * its whole 512-byte frame.
 */
export function stackBytesToZero(insns: readonly Instruction[], cfg: ControlFlowGraph, checked: boolean): number {
  if (checked || cfg.entries.length > 1) return STACK_BYTES;
  let depth = 0;
  for (let pc = 0; pc < insns.length; pc++) {
    const insn = insns[pc];
    const { opcode, dst, src, off } = insn;
    const cls = op.opClass(opcode);
    if (opcode === op.LD_IMM64) {
      pc++;
      continue;
    }
    const x = op.opSource(opcode) === op.BPF_X;
    let base = -1;
    let other = false;
    switch (cls) {
      case op.BPF_LDX:
        if (src === op.BPF_REG_10) base = op.sizeBytes(op.opSize(opcode));
        break;
      case op.BPF_ST:
        if (dst === op.BPF_REG_10) base = op.sizeBytes(op.opSize(opcode));
        break;
      case op.BPF_STX:
        if (dst === op.BPF_REG_10) base = op.sizeBytes(op.opSize(opcode));
        other = src === op.BPF_REG_10;
        break;
      case op.BPF_ALU:
      case op.BPF_ALU64:
        other = (x && src === op.BPF_REG_10) || dst === op.BPF_REG_10;
        break;
      case op.BPF_JMP:
      case op.BPF_JMP32:
        if (opcode === (op.BPF_JMP | op.BPF_CALL | op.BPF_X)) return STACK_BYTES;
        other = dst === op.BPF_REG_10 || (x && src === op.BPF_REG_10);
        break;
      case op.BPF_LD:
        other = op.opMode(opcode) === op.BPF_IND && src === op.BPF_REG_10;
        break;
    }
    if (other) return op.MAX_BPF_STACK;
    if (base > 0) {
      if (off < -op.MAX_BPF_STACK || off + base > 0) return STACK_BYTES;
      depth = Math.max(depth, -off);
    }
  }
  return depth;
}
