// Precision tracking (the kernel's mark_chain_precision and backtrack_insn).
// A scalar in a checkpoint is compared exactly by pruning only once it is
// marked precise: when its value decided something (a branch, a memory
// offset, a helper size, a return value). Marks are found by walking the
// path backwards through its jump history to where the value came from,
// marking each checkpoint on the way.
import type { Instruction } from '../isa/instruction.js';
import * as op from '../isa/opcodes.js';
import { MAX_CALL_FRAMES } from '../isa/opcodes.js';
import type { VerifierEnv } from './env.js';
import { BPF_REG_SIZE } from './func-state.js';
import type { HistEntry, History } from './history.js';
import { kernelInsnText } from './kernel-disasm.js';
import { verifierStateStr } from './print-state.js';
import { RegType } from './reg-type.js';
import { subprogOf, isPseudoCall } from './subprogs.js';
import type { VerifierState } from './verifier-state.js';
import { CALLBACK_HELPERS } from './cfg.js';

const REGMASK_ARGS = 0x3e; // r1..r5

/**
 * What still needs precision, per frame (struct backtrack_state): a mask of
 * registers and a 64-bit mask of stack slots, kept as two 32-bit halves.
 */
export class Backtrack {
  frame = 0;
  readonly regs = new Int32Array(MAX_CALL_FRAMES);
  /** Slots 0..31 and 32..63 of each frame. */
  readonly stackLo = new Int32Array(MAX_CALL_FRAMES);
  readonly stackHi = new Int32Array(MAX_CALL_FRAMES);

  reset(frame: number): void {
    this.frame = frame;
    for (let i = 0; i < MAX_CALL_FRAMES; i++) {
      this.regs[i] = 0;
      this.stackLo[i] = 0;
      this.stackHi[i] = 0;
    }
  }

  empty(): boolean {
    for (let i = 0; i <= this.frame; i++) if (this.regs[i] || this.stackLo[i] || this.stackHi[i]) return false;
    return true;
  }

  setReg(r: number, fr = this.frame): void { this.regs[fr] |= 1 << r; }
  clearReg(r: number, fr = this.frame): void { this.regs[fr] &= ~(1 << r); }
  isRegSet(r: number, fr = this.frame): boolean { return (this.regs[fr] & (1 << r)) !== 0; }
  setSlot(fr: number, spi: number): void {
    if (spi < 32) this.stackLo[fr] |= 1 << spi;
    else this.stackHi[fr] |= 1 << (spi - 32);
  }
  clearSlot(fr: number, spi: number): void {
    if (spi < 32) this.stackLo[fr] &= ~(1 << spi);
    else this.stackHi[fr] &= ~(1 << (spi - 32));
  }
  isSlotSet(fr: number, spi: number): boolean {
    return spi < 32 ? (this.stackLo[fr] & (1 << spi)) !== 0 : (this.stackHi[fr] & (1 << (spi - 32))) !== 0;
  }
  /** Some stack slot of frame fr needs precision. */
  hasSlots(fr: number): boolean { return (this.stackLo[fr] | this.stackHi[fr]) !== 0; }
  clearSlots(fr: number): void {
    this.stackLo[fr] = 0;
    this.stackHi[fr] = 0;
  }
}

/** Backtracking found a pattern it cannot follow: mark every scalar precise instead. */
class NotSupported extends Error {}

const BPF_LOAD_ACQ = 0x100;
const BPF_STORE_REL = 0x110;
const isAtomic = (insn: Instruction): boolean =>
  op.opClass(insn.opcode) === op.BPF_STX && op.opMode(insn.opcode) === op.BPF_ATOMIC;
const isAtomicLoad = (insn: Instruction): boolean => isAtomic(insn) && insn.imm === BPF_LOAD_ACQ;
/** An atomic read-modify-write that returns the old value (BPF_FETCH; cmpxchg and xchg too). */
const isAtomicFetch = (insn: Instruction): boolean => isAtomic(insn) && (insn.imm & op.BPF_FETCH) !== 0 && insn.imm !== BPF_LOAD_ACQ;

function fmtRegMask(mask: number): string {
  const out: string[] = [];
  for (let i = 0; i < 32; i++) if (mask & (1 << i)) out.push(`r${i}`);
  return out.join(',');
}

function fmtStackMask(bt: Backtrack, fr: number): string {
  const out: string[] = [];
  for (let i = 0; i < 64; i++) if (bt.isSlotSet(fr, i)) out.push(String(-(i + 1) * 8));
  return out.join(',');
}

const callsCallback = (insn: Instruction): boolean =>
  insn.opcode === (op.BPF_JMP | op.BPF_CALL) && insn.src === op.BPF_HELPER_CALL && CALLBACK_HELPERS.has(insn.imm);

/** bt_sync_linked_regs: a linked scalar needing precision makes all of its links need it. */
function syncLinked(bt: Backtrack, hist: HistEntry | undefined): void {
  if (!hist?.linked) return;
  let some = false;
  for (const e of hist.linked) {
    if (e.spi >= 0 ? bt.isSlotSet(e.frameno, e.spi) : bt.isRegSet(e.regno, e.frameno)) some = true;
  }
  if (!some) return;
  for (const e of hist.linked) {
    if (e.spi >= 0) bt.setSlot(e.frameno, e.spi);
    else bt.setReg(e.regno, e.frameno);
  }
}

/** backtrack_insn: what must be precise before instruction idx, given what must be after it. */
function backtrackInsn(env: VerifierEnv, idx: number, subseqIdx: number, hist: HistEntry | undefined, bt: Backtrack): void {
  const insn = env.insns[idx];
  if (insn.opcode === 0) return;
  if (env.log.level >= 2) {
    env.verbose(`mark_precise: frame${bt.frame}: regs=${fmtRegMask(bt.regs[bt.frame])} stack=${fmtStackMask(bt, bt.frame)} before ${idx}: ${kernelInsnText(env.insns, idx)}\n`);
  }
  syncLinked(bt, hist);
  const cls = op.opClass(insn.opcode);
  const code = op.opCode(insn.opcode);
  const dreg = insn.dst;
  const sreg = insn.src;
  if (cls === op.BPF_ALU || cls === op.BPF_ALU64) {
    if (!bt.isRegSet(dreg)) return;
    if (code === op.BPF_END || code === op.BPF_NEG) return;
    if (code === op.BPF_MOV) {
      bt.clearReg(dreg);
      if (op.opSource(insn.opcode) === op.BPF_X && sreg !== 10) bt.setReg(sreg);
    } else if (op.opSource(insn.opcode) === op.BPF_X && sreg !== 10) {
      bt.setReg(sreg);
    }
  } else if (cls === op.BPF_LDX || isAtomicLoad(insn) || isAtomicFetch(insn)) {
    // A load, or an atomic that fetches the old value (into sreg, or r0 for
    // cmpxchg): the value came from memory, from a stack slot if any.
    const loadReg = isAtomicFetch(insn) ? (insn.imm === op.BPF_CMPXCHG ? 0 : sreg) : dreg;
    if (!bt.isRegSet(loadReg)) return;
    bt.clearReg(loadReg);
    if (!hist || hist.stackSpi < 0) return;
    bt.setSlot(hist.stackFrame, hist.stackSpi);
  } else if (cls === op.BPF_STX || cls === op.BPF_ST) {
    if (cls === op.BPF_STX && op.opMode(insn.opcode) === op.BPF_ATOMIC && insn.imm !== BPF_STORE_REL) {
      // An atomic that does not fetch: the slot now holds old value op sreg.
      if (bt.isRegSet(dreg)) throw new NotSupported();
      if (hist && hist.stackSpi >= 0 && bt.isSlotSet(hist.stackFrame, hist.stackSpi)) bt.setReg(sreg);
      return;
    }
    if (bt.isRegSet(dreg)) throw new NotSupported();
    if (!hist || hist.stackSpi < 0) return;
    if (!bt.isSlotSet(hist.stackFrame, hist.stackSpi)) return;
    bt.clearSlot(hist.stackFrame, hist.stackSpi);
    if (cls === op.BPF_STX) bt.setReg(sreg);
  } else if (cls === op.BPF_JMP || cls === op.BPF_JMP32) {
    if (isPseudoCall(insn) && env.globalFuncs.has(subprogOf(env.subprogs, idx + insn.imm + 1))) {
      // A global function's call was not followed: it set r0 and invalidated r1-r5.
      if (bt.regs[bt.frame] & REGMASK_ARGS) throw new Error(`verifier bug: global subprog unexpected regs ${bt.regs[bt.frame]}`);
      bt.clearReg(0);
      return;
    }
    if (isPseudoCall(insn)) {
      // Going back past the call: only r1-r5 may still be wanted, in the caller.
      if (bt.regs[bt.frame] & ~REGMASK_ARGS) throw new Error(`verifier bug: static subprog unexpected regs ${bt.regs[bt.frame]}`);
      if (bt.hasSlots(bt.frame)) throw new Error('verifier bug: static subprog leftover stack slots');
      for (let i = 1; i <= 5; i++) {
        if (bt.isRegSet(i)) {
          bt.clearReg(i);
          bt.setReg(i, bt.frame - 1);
        }
      }
      bt.regs[bt.frame] = 0;
      bt.clearSlots(bt.frame);
      bt.frame--;
      if (bt.frame < 0) throw new NotSupported();
      return;
    }
    if (callsCallback(insn) && idx !== subseqIdx - 1) {
      // Back from a callback body to the helper that called it.
      if (bt.regs[bt.frame] & ~REGMASK_ARGS) throw new Error('verifier bug: callback unexpected regs');
      if (bt.hasSlots(bt.frame)) throw new Error('verifier bug: callback leftover stack slots');
      bt.regs[bt.frame] = 0;
      bt.frame--;
      if (bt.frame < 0) throw new NotSupported();
      return;
    }
    if (code === op.BPF_CALL) {
      bt.clearReg(0);
      if (bt.regs[bt.frame] & REGMASK_ARGS) throw new Error('verifier bug: backtracking call unexpected regs');
      if (insn.src === 0 && insn.imm === 12 && subseqIdx - idx !== 1) {
        bt.frame++;
        if (bt.frame >= MAX_CALL_FRAMES) throw new NotSupported();
      }
      return;
    }
    if (code === op.BPF_EXIT) {
      // Back from the caller into the callee's exit.
      if (subseqIdx >= 0 && callsCallback(env.insns[subseqIdx])) {
        for (let i = 1; i <= 5; i++) bt.clearReg(i);
      }
      if (bt.regs[bt.frame] & REGMASK_ARGS) throw new Error('verifier bug: backtracking exit unexpected regs');
      const r0Precise = subseqIdx - 1 >= 0 && isPseudoCall(env.insns[subseqIdx - 1]) && bt.isRegSet(0);
      bt.clearReg(0);
      bt.frame++;
      if (bt.frame >= MAX_CALL_FRAMES) throw new NotSupported();
      if (r0Precise) bt.setReg(0);
      return;
    }
    if (code === op.BPF_JA) return;
    if (op.opSource(insn.opcode) === op.BPF_X) {
      if (!bt.isRegSet(dreg) && !bt.isRegSet(sreg)) return;
      if (!hist?.srcRegStack) bt.setReg(sreg);
      if (!hist?.dstRegStack) bt.setReg(dreg);
    }
  } else if (cls === op.BPF_LD) {
    if (!bt.isRegSet(dreg)) return;
    bt.clearReg(dreg);
    const mode = op.opMode(insn.opcode);
    if (mode === op.BPF_IND || mode === op.BPF_ABS) throw new NotSupported();
  }
  syncLinked(bt, hist);
}

/**
 * get_prev_insn_idx: the instruction executed before i on this path, or -1
 * at the state's start. `h` is the newest history entry not yet walked back
 * over; the caller moves it to h.prev when the entry's prevIdx was used.
 */
function prevInsnIdx(st: VerifierState, i: number, h: History | null): number {
  if (i === st.firstInsnIdx) {
    if (!h) return -1;
    if (!h.prev && h.entry.idx === i) return -1;
  }
  if (h && h.entry.idx === i) return h.entry.prevIdx;
  return i - 1;
}

/**
 * mark_all_scalars_precise: the fallback when backtracking cannot follow the
 * path; with `stopAt`, only the checkpoints made after that one.
 */
export function markAllScalarsPrecise(env: VerifierEnv, start: VerifierState, stopAt: VerifierState | null = null): void {
  if (env.log.level >= 2) env.verbose(`mark_precise: frame${start.curframe}: falling back to forcing all scalars precise\n`);
  for (let st = start.parent; st && st !== stopAt; st = st.parent) {
    for (let i = 0; i <= st.curframe; i++) {
      const f = st.frames[i];
      for (let j = 0; j < 10; j++) {
        const r = f.regs[j];
        if (r.type !== RegType.SCALAR_VALUE || r.precise) continue;
        f.reg(j).precise = true;
        if (env.log.level >= 2) env.verbose(`force_precise: frame${i}: forcing r${j} to be precise\n`);
      }
      for (let spi = 0; spi < f.allocatedStack / BPF_REG_SIZE; spi++) {
        let r = f.spillAt(spi);
        if (!r || r.type !== RegType.SCALAR_VALUE || r.precise) continue;
        r = f.ownSpill(spi);
        r.precise = true;
        if (env.log.level >= 2) env.verbose(`force_precise: frame${i}: forcing fp${-(spi + 1) * 8} to be precise\n`);
      }
    }
  }
}

/**
 * __mark_chain_precision: makes precise, in every checkpoint the current
 * path went through, the scalars `bt` names (at the current instruction)
 * and whatever they were computed from.
 */
export function markChainPrecisionBatch(
  env: VerifierEnv, start: VerifierState, bt: Backtrack, changed?: { value: boolean },
): void {
  if (!env.bpfCapable) return;
  if (bt.empty()) return;
  let st: VerifierState | null = start;
  let firstIdx = st.firstInsnIdx;
  let lastIdx = start.insnIdx;
  let subseqIdx = -1;
  let skipFirst = true;
  try {
    for (;;) {
      if (env.log.level >= 2) {
        env.verbose(`mark_precise: frame${bt.frame}: last_idx ${lastIdx} first_idx ${firstIdx} subseq_idx ${subseqIdx} \n`);
      }
      // The history, newest first: its entries are met in the order the walk goes back.
      let h = st.history;
      if (lastIdx >= 0) {
        for (let i = lastIdx; ;) {
          if (skipFirst) {
            skipFirst = false;
          } else {
            backtrackInsn(env, i, subseqIdx, h && h.entry.idx === i ? h.entry : undefined, bt);
          }
          if (bt.empty()) return;
          subseqIdx = i;
          const prev = prevInsnIdx(st, i, h);
          if (prev >= 0 && h && h.entry.idx === i) h = h.prev;
          i = prev;
          if (i < 0) break;
        }
      }
      st = st.parent;
      if (!st) break;
      for (let fr = bt.frame; fr >= 0; fr--) {
        const func = st.frames[fr];
        for (let i = 0; i < 32 && bt.regs[fr]; i++) {
          if (!(bt.regs[fr] & (1 << i))) continue;
          const reg = func.regs[i];
          if (reg.type !== RegType.SCALAR_VALUE) { bt.clearReg(i, fr); continue; }
          if (reg.precise) bt.clearReg(i, fr);
          else {
            func.reg(i).precise = true;
            if (changed) changed.value = true;
          }
        }
        for (let i = 0; i < 64 && bt.hasSlots(fr); i++) {
          if (!bt.isSlotSet(fr, i)) continue;
          const spilled = i < func.allocatedStack / BPF_REG_SIZE ? func.spillAt(i) : null;
          if (!spilled || spilled.type !== RegType.SCALAR_VALUE) { bt.clearSlot(fr, i); continue; }
          if (spilled.precise) bt.clearSlot(fr, i);
          else {
            func.ownSpill(i).precise = true;
            if (changed) changed.value = true;
          }
        }
        if (env.log.level >= 2) {
          env.verbose(`mark_precise: frame${fr}: parent state regs=${fmtRegMask(bt.regs[fr])} stack=${fmtStackMask(bt, fr)}: `);
          env.verbose(verifierStateStr(st, fr, true, { regs: 0, stack: new Uint8Array(64) }, env.maps));
        }
      }
      if (bt.empty()) return;
      subseqIdx = firstIdx;
      lastIdx = st.lastInsnIdx;
      firstIdx = st.firstInsnIdx;
    }
    if (!bt.empty()) markAllScalarsPrecise(env, start);
  } catch (err) {
    if (!(err instanceof NotSupported)) throw err;
    markAllScalarsPrecise(env, start);
  }
}

// Backtracking states reused by every run (the walks never nest): one for
// marks that start from one register or slot, one for propagate_precision.
const SINGLE = new Backtrack();
const PROPAGATE = new Backtrack();

/** mark_chain_precision for one register of the current frame. */
export function markChainPrecision(env: VerifierEnv, regno: number): void {
  if (!env.bpfCapable) return;
  const st = env.cur;
  const bt = SINGLE;
  bt.reset(st.curframe);
  // Only scalars have a precision (bpf_loop's count may be anything: a
  // pointer there must not pass for a count of zero).
  if (st.regs[regno].type !== RegType.SCALAR_VALUE) env.fail('verifier bug: backtracking misuse', 'EFAULT');
  bt.setReg(regno);
  markChainPrecisionBatch(env, st, bt);
}

/** A stack slot of a frame (get_constant_map_key). */
export function markSlotPrecision(env: VerifierEnv, frameno: number, spi: number): void {
  if (!env.bpfCapable) return;
  const bt = SINGLE;
  bt.reset(env.cur.curframe);
  bt.setSlot(frameno, spi);
  markChainPrecisionBatch(env, env.cur, bt);
}

/**
 * propagate_precision: the current path was found equivalent to `old`; what
 * `old`'s exploration needed precise, the current path's checkpoints need too.
 */
export function propagatePrecision(
  env: VerifierEnv, old: VerifierState, cur: VerifierState, insnIdx: number, changed?: { value: boolean },
): void {
  const bt = PROPAGATE;
  bt.reset(cur.curframe);
  for (let fr = old.curframe; fr >= 0; fr--) {
    const f = old.frames[fr];
    const live = env.liveRegs[fr === old.curframe ? insnIdx : old.frames[fr + 1].callsite];
    let first = true;
    for (let i = 0; i < 10; i++) {
      const r = f.regs[i];
      if (!(live & (1 << i)) || r.type !== RegType.SCALAR_VALUE || !r.precise) continue;
      if (env.log.level >= 2) env.verbose(first ? `frame ${fr}: propagating r${i}` : `,r${i}`);
      bt.setReg(i, fr);
      first = false;
    }
    for (let spi = 0; spi < f.allocatedStack / BPF_REG_SIZE; spi++) {
      const r = f.spillAt(spi);
      if (!r || r.type !== RegType.SCALAR_VALUE || !r.precise) continue;
      if (env.log.level >= 2) env.verbose(first ? `frame ${fr}: propagating fp${-(spi + 1) * 8}` : `,fp${-(spi + 1) * 8}`);
      bt.setSlot(fr, spi);
      first = false;
    }
    if (!first && env.log.level >= 2) env.verbose('\n');
  }
  markChainPrecisionBatch(env, cur, bt, changed);
}

export { subprogOf };
