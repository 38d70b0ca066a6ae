import { monotonicNowNs } from '../../helpers/clock.js';
import type { ProgTypeName } from '../../progtypes/prog-types.js';
import { CtxImage } from '../ctx/image.js';
import { UserMemory } from '../ctx/user-memory.js';
import { HookPoint, type ArenaSlot } from '../hook-point.js';
import { marshalValue, type ValueSlot } from './marshal.js';
import {
  ArgKind, UPROBE_AT, UPROBE_F_PROMISE, UPROBE_F_RETURN, UPROBE_F_THREW, UPROBE_F_TRUNCATED, UPROBE_LAYOUT,
  UPROBE_MAX_ARGS, UPROBE_SCRATCH, UPROBE_STR_MAX,
} from './uprobe-ctx.js';

const ARG_SLOTS: readonly ValueSlot[] = Array.from({ length: UPROBE_MAX_ARGS },
  (_, i) => ({ reg: UPROBE_AT.args[i], kind: UPROBE_AT.argKind + i, len: UPROBE_AT.argLen + 4 * i }));
const RET_SLOT: ValueSlot = { reg: UPROBE_AT.ax, kind: UPROBE_AT.retKind, len: UPROBE_AT.retLen };

/**
 * Whether a program reads a value's register, kind or length, or the flags
 * (whose TSBPF_UPROBE_F_TRUNCATED bit depends on every value copied).
 */
const reads = (img: CtxImage, at: ValueSlot): boolean =>
  img.reads(at.reg, 8) || img.reads(at.kind, 1) || img.reads(at.len, 4) || img.reads(UPROBE_AT.flags, 4);

/** What a probe site tells its hooks about (see ProbeSite). */
export interface SiteHooks {
  hookActivated(): void;
  hookDeactivated(): void;
}

/**
 * `uprobe/<target>` (entry) or `uretprobe/<target>` (return) of one probed
 * JavaScript function. Runs kprobe-type programs with a tsbpf_uprobe_ctx.
 */
export class UprobeHook extends HookPoint {
  readonly name: string;
  readonly progTypes: readonly ProgTypeName[] = ['kprobe'];
  readonly ctxSize = UPROBE_LAYOUT.size;
  protected override readonly scratchSize = UPROBE_SCRATCH;
  private readonly image = new CtxImage(UPROBE_LAYOUT);
  private readonly memory = new UserMemory(UPROBE_SCRATCH, UPROBE_STR_MAX);
  /** Writes the staged event into a slot (one function, not a closure per event). */
  private readonly place = (slot: ArenaSlot): void => this.memory.place(this.image, slot);

  /** funcIp as two words, written without a BigInt conversion per event. */
  private readonly funcIpLow: number;
  private readonly funcIpHigh: number;

  constructor(private readonly site: SiteHooks, label: string, readonly isReturn: boolean, funcIp: bigint) {
    super();
    this.name = `${isReturn ? 'uretprobe' : 'uprobe'}/${label}`;
    this.funcIp = funcIp;
    this.funcIpLow = Number(BigInt.asUintN(32, funcIp));
    this.funcIpHigh = Number(BigInt.asUintN(32, funcIp >> 32n));
  }

  /** Events build only what the programs attached now read (arguments included: one no program reads is not copied). */
  protected override attachmentsChanged(): void {
    this.image.readSet = this.attachedReadSet();
  }

  protected activate(): void {
    this.site.hookActivated();
  }

  protected deactivate(): void {
    this.site.hookDeactivated();
  }

  /** The function was called with `args` at `entryNs`. */
  fireEntry(args: ArrayLike<unknown>, entryNs: bigint): void {
    // try/catch here rather than guard(): no closure per call of the probed function.
    try {
      const img = this.begin(entryNs, 0n);
      let flags = 0;
      const n = Math.min(args.length, UPROBE_MAX_ARGS);
      for (let i = 0; i < n; i++) {
        if (reads(img, ARG_SLOTS[i]) && marshalValue(img, this.memory, ARG_SLOTS[i], args[i])) flags |= UPROBE_F_TRUNCATED;
      }
      img.u32(UPROBE_AT.nargs, args.length);
      this.finish(img, flags);
    } catch (err) {
      this.skipEvent(err);
    }
  }

  /**
   * The function returned `value` (or threw it, when `threw`); `promise`
   * when it is what a returned promise settled with.
   */
  fireReturn(value: unknown, entryNs: bigint, threw: boolean, promise: boolean): void {
    try {
      const now = monotonicNowNs();
      const img = this.begin(entryNs, now > entryNs ? now - entryNs : 0n);
      let flags = UPROBE_F_RETURN | (threw ? UPROBE_F_THREW : 0) | (promise ? UPROBE_F_PROMISE : 0);
      // A thrown Error reaches the program as its message (a string in ax).
      const message = threw && value instanceof Error ? String(value.message) : null;
      if (reads(img, RET_SLOT) && marshalValue(img, this.memory, RET_SLOT, message ?? value)) flags |= UPROBE_F_TRUNCATED;
      this.finish(img, flags);
    } catch (err) {
      this.skipEvent(err);
    }
  }

  /** Times are hrtime.bigint() readings and their differences: non-negative u64s, written as they are. */
  private begin(entryNs: bigint, latencyNs: bigint): CtxImage {
    const own = this.image;
    const img = this.eventImage(own).clear();
    this.memory.reset(img === own ? null : this.inPlaceSlot());
    const view = img.view;
    view.setUint32(UPROBE_AT.ip, this.funcIpLow, true);
    view.setUint32(UPROBE_AT.ip + 4, this.funcIpHigh, true);
    img.bigU64(UPROBE_AT.entryNs, entryNs);
    img.bigU64(UPROBE_AT.latencyNs, latencyNs);
    return img;
  }

  private finish(img: CtxImage, flags: number): void {
    img.u32(UPROBE_AT.flags, flags);
    this.runAll(img === this.image ? this.place : null);
  }
}
