// Loops and their unfinished marks (the kernel's bpf_scc_visit): a path that
// is pruned against a checkpoint of a loop still being explored ("backedge")
// gets only the precision marks that checkpoint has so far. Each backedge is
// kept until every path that entered the loop is done; then the marks are
// propagated along all of them again until nothing changes.
import type { VerifierEnv } from './env.js';
import { markAllScalarsPrecise, propagatePrecision } from './precision.js';
import type { VerifierState } from './verifier-state.js';

/** The path into a loop: the call sites leading to the frame that is in it, and the loop's number. */
interface SccCallchain {
  readonly key: string;
  readonly text: string;
}

interface SccVisit {
  /** The first checkpoint made in the loop on this call chain, while its paths are explored. */
  entry: VerifierState | null;
  backedges: Backedge[];
  /** How many of the backedges count in peak_states. */
  counted: number;
}

/** A pruned path: its state at the prune point, and the checkpoint it was found equal to. */
interface Backedge {
  readonly state: VerifierState;
  readonly equal: VerifierState;
}

/** MAX_BACKEDGE_ITERS */
const MAX_BACKEDGE_ITERS = 64;

export class SccVisits {
  private readonly visits = new Map<string, SccVisit>();
  private readonly byEntry = new Map<VerifierState, { visit: SccVisit; chain: SccCallchain }>();
  /** Backedges kept, for peak_states (those of loops kernel 6.18 knows). */
  count = 0;

  /**
   * `sccOf` numbers the loops the analysis uses; `loggedSccOf` those the log
   * names (kernel 6.18 does not count a helper calling a callback as a loop).
   */
  constructor(private readonly sccOf: Uint32Array, private readonly loggedSccOf: Uint32Array = sccOf) {}

  /** compute_scc_callchain: null when no frame of the state is in a loop. */
  callchain(st: VerifierState, sccOf = this.sccOf): SccCallchain | null {
    // Stored checkpoints never change frames or instruction: enter() keeps their chain.
    if (sccOf === this.sccOf && st.sccChain !== undefined) return st.sccChain as SccCallchain | null;
    return this.computeCallchain(st, sccOf);
  }

  private computeCallchain(st: VerifierState, sccOf: Uint32Array): SccCallchain | null {
    // Most states are in the main frame, outside any loop.
    let inLoop = false;
    for (let i = 0; i <= st.curframe && !inLoop; i++) {
      const insnIdx = i === st.curframe ? st.insnIdx : st.frames[i + 1].callsite;
      if (sccOf[insnIdx]) inLoop = true;
    }
    if (!inLoop) return null;
    const callsites: number[] = [];
    for (let i = 0; i <= st.curframe; i++) {
      const insnIdx = i === st.curframe ? st.insnIdx : st.frames[i + 1].callsite;
      const scc = sccOf[insnIdx];
      if (scc) {
        // The kernel prints the call sites up to the first 0 (its array's end marker).
        const shown = callsites.indexOf(0) < 0 ? callsites : callsites.slice(0, callsites.indexOf(0));
        return { key: `${callsites.join(',')}|${scc}`, text: `(${shown.map((c) => `${c},`).join('')}${scc})` };
      }
      if (i === st.curframe) return null;
      callsites.push(insnIdx);
    }
    return null;
  }

  /** maybe_enter_scc: a checkpoint was made. */
  enter(env: VerifierEnv, st: VerifierState): void {
    const chain = this.computeCallchain(st, this.sccOf);
    st.sccChain = chain;
    if (!chain) return;
    let visit = this.visits.get(chain.key);
    if (!visit) {
      visit = { entry: null, backedges: [], counted: 0 };
      this.visits.set(chain.key, visit);
    }
    if (visit.entry) return;
    visit.entry = st;
    this.byEntry.set(st, { visit, chain });
    this.logScc(env, 'enter', st, chain);
  }

  /** maybe_exit_scc: every path from `st` was explored. */
  exit(env: VerifierEnv, st: VerifierState): void {
    const found = this.byEntry.get(st);
    if (!found) return;
    this.byEntry.delete(st);
    const { visit, chain } = found;
    this.logScc(env, 'exit', st, chain);
    visit.entry = null;
    this.count -= visit.counted;
    visit.counted = 0;
    // Kernel 6.18 has no backedges for callback loops: keep their work out of the log.
    const silent = this.loggedSccOf !== this.sccOf && !this.callchain(st, this.loggedSccOf);
    const pos = env.log.endPos;
    this.propagateBackedges(env, visit);
    if (silent) env.log.reset(pos);
  }

  /** "SCC enter (callsites,scc)": when the kernel's log would name the same loop. */
  private logScc(env: VerifierEnv, what: string, st: VerifierState, chain: SccCallchain): void {
    if (env.log.level < 2) return;
    if (this.loggedSccOf === this.sccOf) {
      env.verbose(`SCC ${what} ${chain.text}\n`);
      return;
    }
    const logged = this.callchain(st, this.loggedSccOf);
    if (!logged) return;
    // The same frame must be the one in the loop.
    if (logged.key.split(',').length !== chain.key.split(',').length) return;
    env.verbose(`SCC ${what} ${logged.text}\n`);
  }

  /** add_scc_backedge: `cur` was pruned against `old`, a checkpoint of a loop being explored. */
  addBackedge(env: VerifierEnv, old: VerifierState, cur: VerifierState, insnIdx: number): void {
    const chain = this.callchain(old);
    const visit = chain && this.visits.get(chain.key);
    if (!chain || !visit) throw new Error(`verifier bug: no loop visit for the backedge at insn ${insnIdx}`);
    const state = cur.clone();
    state.insnIdx = insnIdx;
    visit.backedges.push({ state, equal: old });
    if (this.loggedSccOf === this.sccOf || this.callchain(old, this.loggedSccOf)) {
      visit.counted++;
      this.count++;
    }
  }

  /** incomplete_read_marks: `st` is in a loop with paths still being explored that were pruned. */
  incompleteMarks(st: VerifierState): boolean {
    if (this.visits.size === 0) return false;
    const chain = this.callchain(st);
    if (!chain) return false;
    const visit = this.visits.get(chain.key);
    return !!visit && visit.backedges.length > 0;
  }

  /** propagate_backedges */
  private propagateBackedges(env: VerifierEnv, visit: SccVisit): void {
    // The kernel walks its list from the latest backedge.
    const edges = visit.backedges.slice().reverse();
    for (let i = 0; ; i++) {
      if (i > MAX_BACKEDGE_ITERS) {
        if (env.log.level >= 2) env.verbose('propagate_backedges: too many iterations\n');
        for (const e of edges) markAllScalarsPrecise(env, e.state);
        break;
      }
      const changed = { value: false };
      for (const e of edges) propagatePrecision(env, e.equal, e.state, e.state.insnIdx, changed);
      if (!changed.value) break;
    }
    visit.backedges = [];
  }
}
