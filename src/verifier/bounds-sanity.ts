// reg_bounds_sanity_check: a scalar whose bounds contradict each other or its
// tnum is a verifier bug in the kernel's eyes. The kernel logs it and, unless
// BPF_F_TEST_REG_INVARIANTS is set, forgets the bounds (keeping the tnum) and
// goes on: an arm whose refined bounds cannot hold is still walked.
import { markUnbounded } from './bounds.js';
import { slt, ult } from './i64.js';
import type { VerifierEnv } from './env.js';
import { RegState } from './reg-state.js';
import { RegType } from './reg-type.js';

const hex64 = (v: bigint): string => `0x${BigInt.asUintN(64, v).toString(16)}`;
const hex32 = (v: number): string => `0x${(v >>> 0).toString(16)}`;

function violation(r: RegState): string | undefined {
  if (ult(r.umaxHi, r.umaxLo, r.uminHi, r.uminLo) || slt(r.smaxHi, r.smaxLo, r.sminHi, r.sminLo) ||
    r.u32min > r.u32max || r.s32min > r.s32max) return 'range bounds violation';
  if ((r.mHi | r.mLo) === 0) {
    if (r.uminHi !== r.vHi || r.uminLo !== r.vLo || r.umaxHi !== r.vHi || r.umaxLo !== r.vLo ||
      r.sminHi !== r.vHi || r.sminLo !== r.vLo || r.smaxHi !== r.vHi || r.smaxLo !== r.vLo) {
      return 'const tnum out of sync with range bounds';
    }
  }
  if (r.mLo === 0) {
    const u = r.vLo >>> 0;
    const s = r.vLo | 0;
    if (r.u32min !== u || r.u32max !== u || r.s32min !== s || r.s32max !== s) {
      return 'const subreg tnum out of sync with range bounds';
    }
  }
  return undefined;
}

/** Checks one register; on a violation logs the kernel's line and drops its bounds. */
export function regBoundsSanityCheck(env: VerifierEnv, r: RegState, ctx: string): void {
  if (r.type !== RegType.SCALAR_VALUE) return;
  const msg = violation(r);
  if (msg === undefined) return;
  env.verbose(`verifier bug: REG INVARIANTS VIOLATION (${ctx}): ${msg} u64=[${hex64(r.umin)}, ${hex64(r.umax)}] ` +
    `s64=[${hex64(r.smin)}, ${hex64(r.smax)}] u32=[${hex32(r.u32min)}, ${hex32(r.u32max)}] ` +
    `s32=[${hex32(r.s32min)}, ${hex32(r.s32max)}] var_off=(${hex64(r.varOff.value)}, ${hex64(r.varOff.mask)})\n`);
  markUnbounded(r);
}
