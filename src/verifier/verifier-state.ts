import { FuncState } from './func-state.js';
import type { RegState } from './reg-state.js';
import type { History } from './history.js';

/** An acquired reference that must be released on every path (struct bpf_reference_state). */
export interface RefState {
  readonly id: number;
  readonly insnIdx: number;
}

/**
 * The state of one path (struct bpf_verifier_state): the call frames, the
 * references held, and the links pruning needs (parent checkpoint, the count
 * of paths still being explored below this state).
 */
export class VerifierState {
  frames: FuncState[] = [];
  curframe = 0;
  refs: RefState[] = [];
  /** Checkpoint this path continues from (a state in the explored list). */
  parent: VerifierState | null = null;
  /** Paths still being explored that descend from this state. */
  branches = 1;
  /** Instruction at which this state was stored as a checkpoint. */
  insnIdx = 0;
  /** Tail call or bpf-to-bpf call stack hazards tracked for the whole path. */
  speculative = false;
  /** Stored checkpoints: number of times a path was pruned against it. */
  hitCount = 0;
  missCount = 0;
  /** Depth of callback calls simulated inline (bpf_loop etc.). */
  callbackUnrollDepth = 0;
  /** The jump history since the last checkpoint (jmp_history). */
  history: History | null = null;
  /** First instruction of this state's history, and the last one executed (first/last_insn_idx). */
  firstInsnIdx = 0;
  lastInsnIdx = -1;
  /** Dropped from its list of checkpoints while paths still continue from it. */
  inFreeList = false;
  /** Checkpoints between the program's start and this state (dfs_depth). */
  dfsDepth = 0;

  get jmpHistoryCnt(): number {
    return this.history ? this.history.count : 0;
  }

  get cur(): FuncState {
    return this.frames[this.curframe];
  }

  get regs(): RegState[] {
    return this.frames[this.curframe].regs;
  }

  clone(): VerifierState {
    const s = new VerifierState();
    s.frames = this.frames.map((f) => f.clone());
    s.curframe = this.curframe;
    s.refs = this.refs.slice();
    s.parent = this.parent;
    s.branches = this.branches;
    s.insnIdx = this.insnIdx;
    s.speculative = this.speculative;
    s.callbackUnrollDepth = this.callbackUnrollDepth;
    s.history = this.history;
    s.firstInsnIdx = this.firstInsnIdx;
    s.lastInsnIdx = this.lastInsnIdx;
    s.dfsDepth = this.dfsDepth;
    return s;
  }

  /** Every register and spilled register of every frame, with its frame. */
  forEachReg(fn: (reg: RegState, frame: FuncState) => void): void {
    for (let i = 0; i <= this.curframe; i++) {
      const f = this.frames[i];
      for (const r of f.regs) fn(r, f);
      for (let spi = 0; spi < f.spilled.length; spi++) {
        const r = f.spillAt(spi);
        if (r) fn(r, f);
      }
    }
  }
}
