// clean_live_states: a checkpoint no path continues from forgets, once, the
// stack slots no instruction after it may read (stack-liveness.ts), so that
// pruning does not tell states apart by what nothing will look at.
import type { VerifierEnv } from './env.js';
import type { ExploredState } from './env.js';
import { BPF_REG_SIZE, SlotType } from './func-state.js';
import { CHECK_STATES, stateDigest } from './state-digest.js';
import { sameCallsites, type VerifierState } from './verifier-state.js';

/** clean_verifier_state: the dead slots of every frame become STACK_INVALID. */
function cleanVerifierState(env: VerifierEnv, st: VerifierState): void {
  const live = env.liveStack;
  live.queryInit(st);
  st.cleaned = true;
  for (let fr = 0; fr <= st.curframe; fr++) {
    const f = st.frames[fr];
    const slots = f.allocatedStack / BPF_REG_SIZE;
    for (let spi = 0; spi < slots; spi++) {
      if (live.slotAlive(fr, spi)) continue;
      f.setSpill(spi, null);
      for (let j = 0; j < BPF_REG_SIZE; j++) f.slotType[spi * BPF_REG_SIZE + j] = SlotType.STACK_INVALID;
    }
  }
  if (CHECK_STATES) st.digest = stateDigest(st);
}

/** The finished checkpoints of `list` at insnIdx on the current state's call chain. */
export function cleanLiveStates(env: VerifierEnv, list: readonly ExploredState[], insnIdx: number, cur: VerifierState): void {
  for (const sl of list) {
    const st = sl.state;
    if (st.branches > 0 || st.insnIdx !== insnIdx || st.cleaned || !sameCallsites(st, cur)) continue;
    // A loop still explored may yet read more: its marks are not final.
    if (env.scc.incompleteMarks(st)) continue;
    cleanVerifierState(env, st);
  }
}
