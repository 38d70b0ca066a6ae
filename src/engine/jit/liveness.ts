import type { Instruction } from '../../isa/instruction.js';
import * as op from '../../isa/opcodes.js';
import type { BasicBlock, ControlFlowGraph } from './cfg.js';
import type { GraphShape } from './dominators.js';

// Register liveness decides each function's WebAssembly signature. The
// interpreter keeps one register file across bpf-to-bpf calls: a callee sees
// all of its caller's registers, and the caller sees the callee's r0..r5
// afterwards (r6..r9 are restored). Passing all of them would make every
// call heavy, so a function takes as parameters only the registers it may
// read before writing (its live-in set), and returns r0 plus those of r1..r5
// that some caller reads after calling it. Sets are bit masks of r0..r9.

const ALL = 0x3ff;
const R0_R5 = 0x3f;
const R1_R5 = 0x3e;
const bit = (r: number): number => (r >= 10 ? 0 : 1 << r);

/** What the last instruction of a block does beyond its plain register uses. */
const enum Tail { None, Exit, PacketLoad, LocalCall, Callx }

interface BlockSummary {
  /** Registers read before written, for everything but the tail's function-dependent part. */
  use: number;
  /** Registers written before the last instruction. */
  defBefore: number;
  /** Registers written, including the last instruction. */
  def: number;
  tail: Tail;
  /** Entry slot of the callee of a local call. */
  callee: number;
}

export interface FunctionLiveness {
  /** Registers the function may read before writing them: its parameters. */
  readonly liveIn: number;
  /** Registers it returns: r0 and those of r1..r5 a caller reads after the call. */
  readonly ret: number;
  /** Registers live at the end of each node of the function's graph (local indices). */
  readonly blockOut: Int32Array;
}

const ud = (uses: number, defs: number): number => uses | (defs << 16);

/** Registers an instruction reads (low 16 bits) and writes (high bits), without what a block tail adds. */
function usesDefs(insn: Instruction): number {
  const { opcode, dst, src } = insn;
  const cls = op.opClass(opcode);
  const code = op.opCode(opcode);
  const x = op.opSource(opcode) === op.BPF_X;
  switch (cls) {
    case op.BPF_ALU:
    case op.BPF_ALU64:
      if (code === op.BPF_MOV) return ud(x ? bit(src) : 0, bit(dst));
      if (code === op.BPF_NEG || code === op.BPF_END) return ud(bit(dst), bit(dst));
      return ud(bit(dst) | (x ? bit(src) : 0), bit(dst));
    case op.BPF_LDX:
      return ud(bit(src), bit(dst));
    case op.BPF_ST:
      return ud(bit(dst), 0);
    case op.BPF_STX: {
      const used = bit(dst) | bit(src);
      if (op.opMode(opcode) !== op.BPF_ATOMIC) return ud(used, 0);
      if (insn.imm === op.BPF_CMPXCHG) return ud(used | 1, 1);
      return ud(used, insn.imm & op.BPF_FETCH ? bit(src) : 0);
    }
    case op.BPF_LD:
      if (opcode === op.LD_IMM64) return ud(0, bit(dst));
      return ud(bit(6) | (op.opMode(opcode) === op.BPF_IND ? bit(src) : 0), 1);
    case op.BPF_JMP:
    case op.BPF_JMP32:
      if (code === op.BPF_CALL) return opcode === (op.BPF_JMP | op.BPF_CALL) && insn.src === op.BPF_HELPER_CALL ? ud(R1_R5, 1) : 0;
      if (code === op.BPF_EXIT || code === op.BPF_JA) return ud(0, 0);
      return ud(bit(dst) | (x ? bit(src) : 0), 0);
  }
  return ud(0, 0);
}

function summarise(insns: readonly Instruction[], block: BasicBlock): BlockSummary {
  let use = 0;
  let def = 0;
  let defBefore = 0;
  let tail = Tail.None;
  let callee = -1;
  for (let pc = block.start; pc < block.end; pc += insns[pc].opcode === op.LD_IMM64 ? 2 : 1) {
    const insn = insns[pc];
    defBefore = def;
    const ud = usesDefs(insn);
    const u = ud & 0xffff;
    const d = ud >>> 16;
    use |= u & ~def;
    def |= d;
    const cls = op.opClass(insn.opcode);
    if (cls === op.BPF_JMP && op.opCode(insn.opcode) === op.BPF_EXIT) tail = Tail.Exit;
    else if (cls === op.BPF_LD && insn.opcode !== op.LD_IMM64) tail = Tail.PacketLoad;
    else if (insn.opcode === (op.BPF_JMP | op.BPF_CALL | op.BPF_X)) tail = Tail.Callx;
    else if (insn.opcode === (op.BPF_JMP | op.BPF_CALL) && insn.src === op.BPF_PSEUDO_CALL) {
      tail = Tail.LocalCall;
      callee = pc + insn.imm + 1;
    }
  }
  return { use, defBefore, def, tail, callee };
}

/**
 * Live-in and returned registers of every function (by entry slot), solved
 * together since a call's uses are its callee's live-ins and a callee's
 * returns are what its callers read afterwards. Every function may be the
 * target of a callx, so each returns what any callx site reads afterwards.
 */
export function solveLiveness(
  insns: readonly Instruction[],
  cfg: ControlFlowGraph,
  functions: ReadonlyMap<number, GraphShape>,
): Map<number, FunctionLiveness> {
  const summaries: Array<BlockSummary | undefined> = new Array(cfg.blocks.length);
  const summaryOf = (b: number): BlockSummary => (summaries[b] ??= summarise(insns, cfg.blocks[b]));
  const liveIn = new Map<number, number>();
  const ret = new Map<number, number>();
  const outs = new Map<number, Int32Array>();
  for (const entry of functions.keys()) {
    liveIn.set(entry, 0);
    ret.set(entry, 1);
  }

  for (let changed = true; changed;) {
    changed = false;
    let callxRet = 1;
    for (const [entry, shape] of functions) {
      const n = shape.blocks.length;
      const fnRet = ret.get(entry) as number;
      const blockIn = new Int32Array(n);
      const blockOut = new Int32Array(n);
      const sums = shape.blocks.map(summaryOf);
      const useOf = (s: BlockSummary): number => {
        switch (s.tail) {
          case Tail.Exit: return s.use | (fnRet & ~s.defBefore);
          case Tail.PacketLoad: return s.use | (fnRet & ~1 & ~s.defBefore);
          case Tail.LocalCall: return s.use | ((liveIn.get(s.callee) ?? ALL) & ~s.defBefore);
          case Tail.Callx: return s.use | (ALL & ~s.defBefore);
          default: return s.use;
        }
      };
      const defOf = (s: BlockSummary): number => (s.tail === Tail.LocalCall || s.tail === Tail.Callx ? s.def | R0_R5 : s.def);
      for (let again = true; again;) {
        again = false;
        for (let i = n - 1; i >= 0; i--) {
          let out = 0;
          for (const s of shape.succs[i]) out |= blockIn[s];
          const s = sums[i];
          const inSet = useOf(s) | (out & ~defOf(s));
          blockOut[i] = out;
          if (inSet !== blockIn[i]) {
            blockIn[i] = inSet;
            again = true;
          }
        }
      }
      outs.set(entry, blockOut);
      if ((blockIn[0] & ALL) !== liveIn.get(entry)) {
        liveIn.set(entry, blockIn[0] & ALL);
        changed = true;
      }
      for (let i = 0; i < n; i++) {
        const s = sums[i];
        if (s.tail === Tail.LocalCall) {
          const before = ret.get(s.callee) as number;
          const after = before | (blockOut[i] & R1_R5);
          if (after !== before) {
            ret.set(s.callee, after);
            changed = true;
          }
        } else if (s.tail === Tail.Callx) {
          callxRet |= blockOut[i] & R0_R5;
        }
      }
    }
    for (const [entry, before] of ret) {
      if ((before | callxRet) !== before) {
        ret.set(entry, before | callxRet);
        changed = true;
      }
    }
  }
  const result = new Map<number, FunctionLiveness>();
  for (const entry of functions.keys()) {
    result.set(entry, { liveIn: liveIn.get(entry) as number, ret: ret.get(entry) as number, blockOut: outs.get(entry) as Int32Array });
  }
  return result;
}

/**
 * Registers live right after each instruction of a block (indexed by slot
 * minus block.start), from the block's live-out, the function's returned
 * registers and the callees' live-ins.
 */
export function liveAfterSlots(
  insns: readonly Instruction[],
  block: BasicBlock,
  out: number,
  fnRet: number,
  liveInOf: (entry: number) => number,
): Int32Array {
  const after = new Int32Array(Math.max(1, block.end - block.start));
  const pcs: number[] = [];
  for (let pc = block.start; pc < block.end; pc += insns[pc].opcode === op.LD_IMM64 ? 2 : 1) pcs.push(pc);
  let live = out;
  for (let i = pcs.length - 1; i >= 0; i--) {
    const pc = pcs[i];
    const insn = insns[pc];
    after[pc - block.start] = live;
    const ud = usesDefs(insn);
    let use = ud & 0xffff;
    let def = ud >>> 16;
    const cls = op.opClass(insn.opcode);
    if (cls === op.BPF_JMP && op.opCode(insn.opcode) === op.BPF_EXIT) use |= fnRet;
    else if (cls === op.BPF_LD && insn.opcode !== op.LD_IMM64) use |= fnRet & ~1;
    else if (insn.opcode === (op.BPF_JMP | op.BPF_CALL | op.BPF_X)) {
      use |= ALL;
      def |= R0_R5;
    } else if (insn.opcode === (op.BPF_JMP | op.BPF_CALL) && insn.src === op.BPF_PSEUDO_CALL) {
      use |= liveInOf(pc + insn.imm + 1);
      def |= R0_R5;
    }
    live = use | (live & ~def);
  }
  return after;
}

/** Registers of a mask, lowest first. */
export function registersOf(mask: number): number[] {
  const regs: number[] = [];
  for (let r = 0; r < 10; r++) if (mask & (1 << r)) regs.push(r);
  return regs;
}
