// Register checks shared by every instruction: check_reg_arg and the marks
// the kernel applies when an instruction writes a register.
import { BPF_REG_10 } from '../isa/opcodes.js';
import { markNotInit, markScalarUnknown, setKnownHalves } from './bounds.js';
import type { VerifierEnv } from './env.js';
import type { RegState } from './reg-state.js';
import { RegType } from './reg-type.js';

export enum RegArg {
  /** The register is read. */
  SRC_OP,
  /** The register is written (and becomes an unknown scalar). */
  DST_OP,
  /** The register is written; the caller sets its value. */
  DST_OP_NO_MARK,
}

/** check_reg_arg: reads need an initialised register, writes a writable one. */
export function checkRegArg(env: VerifierEnv, regno: number, t: RegArg): void {
  const regs = env.cur.regs;
  if (regno >= regs.length) env.fail(`R${regno} is invalid`, 'EINVAL');
  env.markRegScratched(regno);
  const reg = regs[regno];
  if (t === RegArg.SRC_OP) {
    if (reg.type === RegType.NOT_INIT) env.fail(`R${regno} !read_ok`);
    return;
  }
  if (regno === BPF_REG_10) env.fail('frame pointer is read only');
  if (t === RegArg.DST_OP) markUnknown(env, reg);
}

/** __mark_reg_unknown: an unknown scalar (precise when unprivileged, as the kernel). */
export function markUnknown(env: VerifierEnv, reg: RegState): void {
  markScalarUnknown(reg);
  reg.precise = !env.bpfCapable;
}

/** __mark_reg_const_zero */
export function markConstZero(env: VerifierEnv, reg: RegState): void {
  markScalarUnknown(reg);
  setKnownHalves(reg, 0, 0);
  reg.precise = !env.bpfCapable;
}

export function markRegNotInit(reg: RegState): void {
  markNotInit(reg);
}

/** is_pointer_value: a pointer the program may not treat as a number (unprivileged only). */
export function isPointerValue(env: VerifierEnv, regno: number): boolean {
  return !env.allowPtrLeaks && isPointer(env.cur.regs[regno]);
}

/** __is_pointer_value(false, reg) */
export function isPointer(reg: RegState): boolean {
  return reg.type !== RegType.SCALAR_VALUE;
}

/** register_is_null: a scalar known to be zero. */
export function registerIsNull(reg: RegState): boolean {
  return reg.type === RegType.SCALAR_VALUE && (reg.mHi | reg.mLo | reg.vHi | reg.vLo) === 0;
}

/** The frame a PTR_TO_STACK register points into. */
export function stackFrameOf(env: VerifierEnv, reg: RegState) {
  return env.cur.frames[reg.frameno];
}

/** assign_scalar_id_before_mov: give a scalar an id so its copies stay linked. */
export function assignScalarIdBeforeMov(env: VerifierEnv, src: RegState): void {
  if (src.type !== RegType.SCALAR_VALUE) return;
  if (src.addConst) {
    // Copies of an `rX += const` register start a new link.
    src.id = 0;
    src.off = 0;
    src.addConst = 0;
  }
  if (!src.id && !src.isConst()) src.id = ++env.idGen;
}
