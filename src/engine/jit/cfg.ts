import type { Instruction } from '../../isa/instruction.js';
import { imm64 } from '../../isa/instruction.js';
import { CODE_BASE } from '../abi.js';
import { DecodeError } from '../../isa/errors.js';
import * as op from '../../isa/opcodes.js';

/** How a basic block ends. Successors are block ids. */
export type Terminator =
  | { readonly kind: 'exit'; readonly pc: number }
  | { readonly kind: 'goto'; readonly target: number }
  | { readonly kind: 'cond'; readonly pc: number; readonly taken: number; readonly fall: number }
  /** Straight on into the next block (also after calls, which end blocks for exact budget counting). */
  | { readonly kind: 'fall'; readonly next: number }
  /** Execution reaches a slot that holds no instruction: past the end, or the second half of an lddw. */
  | { readonly kind: 'invalid'; readonly pc: number };

export interface BasicBlock {
  readonly id: number;
  /** First slot. */
  readonly start: number;
  /** One past the last slot. */
  readonly end: number;
  /** Instructions in the block (an lddw counts once), as the budget counts them. */
  readonly count: number;
  readonly term: Terminator;
  /** Successor block ids, without repeats (conditional jumps: taken first). */
  readonly succ: readonly number[];
}

/** The program cut into basic blocks, with its sub-program entries. */
export interface ControlFlowGraph {
  readonly blocks: readonly BasicBlock[];
  /** Block id starting at each slot, or -1 (length: slots + 1). */
  readonly blockAt: Int32Array;
  /** 1 where a slot is the second half of an lddw. */
  readonly secondHalf: Uint8Array;
  /** Entry slots of every function (slot 0 first, then sorted): bpf-to-bpf call targets and function addresses. */
  readonly entries: readonly number[];
}

/** The slot a code address names (CODE_BASE + 8 * slot), or -1. */
export function codeSlotOf(value: bigint): number {
  const delta = BigInt.asUintN(64, value) - CODE_BASE;
  return delta >= 0n && delta < 0x1_0000_0000n && (delta & 7n) === 0n ? Number(delta >> 3n) : -1;
}

const isJump = (cls: number): boolean => cls === op.BPF_JMP || cls === op.BPF_JMP32;

/** True when the instruction at a slot ends a block even though it falls through (calls and legacy packet loads). */
function endsSegment(insn: Instruction): boolean {
  const cls = op.opClass(insn.opcode);
  if (cls === op.BPF_LD && insn.opcode !== op.LD_IMM64) return true;
  return cls === op.BPF_JMP && op.opCode(insn.opcode) === op.BPF_CALL;
}

export function buildCfg(insns: readonly Instruction[]): ControlFlowGraph {
  const n = insns.length;
  const secondHalf = new Uint8Array(n + 1);
  const leader = new Uint8Array(n + 1);
  const entrySet = new Set<number>([0]);
  leader[0] = 1;
  leader[n] = 1;
  const target = (from: number, to: number): number => {
    if (to < 0 || to > n) throw new DecodeError(from, `jump out of range to ${to}`);
    return to;
  };
  for (let i = 0; i < n; i++) {
    const insn = insns[i];
    const cls = op.opClass(insn.opcode);
    if (insn.opcode === op.LD_IMM64) {
      if (i + 1 >= n) throw new DecodeError(i, 'truncated lddw: missing its second slot');
      secondHalf[i + 1] = 1;
      if (insn.src === op.BPF_PSEUDO_FUNC) {
        const t = target(i, i + insn.imm + 1);
        entrySet.add(t);
        leader[t] = 1;
      }
      i++;
      continue;
    }
    if (!isJump(cls)) {
      if (endsSegment(insn)) leader[i + 1] = 1;
      continue;
    }
    const code = op.opCode(insn.opcode);
    if (code === op.BPF_CALL) {
      if (insn.src === op.BPF_PSEUDO_CALL && op.opSource(insn.opcode) === op.BPF_K) {
        const t = target(i, i + insn.imm + 1);
        entrySet.add(t);
        leader[t] = 1;
      }
      leader[i + 1] = 1;
      continue;
    }
    leader[i + 1] = 1;
    if (code === op.BPF_EXIT) continue;
    const offset = code === op.BPF_JA && cls === op.BPF_JMP32 ? insn.imm : insn.off;
    leader[target(i, i + offset + 1)] = 1;
  }
  for (const e of entrySet) if (secondHalf[e]) throw new DecodeError(e, 'call into the middle of an lddw');
  // A plain lddw of a code address may feed callx: make its slot a function too.
  for (let i = 0; i < n; i++) {
    if (insns[i].opcode !== op.LD_IMM64) continue;
    const slot = insns[i].src === 0 ? codeSlotOf(imm64(insns, i)) : -1;
    if (slot >= 0 && slot < n && !secondHalf[slot]) {
      entrySet.add(slot);
      leader[slot] = 1;
    }
    i++;
  }

  const blockAt = new Int32Array(n + 1).fill(-1);
  const starts: number[] = [];
  for (let i = 0; i <= n; i++) {
    if (leader[i]) {
      blockAt[i] = starts.length;
      starts.push(i);
    }
  }
  const blocks: BasicBlock[] = starts.map((start, id) => {
    if (start === n || secondHalf[start]) {
      return { id, start, end: start, count: 1, term: { kind: 'invalid', pc: start }, succ: [] };
    }
    let end = start;
    let count = 0;
    let last = start;
    while (end < n && (end === start || !leader[end])) {
      last = end;
      end += insns[end].opcode === op.LD_IMM64 ? 2 : 1;
      count++;
    }
    const term = terminatorOf(insns, last, end, blockAt);
    return { id, start, end, count, term, succ: successorsOf(term) };
  });
  const entries = [...entrySet].sort((a, b) => a - b);
  return { blocks, blockAt, secondHalf, entries };
}

function terminatorOf(insns: readonly Instruction[], last: number, end: number, blockAt: Int32Array): Terminator {
  const insn = insns[last];
  const cls = op.opClass(insn.opcode);
  const code = op.opCode(insn.opcode);
  if (isJump(cls) && code !== op.BPF_CALL) {
    if (code === op.BPF_EXIT) return { kind: 'exit', pc: last };
    if (code === op.BPF_JA) {
      const offset = cls === op.BPF_JMP32 ? insn.imm : insn.off;
      return { kind: 'goto', target: blockAt[last + offset + 1] };
    }
    const taken = blockAt[last + insn.off + 1];
    const fall = blockAt[end];
    // A conditional jump to the next slot goes the same way whatever the condition.
    return taken === fall ? { kind: 'fall', next: fall } : { kind: 'cond', pc: last, taken, fall };
  }
  return { kind: 'fall', next: blockAt[end] };
}

function successorsOf(t: Terminator): number[] {
  switch (t.kind) {
    case 'goto': return [t.target];
    case 'fall': return [t.next];
    case 'cond': return [t.taken, t.fall];
    default: return [];
  }
}
