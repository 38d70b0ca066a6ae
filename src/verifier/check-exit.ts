// Program and function exit: references must be released, R0 must be set,
// and the return value must be in the range the program type allows.
import type { VerifierEnv } from './env.js';
import { RegArg, checkRegArg, isPointerValue } from './reg-ops.js';
import { RegType, regTypeStr } from './reg-type.js';
import { S64_MAX, S64_MIN } from './reg-state.js';
import { markChainPrecision } from './precision.js';

/** check_reference_leak: at the main program's exit no reference may remain. */
export function checkReferenceLeak(env: VerifierEnv): void {
  checkResourceLeak(env, true, 'BPF_EXIT instruction in main prog');
}

/** check_resource_leak */
export function checkResourceLeak(env: VerifierEnv, checkLock: boolean, prefix: string): void {
  if (checkLock && env.cur.activeLock) env.fail(`${prefix} cannot be used inside bpf_spin_lock-ed region`, 'EINVAL');
  if (env.cur.cur.frameno) return;
  const refs = env.cur.refs;
  if (refs.length === 0) return;
  for (const r of refs) env.note(`Unreleased reference id=${r.id} alloc_insn=${r.insnIdx}`);
  env.fail(`${prefix} would lead to reference leak`, 'EINVAL');
}

/** check_return_code for the main program. */
export function checkReturnCode(env: VerifierEnv): void {
  checkRegArg(env, 0, RegArg.SRC_OP);
  if (isPointerValue(env, 0)) env.fail('R0 leaks addr as return value');
  if (env.cur.frames[0].subprogno !== 0) {
    // A global function, verified from its own entry: any scalar will do.
    const r0 = env.cur.regs[0];
    if (r0.type !== RegType.SCALAR_VALUE) env.fail(`At subprogram exit the register R0 is not a scalar value (${regTypeStr(r0.type)})`, 'EINVAL');
    return;
  }
  const range = env.prog.retRange;
  if (!range) return;
  const reg = env.cur.regs[0];
  if (reg.type !== RegType.SCALAR_VALUE) {
    env.fail(`At program exit the register R0 is not a known value (${regTypeStr(reg.type)})`, 'EINVAL');
  }
  markChainPrecision(env, 0);
  if (BigInt(range[0]) <= reg.smin && reg.smax <= BigInt(range[1])) return;
  let msg = 'At program exit the register R0 has';
  let unknown = true;
  if (reg.smin > S64_MIN) { msg += ` smin=${reg.smin}`; unknown = false; }
  if (reg.smax < S64_MAX) { msg += ` smax=${reg.smax}`; unknown = false; }
  if (unknown) msg += ' unknown scalar value';
  msg += ` should have been in [${range[0]}, ${range[1]}]`;
  env.fail(msg, 'EINVAL');
}
