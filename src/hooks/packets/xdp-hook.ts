import type { ProgTypeName } from '../../progtypes/prog-types.js';
import { prepareTestRun } from '../../progtypes/test-run.js';
import type { XdpBuff } from '../../progtypes/xdp-buff.js';
import { XDP_ACTION, XDP_MD, XDP_MD_SIZE } from '../../progtypes/xdp-md.js';
import { HookPoint } from '../hook-point.js';

/** The frame a program chain ends with, and its verdict (enum xdp_action). */
export interface XdpOutcome {
  readonly action: number;
  /** The frame after the programs' rewrites (adjust_head/tail, stores). */
  readonly frame: Uint8Array;
  /** True when no program could run (the frame does not fit one XDP buffer). */
  readonly skipped: boolean;
}

/**
 * The XDP hook of a virtual interface (`xdp` on PacketInterface): each
 * frame is built in each program's arena as the kernel builds an xdp_buff
 * (256 bytes of headroom, one 4 KiB frame), so bpf_xdp_adjust_head, _tail
 * and _meta work. Several programs run in attach order as libxdp's
 * dispatcher chains them: each sees the previous one's frame, and the
 * first verdict other than XDP_PASS ends the chain. A run that fails, or
 * returns a value that is no xdp_action, counts as XDP_ABORTED.
 */
export class XdpHook extends HookPoint {
  readonly progTypes: readonly ProgTypeName[] = ['xdp'];
  readonly ctxSize = XDP_MD_SIZE;
  protected override readonly usesCtxSlot = false;

  constructor(readonly name: string, private readonly ifindex: number) {
    super();
  }

  protected activate(): void {}
  protected deactivate(): void {}

  run(frame: Uint8Array): XdpOutcome {
    let current = frame;
    const ctxIn = new Uint8Array(XDP_MD_SIZE);
    const v = new DataView(ctxIn.buffer);
    for (const link of this.links()) {
      v.setUint32(XDP_MD.data_end, current.length, true);
      v.setUint32(XDP_MD.ingress_ifindex, this.ifindex, true);
      let prepared;
      try {
        prepared = prepareTestRun(link.program.arena, 'xdp', { dataIn: current, ctxIn });
      } catch {
        return { action: XDP_ACTION.XDP_PASS, frame: current, skipped: true };
      }
      try {
        const r0 = this.runProgram(link, prepared.ctx);
        const buff = prepared.context as XdpBuff;
        current = link.program.arena.bytes.slice(buff.data, buff.dataEnd);
        if (r0 === null || r0 > BigInt(XDP_ACTION.XDP_REDIRECT)) return { action: XDP_ACTION.XDP_ABORTED, frame: current, skipped: false };
        const action = Number(r0);
        if (action !== XDP_ACTION.XDP_PASS) return { action, frame: current, skipped: false };
      } finally {
        prepared.release();
      }
    }
    return { action: XDP_ACTION.XDP_PASS, frame: current, skipped: false };
  }
}
