// The stack, byte by byte (check_stack_read/write and friends): spills keep a
// register's whole state, other writes leave STACK_MISC or STACK_ZERO bytes,
// reads of uninitialised bytes are refused unless privileged.
import { BPF_REG_SIZE, FuncState, SlotType } from './func-state.js';
import { coerceRegToSize, regWidth } from './bounds.js';
import type { VerifierEnv } from './env.js';
import { BPF_MAX_VAR_OFF } from './limits.js';
import type { AccessType } from './check-mem.js';
import { assignScalarIdBeforeMov, markConstZero, markUnknown, registerIsNull } from './reg-ops.js';
import { RegState } from './reg-state.js';
import { baseType, RegType } from './reg-type.js';
import { tnumStr } from './tnum.js';
import { toNumS } from './i64.js';
import * as op from '../isa/opcodes.js';
import { markScalarUnknown, setKnownHalves } from './bounds.js';
import { markChainPrecision } from './precision.js';

/** Records in the jump history that this instruction spilled or filled slot spi of `state`'s frame. */
function recordStack(env: VerifierEnv, state: FuncState, spi: number): void {
  const e = env.pushHistory();
  e.stackFrame = state.frameno;
  e.stackSpi = spi;
}

/** The frame a PTR_TO_STACK register points into. */
export function frameOf(env: VerifierEnv, reg: RegState): FuncState {
  return env.cur.frames[reg.frameno];
}

/** check_stack_access_within_bounds; also grows the frame's stack. */
export function checkStackAccessWithinBounds(env: VerifierEnv, regno: number, off: number, size: number, t: AccessType): void {
  const reg = env.cur.regs[regno];
  const state = frameOf(env, reg);
  // Offsets as numbers: exact in the range that passes the checks.
  let minOff: number;
  let maxOff: number;
  const known = reg.isConst();
  if (known) {
    minOff = toNumS(reg.vHi, reg.vLo) + off;
    maxOff = minOff + size;
  } else {
    const smax = toNumS(reg.smaxHi, reg.smaxLo);
    const smin = toNumS(reg.sminHi, reg.sminLo);
    if (smax >= BPF_MAX_VAR_OFF || smin <= -BPF_MAX_VAR_OFF) {
      env.fail(`invalid unbounded variable-offset${t === 'read' ? ' read from' : ' write to'} stack R${regno}`);
    }
    minOff = smin + off;
    maxOff = smax + off + size;
  }
  const minValid = t === 'write' || env.allowUninitStack ? -512 : -state.allocatedStack;
  let bad = minOff < minValid || minOff > -1;
  if (!bad && maxOff > 0) bad = true;
  if (!bad && size < 0) bad = true;
  if (bad) {
    const extra = t === 'read' ? ' read from' : ' write to';
    if (known) env.fail(`invalid${extra} stack R${regno} off=${off} size=${size}`);
    env.fail(`invalid variable-offset${extra} stack R${regno} var_off=${tnumStr(reg.varOff)} off=${off} size=${size}`);
  }
  growStack(env, state, -minOff);
}

export function growStack(env: VerifierEnv, state: FuncState, size: number): void {
  state.growStack(size);
  const sp = env.subprogs[state.subprogno];
  if (sp.stackDepth < state.allocatedStack) sp.stackDepth = state.allocatedStack;
}

const isSpillableRegType = (type: number): boolean => type !== RegType.SCALAR_VALUE && type !== RegType.NOT_INIT;

function isSpilledReg(state: FuncState, spi: number): boolean {
  return state.slotType[spi * BPF_REG_SIZE + BPF_REG_SIZE - 1] === SlotType.STACK_SPILL;
}

function isSpilledScalar(state: FuncState, spi: number): boolean {
  return isSpilledReg(state, spi) && state.spilled[spi]?.type === RegType.SCALAR_VALUE;
}

/** save_register_state: the top `size` bytes of the slot hold the register. */
function saveRegisterState(state: FuncState, spi: number, reg: RegState, size: number): void {
  state.setSpill(spi, reg.clone());
  const base = spi * BPF_REG_SIZE;
  let i = BPF_REG_SIZE;
  for (; i > BPF_REG_SIZE - size; i--) state.slotType[base + i - 1] = SlotType.STACK_SPILL;
  for (; i > 0; i--) {
    const t = state.slotType[base + i - 1];
    if (t !== SlotType.STACK_ZERO && t !== SlotType.STACK_INVALID) state.slotType[base + i - 1] = SlotType.STACK_MISC;
  }
}

/** scrub_spilled_slot on every byte of a slot. */
function scrubSlot(state: FuncState, spi: number): void {
  const base = spi * BPF_REG_SIZE;
  for (let j = 0; j < BPF_REG_SIZE; j++) {
    if (state.slotType[base + j] !== SlotType.STACK_INVALID) state.slotType[base + j] = SlotType.STACK_MISC;
  }
}

export function checkStackWrite(env: VerifierEnv, ptrRegno: number, off: number, size: number, valueRegno: number): void {
  const reg = env.cur.regs[ptrRegno];
  const state = frameOf(env, reg);
  state.ownStack();
  if (reg.isConst()) {
    stackWriteFixedOff(env, state, off + toNumS(reg.vHi, reg.vLo), size, valueRegno);
  } else {
    stackWriteVarOff(env, state, ptrRegno, off, size, valueRegno);
  }
}

/** The immediate a BPF_ST spills (saveRegisterState copies it). */
const IMM_VALUE = new RegState();

function stackWriteFixedOff(env: VerifierEnv, state: FuncState, off: number, size: number, valueRegno: number): void {
  const slot = -off - 1;
  const spi = Math.floor(slot / BPF_REG_SIZE);
  const insn = env.insns[env.insnIdx];
  const cur = env.cur.cur;
  if (!env.allowPtrLeaks && isSpilledReg(state, spi) && !isSpilledScalar(state, spi) && size !== BPF_REG_SIZE) {
    env.fail('attempt to corrupt spilled pointer on stack');
  }
  const reg = valueRegno >= 0 ? cur.regs[valueRegno] : null;
  const isStMem = op.opClass(insn.opcode) === op.BPF_ST;
  // Only a whole slot written is known dead before: a part leaves the rest live.
  if (off % BPF_REG_SIZE === 0 && size === BPF_REG_SIZE) env.liveStack.markWrite(state.frameno, spi);
  env.markStackSlotScratched(spi);
  if (reg && off % BPF_REG_SIZE === 0 && reg.type === RegType.SCALAR_VALUE && env.bpfCapable) {
    const fits = regWidth(reg) <= 8 * size;
    if (fits) assignScalarIdBeforeMov(env, reg);
    saveRegisterState(state, spi, reg, size);
    if (!fits) state.spilled[spi]!.id = 0;
    recordStack(env, state, spi);
  } else if (!reg && off % BPF_REG_SIZE === 0 && isStMem && env.bpfCapable) {
    const tmp = IMM_VALUE;
    markScalarUnknown(tmp);
    setKnownHalves(tmp, insn.imm >> 31, insn.imm | 0);
    saveRegisterState(state, spi, tmp, size);
    recordStack(env, state, spi);
  } else if (reg && isSpillableRegType(reg.type)) {
    if (size !== BPF_REG_SIZE) {
      env.verboseLinfo(env.insnIdx, '; ');
      env.fail('invalid size of register spill');
    }
    if (state !== cur && reg.type === RegType.PTR_TO_STACK) {
      env.fail('cannot spill pointers to stack into stack frame of the caller', 'EINVAL');
    }
    saveRegisterState(state, spi, reg, size);
    recordStack(env, state, spi);
  } else {
    let type = SlotType.STACK_MISC;
    if (state.spilled[spi]) state.spilled[spi] = null;
    if (isSpilledReg(state, spi) || hasSpillByte(state, spi)) scrubSlot(state, spi);
    if ((reg && registerIsNull(reg)) || (!reg && isStMem && insn.imm === 0)) {
      // The zero bytes rely on the register being exactly zero.
      if (valueRegno >= 0) markChainPrecision(env, valueRegno);
      type = SlotType.STACK_ZERO;
    }
    for (let i = 0; i < size; i++) state.slotType[slot - i] = type;
  }
}

function hasSpillByte(state: FuncState, spi: number): boolean {
  const base = spi * BPF_REG_SIZE;
  for (let j = 0; j < BPF_REG_SIZE; j++) if (state.slotType[base + j] === SlotType.STACK_SPILL) return true;
  return false;
}

function stackWriteVarOff(env: VerifierEnv, state: FuncState, ptrRegno: number, off: number, size: number, valueRegno: number): void {
  const cur = env.cur.cur;
  const ptr = cur.regs[ptrRegno];
  const minOff = toNumS(ptr.sminHi, ptr.sminLo) + off;
  const maxOff = toNumS(ptr.smaxHi, ptr.smaxLo) + off + size;
  const value = valueRegno >= 0 ? cur.regs[valueRegno] : null;
  const insn = env.insns[env.insnIdx];
  const writingZero = (value !== null && registerIsNull(value)) ||
    (value === null && op.opClass(insn.opcode) === op.BPF_ST && insn.imm === 0);
  let zeroUsed = false;
  for (let i = minOff; i < maxOff; i++) {
    const slot = -i - 1;
    const spi = Math.floor(slot / BPF_REG_SIZE);
    const t = state.slotType[slot];
    env.markStackSlotScratched(spi);
    if (!env.allowPtrLeaks && t !== SlotType.STACK_MISC && t !== SlotType.STACK_ZERO) {
      env.fail(`spilled ptr in range of var-offset stack write; insn ${env.insnIdx}, ptr off: ${i}`, 'EINVAL');
    }
    if (writingZero && t === SlotType.STACK_SPILL && isSpilledScalar(state, spi)) {
      const sp = state.spilled[spi]!;
      if ((sp.mHi | sp.mLo | sp.vHi | sp.vLo) === 0) {
        zeroUsed = true;
        continue;
      }
    }
    if (state.spilled[spi] && isSpilledReg(state, spi)) {
      // A spilled register may be partly overwritten: its slot becomes plain data.
      state.spilled[spi] = null;
      scrubSlot(state, spi);
    }
    let newType = SlotType.STACK_MISC;
    if (writingZero && state.slotType[slot] === SlotType.STACK_ZERO) {
      newType = SlotType.STACK_ZERO;
      zeroUsed = true;
    }
    if (state.slotType[slot] === SlotType.STACK_INVALID && !env.allowUninitStack) {
      env.fail(`uninit stack in range of var-offset write prohibited for !root; insn ${env.insnIdx}, off: ${i}`, 'EINVAL');
    }
    state.slotType[slot] = newType;
  }
  if (zeroUsed && valueRegno >= 0) markChainPrecision(env, valueRegno);
}

export function checkStackRead(env: VerifierEnv, ptrRegno: number, off: number, size: number, dstRegno: number): void {
  const reg = env.cur.regs[ptrRegno];
  const state = frameOf(env, reg);
  const varOff = !reg.isConst();
  if (dstRegno < 0 && varOff) {
    env.fail(`variable offset stack pointer cannot be passed into helper function; var_off=${tnumStr(reg.varOff)} off=${off} size=${size}`);
  }
  if (!varOff) {
    stackReadFixedOff(env, state, off + toNumS(reg.vHi, reg.vLo), size, dstRegno);
  } else {
    checkStackRangeInitialized(env, ptrRegno, off, size, false, 'read', false);
    const minOff = toNumS(reg.sminHi, reg.sminLo) + off;
    const maxOff = toNumS(reg.smaxHi, reg.smaxLo) + off;
    markRegStackRead(env, state, minOff, maxOff + size, dstRegno);
  }
}

function stackReadFixedOff(env: VerifierEnv, state: FuncState, off: number, size: number, dstRegno: number): void {
  const slot = -off - 1;
  const spi = Math.floor(slot / BPF_REG_SIZE);
  const base = spi * BPF_REG_SIZE;
  const stype = state.slotType;
  const cur = env.cur.cur;
  env.markStackSlotScratched(spi);
  env.liveStack.markRead(env.cur, state.frameno, env.insnIdx, spi);
  if (isSpilledReg(state, spi)) {
    let reg = state.spilled[spi]!;
    let spillSize = 1;
    for (let i = BPF_REG_SIZE - 1; i > 0 && stype[base + i - 1] === SlotType.STACK_SPILL; i--) spillSize++;
    if (size !== BPF_REG_SIZE || spillSize !== BPF_REG_SIZE) {
      if (reg.type !== RegType.SCALAR_VALUE) {
        env.verboseLinfo(env.insnIdx, '; ');
        env.fail('invalid size of register fill');
      }
      if (dstRegno < 0) return;
      const dst = cur.regs[dstRegno];
      if (size <= spillSize && off % BPF_REG_SIZE === 0) {
        if (env.bpfCapable && size === 4 && spillSize === 4 && regWidth(reg) <= 32) {
          // The spilled register may get an id: it changes.
          reg = state.ownSpill(spi);
          assignScalarIdBeforeMov(env, reg);
        }
        dst.copyFrom(reg);
        if (regWidth(reg) > size * 8) dst.id = 0;
        recordStack(env, state, spi);
      } else {
        let spillCnt = 0;
        let zeroCnt = 0;
        for (let i = 0; i < size; i++) {
          const type = stype[slot - i];
          if (type === SlotType.STACK_SPILL) { spillCnt++; continue; }
          if (type === SlotType.STACK_MISC) continue;
          if (type === SlotType.STACK_ZERO) { zeroCnt++; continue; }
          if (type === SlotType.STACK_INVALID && env.allowUninitStack) continue;
          env.fail(`invalid read from stack off ${off}+${i} size ${size}`);
        }
        if (spillCnt === size && (reg.mHi | reg.mLo | reg.vHi | reg.vLo) === 0) {
          markConstZero(env, dst);
          recordStack(env, state, spi);
        } else if (zeroCnt === size) markConstZero(env, dst);
        else markUnknown(env, dst);
      }
    } else if (dstRegno >= 0) {
      // (Kernels after 6.18 also give an id-less spilled scalar an id here.)
      cur.regs[dstRegno].copyFrom(reg);
      recordStack(env, state, spi);
    } else if (!env.allowPtrLeaks && reg.type !== RegType.SCALAR_VALUE) {
      env.fail(`leaking pointer from stack off ${off}`);
    } else {
      recordStack(env, state, spi);
    }
    return;
  }
  for (let i = 0; i < size; i++) {
    const type = stype[slot - i];
    if (type === SlotType.STACK_MISC || type === SlotType.STACK_ZERO) continue;
    if (type === SlotType.STACK_INVALID && env.allowUninitStack) continue;
    env.fail(`invalid read from stack off ${off}+${i} size ${size}`);
  }
  if (dstRegno >= 0) markRegStackRead(env, state, off, off + size, dstRegno);
}

/** mark_reg_stack_read: zeros read as a known 0, anything else as unknown. */
function markRegStackRead(env: VerifierEnv, state: FuncState, minOff: number, maxOff: number, dstRegno: number): void {
  const dst = env.cur.cur.regs[dstRegno];
  let zeros = 0;
  for (let i = minOff; i < maxOff; i++) {
    const slot = -i - 1;
    env.markStackSlotScratched(Math.floor(slot / BPF_REG_SIZE));
    if (state.slotType[slot] !== SlotType.STACK_ZERO) break;
    zeros++;
  }
  if (zeros === maxOff - minOff) markConstZero(env, dst);
  else markUnknown(env, dst);
}

/**
 * check_stack_range_initialized: a helper (or a variable-offset load) reads
 * or writes [off, off+size) through a stack pointer. With `rawMode` the
 * helper only writes, so the bytes need not be initialised.
 */
export function checkStackRangeInitialized(
  env: VerifierEnv, regno: number, off: number, size: number, zeroOk: boolean, t: AccessType, rawMode: boolean,
): void {
  const reg = env.cur.regs[regno];
  const state = frameOf(env, reg);
  if (size === 0 && !zeroOk) env.fail('invalid zero-sized read');
  const clobber = t === 'write';
  checkStackAccessWithinBounds(env, regno, off, size, t);
  if (clobber) state.ownStack();
  let minOff: number;
  let maxOff: number;
  let raw = rawMode;
  if (reg.isConst()) {
    minOff = maxOff = toNumS(reg.vHi, reg.vLo) + off;
  } else {
    if (!env.bypassSpecV1) {
      env.fail(`R${regno} variable offset stack access prohibited for !root, var_off=${tnumStr(reg.varOff)}`);
    }
    raw = false;
    minOff = toNumS(reg.sminHi, reg.sminLo) + off;
    maxOff = toNumS(reg.smaxHi, reg.smaxLo) + off;
  }
  if (raw) return;
  for (let i = minOff; i < maxOff + size; i++) {
    const slot = -i - 1;
    const spi = Math.floor(slot / BPF_REG_SIZE);
    if (state.allocatedStack <= slot) env.fail('allocated_stack too small', 'EFAULT');
    const t2 = state.slotType[slot];
    if (t2 === SlotType.STACK_MISC) {
      env.liveStack.markRead(env.cur, state.frameno, env.insnIdx, spi);
      continue;
    }
    if (t2 === SlotType.STACK_ZERO || (t2 === SlotType.STACK_INVALID && env.allowUninitStack)) {
      if (clobber) state.slotType[slot] = SlotType.STACK_MISC;
      env.liveStack.markRead(env.cur, state.frameno, env.insnIdx, spi);
      continue;
    }
    if (isSpilledReg(state, spi) && (state.spilled[spi]!.type === RegType.SCALAR_VALUE || env.allowPtrLeaks)) {
      // A helper reading a spilled context pointer hands its address on: the program may then read any of the context.
      if (baseType(state.spilled[spi]!.type) === RegType.PTR_TO_CTX) env.ctxReads.escape();
      if (clobber) {
        markUnknown(env, state.ownSpill(spi));
        scrubSlot(state, spi);
      }
      env.liveStack.markRead(env.cur, state.frameno, env.insnIdx, spi);
      continue;
    }
    if (reg.isConst()) {
      env.fail(`invalid read from stack R${regno} off ${minOff}+${i - minOff} size ${size}`);
    }
    env.fail(`invalid read from stack R${regno} var_off ${tnumStr(reg.varOff)}+${i - minOff} size ${size}`);
  }
}

/** After a helper wrote `size` bytes at a stack pointer (raw mode): they become STACK_MISC. */
export function markStackWrittenByHelper(env: VerifierEnv, regno: number, off: number, size: number): void {
  const reg = env.cur.regs[regno];
  const state = frameOf(env, reg);
  state.ownStack();
  const start = toNumS(reg.vHi, reg.vLo) + off + reg.off;
  for (let i = start; i < start + size; i++) {
    const slot = -i - 1;
    const spi = Math.floor(slot / BPF_REG_SIZE);
    if (isSpilledReg(state, spi) || hasSpillByte(state, spi)) {
      state.spilled[spi] = null;
      scrubSlot(state, spi);
    }
    state.slotType[slot] = SlotType.STACK_MISC;
  }
}

export { coerceRegToSize };
