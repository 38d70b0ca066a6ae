import type { Arena } from '../../memory/arena.js';
import type { ProgTypeName } from '../../progtypes/prog-types.js';
import { XdpBuff } from '../../progtypes/xdp-buff.js';
import { XDP_ACTION, XDP_MD, XDP_MD_SIZE } from '../../progtypes/xdp-md.js';
import { HookPoint } from '../hook-point.js';
import type { Link } from '../link.js';

/** The frame a program chain ends with, and its verdict (enum xdp_action). */
export interface XdpOutcome {
  readonly action: number;
  /** The frame after the programs' rewrites (adjust_head/tail, stores); the frame given when they changed nothing. */
  readonly frame: Uint8Array;
  /** True when no program could run (the frame does not fit one XDP buffer). */
  readonly skipped: boolean;
}

/** The highest xdp_action (XDP_REDIRECT); r0 above it is no verdict. */
const LAST_ACTION = BigInt(XDP_ACTION.XDP_REDIRECT);

/** One arena's XDP buffer, kept while programs of that arena are attached and reloaded for each frame. */
interface ArenaBuffer {
  readonly buff: XdpBuff;
  /** r1: the pointer to its xdp_md. */
  readonly ctx: bigint;
}

/**
 * The XDP hook of a virtual interface (`xdp` on PacketInterface): each
 * frame is built in each program's arena as the kernel builds an xdp_buff
 * (256 bytes of headroom, one 4 KiB frame), so bpf_xdp_adjust_head, _tail
 * and _meta work. Several programs run in attach order as libxdp's
 * dispatcher chains them: each sees the previous one's frame, and the
 * first verdict other than XDP_PASS ends the chain. A run that fails, or
 * returns a value that is no xdp_action, counts as XDP_ABORTED.
 *
 * As a driver reuses its pages, an arena's buffer is made once and
 * reloaded frame after frame, and a frame its programs left unchanged is
 * not copied out: a firewall that only looks allocates nothing per frame.
 */
export class XdpHook extends HookPoint {
  readonly progTypes: readonly ProgTypeName[] = ['xdp'];
  readonly ctxSize = XDP_MD_SIZE;
  protected override readonly usesCtxSlot = false;
  private readonly buffers = new Map<Arena, ArenaBuffer>();
  /** Buffers over each arena's memory, to compare a frame in place (re-made when growth detaches them). */
  private readonly views = new Map<Arena, Buffer>();
  /** struct xdp_md ctx_in of a frame: its length as data_end, the interface as ingress_ifindex. */
  private readonly ctxIn = new Uint8Array(XDP_MD_SIZE);
  private readonly ctxInView = new DataView(this.ctxIn.buffer);

  constructor(readonly name: string, private readonly ifindex: number) {
    super();
  }

  protected activate(): void {}
  protected deactivate(): void {}

  /** The last program of an arena has gone: its buffer goes too (a detached program leaves no trace). */
  protected override linkReleased(link: Link): void {
    const arena = link.program.arena;
    if (this.attachedLinks().some((l) => l.program.arena === arena)) return;
    this.buffers.get(arena)?.buff.release();
    this.buffers.delete(arena);
    this.views.delete(arena);
  }

  run(frame: Uint8Array): XdpOutcome {
    let current = frame;
    const links = this.attachedLinks();
    for (let i = 0; i < links.length; i++) {
      const link = links[i];
      // (a link detached during this frame, by an error listener, must not get a buffer again)
      if (!link.attached) continue;
      const arena = link.program.arena;
      let buff: XdpBuff;
      let ctx: bigint;
      let own: XdpBuff | null = null;
      const kept = this.buffers.get(arena);
      if (kept !== undefined && kept.buff.reload(current)) {
        buff = kept.buff;
        ctx = kept.ctx;
      } else {
        const made = this.create(arena, current);
        if (made === null) return { action: XDP_ACTION.XDP_PASS, frame: current, skipped: true };
        ctx = arena.pointer(made.ctxOffset);
        buff = made;
        // A frame that needs fragments gets a buffer for itself; the others replace the arena's.
        if (made.frags.length > 0) own = made;
        else {
          kept?.buff.release();
          this.buffers.set(arena, { buff: made, ctx });
        }
      }
      let r0: bigint | null;
      try {
        r0 = this.runProgram(link, ctx);
        current = this.frameAfter(arena, buff, current);
      } finally {
        own?.release();
      }
      if (r0 === null || r0 > LAST_ACTION) return { action: XDP_ACTION.XDP_ABORTED, frame: current, skipped: false };
      const action = Number(r0);
      if (action !== XDP_ACTION.XDP_PASS) return { action, frame: current, skipped: false };
    }
    return { action: XDP_ACTION.XDP_PASS, frame: current, skipped: false };
  }

  /** A new buffer holding `frame` (BPF_PROG_TEST_RUN's, with this interface as ingress), or null when none can. */
  private create(arena: Arena, frame: Uint8Array): XdpBuff | null {
    const v = this.ctxInView;
    v.setUint32(XDP_MD.data_end, frame.length, true);
    v.setUint32(XDP_MD.ingress_ifindex, this.ifindex, true);
    try {
      return XdpBuff.create(arena, frame, this.ctxIn);
    } catch {
      return null;
    }
  }

  /** The linear frame after a run: `before` itself when the program changed none of its bytes, else a copy. */
  private frameAfter(arena: Arena, buff: XdpBuff, before: Uint8Array): Uint8Array {
    const length = buff.dataEnd - buff.data;
    if (length === before.length) {
      let view = this.views.get(arena);
      if (view === undefined || view.length === 0) this.views.set(arena, (view = Buffer.from(arena.memory.buffer)));
      if (view.compare(before, 0, length, buff.data, buff.dataEnd) === 0) return before;
    }
    return arena.bytes.slice(buff.data, buff.dataEnd);
  }
}
