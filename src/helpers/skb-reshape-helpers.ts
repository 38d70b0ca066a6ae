import { skbVlanPop, skbVlanPush } from '../progtypes/skb-vlan.js';
import { skbChangeHead, skbChangeTail } from '../progtypes/skb-resize.js';
import { skbAdjustRoom } from '../progtypes/skb-adjust-room.js';
import { defineHelper, type HelperDefinition } from './definition.js';
import { skbArg } from './packet-access.js';
import { ret, s32, u32, u64 } from './args.js';

// Helpers that reshape a tc program's packet (VLAN tags, head, tail, room inside it); the verifier invalidates packet pointers after each (bpf_helper_changes_pkt_data).

/** bpf_skb_vlan_push(skb, vlan_proto (network order), vlan_tci). */
const skbVlanPushHelper = defineHelper('skb_vlan_push', ['ARG_PTR_TO_CTX', 'ARG_ANYTHING', 'ARG_ANYTHING'], 'RET_INTEGER', (env, r1, r2, r3) =>
  ret(skbVlanPush(skbArg(env, r1, 'bpf_skb_vlan_push'), Number(r2 & 0xffffn), Number(r3 & 0xffffn))), { retErrnoOnly: true });

/** bpf_skb_vlan_pop(skb). */
const skbVlanPopHelper = defineHelper('skb_vlan_pop', ['ARG_PTR_TO_CTX'], 'RET_INTEGER', (env, r1) =>
  ret(skbVlanPop(skbArg(env, r1, 'bpf_skb_vlan_pop'))), { retErrnoOnly: true });

/** bpf_skb_change_tail(skb, new_len, flags). */
const skbChangeTailHelper = defineHelper('skb_change_tail', ['ARG_PTR_TO_CTX', 'ARG_ANYTHING', 'ARG_ANYTHING'], 'RET_INTEGER', (env, r1, r2, r3) =>
  ret(skbChangeTail(skbArg(env, r1, 'bpf_skb_change_tail'), u32(r2), u64(r3))), { retErrnoOnly: true });

/** bpf_skb_change_head(skb, head_room, flags). */
const skbChangeHeadHelper = defineHelper('skb_change_head', ['ARG_PTR_TO_CTX', 'ARG_ANYTHING', 'ARG_ANYTHING'], 'RET_INTEGER', (env, r1, r2, r3) =>
  ret(skbChangeHead(skbArg(env, r1, 'bpf_skb_change_head'), u32(r2), u64(r3))), { retErrnoOnly: true });

/** bpf_skb_adjust_room(skb, len_diff (s32), mode, flags). */
const skbAdjustRoomHelper = defineHelper('skb_adjust_room', ['ARG_PTR_TO_CTX', 'ARG_ANYTHING', 'ARG_ANYTHING', 'ARG_ANYTHING'], 'RET_INTEGER', (env, r1, r2, r3, r4) =>
  ret(skbAdjustRoom(skbArg(env, r1, 'bpf_skb_adjust_room'), s32(r2), u32(r3), u64(r4))), { retErrnoOnly: true });

export const SKB_RESHAPE_HELPERS: readonly HelperDefinition[] = [skbVlanPushHelper, skbVlanPopHelper, skbChangeTailHelper, skbChangeHeadHelper,
  skbAdjustRoomHelper];
