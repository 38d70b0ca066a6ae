import type { Instruction } from '../../isa/instruction.js';
import * as op from '../../isa/opcodes.js';
import { ByteWriter } from './byte-writer.js';
import type { BasicBlock } from './cfg.js';
import type { CompileContext, FunctionSignature } from './compile-context.js';
import { FaultKind } from './compile-context.js';
import type { GraphShape } from './dominators.js';
import { liveAfterSlots, type FunctionLiveness } from './liveness.js';
import { emitCharge, segments } from './budget.js';
import { lowerCondition } from './lower-jump.js';
import { lowerInstruction } from './lower.js';
import type { StructureSink } from './structure.js';
import type { FunctionBody } from './wasm-module.js';
import { I32, I64, Op, VOID } from './wasm-opcodes.js';

/** Most locals parked around checked mode's region-miss call: fp, tmpA, frameBase, label, r0..r9. */
export const SAVED_LOCALS = 14;

/** Loads and stores through a register: where checked mode may call its region-miss handler. */
function accessesMemory(insn: Instruction): boolean {
  const cls = op.opClass(insn.opcode);
  return cls === op.BPF_LDX || cls === op.BPF_ST || cls === op.BPF_STX;
}

/** Registers an instruction reads (its own operands stay live across a call inside it). */
function usedBy(insn: Instruction): number {
  const bit = (r: number): number => (r < 10 ? 1 << r : 0);
  const cls = op.opClass(insn.opcode);
  if (cls === op.BPF_STX) return bit(insn.dst) | bit(insn.src) | (insn.imm === op.BPF_CMPXCHG ? 1 : 0);
  if (cls === op.BPF_ST || cls === op.BPF_LDX) return bit(insn.dst) | bit(insn.src);
  return 0x3ff;
}

/**
 * Builds one WebAssembly function from one BPF function: its locals (r10 is
 * the `fp` parameter, r0..r9 are parameters or locals, plus scratch), the code
 * of each basic block as the structuring pass places it, and the map from
 * code offsets back to instruction indices for WebAssembly traps.
 */
export class FunctionEmitter implements StructureSink {
  readonly w = new ByteWriter(2048);
  private readonly localTypes: number[] = [];
  private readonly regLocal = new Int32Array(11);
  /** Scratch locals. */
  readonly tmpA: number;
  readonly tmpB: number;
  readonly tmpBudget: number;
  readonly tmp32: number;
  /** wrap(r10) - 512: base of this frame's stack, for r10-relative accesses. */
  readonly frameBase: number;
  /** The dispatch fallback's next-block label. */
  readonly label: number;
  /**
   * Checked mode keeps the budget left and the cached regions' bounds in
   * locals (a global costs a memory access per use): loaded on entry and
   * after every call, the budget stored back before every call and return.
   * (Unchecked mode counts in the global itself, so that a WebAssembly trap
   * leaves an exact count.)
   */
  readonly leftLocal: number;
  readonly cacheLocals: readonly number[];
  /** Code offsets and pcs of the instructions that can trap (memory accesses), in code order. */
  readonly trapOffsets: number[] = [];
  readonly trapPcs: number[] = [];

  /** Set when the function goes through the dispatch loop (its label must survive calls). */
  dispatch = false;
  /** Scratch locals handed to inliners, by type and slot. */
  private readonly scratchLocals = new Map<string, number>();
  private blockStart = 0;
  private liveAfter: Int32Array | null = null;

  constructor(
    readonly ctx: CompileContext,
    readonly sig: FunctionSignature,
    private readonly shape: GraphShape,
    private readonly live: FunctionLiveness,
    private readonly liveInOf: (entry: number) => number,
  ) {
    let next = 1 + sig.params.length;
    sig.params.forEach((r, i) => (this.regLocal[r] = 1 + i));
    this.regLocal[10] = 0;
    for (let r = 0; r < 10; r++) {
      if (!sig.params.includes(r)) {
        this.regLocal[r] = next++;
        this.localTypes.push(I64);
      }
    }
    const local = (type: number): number => {
      this.localTypes.push(type);
      return next++;
    };
    this.tmpA = local(I64);
    this.tmpB = local(I64);
    this.tmpBudget = local(I64);
    this.tmp32 = local(I32);
    this.frameBase = local(I32);
    this.label = local(I32);
    this.leftLocal = ctx.budgeted && ctx.checked ? local(I64) : -1;
    this.cacheLocals = ctx.globals.cache.map(() => local(I64));
    // frameBase = wrap(fp) - 512
    this.localGet(0);
    this.w.u8(Op.i32_wrap_i64);
    this.i32(op.MAX_BPF_STACK);
    this.w.u8(Op.i32_sub);
    this.localSet(this.frameBase);
    this.reloadAfterCall();
  }

  /** Stores the budget local back into its global (before anything that may read it or throw). */
  spillBudget(): void {
    if (this.leftLocal < 0) return;
    this.localGet(this.leftLocal);
    this.globalSet(this.ctx.globals.left);
  }

  /**
   * Reloads what a call may have changed: the budget left and the cached
   * regions (after a region miss, only those of its direction changed).
   */
  reloadAfterCall(direction: 'all' | 'read' | 'write' = 'all'): void {
    if (this.leftLocal >= 0) {
      this.globalGet(this.ctx.globals.left);
      this.localSet(this.leftLocal);
    }
    const cache = this.ctx.globals.cache;
    const from = direction === 'write' ? cache.length / 2 : 0;
    const to = direction === 'read' ? cache.length / 2 : cache.length;
    for (let i = from; i < to; i++) {
      this.globalGet(cache[i]);
      this.localSet(this.cacheLocals[i]);
    }
  }

  /**
   * Parks every local that may be live (all registers, fp, the frame base,
   * the dispatch label, the address in tmpA) in globals before a call on a
   * cold path, and `restoreLocals` takes them back. Values then do not live
   * across the call, so V8 need not spill them on the hot path.
   */
  parkLocals(pc: number): Array<[number, number]> {
    const parked = this.parked(pc);
    for (let i = 0; i < parked.length; i++) {
      const [index, type] = parked[i];
      this.localGet(index);
      if (type === I32) this.w.u8(Op.i64_extend_i32_u);
      this.globalSet(this.ctx.globals.save[i]);
    }
    return parked;
  }

  restoreLocals(parked: ReadonlyArray<[number, number]>): void {
    for (let i = 0; i < parked.length; i++) {
      const [index, type] = parked[i];
      this.globalGet(this.ctx.globals.save[i]);
      if (type === I32) this.w.u8(Op.i32_wrap_i64);
      this.localSet(index);
    }
  }

  /** Locals that may be live across a call at `pc`: registers live after it or read by it, fp, the frame base, tmpA, the label. */
  private parked(pc: number): Array<[number, number]> {
    const list: Array<[number, number]> = [[0, I64], [this.tmpA, I64], [this.frameBase, I32]];
    if (this.dispatch) list.push([this.label, I32]);
    const at = pc - this.blockStart;
    const live = this.liveAfter && at >= 0 && at < this.liveAfter.length ? this.liveAfter[at] | usedBy(this.ctx.insns[pc]) : 0x3ff;
    for (let r = 0; r < 10; r++) if (live & (1 << r)) list.push([this.regLocal[r], I64]);
    return list;
  }

  /**
   * A scratch local for code an inliner emits: slot n of `type`, created on
   * first use and shared by every call site of the function (a site must not
   * expect it to keep a value past its own code).
   */
  scratch(type: number, slot: number): number {
    const key = `${type}:${slot}`;
    let index = this.scratchLocals.get(key);
    if (index === undefined) {
      index = 1 + this.sig.params.length + this.localTypes.length;
      this.localTypes.push(type);
      this.scratchLocals.set(key, index);
    }
    return index;
  }

  // ---- small emitters ----

  localGet(index: number): void {
    this.w.u8(Op.local_get);
    this.w.uleb(index);
  }

  localSet(index: number): void {
    this.w.u8(Op.local_set);
    this.w.uleb(index);
  }

  localTee(index: number): void {
    this.w.u8(Op.local_tee);
    this.w.uleb(index);
  }

  /** Pushes register r (r10: the frame pointer). */
  get(r: number): void {
    this.localGet(this.regLocal[r]);
  }

  /** Pops into register r. */
  set(r: number): void {
    this.localSet(this.regLocal[r]);
  }

  /** Pushes the low 32 bits of register r. */
  get32(r: number): void {
    this.get(r);
    this.w.u8(Op.i32_wrap_i64);
  }

  /** i64.const of a safe integer (a sign-extended imm32, or an unsigned 32-bit value). */
  i64(n: number): void {
    this.w.u8(Op.i64_const);
    this.w.slebSafe(n);
  }

  i64big(v: bigint): void {
    this.w.u8(Op.i64_const);
    this.w.sleb64(v);
  }

  i32(n: number): void {
    this.w.u8(Op.i32_const);
    this.w.sleb32(n);
  }

  globalGet(index: number): void {
    this.w.u8(Op.global_get);
    this.w.uleb(index);
  }

  globalSet(index: number): void {
    this.w.u8(Op.global_set);
    this.w.uleb(index);
  }

  call(funcIndex: number): void {
    this.w.u8(Op.call);
    this.w.uleb(funcIndex);
  }

  /** A memory instruction with its alignment hint (log2 of the size) and offset. */
  mem(opcode: number, log2Align: number, offset: number): void {
    this.w.u8(opcode);
    this.w.u8(log2Align);
    this.w.uleb(offset);
  }

  /** Records that the next instruction emitted may trap, for mapping the trap to `pc`. */
  markTrap(pc: number): void {
    this.trapOffsets.push(this.w.length);
    this.trapPcs.push(pc);
  }

  /** Ends the function now: pushes the returned registers and returns. */
  emitReturn(): void {
    this.spillBudget();
    for (const r of this.sig.results) this.get(r);
    this.w.u8(Op.return);
  }

  /** Leaves the function if a helper asked the program to stop (the caller checks again). */
  emitStopCheck(): void {
    this.globalGet(this.ctx.globals.stop);
    this.w.u8x2(Op.if, VOID);
    this.emitReturn();
    this.w.u8(Op.end);
  }

  /** Calls the `fault` import, which throws. */
  emitFault(pc: number, kind: FaultKind): void {
    this.spillBudget();
    this.i32(pc);
    this.i32(kind);
    this.call(this.ctx.imports.fault);
    this.w.u8(Op.unreachable);
  }

  // ---- the structuring pass's sink ----

  private blockOf(node: number): BasicBlock {
    return this.ctx.cfg.blocks[this.shape.blocks[node]];
  }

  body(node: number): void {
    const block = this.blockOf(node);
    const pcs = this.slots(block);
    this.blockStart = block.start;
    this.liveAfter = this.ctx.checked && block.term.kind !== 'invalid' && pcs.some((pc) => accessesMemory(this.ctx.insns[pc]))
      ? liveAfterSlots(this.ctx.insns, block, this.live.blockOut[node], this.live.ret, this.liveInOf)
      : null;
    const charges = this.ctx.budgeted ? segments(this.ctx.insns, pcs) : null;
    const last = pcs.length - 1;
    for (let i = 0; i < pcs.length; i++) {
      if (charges && charges[i] > 0) emitCharge(this, pcs[i], charges[i]);
      if (i === last && this.isJumpOrExit(pcs[i])) break;
      lowerInstruction(this, pcs[i]);
    }
  }

  condition(node: number, negate: boolean): void {
    const block = this.blockOf(node);
    if (block.term.kind !== 'cond') throw new Error(`jit: block at ${block.start} has no conditional jump`);
    lowerCondition(this, this.ctx.insns[block.term.pc], negate);
  }

  leave(node: number): void {
    const term = this.blockOf(node).term;
    if (term.kind === 'exit') this.emitReturn();
    else if (term.kind === 'invalid') this.emitFault(term.pc, FaultKind.InvalidSlot);
    else throw new Error(`jit: block at ${this.blockOf(node).start} does not leave the function`);
  }

  /** The instruction slots of a block (an lddw once); a block of a slot with no instruction holds that slot. */
  private slots(block: BasicBlock): number[] {
    if (block.term.kind === 'invalid') return [block.start];
    const pcs: number[] = [];
    for (let pc = block.start; pc < block.end; pc += this.ctx.insns[pc].opcode === op.LD_IMM64 ? 2 : 1) pcs.push(pc);
    return pcs;
  }

  private isJumpOrExit(pc: number): boolean {
    if (pc >= this.ctx.insns.length || this.ctx.cfg.secondHalf[pc]) return true;
    const insn = this.ctx.insns[pc];
    const cls = op.opClass(insn.opcode);
    return (cls === op.BPF_JMP || cls === op.BPF_JMP32) && op.opCode(insn.opcode) !== op.BPF_CALL;
  }

  /** The finished body: locals and code. */
  finish(): FunctionBody {
    // Every path has returned or branched; the value stack is polymorphic here.
    this.w.u8(Op.unreachable);
    this.w.u8(Op.end);
    return { locals: this.localTypes, code: this.w.view().slice() };
  }
}

