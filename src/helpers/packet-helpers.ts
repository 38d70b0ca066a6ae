import { EFAULT } from '../maps/errno.js';
import { defineHelper, type HelperDefinition } from './definition.js';
import { guestRange } from './guest-memory.js';
import { skbArg, xdpArg } from './packet-access.js';
import { ret, s32, u32 } from './args.js';

/** bpf_xdp_adjust_head(xdp_md, delta): moves the packet start (negative: prepend room); 0 or -EINVAL. */
const xdpAdjustHead = defineHelper('xdp_adjust_head', ['ARG_PTR_TO_CTX', 'ARG_ANYTHING'], 'RET_INTEGER', (env, r1, r2) =>
  ret(xdpArg(env, r1, 'bpf_xdp_adjust_head').adjustHead(s32(r2))), { retErrnoOnly: true });

/** bpf_xdp_adjust_meta(xdp_md, delta): moves data_meta (metadata up to 32 bytes, a multiple of 4). */
const xdpAdjustMeta = defineHelper('xdp_adjust_meta', ['ARG_PTR_TO_CTX', 'ARG_ANYTHING'], 'RET_INTEGER', (env, r1, r2) =>
  ret(xdpArg(env, r1, 'bpf_xdp_adjust_meta').adjustMeta(s32(r2))), { retErrnoOnly: true });

/** bpf_xdp_adjust_tail(xdp_md, delta): moves data_end within the frame (grown bytes are zero). */
const xdpAdjustTail = defineHelper('xdp_adjust_tail', ['ARG_PTR_TO_CTX', 'ARG_ANYTHING'], 'RET_INTEGER', (env, r1, r2) =>
  ret(xdpArg(env, r1, 'bpf_xdp_adjust_tail').adjustTail(s32(r2))), { retErrnoOnly: true });

/** bpf_xdp_get_buff_len(xdp_md): bytes of the packet (no fragments here). */
const xdpGetBuffLen = defineHelper('xdp_get_buff_len', ['ARG_PTR_TO_CTX'], 'RET_INTEGER', (env, r1) => {
  const xdp = xdpArg(env, r1, 'bpf_xdp_get_buff_len');
  return BigInt(xdp.dataEnd - xdp.data);
});

/**
 * bpf_skb_load_bytes(skb, offset, to, len): copies len packet bytes from
 * skb->data + offset; out of the packet, `to` is zeroed and -EFAULT returned.
 */
const skbLoadBytes = defineHelper('skb_load_bytes', ['ARG_PTR_TO_CTX', 'ARG_ANYTHING', 'ARG_PTR_TO_UNINIT_MEM', 'ARG_CONST_SIZE'], 'RET_INTEGER', (env, r1, r2, r3, r4) => {
  const skb = skbArg(env, r1, 'bpf_skb_load_bytes');
  const offset = u32(r2);
  const len = u32(r4);
  const to = guestRange(env, r3, len, true);
  const bytes = env.arena.bytes;
  if (offset > 0x7fffffff || offset + len > skb.len) {
    bytes.fill(0, to, to + len);
    return ret(-EFAULT);
  }
  bytes.copyWithin(to, skb.data + offset, skb.data + offset + len);
  return 0n;
}, { retErrnoOnly: true });

export const PACKET_HELPERS: readonly HelperDefinition[] = [xdpAdjustHead, xdpAdjustMeta, xdpAdjustTail, xdpGetBuffLen, skbLoadBytes];
