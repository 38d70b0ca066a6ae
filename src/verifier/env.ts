import type { Instruction } from '../isa/instruction.js';
import { CtxReads } from './ctx-reads.js';
import type { HelperProto } from '../helpers/proto.js';
import type { CfgInfo } from './cfg.js';
import { VerifierError, type VerifierErrno } from './errors.js';
import { VerifierLog } from './log.js';
import type { VerifierMap } from './maps.js';
import type { ProgTypeRules } from './prog-type-rules.js';
import type { SubprogInfo } from './subprogs.js';
import { StackLiveness } from './stack-liveness.js';
import type { VerifierState } from './verifier-state.js';
import { History, newEntry, type HistEntry } from './history.js';
import type { SccNumbers } from './scc.js';
import { SccVisits } from './scc-visit.js';
import type { GlobalFunc } from './global-funcs.js';

/**
 * Per-instruction facts gathered while exploring (struct bpf_insn_aux_data),
 * in arrays indexed by instruction.
 */
export class InsnAux {
  /** Pointer type a load/store used first (same insn cannot be used with different pointers). */
  readonly ptrType: Int32Array;
  /** The instruction was reached on some path (1). */
  readonly seen: Uint8Array;
  /** bpf_loop calls: still fit to be inlined (flags always 0, always the same callback). */
  readonly loopInline = new Map<number, { fit: boolean; subprog: number }>();

  constructor(n: number) {
    this.ptrType = new Int32Array(n);
    this.seen = new Uint8Array(n);
  }
}

/** One stored checkpoint at a prune point (struct bpf_verifier_state_list). */
export interface ExploredState {
  state: VerifierState;
  hitCnt: number;
  missCnt: number;
}

/** A path waiting to be explored (struct bpf_verifier_stack_elem). */
export interface PendingPath {
  state: VerifierState;
  insnIdx: number;
  prevInsnIdx: number;
  logPos: number;
  /** With TSBPF_VERIFIER_CHECK_STATES=1: the state's digest once its instruction is done. */
  digest?: string;
}

export interface SourceLine {
  readonly insn: number;
  readonly lineText: string;
}

/** Everything one verification run shares (struct bpf_verifier_env). */
export class VerifierEnv {
  readonly log: VerifierLog;
  /** CAP_BPF + CAP_PERFMON: bounded loops, uninitialised stack reads, pointer leaks allowed. */
  readonly privileged: boolean;
  readonly aux: InsnAux;
  /** Checkpoints, in the kernel's hash buckets (see exploredBucket). */
  explored: (ExploredState[] | undefined)[];
  /** The stack slots each instruction may still read (the kernel's env->liveness). */
  readonly liveStack: StackLiveness;
  readonly pending: PendingPath[] = [];
  cur!: VerifierState;
  insnIdx = 0;
  /** The instruction executed before the current one (prev_insn_idx). */
  prevInsnIdx = -1;
  /** What prevInsnIdx becomes at the next instruction. */
  nextPrevInsnIdx = -1;
  idGen = 0;
  insnProcessed = 0;
  /** Most instructions to process (BPF_COMPLEXITY_LIMIT_INSNS). */
  complexityLimit = 1_000_000;
  jmpsProcessed = 0;
  prevJmpsProcessed = 0;
  prevInsnProcessed = 0;
  totalStates = 0;
  peakStates = 0;
  exploredCount = 0;
  /** One past the last context byte an access touched (max_ctx_offset). */
  maxCtxOffset = 0;
  /** The context bytes the program may read (ctx-reads.ts). */
  readonly ctxReads = new CtxReads();
  /** Stores into the context: instruction → ctx offset (what the kernel's convert_ctx_accesses rewrites). */
  readonly ctxStores = new Map<number, number>();
  /** Loads from the context: instruction → ctx offset. */
  readonly ctxLoads = new Map<number, number>();
  /** Checkpoints dropped from the lists whose paths are still being explored (free_list_size). */
  freeListSize = 0;
  maxStatesPerInsn = 0;
  /** Log bookkeeping (prev_log_pos, prev_insn_print_pos). */
  prevLogPos = 0;
  prevInsnPrintPos = 0;
  scratchedRegs = 0;
  scratchedStack = new Uint8Array(64);
  stackScratched = false;
  prevLineInfo: SourceLine | undefined;
  /** The history entry of the current instruction, once pushed (cur_hist_ent). */
  private curHistEnt: HistEntry | null = null;

  /**
   * push_insn_history: the current instruction's entry in the path's jump
   * history (created once per instruction; later facts are added to it).
   */
  pushHistory(): HistEntry {
    if (this.curHistEnt) return this.curHistEnt;
    const entry = newEntry(this.insnIdx, this.prevInsnIdx);
    const cur = this.cur;
    cur.history = new History(entry, cur.history, cur.jmpHistoryCnt + 1);
    this.curHistEnt = entry;
    return entry;
  }

  /** A new instruction starts: its history entry does not exist yet. */
  newHistoryInsn(): void {
    this.curHistEnt = null;
  }

  constructor(
    readonly insns: readonly Instruction[],
    readonly maps: VerifierMap[],
    readonly prog: ProgTypeRules,
    readonly helperProto: (id: number) => HelperProto | undefined,
    readonly subprogs: SubprogInfo[],
    readonly cfg: CfgInfo,
    readonly liveRegs: Uint16Array,
    logLevel: number,
    unprivileged: boolean,
    readonly lineInfo: readonly SourceLine[],
    readonly hasFuncInfo: boolean,
    scc: SccNumbers,
  ) {
    this.log = new VerifierLog(logLevel);
    this.privileged = !unprivileged;
    this.aux = new InsnAux(insns.length);
    this.explored = new Array(insns.length);
    this.liveStack = new StackLiveness(insns, subprogs);
    this.sccNumbers = scc;
    this.scc = new SccVisits(scc.withCallbacks, scc.withoutCallbacks);
  }

  private readonly sccNumbers: SccNumbers;
  /** The loops being explored and the paths pruned inside them. */
  scc: SccVisits;

  /** update_peak_states: checkpoints and kept backedges. */
  updatePeakStates(): void {
    const n = this.exploredCount + this.freeListSize + this.scc.count;
    if (n > this.peakStates) this.peakStates = n;
  }

  private readonly innerMaps = new Map<number, number>();

  /** The index under which the inner-map template of map-of-maps `outer` is known. */
  innerMapIndex(outer: number): number {
    let idx = this.innerMaps.get(outer);
    if (idx === undefined) {
      const inner = this.maps[outer].inner;
      if (!inner) return outer;
      idx = this.maps.length;
      this.maps.push(inner);
      this.innerMaps.set(outer, idx);
    }
    return idx;
  }

  /** The program may sleep (BPF_F_SLEEPABLE): helpers that might sleep are allowed. */
  sleepable = false;

  /** Global functions by sub-program index: called from a verified path, and verified on their own. */
  readonly globalFuncs = new Map<number, { readonly fn: GlobalFunc; called: boolean; verified: boolean }>();

  /**
   * explored_state: the bucket of checkpoints at insnIdx for the current
   * frame's call site. Checkpoints of other call sites are mostly elsewhere:
   * they neither count misses nor hold back new checkpoints here.
   */
  exploredBucket(insnIdx: number): number {
    const callsite = this.cur.frames[this.cur.curframe].callsite;
    return ((insnIdx ^ callsite) >>> 0) % this.insns.length;
  }

  /** free_states: a global function's verification starts with no checkpoints of the one before. */
  forgetCheckpoints(): void {
    this.explored = new Array(this.insns.length);
    this.exploredCount = 0;
    this.freeListSize = 0;
    this.scc = new SccVisits(this.sccNumbers.withCallbacks, this.sccNumbers.withoutCallbacks);
    // The liveness marks stay (they are per call chain); the current state is a new one.
    this.liveStack.resetCallchain();
  }

  get allowPtrLeaks(): boolean { return this.privileged; }
  get allowUninitStack(): boolean { return this.privileged; }
  get bpfCapable(): boolean { return this.privileged; }
  /** Spectre v1 mitigations are skipped for CAP_PERFMON. */
  get bypassSpecV1(): boolean { return this.privileged; }

  /** Appends to the log (the kernel's verbose()). */
  verbose(text: string): void {
    this.log.write(text);
  }

  /** Lines of the refusal being reported (reset at each instruction). */
  errorLines: string[] = [];

  /** Logs a line that explains a refusal (it becomes part of the error). */
  note(message: string): void {
    this.errorLines.push(message);
    this.verbose(`${message}\n`);
  }

  /** Logs `message` (a line) and throws the refusal for the current instruction. */
  fail(message: string, errno: VerifierErrno = 'EACCES', insn = this.insnIdx): never {
    this.note(message);
    return this.refuse(errno, insn);
  }

  /** Throws the refusal whose lines were already noted. */
  refuse(errno: VerifierErrno = 'EACCES', insn = this.insnIdx): never {
    const err = new VerifierError(this.errorLines[0] ?? 'verification failed', insn, errno);
    err.lines = this.errorLines.slice();
    throw err;
  }

  markRegScratched(regno: number): void {
    this.scratchedRegs |= 1 << regno;
  }

  markStackSlotScratched(spi: number): void {
    this.scratchedStack[spi] = 1;
    this.stackScratched = true;
  }

  markAllScratched(): void {
    this.scratchedRegs = 0x7ff;
    this.scratchedStack.fill(1);
    this.stackScratched = true;
  }

  markStateClean(): void {
    this.scratchedRegs = 0;
    if (this.stackScratched) this.scratchedStack.fill(0);
    this.stackScratched = false;
  }

  get stateScratched(): boolean {
    return this.scratchedRegs !== 0 || this.stackScratched;
  }

  /** The C source line of an instruction, from BTF line info. */
  lineOf(insn: number): SourceLine | undefined {
    const li = this.lineInfo;
    if (li.length === 0) return undefined;
    let lo = 0;
    let hi = li.length - 1;
    if (insn < li[0].insn) return undefined;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (li[mid].insn <= insn) lo = mid;
      else hi = mid - 1;
    }
    return li[lo];
  }

  /** verbose_linfo: prints `; <source line>` once per line change. */
  verboseLinfo(insn: number, prefix: string): void {
    if (!this.log.enabled) return;
    const line = this.lineOf(insn);
    if (!line || line === this.prevLineInfo) return;
    this.verbose(`${prefix}${line.lineText.trimStart()}\n`);
    this.prevLineInfo = line;
  }
}
