// Live stack slots (Linux 6.18's kernel/bpf/liveness.c): which 8-byte slots
// of each frame an instruction or any instruction after it may still read.
// Pruning forgets the dead slots of a finished checkpoint (clean_live_states)
// so that a slot no path reads again cannot make two states differ.
//
// Marks are collected per call chain (the call sites leading to a function,
// and the function) while paths are walked: the slots each instruction was
// seen to read (a union over visits) and to overwrite whole (an
// intersection). A backward data-flow pass over the function then gives the
// slots live before each instruction; what a callee reads of, or always
// writes into, its callers' frames is handed to the call instruction of the
// caller's chain. The pass runs when a function is left and when a path
// ends, so a checkpoint with no path left below it has all of its reads in.
import type { Instruction } from '../isa/instruction.js';
import * as op from '../isa/opcodes.js';
import { MAX_CALL_FRAMES } from '../isa/opcodes.js';
import { callsCallback } from './scc.js';
import { subprogOf, type SubprogInfo } from './subprogs.js';
import type { VerifierState } from './verifier-state.js';

// Per instruction and frame, eight 32-bit words: the 64-bit masks of slots
// (bit spi) may_read, must_write, must_write_acc and live_before, low half first.
const MAY_READ = 0;
const MUST_WRITE = 2;
const WRITE_ACC = 4;
const LIVE = 6;
const WORDS = 8;

/** A function on one call chain (struct func_instance). */
class FuncInstance {
  /** Masks of frames 0..depth, allocated on first use. */
  readonly frames: (Int32Array | undefined)[];
  /** must_write holds a value for the instruction (it was committed once). */
  readonly mustWriteSet: Uint8Array;
  /** Some frame's must_write of the instruction is not empty. */
  readonly mustWriteAny: Uint8Array;
  updated = false;
  mustWriteDropped = false;

  constructor(
    /** Call sites of frames 0..depth-1, then the function's first instruction. */
    readonly callsites: readonly number[],
    readonly depth: number,
    readonly start: number,
    readonly end: number,
  ) {
    this.frames = new Array(depth + 1);
    this.mustWriteSet = new Uint8Array(end - start);
    this.mustWriteAny = new Uint8Array(end - start);
  }

  masks(frame: number): Int32Array {
    let m = this.frames[frame];
    if (!m) {
      m = new Int32Array((this.end - this.start) * WORDS);
      this.frames[frame] = m;
    }
    return m;
  }
}

export class StackLiveness {
  private readonly instances = new Map<string, FuncInstance>();
  private readonly outermost: (FuncInstance | undefined)[] = [];
  /** The instance of the current state's innermost frame (null: look it up again). */
  private cur: FuncInstance | null = null;
  /** Whole slots the instruction at writeInsn wrote, per frame, until committed. */
  private readonly writeLo = new Int32Array(MAX_CALL_FRAMES);
  private readonly writeHi = new Int32Array(MAX_CALL_FRAMES);
  private writeInsn = -1;
  private writeAny = false;
  /** The instances of the state a liveness question is about (live_stack_query). */
  private readonly query: FuncInstance[] = [];
  private queryDepth = 0;
  private queryInsn = 0;
  private readonly succ = [0, 0];

  constructor(private readonly insns: readonly Instruction[], private readonly subprogs: readonly SubprogInfo[]) {}

  /** lookup_instance: the instance of frame `frameno` of `st`. */
  private instanceOf(st: VerifierState, frameno: number): FuncInstance {
    if (frameno === 0) {
      // The outermost frame's chain is its function alone (looked up at every path's end).
      const sp = st.frames[0].subprogno;
      return (this.outermost[sp] ??= this.lookup([this.subprogs[sp].start]));
    }
    const callsites: number[] = [];
    for (let i = 0; i < frameno; i++) callsites.push(st.frames[i + 1].callsite);
    callsites.push(this.subprogs[st.frames[frameno].subprogno].start);
    return this.lookup(callsites);
  }

  private lookup(callsites: number[]): FuncInstance {
    const key = callsites.join(',');
    let inst = this.instances.get(key);
    if (!inst) {
      const start = callsites[callsites.length - 1];
      inst = new FuncInstance(callsites, callsites.length - 1, start, this.subprogs[subprogOf(this.subprogs, start)].end);
      this.instances.set(key, inst);
    }
    return inst;
  }

  /** bpf_reset_live_stack_callchain: the current state changed frames. */
  resetCallchain(): void {
    this.cur = null;
  }

  private ensureCur(st: VerifierState): FuncInstance {
    if (!this.cur) this.cur = this.instanceOf(st, st.curframe);
    return this.cur;
  }

  /** bpf_mark_stack_read: instruction insnIdx of the current state reads slot spi of frame `frame`. */
  markRead(st: VerifierState, frame: number, insnIdx: number, spi: number): void {
    const inst = this.ensureCur(st);
    this.read(inst, frame, insnIdx, spi < 32 ? 1 << spi : 0, spi < 32 ? 0 : 1 << (spi - 32));
  }

  private read(inst: FuncInstance, frame: number, insnIdx: number, lo: number, hi: number): void {
    const m = inst.masks(frame);
    const b = (insnIdx - inst.start) * WORDS;
    const newLo = m[b + MAY_READ] | lo;
    const newHi = m[b + MAY_READ + 1] | hi;
    if ((newLo !== m[b + MAY_READ] || newHi !== m[b + MAY_READ + 1]) &&
      ((newLo | m[b + LIVE]) !== m[b + LIVE] || (newHi | m[b + LIVE + 1]) !== m[b + LIVE + 1])) {
      inst.updated = true;
    }
    m[b + MAY_READ] = newLo;
    m[b + MAY_READ + 1] = newHi;
  }

  /** bpf_reset_stack_write_marks: the instruction at insnIdx starts. */
  resetWrites(st: VerifierState, insnIdx: number): void {
    this.ensureCur(st);
    this.startWrites(insnIdx);
  }

  private startWrites(insnIdx: number): void {
    this.writeInsn = insnIdx;
    if (!this.writeAny) return;
    this.writeAny = false;
    this.writeLo.fill(0);
    this.writeHi.fill(0);
  }

  /** bpf_mark_stack_write: the instruction overwrites slot spi of frame `frame` whole. */
  markWrite(frame: number, spi: number): void {
    this.writeAny = true;
    if (spi < 32) this.writeLo[frame] |= 1 << spi;
    else this.writeHi[frame] |= 1 << (spi - 32);
  }

  /** bpf_commit_stack_write_marks: what the instruction wrote, on this visit. */
  commitWrites(): void {
    if (this.writeInsn < 0) return;
    if (this.cur) this.commit(this.cur);
    this.writeInsn = -1;
  }

  private commit(inst: FuncInstance): void {
    const idx = this.writeInsn - inst.start;
    const seen = inst.mustWriteSet[idx] === 1;
    this.writeInsn = -1;
    inst.mustWriteSet[idx] = 1;
    // Nothing written, and nothing to take away: the common case.
    if (!this.writeAny && !inst.mustWriteAny[idx]) return;
    let any = 0;
    for (let frame = 0; frame <= inst.depth; frame++) {
      let lo = this.writeLo[frame];
      let hi = this.writeHi[frame];
      if (lo === 0 && hi === 0 && !seen) continue;
      const m = inst.masks(frame);
      const b = idx * WORDS;
      const oldLo = m[b + MUST_WRITE];
      const oldHi = m[b + MUST_WRITE + 1];
      // The first visit sets the slots written; later visits keep those all wrote.
      if (seen) {
        lo &= oldLo;
        hi &= oldHi;
      }
      if (oldLo !== lo || oldHi !== hi) {
        m[b + MUST_WRITE] = lo;
        m[b + MUST_WRITE + 1] = hi;
        inst.updated = true;
      }
      if ((oldLo & ~lo) | (oldHi & ~hi)) inst.mustWriteDropped = true;
      any |= lo | hi;
    }
    inst.mustWriteAny[idx] = any !== 0 ? 1 : 0;
  }

  /** bpf_insn_successors, within the function; returns how many (in this.succ). */
  private successors(idx: number, end: number): number {
    const insn = this.insns[idx];
    const cls = op.opClass(insn.opcode);
    let n = 0;
    let fall = true;
    let jump = false;
    if (cls === op.BPF_JMP || cls === op.BPF_JMP32) {
      const code = op.opCode(insn.opcode);
      if (code === op.BPF_EXIT) fall = false;
      else if (code === op.BPF_JA) { fall = false; jump = true; }
      else if (code !== op.BPF_CALL) jump = true;
    }
    if (fall) {
      const next = idx + (insn.opcode === op.LD_IMM64 ? 2 : 1);
      if (next < end) this.succ[n++] = next;
    }
    if (jump) this.succ[n++] = idx + (insn.opcode === (op.BPF_JMP32 | op.BPF_JA) ? insn.imm : insn.off) + 1;
    return n;
  }

  /** update_insn: live_before and must_write_acc of one instruction from its successors'. */
  private updateInsn(inst: FuncInstance, m: Int32Array, idx: number): boolean {
    const n = this.successors(idx, inst.end);
    if (n === 0) return false;
    const b = (idx - inst.start) * WORDS;
    let afterLo = 0;
    let afterHi = 0;
    let accLo = -1;
    let accHi = -1;
    for (let s = 0; s < n; s++) {
      const sb = (this.succ[s] - inst.start) * WORDS;
      afterLo |= m[sb + LIVE];
      afterHi |= m[sb + LIVE + 1];
      accLo &= m[sb + WRITE_ACC];
      accHi &= m[sb + WRITE_ACC + 1];
    }
    accLo |= m[b + MUST_WRITE];
    accHi |= m[b + MUST_WRITE + 1];
    const liveLo = (afterLo & ~m[b + MUST_WRITE]) | m[b + MAY_READ];
    const liveHi = (afterHi & ~m[b + MUST_WRITE + 1]) | m[b + MAY_READ + 1];
    const changed = liveLo !== m[b + LIVE] || liveHi !== m[b + LIVE + 1] ||
      accLo !== m[b + WRITE_ACC] || accHi !== m[b + WRITE_ACC + 1];
    m[b + LIVE] = liveLo;
    m[b + LIVE + 1] = liveHi;
    m[b + WRITE_ACC] = accLo;
    m[b + WRITE_ACC + 1] = accHi;
    return changed;
  }

  /** update_instance: the data-flow pass to a fixed point, then the marks for the callers' frames. */
  private updateInstance(inst: FuncInstance): void {
    if (inst.mustWriteDropped) {
      for (const m of inst.frames) {
        if (!m) continue;
        for (let b = 0; b < m.length; b += WORDS) {
          m[b + WRITE_ACC] = 0;
          m[b + WRITE_ACC + 1] = 0;
        }
      }
    }
    let changed: boolean;
    do {
      changed = false;
      for (const m of inst.frames) {
        if (!m) continue;
        for (let idx = inst.end - 1; idx >= inst.start; idx--) if (this.updateInsn(inst, m, idx)) changed = true;
      }
    } while (changed);
    if (inst.depth > 0) this.propagateToOuter(inst);
  }

  /** propagate_to_outer_instance: the callee's entry marks on the caller frames go to the call. */
  private propagateToOuter(inst: FuncInstance): void {
    const callsites = inst.callsites.slice(0, inst.depth);
    const callsite = callsites[inst.depth - 1];
    callsites[inst.depth - 1] = this.subprogs[subprogOf(this.subprogs, callsite)].start;
    const outer = this.lookup(callsites);
    this.startWrites(callsite);
    for (let frame = 0; frame < inst.depth; frame++) {
      const m = inst.frames[frame];
      if (!m) continue;
      this.writeLo[frame] |= m[WRITE_ACC];
      this.writeHi[frame] |= m[WRITE_ACC + 1];
      this.writeAny = true;
      this.read(outer, frame, callsite, m[LIVE], m[LIVE + 1]);
    }
    this.commit(outer);
  }

  /**
   * bpf_update_live_stack: before a liveness question about any state on
   * the current state's call chain, innermost function first.
   */
  update(st: VerifierState): void {
    this.cur = null;
    for (let frame = st.curframe; frame >= 0; frame--) {
      const inst = this.instanceOf(st, frame);
      if (!inst.updated) continue;
      this.updateInstance(inst);
      inst.updated = false;
      inst.mustWriteDropped = false;
    }
  }

  /** bpf_live_stack_query_init: the following slotAlive() questions are about `st`. */
  queryInit(st: VerifierState): void {
    for (let frame = 0; frame <= st.curframe; frame++) this.query[frame] = this.instanceOf(st, frame);
    this.queryDepth = st.curframe;
    this.queryInsn = st.insnIdx;
  }

  /**
   * bpf_stack_slot_alive: slot spi of frame `frameno` may be read from the
   * queried state's instruction on, or after a call that frame is in returns
   * (or, for a helper calling a callback, when it calls it again).
   */
  slotAlive(frameno: number, spi: number): boolean {
    const inner = this.query[this.queryDepth];
    if (liveBefore(inner, this.queryInsn, frameno, spi)) return true;
    for (let i = frameno; i < this.queryDepth; i++) {
      const callsite = inner.callsites[i];
      const at = callsCallback(this.insns[callsite]) ? callsite : callsite + 1;
      if (liveBefore(this.query[i], at, frameno, spi)) return true;
    }
    return false;
  }
}

function liveBefore(inst: FuncInstance, insnIdx: number, frame: number, spi: number): boolean {
  const m = inst.frames[frame];
  if (!m) return false;
  const b = (insnIdx - inst.start) * WORDS + LIVE;
  return spi < 32 ? (m[b] & (1 << spi)) !== 0 : (m[b + 1] & (1 << (spi - 32))) !== 0;
}
