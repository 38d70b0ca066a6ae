import type { Instruction } from '../isa/instruction.js';
import * as op from '../isa/opcodes.js';
import { FuncIds as F } from './func-ids.js';
import type { RegState } from './reg-state.js';
import { baseType, RegType } from './reg-type.js';
import { toNumS } from './i64.js';

/** Context bytes a program may read: [from, to) ranges, sorted and merged; null when it may read any of them. */
export type CtxReadRanges = ReadonlyArray<readonly [number, number]> | null;

/** Helpers that copy `size` (r2) bytes from an address (r3): a context pointer there reads just those bytes. */
const PROBE_READS: ReadonlySet<number> = new Set([
  F.probe_read, F.probe_read_str, F.probe_read_kernel, F.probe_read_kernel_str,
  F.probe_read_user, F.probe_read_user_str, F.copy_from_user,
]);
/** Larger reads than this are taken as "anything". */
const MAX_TRACKED = 1 << 16;

/**
 * Which context bytes a program may read, gathered while the verifier
 * walks it (tsbpf's own: the kernel keeps only max_ctx_offset). Hooks
 * that build a context per event fill only these bytes. A read is a
 * direct load from the context, or a bpf_probe_read*() of a context
 * pointer at a known offset and bounded size. Any other use of a context
 * pointer through which the program could come to read the context (a
 * helper given the pointer, the pointer stored anywhere but a stack
 * slot, exchanged by an atomic, turned into a number, returned, or read
 * off the stack by a helper) makes it "any byte".
 */
export class CtxReads {
  private readonly ranges: Array<[number, number]> = [];
  private readonly seen = new Set<number>();
  private escaped = false;

  /** The program may read bytes [from, to). */
  add(from: number, to: number): void {
    if (from < 0 || to > MAX_TRACKED || from >= to) {
      this.escaped = true;
      return;
    }
    const key = from * (MAX_TRACKED + 1) + to;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.ranges.push([from, to]);
  }

  /** The program may read any byte. */
  escape(): void {
    this.escaped = true;
  }

  result(): CtxReadRanges {
    if (this.escaped) return null;
    const sorted = [...this.ranges].sort((a, b) => a[0] - b[0]);
    const merged: Array<[number, number]> = [];
    for (const [from, to] of sorted) {
      const last = merged[merged.length - 1];
      if (last && from <= last[1]) last[1] = Math.max(last[1], to);
      else merged.push([from, to]);
    }
    return merged;
  }
}

/** (Before the instruction's checks: a register number may be out of range, which they refuse.) */
const isCtx = (r: RegState | undefined): r is RegState => r !== undefined && baseType(r.type) === RegType.PTR_TO_CTX;

/**
 * The uses of context pointers by `insn` (before it runs, on the current
 * registers) that are not a load through it: allowed moves, offsets and
 * 8-byte spills are left alone; the probe_read family records its range;
 * anything else escapes. Loads are recorded where they are checked
 * (check-mem.ts), helper reads of spilled pointers in check-stack.ts.
 */
export function noteCtxUses(reads: CtxReads, regs: ReadonlyArray<RegState | undefined>, insn: Instruction, helperArgs: number, dstIsStack: boolean): void {
  const cls = op.opClass(insn.opcode);
  if (cls === op.BPF_ALU || cls === op.BPF_ALU64) {
    const code = op.opCode(insn.opcode);
    const srcIsReg = op.opSource(insn.opcode) === op.BPF_X;
    const srcCtx = srcIsReg && isCtx(regs[insn.src]);
    const dstCtx = code !== op.BPF_MOV && isCtx(regs[insn.dst]);
    if (!srcCtx && !dstCtx) return;
    const wide = cls === op.BPF_ALU64;
    // ctx = ctx, ctx +/- scalar, scalar + ctx: still a tracked context pointer.
    if (wide && code === op.BPF_MOV && insn.off === 0) return;
    if (wide && dstCtx && !srcCtx && (code === op.BPF_ADD || code === op.BPF_SUB)) return;
    if (wide && srcCtx && !dstCtx && code === op.BPF_ADD) return;
    reads.escape();
  } else if (cls === op.BPF_STX) {
    if (!isCtx(regs[insn.src])) return;
    const atomic = op.opMode(insn.opcode) === op.BPF_ATOMIC;
    if (atomic || !dstIsStack || op.sizeBytes(op.opSize(insn.opcode)) !== 8) reads.escape();
  } else if (cls === op.BPF_JMP || cls === op.BPF_JMP32) {
    const code = op.opCode(insn.opcode);
    if (code === op.BPF_EXIT) {
      if (isCtx(regs[0])) reads.escape();
    } else if (code === op.BPF_CALL && insn.src === 0) {
      for (let i = 0; i < helperArgs; i++) {
        const r = regs[i + 1];
        if (!isCtx(r)) continue;
        if (i === 2 && PROBE_READS.has(insn.imm)) probeReadRange(reads, r, regs[2]);
        else reads.escape();
      }
    }
  }
}

function probeReadRange(reads: CtxReads, ptr: RegState, size: RegState | undefined): void {
  if (size === undefined || !ptr.isConst() || size.type !== RegType.SCALAR_VALUE || size.umax > BigInt(MAX_TRACKED)) {
    reads.escape();
    return;
  }
  const from = ptr.off + toNumS(ptr.vHi, ptr.vLo);
  reads.add(from, from + Number(size.umax));
}
