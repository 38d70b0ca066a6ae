import type { ProgTypeName } from '../../progtypes/prog-types.js';
import { SK_BUFF_SIZE } from '../../progtypes/sk-buff.js';
import { prepareTestRun } from '../../progtypes/test-run.js';
import { HookPoint } from '../hook-point.js';

const ETH_HLEN = 14;

/**
 * Socket filters of a virtual interface (`socket` on PacketInterface), as
 * SO_ATTACH_BPF filters see packets: an skb whose data starts at the
 * network header. r0 is how many bytes of the packet to keep: 0 drops it,
 * less than its length truncates it. Several filters apply in attach order.
 */
export class SocketFilterHook extends HookPoint {
  readonly progTypes: readonly ProgTypeName[] = ['socket_filter'];
  readonly ctxSize = SK_BUFF_SIZE;
  protected override readonly usesCtxSlot = false;

  constructor(readonly name: string) {
    super();
  }

  protected activate(): void {}
  protected deactivate(): void {}

  /** The frame as the filters leave it (truncated at the network layer), or null when dropped. */
  run(frame: Uint8Array): Uint8Array | null {
    let current = frame;
    for (const link of this.links()) {
      let prepared;
      try {
        prepared = prepareTestRun(link.program.arena, 'socket_filter', { dataIn: current });
      } catch {
        return current;
      }
      try {
        const r0 = this.runProgram(link, prepared.ctx);
        if (r0 === null || r0 === 0n) return null;
        const l3 = current.length - ETH_HLEN;
        const keep = r0 >= BigInt(l3) ? l3 : Number(r0);
        current = current.subarray(0, ETH_HLEN + keep);
      } finally {
        prepared.release();
      }
    }
    return current;
  }
}
