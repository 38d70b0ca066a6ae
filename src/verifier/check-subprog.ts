// bpf-to-bpf calls: a new frame with r1-r5 copied from the caller, r0-r5 of
// the caller clobbered; at the callee's exit r0 goes back to the caller.
import type { Instruction } from '../isa/instruction.js';
import { MAX_CALL_FRAMES } from '../isa/opcodes.js';
import { markKnown } from './bounds.js';
import type { VerifierEnv } from './env.js';
import { FuncState } from './func-state.js';
import { printVerifierState } from './do-check-log.js';
import { RegArg, checkRegArg, markRegNotInit } from './reg-ops.js';
import { RegType } from './reg-type.js';
import { S64_MAX, S64_MIN } from './reg-state.js';
import { markChainPrecision } from './precision.js';
import { subprogOf } from './subprogs.js';
import { findPrevEntry, widenImpreciseScalars } from './widen.js';
import { VerifierError } from './errors.js';
import type { GlobalArg, GlobalFunc } from './global-funcs.js';
import { checkFuncArgRegOff, checkHelperMemAccess } from './check-helper.js';
import { markUnknown, registerIsNull } from './reg-ops.js';
import { PTR_MAYBE_NULL, typeMayBeNull } from './reg-type.js';

export const CALLER_SAVED_REGS = [0, 1, 2, 3, 4, 5];

/** A fresh frame: every register NOT_INIT except r10, the frame pointer. */
export function newFrame(frameno: number, callsite: number, subprogno: number): FuncState {
  const f = new FuncState(frameno, callsite, subprogno);
  const fp = f.reg(10);
  fp.type = RegType.PTR_TO_STACK;
  markKnown(fp, 0n);
  fp.type = RegType.PTR_TO_STACK;
  fp.frameno = frameno;
  return f;
}

/** clear_caller_saved_regs */
export function clearCallerSavedRegs(env: VerifierEnv): void {
  const regs = env.cur.regs;
  for (const r of CALLER_SAVED_REGS) {
    markRegNotInit(regs[r]);
    checkRegArg(env, r, RegArg.DST_OP_NO_MARK);
  }
}

/** setup_func_entry: pushes a frame for `subprog` called from `callsite`. */
export function setupFuncEntry(env: VerifierEnv, subprog: number, callsite: number): FuncState {
  const st = env.cur;
  if (st.curframe + 1 >= MAX_CALL_FRAMES) env.fail(`the call stack of ${st.curframe + 2} frames is too deep`, 'E2BIG');
  const callee = newFrame(st.curframe + 1, callsite, subprog);
  env.markAllScratched();
  return callee;
}

/** check_func_call: returns the instruction before the callee's first (the loop adds one). */
export function checkFuncCall(env: VerifierEnv, insn: Instruction, insnIdx: number): number {
  const st = env.cur;
  const target = insnIdx + insn.imm + 1;
  const subprog = subprogOf(env.subprogs, target);
  const global = env.globalFuncs.get(subprog);
  if (global) {
    checkGlobalFuncCall(env, subprog, global.fn);
    global.called = true;
    return insnIdx;
  }
  const caller = st.frames[st.curframe];
  const callee = setupFuncEntry(env, subprog, insnIdx);
  for (let i = 1; i <= 5; i++) callee.reg(i).copyFrom(caller.regs[i]);
  st.frames.length = st.curframe + 1;
  st.frames.push(callee);
  st.curframe++;
  env.liveStack.resetCallchain();
  // r0-r5 of the caller are clobbered by the call.
  for (const r of CALLER_SAVED_REGS) {
    markRegNotInit(caller.regs[r]);
    env.markRegScratched(r);
  }
  if (env.log.enabled) {
    env.verbose('caller:\n');
    printVerifierState(env, st, caller.frameno, true);
    env.verbose('callee:\n');
    printVerifierState(env, st, st.curframe, true);
  }
  return env.subprogs[subprog].start - 1;
}

/** prepare_func_exit: returns the instruction to continue at in the caller. */
export function prepareFuncExit(env: VerifierEnv): number {
  const st = env.cur;
  const callee = st.frames[st.curframe];
  const r0 = callee.regs[0];
  if (r0.type === RegType.PTR_TO_STACK) env.fail('cannot return stack pointer to the caller', 'EINVAL');
  const caller = st.frames[st.curframe - 1];
  if (callee.inCallbackFn) {
    if (r0.type !== RegType.SCALAR_VALUE) env.fail('R0 not a scalar value');
    markChainPrecision(env, 0);
    if (r0.smin < 0n || r0.smax > 1n) {
      let msg = 'At callback return the register R0 has';
      let unknown = true;
      if (r0.smin > S64_MIN) { msg += ` smin=${r0.smin}`; unknown = false; }
      if (r0.smax < S64_MAX) { msg += ` smax=${r0.smax}`; unknown = false; }
      if (unknown) msg += ' unknown scalar value';
      env.fail(`${msg} should have been in [0, 1]`, 'EINVAL');
    }
  } else {
    caller.reg(0).copyFrom(r0);
  }
  const next = callee.inCallbackFn ? callee.callsite : callee.callsite + 1;
  if (env.log.enabled) {
    env.verbose('returning from callee:\n');
    printVerifierState(env, st, callee.frameno, true);
    env.verbose(`to caller at ${next}:\n`);
    printVerifierState(env, st, caller.frameno, true);
  }
  st.frames.pop();
  st.curframe--;
  // The callback runs again from the helper's call: widen what changed.
  const prev = callee.inCallbackFn ? findPrevEntry(env, st, next) : null;
  if (prev) widenImpreciseScalars(env, prev, st);
  return next;
}

/**
 * A call of a global function: its arguments must match its prototype; it
 * is not followed (it is verified on its own after the caller), and it
 * returns an unknown scalar.
 */
function checkGlobalFuncCall(env: VerifierEnv, subprog: number, fn: GlobalFunc): void {
  if (env.cur.activeLock) env.fail('global function calls are not allowed while holding a lock,\nuse static function instead', 'EINVAL');
  try {
    if (fn.error) env.fail(fn.error, 'EINVAL');
    fn.args.forEach((arg, i) => checkGlobalArg(env, i + 1, arg));
  } catch (err) {
    if (!(err instanceof VerifierError)) throw err;
    env.fail(`Caller passes invalid args into func#${subprog} ('${fn.name}')`, err.errno);
  }
  env.verbose(`Func#${subprog} ('${fn.name}') is global and assumed valid.\n`);
  clearCallerSavedRegs(env);
  markUnknown(env, env.cur.regs[0]);
}

/** btf_check_func_arg_match for one argument register. */
function checkGlobalArg(env: VerifierEnv, regno: number, arg: GlobalArg): void {
  const reg = env.cur.regs[regno];
  if (arg.kind === 'scalar') {
    if (reg.type !== RegType.SCALAR_VALUE) env.fail(`R${regno} is not a scalar`, 'EINVAL');
    return;
  }
  checkFuncArgRegOff(env, reg, regno, false);
  if (arg.kind === 'ctx') {
    if (reg.type !== RegType.PTR_TO_CTX) env.fail(`arg#${regno - 1} expects pointer to ctx`, 'EINVAL');
    return;
  }
  // check_mem_reg: NULL passes; otherwise the memory must be readable and writable for the whole size.
  if (registerIsNull(reg)) return;
  const type = reg.type;
  reg.type &= ~PTR_MAYBE_NULL;
  try {
    checkHelperMemAccess(env, regno, arg.size, false, true, null);
    checkHelperMemAccess(env, regno, arg.size, true, true, null);
  } finally {
    reg.type = type;
  }
  if (!arg.nullable && typeMayBeNull(reg.type)) env.fail(`arg#${regno - 1} is expected to be non-NULL`, 'EINVAL');
}
