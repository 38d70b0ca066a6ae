// A self-check for the copy-on-write sharing of registers and stacks between
// states (func-state.ts): with TSBPF_VERIFIER_CHECK_STATES=1, a digest of
// each stored checkpoint and each pending path is taken when it is made and
// compared when it is used; a difference means some code changed a state
// it shares without taking its own copy first (a verifier bug). Off by
// default: the digests cost time.
import { markNotInit } from './bounds.js';
import { NOT_INIT_REG } from './func-state.js';
import { RegState } from './reg-state.js';
import type { VerifierState } from './verifier-state.js';

export const CHECK_STATES = process.env.TSBPF_VERIFIER_CHECK_STATES === '1';

/** Every field except `precise` (which precision tracking sets on stored states). */
function regDigest(r: RegState): string {
  return [r.type, r.off, r.vHi, r.vLo, r.mHi, r.mLo, r.sminHi, r.sminLo, r.smaxHi, r.smaxLo, r.uminHi, r.uminLo,
    r.umaxHi, r.umaxLo, r.s32min, r.s32max, r.u32min, r.u32max, r.id, r.refObjId, r.map, r.range, r.memSize,
    r.frameno, r.subprogno, r.addConst].join(',');
}

/** The registers and stacks of every frame of a state. */
export function stateDigest(st: VerifierState): string {
  const parts: string[] = [String(st.curframe)];
  for (let i = 0; i <= st.curframe; i++) {
    const f = st.frames[i];
    parts.push(`frame ${f.frameno} ${f.callsite} ${f.allocatedStack} ${f.callbackDepth}`);
    for (const r of f.regs) parts.push(regDigest(r));
    parts.push(f.slotType.slice(0, f.allocatedStack).join(''));
    for (let spi = 0; spi < f.allocatedStack / 8; spi++) {
      const r = f.spilled[spi];
      if (r) parts.push(`${spi}:${regDigest(r)}`);
    }
  }
  return parts.join('|');
}

/** Throws when `st` no longer matches the digest taken of it. */
export function checkDigest(st: VerifierState, digest: string | undefined, what: string): void {
  if (digest === undefined) return;
  if (stateDigest(st) !== digest) throw new Error(`verifier bug: a ${what} changed after it was stored (insn ${st.insnIdx})`);
}

/** Throws when the NOT_INIT register new frames share was changed in place. */
export function checkSharedRegs(): void {
  const fresh = new RegState();
  markNotInit(fresh);
  if (regDigest(fresh) !== regDigest(NOT_INIT_REG) || NOT_INIT_REG.precise) {
    throw new Error('verifier bug: the shared NOT_INIT register was changed');
  }
}
