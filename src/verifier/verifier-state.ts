import { BPF_REG_SIZE, FuncState } from './func-state.js';
import type { RegState } from './reg-state.js';
import type { History } from './history.js';

/** An acquired reference that must be released on every path (struct bpf_reference_state). */
export interface RefState {
  readonly id: number;
  readonly insnIdx: number;
}

/** The bpf_spin_lock a path holds (the kernel's REF_TYPE_LOCK state): the map value pointer's id and map. */
export interface LockState {
  readonly id: number;
  readonly map: number;
}

/**
 * The state of one path (struct bpf_verifier_state): the call frames, the
 * references held, and the links pruning needs (parent checkpoint, the count
 * of paths still being explored below this state).
 */
export class VerifierState {
  frames: FuncState[] = [];
  curframe = 0;
  /** Replaced, never changed in place (clones share it). */
  refs: readonly RefState[] = [];
  /** The bpf_spin_lock held, if any (only one at a time). */
  activeLock: LockState | null = null;
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
  /** A stored checkpoint whose dead stack slots were forgotten (see cleanLiveStates). */
  cleaned = false;
  /** Checkpoints between the program's start and this state (dfs_depth). */
  dfsDepth = 0;
  /**
   * The loop this state is in, once computed for a stored checkpoint (see
   * scc-visit.ts): not copied by clone().
   */
  sccChain: unknown = undefined;
  /** With TSBPF_VERIFIER_CHECK_STATES=1: the digest of a stored checkpoint (see state-digest.ts). */
  digest: string | undefined = undefined;

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
    const frames = new Array<FuncState>(this.frames.length);
    for (let i = 0; i < frames.length; i++) frames[i] = this.frames[i].clone();
    s.frames = frames;
    s.curframe = this.curframe;
    // Never changed in place (replaced on acquire and release): shared.
    s.refs = this.refs;
    s.activeLock = this.activeLock;
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

  /**
   * Every register and spilled register of every frame, with its frame, for
   * `fn` to change: those that `match` accepts (all without it), each made
   * the frame's own first.
   */
  forEachReg(fn: (reg: RegState, frame: FuncState) => void, match?: (reg: RegState) => boolean): void {
    for (let i = 0; i <= this.curframe; i++) {
      const f = this.frames[i];
      for (let i = 0; i < f.regs.length; i++) {
        if (match && !match(f.regs[i])) continue;
        fn(f.reg(i), f);
      }
      const slots = f.allocatedStack / BPF_REG_SIZE;
      for (let spi = 0; spi < slots; spi++) {
        const r = f.spillAt(spi);
        if (!r || (match && !match(r))) continue;
        fn(f.ownSpill(spi), f);
      }
    }
  }
}

/** same_callsites: both states are in the same frames, called from the same instructions. */
export function sameCallsites(a: VerifierState, b: VerifierState): boolean {
  if (a.curframe !== b.curframe) return false;
  for (let i = a.curframe; i >= 0; i--) if (a.frames[i].callsite !== b.frames[i].callsite) return false;
  return true;
}
