// Widening for callback loops (widen_imprecise_scalars): when a callback
// returns to the helper that calls it (bpf_loop...), every scalar the
// exploration never needed exactly and that changed since the previous visit
// of that call becomes unknown, so the next visit can be pruned against it
// instead of unrolling the loop up to its iteration count.
import type { VerifierEnv } from './env.js';
import { BPF_REG_SIZE, SlotType } from './func-state.js';
import { IdMap, regsExact } from './prune.js';
import type { RegState } from './reg-state.js';
import { RegType } from './reg-type.js';
import { markUnknown } from './reg-ops.js';
import { sameCallsites, type VerifierState } from './verifier-state.js';

/** find_prev_entry: the latest checkpoint at insnIdx on the current path (still being explored). */
export function findPrevEntry(env: VerifierEnv, cur: VerifierState, insnIdx: number): VerifierState | null {
  const list = env.explored[env.exploredBucket(insnIdx)];
  if (!list) return null;
  for (let k = list.length - 1; k >= 0; k--) {
    const st = list[k].state;
    if (st.insnIdx === insnIdx && st.branches > 0 && sameCallsites(st, cur) && st.dfsDepth < cur.dfsDepth) return st;
  }
  return null;
}

/** The current register must become unknown. */
function widens(o: RegState, c: RegState, idmap: IdMap): boolean {
  if (o.type !== RegType.SCALAR_VALUE || c.type !== RegType.SCALAR_VALUE) return false;
  return !(o.precise || c.precise || regsExact(o, c, idmap));
}

/** widen_imprecise_scalars */
export function widenImpreciseScalars(env: VerifierEnv, old: VerifierState, cur: VerifierState): void {
  const idmap = new IdMap();
  for (let fr = old.curframe; fr >= 0; fr--) {
    const fo = old.frames[fr];
    const fc = cur.frames[fr];
    for (let i = 0; i < fo.regs.length; i++) if (widens(fo.regs[i], fc.regs[i], idmap)) markUnknown(env, fc.reg(i));
    const slots = Math.min(fo.allocatedStack, fc.allocatedStack) / BPF_REG_SIZE;
    for (let spi = 0; spi < slots; spi++) {
      const last = spi * BPF_REG_SIZE + BPF_REG_SIZE - 1;
      if (fo.slotType[last] !== SlotType.STACK_SPILL || fc.slotType[last] !== SlotType.STACK_SPILL) continue;
      const os = fo.spilled[spi];
      const cs = fc.spilled[spi];
      if (os && cs && widens(os, cs, idmap)) {
        markUnknown(env, fc.ownSpill(spi));
      }
    }
  }
}
