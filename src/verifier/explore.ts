// The depth-first exploration of paths (push_stack/pop_stack) and the branch
// counts that tell when a checkpoint's every continuation has been explored.
import type { VerifierEnv } from './env.js';
import type { VerifierState } from './verifier-state.js';

/** BPF_COMPLEXITY_LIMIT_JMP_SEQ */
export const COMPLEXITY_LIMIT_JMP_SEQ = 8192;

/** push_stack: remembers the other arm of a branch, starting at insnIdx. */
export function pushStack(env: VerifierEnv, insnIdx: number, prevInsnIdx: number): VerifierState {
  const st = env.cur.clone();
  env.pending.push({ state: st, insnIdx, prevInsnIdx, logPos: env.log.endPos });
  if (env.pending.length > COMPLEXITY_LIMIT_JMP_SEQ) {
    env.fail(`The sequence of ${env.pending.length} jumps is too complex.`, 'E2BIG');
  }
  if (st.parent) st.parent.branches++;
  return st;
}

/** maybe_free_verifier_state: a dropped checkpoint no path continues from is gone. */
function maybeFreeState(env: VerifierEnv, st: VerifierState): void {
  if (!st.inFreeList || st.branches !== 0 || env.scc.incompleteMarks(st)) return;
  st.inFreeList = false;
  env.freeListSize--;
}

/** update_branch_counts: a path ended; checkpoints whose paths are all done become usable for pruning. */
export function updateBranchCounts(env: VerifierEnv, st: VerifierState | null): void {
  let s = st;
  while (s) {
    const br = --s.branches;
    if (br > 0) break;
    env.scc.exit(env, s);
    maybeFreeState(env, s);
    s = s.parent;
  }
}
