import type { Arena } from '../memory/arena.js';
import type { Region } from '../memory/region.js';
import type { ProgTypeName } from '../progtypes/prog-types.js';
import { CtxImage } from './ctx/image.js';
import { CtxReadSet } from './ctx/read-set.js';
import { CtxAccessError, WrongProgramTypeError } from './errors.js';
import { Link } from './link.js';
import type { HookProgram } from './program.js';
import { hookStatsEnabled } from './stats.js';

export interface AttachOptions {
  /** The link's cookie (bpf_get_attach_cookie()); default 0. */
  readonly cookie?: bigint | number;
}

/**
 * The buffers a hook keeps in one arena while programs of that arena are
 * attached: the context (its region exactly the struct, so a read past it
 * faults) and, for hooks that pass pointers, a scratch area of "user memory".
 */
export interface ArenaSlot {
  readonly arena: Arena;
  readonly ctxOffset: number;
  readonly ctxPointer: bigint;
  readonly scratchOffset: number;
  readonly scratchSize: number;
  /** @internal A 32-bit view of the arena's memory for word copies (re-made when growth detaches it). */
  words: Uint32Array | null;
  /** @internal */ refs: number;
  /** @internal */ epoch: number;
  /** @internal */ readonly regions: Region[];
}

interface Attachment {
  readonly link: Link;
  /** Null for hooks that build their context per run (usesCtxSlot false). */
  readonly slot: ArenaSlot | null;
}

/**
 * One place programs attach to. Programs run in attach order each time the
 * hook fires. The hook installs its event source when the first program
 * attaches (activate) and removes it when the last one leaves (deactivate),
 * so a hook with nothing attached costs nothing and leaves no trace.
 */
export abstract class HookPoint {
  /** Canonical name, e.g. `tracepoint/node/http_server_request`. */
  abstract readonly name: string;
  /** Program types the hook runs (the kernel's attach-time check). */
  abstract readonly progTypes: readonly ProgTypeName[];
  /** Bytes of the context struct. */
  abstract readonly ctxSize: number;
  /** Bytes of "user memory" for strings and buffers the ctx points to (0: none). */
  protected readonly scratchSize: number = 0;
  /** The probed function's id for bpf_get_func_ip(), if any. */
  protected funcIp = 0n;
  /**
   * False for hooks whose context is built per run (packets: src/progtypes'
   * test-run contexts): they get no ctx slot and run programs with runProgram().
   */
  protected readonly usesCtxSlot: boolean = true;

  /** Events whose context could not be built (an argument a hook cannot read): skipped, never thrown into the host. */
  failedEvents = 0;
  private attachments: Attachment[] = [];
  /** The attachments' links, kept beside them (replaced, never mutated): hooks that run per packet read it. */
  private linkList: readonly Link[] = [];
  private readonly slots = new Map<Arena, ArenaSlot>();
  private epoch = 0;
  /** The slot every attached program uses, when they share one (the usual case: events write their ctx into it in place). */
  private soleSlot: ArenaSlot | null = null;
  /** The ctx image over soleSlot's bytes (made on first use, and again after the arena grows). */
  private soleImage: CtxImage | null = null;

  /** Programs attached now. */
  get attachedCount(): number {
    return this.attachments.length;
  }

  get active(): boolean {
    return this.attachments.length > 0;
  }

  /** The links attached now, in run order. */
  links(): Link[] {
    return [...this.linkList];
  }

  /** The links attached now, in run order, without a copy (the array is replaced on attach and detach, never changed). */
  protected attachedLinks(): readonly Link[] {
    return this.linkList;
  }

  attach(program: HookProgram, options: AttachOptions = {}): Link {
    if (!this.progTypes.includes(program.type)) {
      throw new WrongProgramTypeError(program.name, program.type, this.name, this.progTypes);
    }
    if (program.maxCtxOffset !== undefined && program.maxCtxOffset > this.ctxSize) {
      throw new CtxAccessError(program.name, this.name, program.maxCtxOffset, this.ctxSize);
    }
    this.checkProgram(program);
    const slot = this.usesCtxSlot ? this.acquireSlot(program.arena) : null;
    const link = new Link(this.name, program, BigInt.asUintN(64, BigInt(options.cookie ?? 0)), (l) => this.release(l), this.funcIp);
    const first = this.attachments.length === 0;
    this.setAttachments([...this.attachments, { link, slot }]);
    if (first) {
      try {
        this.activate();
      } catch (err) {
        this.setAttachments([]);
        if (slot) this.releaseSlot(slot);
        throw err;
      }
    }
    return link;
  }

  /** Extra checks of a program at attach (override). */
  protected checkProgram(_program: HookProgram): void {}

  /** Installs the event source (called when the first program attaches). */
  protected abstract activate(): void;
  /** Removes the event source (called when the last program detaches). */
  protected abstract deactivate(): void;

  private release(link: Link): void {
    const a = this.attachments.find((x) => x.link === link);
    if (!a) return;
    this.setAttachments(this.attachments.filter((x) => x !== a));
    if (a.slot) this.releaseSlot(a.slot);
    this.linkReleased(link);
    if (this.attachments.length === 0) this.deactivate();
  }

  /** Called when a link has left the hook (before deactivate(), when it was the last): to free what the hook kept for it. */
  protected linkReleased(_link: Link): void {}

  private setAttachments(list: Attachment[]): void {
    this.attachments = list;
    this.linkList = list.map((x) => x.link);
    const first = list[0]?.slot ?? null;
    this.soleSlot = first !== null && list.every((x) => x.slot === first) ? first : null;
    this.soleImage = null;
    this.attachmentsChanged();
  }

  /** Called when a program attaches or detaches (override: e.g. to work out what the programs attached now read). */
  protected attachmentsChanged(): void {}

  /** The context bytes any program attached now reads (for the images of hooks that build only those). */
  protected attachedReadSet(): CtxReadSet {
    return CtxReadSet.of(this.ctxSize, this.linkList.map((l) => l.program.ctxReads));
  }

  /**
   * The image to write an event's context into: when every attached
   * program shares one arena, the ctx slot of that arena itself (written
   * once, copied nowhere: pass runAll no prepare function; inPlaceSlot()
   * is that slot); else `own`, which runAll's prepare copies into each slot.
   */
  protected eventImage(own: CtxImage): CtxImage {
    const slot = this.soleSlot;
    if (slot === null) return own;
    let img = this.soleImage;
    // A view of a buffer that growth has detached has length 0.
    if (img === null || img.bytes.length === 0) {
      const bytes = slot.arena.bytes.subarray(slot.ctxOffset, slot.ctxOffset + own.layout.size);
      this.soleImage = img = new CtxImage(own.layout, bytes, own.readSet);
    }
    return img;
  }

  /** The slot eventImage() writes in place, when it does (for hooks that also write user memory in place). */
  protected inPlaceSlot(): ArenaSlot | null {
    return this.soleSlot;
  }

  /**
   * Runs every attached program once, in attach order. `prepare` writes the
   * context (and any scratch data) into a slot; it is called once per arena
   * per event; null when the event was written in place (eventImage).
   * `onResult` sees each program's r0. A program that fails is counted on
   * its link and the others still run: the host never sees it.
   */
  protected runAll(prepare: ((slot: ArenaSlot) => void) | null, onResult?: (r0: bigint, link: Link) => void): void {
    const epoch = ++this.epoch;
    // The array is replaced, never mutated, so detaching during a run is safe.
    const list = this.attachments;
    for (const a of list) {
      const slot = a.slot;
      if (!a.link.attached || !slot) continue;
      if (prepare !== null && slot.epoch !== epoch) {
        try {
          prepare(slot);
        } catch (err) {
          a.link.recordError(err instanceof Error ? err : new Error(String(err)));
          continue;
        }
        slot.epoch = epoch;
      }
      const r0 = this.runProgram(a.link, slot.ctxPointer);
      if (r0 !== null) onResult?.(r0, a.link);
    }
  }

  /**
   * Runs one attached program with r1 = ctx: sets the run info the helpers
   * read, counts the run (timed when hook stats are on), and turns a failure
   * into a link error; returns r0, or null when the run failed.
   */
  protected runProgram(link: Link, ctx: bigint): bigint | null {
    try {
      if (hookStatsEnabled()) {
        const t0 = performance.now();
        const r0 = link.runner(ctx);
        link.recordRun(Math.round((performance.now() - t0) * 1e6), r0);
        return r0;
      }
      const r0 = link.runner(ctx);
      link.recordRun(0, r0);
      return r0;
    } catch (err) {
      link.recordError(err instanceof Error ? err : new Error(String(err)));
      return null;
    }
  }

  /**
   * Runs `build` (which builds an event's context and runs the programs),
   * turning anything it throws into a skipped event: the traced application
   * never sees an exception of tsbpf's.
   */
  protected guard(build: () => void): void {
    try {
      build();
    } catch (err) {
      this.skipEvent(err);
    }
  }

  /**
   * Counts an event whose context could not be built (what guard() does
   * with what it catches), for hot paths that catch inline rather than
   * allocate a closure per event.
   */
  protected skipEvent(err: unknown): void {
    if (this.failedEvents++ === 0) process.emitWarning(`${this.name}: an event was skipped: ${(err as Error)?.message ?? String(err)}`, 'TsbpfHookWarning');
  }

  /** Copies a finished context image into a slot. */
  protected static writeCtx(slot: ArenaSlot, image: Uint8Array): void {
    slot.arena.bytes.set(image, slot.ctxOffset);
  }

  private acquireSlot(arena: Arena): ArenaSlot {
    const known = this.slots.get(arena);
    if (known) {
      known.refs++;
      return known;
    }
    const ctxOffset = arena.alloc(Math.max(this.ctxSize, 8), 8);
    const regions = [arena.addRegion(ctxOffset, this.ctxSize, 'ctx', `ctx of ${this.name}`, false)];
    let scratchOffset = 0;
    if (this.scratchSize > 0) {
      scratchOffset = arena.alloc(this.scratchSize, 8);
      regions.push(arena.addRegion(scratchOffset, this.scratchSize, 'mem', `user memory of ${this.name}`, false));
    }
    const slot: ArenaSlot = {
      arena, ctxOffset, ctxPointer: arena.pointer(ctxOffset), scratchOffset, scratchSize: this.scratchSize,
      words: null, refs: 1, epoch: 0, regions,
    };
    this.slots.set(arena, slot);
    return slot;
  }

  private releaseSlot(slot: ArenaSlot): void {
    if (--slot.refs > 0) return;
    this.slots.delete(slot.arena);
    for (const r of slot.regions) slot.arena.removeRegion(r);
    slot.arena.free(slot.ctxOffset);
    if (slot.scratchSize > 0) slot.arena.free(slot.scratchOffset);
  }
}
