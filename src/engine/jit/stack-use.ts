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

/** Part of the stack to zero at a run's start: `bytes` bytes from `below` bytes under frame 0's r10. */
export interface StackZeroRange {
  readonly below: number;
  readonly bytes: number;
}

/**
 * Frames a run can have at once: 1 + the longest chain of bpf-to-bpf calls
 * from slot 0 (at most MAX_CALL_FRAMES; recursion and callx count as the
 * most, since any function may then be at any depth).
 */
export function callChainFrames(insns: readonly Instruction[], cfg: ControlFlowGraph): number {
  const callees = new Map<number, number[]>();
  const entryOf = new Int32Array(insns.length + 1).fill(-1);
  for (const entry of cfg.entries) {
    // Blocks reachable from the entry without following calls belong to its function.
    const list: number[] = [];
    const seen = new Set<number>();
    const stack = [cfg.blockAt[entry]];
    while (stack.length > 0) {
      const b = stack.pop() as number;
      if (b < 0 || seen.has(b)) continue;
      seen.add(b);
      const block = cfg.blocks[b];
      for (let pc = block.start; pc < block.end; pc++) {
        if (cfg.secondHalf[pc]) continue;
        entryOf[pc] = entry;
        const insn = insns[pc];
        if (insn === undefined) continue;
        if (insn.opcode === (op.BPF_JMP | op.BPF_CALL | op.BPF_X)) return op.MAX_CALL_FRAMES;
        if (insn.opcode === (op.BPF_JMP | op.BPF_CALL) && insn.src === op.BPF_PSEUDO_CALL) list.push(pc + insn.imm + 1);
      }
      stack.push(...block.succ);
    }
    callees.set(entry, list);
  }
  const depth = new Map<number, number>();
  const onPath = new Set<number>();
  const frames = (entry: number): number => {
    const known = depth.get(entry);
    if (known !== undefined) return known;
    if (onPath.has(entry)) return op.MAX_CALL_FRAMES;
    onPath.add(entry);
    let most = 1;
    for (const callee of callees.get(entry) ?? []) most = Math.max(most, 1 + frames(callee));
    onPath.delete(entry);
    const result = Math.min(most, op.MAX_CALL_FRAMES);
    depth.set(entry, result);
    return result;
  };
  return frames(0);
}

/**
 * What a run must zero so that the program cannot tell its stack from the
 * interpreter's fresh one. Checked mode: the whole stack region. A verified
 * program whose verifier reported `verifiedDepth` (the most bytes below its
 * r10 any function touches: the kernel's stack_depth, which the verifier
 * grows at every stack access it proves, through r10 or a pointer into the
 * stack) can reach nothing else: that many bytes of each frame it can have.
 * Otherwise stackBytesToZero's bound.
 */
export function stackZeroRanges(insns: readonly Instruction[], cfg: ControlFlowGraph, checked: boolean, verifiedDepth?: number): StackZeroRange[] {
  if (checked || verifiedDepth === undefined) {
    const bytes = stackBytesToZero(insns, cfg, checked);
    return bytes > 0 ? [{ below: bytes, bytes }] : [];
  }
  const depth = Math.min(op.MAX_BPF_STACK, Math.ceil(Math.max(0, verifiedDepth) / 8) * 8);
  if (depth === 0) return [];
  const ranges: StackZeroRange[] = [];
  for (let frame = 0; frame < callChainFrames(insns, cfg); frame++) {
    const below = frame * op.MAX_BPF_STACK + depth;
    const last = ranges[ranges.length - 1];
    // Whole frames touch: one fill for both.
    if (last !== undefined && last.below === below - depth) ranges[ranges.length - 1] = { below, bytes: last.bytes + depth };
    else ranges.push({ below, bytes: depth });
  }
  return ranges;
}
