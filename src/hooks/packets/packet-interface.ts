import { XDP_ACTION } from '../../progtypes/xdp-md.js';
import { HookError } from '../errors.js';
import { SocketFilterHook } from './socket-filter-hook.js';
import { XdpHook, type XdpOutcome } from './xdp-hook.js';

/** Frames per verdict, as `xdp-loader status` / bpftool would count them. */
export interface VerdictCounts {
  XDP_ABORTED: number;
  XDP_DROP: number;
  XDP_PASS: number;
  XDP_TX: number;
  XDP_REDIRECT: number;
  /** Frames no program could see (larger than one XDP buffer); passed unchanged. */
  skipped: number;
  /** Frames socket filters dropped after XDP passed them. */
  filtered: number;
}

const ACTION_NAMES = ['XDP_ABORTED', 'XDP_DROP', 'XDP_PASS', 'XDP_TX', 'XDP_REDIRECT'] as const;

/** The outcome of one frame through an interface. */
export interface ReceiveResult extends XdpOutcome {
  /** The frame handed to the stack: after XDP_PASS and the socket filters; null otherwise. */
  readonly delivered: Uint8Array | null;
}

const byName = new Map<string, PacketInterface>();
let nextIfindex = 100;

/**
 * A virtual network interface that frames enter (a capture replay, a proxy):
 * XDP programs see each frame first, socket filters see what XDP passes.
 * Attach with `attach(prog, 'xdp', { interface })` or `iface.xdp.attach(prog)`.
 */
export class PacketInterface {
  readonly ifindex: number;
  readonly xdp: XdpHook;
  readonly socketFilter: SocketFilterHook;
  readonly counts: VerdictCounts = { XDP_ABORTED: 0, XDP_DROP: 0, XDP_PASS: 0, XDP_TX: 0, XDP_REDIRECT: 0, skipped: 0, filtered: 0 };

  constructor(readonly name: string) {
    if (byName.has(name)) throw new HookError(`an interface named ${name} exists already`);
    this.ifindex = nextIfindex++;
    this.xdp = new XdpHook(`xdp/${name}`, this.ifindex);
    this.socketFilter = new SocketFilterHook(`socket/${name}`);
    byName.set(name, this);
  }

  /** The interface with this name, if it exists. */
  static named(name: string): PacketInterface | undefined {
    return byName.get(name);
  }

  /** Runs a frame through XDP and the socket filters, counting the verdict. */
  receive(frame: Uint8Array): ReceiveResult {
    const out = this.xdp.active ? this.xdp.run(frame) : null;
    const action = out === null ? XDP_ACTION.XDP_PASS : out.action;
    const after = out === null ? frame : out.frame;
    const skipped = out !== null && out.skipped;
    if (skipped) this.counts.skipped++;
    else this.counts[ACTION_NAMES[action]]++;
    if (action !== XDP_ACTION.XDP_PASS) return { action, frame: after, skipped, delivered: null };
    const delivered = this.socketFilter.active ? this.socketFilter.run(after) : after;
    if (delivered === null) this.counts.filtered++;
    return { action, frame: after, skipped, delivered };
  }

  /** Detaches everything and frees the name. */
  close(): void {
    for (const l of [...this.xdp.links(), ...this.socketFilter.links()]) l.detach();
    byName.delete(this.name);
  }
}
