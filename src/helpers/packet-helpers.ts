import { EFAULT, EINVAL } from '../maps/errno.js';
import { BPF_F_INGRESS, BPF_F_INVALIDATE_HASH, BPF_F_RECOMPUTE_CSUM } from '../uapi/flags.js';
import { contextAt } from '../progtypes/context-registry.js';
import { XdpBuff } from '../progtypes/xdp-buff.js';
import { SkbBuff } from '../progtypes/skb-buff.js';
import { XDP_ACTION } from '../progtypes/xdp-md.js';
import { defineHelper, type HelperDefinition } from './definition.js';
import { guestRange, pointerOffset } from './guest-memory.js';
import { skbArg, xdpArg } from './packet-access.js';
import { HelperError } from './errors.js';
import { ret, s32, u32, u64 } from './args.js';

/** TC_ACT_SHOT and TC_ACT_REDIRECT (tc verdicts bpf_redirect returns). */
const TC_ACT_SHOT = 2n;
const TC_ACT_REDIRECT = 7n;
/** The flags bpf_skb_store_bytes() takes. */
const SKB_STORE_FLAGS = BPF_F_RECOMPUTE_CSUM | BPF_F_INVALIDATE_HASH;

/** bpf_xdp_adjust_head(xdp_md, delta): moves the packet start (negative: prepend room); 0 or -EINVAL. */
const xdpAdjustHead = defineHelper('xdp_adjust_head', ['ARG_PTR_TO_CTX', 'ARG_ANYTHING'], 'RET_INTEGER', (env, r1, r2) =>
  ret(xdpArg(env, r1, 'bpf_xdp_adjust_head').adjustHead(s32(r2))), { retErrnoOnly: true });

/** bpf_xdp_adjust_meta(xdp_md, delta): moves data_meta (metadata up to 32 bytes, a multiple of 4). */
const xdpAdjustMeta = defineHelper('xdp_adjust_meta', ['ARG_PTR_TO_CTX', 'ARG_ANYTHING'], 'RET_INTEGER', (env, r1, r2) =>
  ret(xdpArg(env, r1, 'bpf_xdp_adjust_meta').adjustMeta(s32(r2))), { retErrnoOnly: true });

/** bpf_xdp_adjust_tail(xdp_md, delta): moves data_end within the frame (grown bytes are zero). */
const xdpAdjustTail = defineHelper('xdp_adjust_tail', ['ARG_PTR_TO_CTX', 'ARG_ANYTHING'], 'RET_INTEGER', (env, r1, r2) =>
  ret(xdpArg(env, r1, 'bpf_xdp_adjust_tail').adjustTail(s32(r2))), { retErrnoOnly: true });

/** bpf_xdp_get_buff_len(xdp_md): bytes of the packet, fragments included. */
const xdpGetBuffLen = defineHelper('xdp_get_buff_len', ['ARG_PTR_TO_CTX'], 'RET_INTEGER', (env, r1) =>
  BigInt(xdpArg(env, r1, 'bpf_xdp_get_buff_len').bufferLength));

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

/** bpf_xdp_pointer()'s checks: offsets and lengths up to 0xffff (-EFAULT), inside the packet (-EINVAL). */
function xdpRange(xdp: XdpBuff, offset: number, len: number): number {
  if (offset > 0xffff || len > 0xffff) return -EFAULT;
  return offset + len > xdp.bufferLength ? -EINVAL : 0;
}

/** bpf_xdp_load_bytes(xdp_md, offset, buf, len): packet bytes, fragments included. */
const xdpLoadBytes = defineHelper('xdp_load_bytes', ['ARG_PTR_TO_CTX', 'ARG_ANYTHING', 'ARG_PTR_TO_UNINIT_MEM', 'ARG_CONST_SIZE'], 'RET_INTEGER', (env, r1, r2, r3, r4) => {
  const xdp = xdpArg(env, r1, 'bpf_xdp_load_bytes');
  const offset = u32(r2);
  const len = u32(r4);
  const buf = guestRange(env, r3, len, true);
  const r = xdpRange(xdp, offset, len);
  if (r === 0) env.arena.bytes.set(xdp.packetBytes(offset, len), buf);
  return ret(r);
}, { retErrnoOnly: true });

/** bpf_xdp_store_bytes(xdp_md, offset, buf, len): writes packet bytes, fragments included. */
const xdpStoreBytes = defineHelper('xdp_store_bytes', ['ARG_PTR_TO_CTX', 'ARG_ANYTHING', 'ARG_PTR_TO_MEM', 'ARG_CONST_SIZE'], 'RET_INTEGER', (env, r1, r2, r3, r4) => {
  const xdp = xdpArg(env, r1, 'bpf_xdp_store_bytes');
  const offset = u32(r2);
  const len = u32(r4);
  const buf = guestRange(env, r3, len, false);
  const r = xdpRange(xdp, offset, len);
  if (r === 0) xdp.writePacketBytes(offset, env.arena.bytes.slice(buf, buf + len));
  return ret(r);
}, { retErrnoOnly: true });

/** bpf_skb_store_bytes(skb, offset, from, len, flags): writes into the packet from skb->data + offset. */
const skbStoreBytes = defineHelper('skb_store_bytes', ['ARG_PTR_TO_CTX', 'ARG_ANYTHING', 'ARG_PTR_TO_MEM', 'ARG_CONST_SIZE', 'ARG_ANYTHING'], 'RET_INTEGER', (env, r1, r2, r3, r4, r5) => {
  const skb = skbArg(env, r1, 'bpf_skb_store_bytes');
  const offset = u32(r2);
  const len = u32(r4);
  const from = guestRange(env, r3, len, false);
  if ((u64(r5) & ~SKB_STORE_FLAGS) !== 0n) return ret(-EINVAL);
  if (offset > 0x7fffffff || offset + len > skb.len) return ret(-EFAULT);
  env.arena.bytes.copyWithin(skb.data + offset, from, from + len);
  return 0n;
}, { retErrnoOnly: true });

/**
 * bpf_redirect(ifindex, flags): XDP programs get XDP_REDIRECT (XDP_ABORTED
 * for non-zero flags), tc programs TC_ACT_REDIRECT (TC_ACT_SHOT for flags
 * other than BPF_F_INGRESS); the target is kept on the run's context.
 */
const redirect = defineHelper('redirect', ['ARG_ANYTHING', 'ARG_ANYTHING'], 'RET_INTEGER', (env, r1, r2) => {
  const context = contextAt(env.arena, pointerOffset(env.arena, env.ctx));
  const flags = u64(r2);
  if (context instanceof XdpBuff) {
    if (flags !== 0n) return BigInt(XDP_ACTION.XDP_ABORTED);
    context.redirect = { ifindex: u32(r1), flags };
    return BigInt(XDP_ACTION.XDP_REDIRECT);
  }
  if (context instanceof SkbBuff) {
    if ((flags & ~BPF_F_INGRESS) !== 0n) return TC_ACT_SHOT;
    context.redirect = { ifindex: u32(r1), flags };
    return TC_ACT_REDIRECT;
  }
  throw new HelperError(env.pc, 'bpf_redirect', 'the run has no packet context');
});

/** sizeof(struct bpf_redir_neigh): nh_family and an IPv4 or IPv6 next hop. */
const REDIR_NEIGH_SIZE = 20;

/**
 * bpf_redirect_neigh(ifindex, params, plen, flags): tc's redirect through the
 * neighbour subsystem (which fills in the MAC addresses), to the next hop in
 * params if given; TC_ACT_SHOT for flags or a short params. The target is
 * kept on the run's context, as bpf_redirect's.
 */
const redirectNeigh = defineHelper('redirect_neigh', ['ARG_ANYTHING', 'ARG_PTR_TO_MEM_OR_NULL', 'ARG_CONST_SIZE_OR_ZERO', 'ARG_ANYTHING'], 'RET_INTEGER', (env, r1, _r2, r3, r4) => {
  const context = contextAt(env.arena, pointerOffset(env.arena, env.ctx));
  if (!(context instanceof SkbBuff)) throw new HelperError(env.pc, 'bpf_redirect_neigh', 'the run has no skb context');
  const plen = u32(r3);
  if ((plen !== 0 && plen < REDIR_NEIGH_SIZE) || u64(r4) !== 0n) return TC_ACT_SHOT;
  context.redirect = { ifindex: u32(r1), flags: 0n };
  return TC_ACT_REDIRECT;
});

export const PACKET_HELPERS: readonly HelperDefinition[] = [
  xdpAdjustHead, xdpAdjustMeta, xdpAdjustTail, xdpGetBuffLen, skbLoadBytes, xdpLoadBytes, xdpStoreBytes, skbStoreBytes, redirect,
  redirectNeigh,
];
