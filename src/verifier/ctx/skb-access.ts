// Valid accesses to struct __sk_buff (net/core/filter.c: bpf_skb_is_valid_access
// and the per-type wrappers of socket filters, tc and cgroup_skb).
import { SK_BUFF as F, SK_BUFF_SIZE } from '../../progtypes/sk-buff.js';
import { PTR_MAYBE_NULL, RegType } from '../reg-type.js';

const U32 = 4;
const CB_END = F.cb + 20;
const in4 = (off: number, field: number): boolean => off >= field && off < field + 4;
const in8 = (off: number, field: number): boolean => off >= field && off < field + 8;
const inRange = (off: number, from: number, toEnd: number): boolean => off >= from && off < toEnd;
/** bpf_ctx_narrow_access_ok: a power-of-two size up to the field's. */
const narrowOk = (size: number, fieldSize: number): boolean => size <= fieldSize && (size & (size - 1)) === 0;

function skbIsValidAccess(off: number, size: number, write: boolean, isLdsx: boolean): number | null {
  if (off < 0 || off >= SK_BUFF_SIZE) return null;
  if (off % size !== 0) return null;
  let regType: number = RegType.SCALAR_VALUE;
  if (inRange(off, F.cb, CB_END)) {
    if (off + size > CB_END) return null;
  } else if (in4(off, F.data) || in4(off, F.data_meta) || in4(off, F.data_end)) {
    if (isLdsx || size !== U32) return null;
  } else if (inRange(off, F.remote_ip6, F.remote_ip6 + 16) || inRange(off, F.local_ip6, F.local_ip6 + 16) ||
    in4(off, F.remote_ip4) || in4(off, F.local_ip4)) {
    if (size !== U32) return null;
  } else if (in8(off, F.flow_keys)) {
    return null;
  } else if (in8(off, F.hwtstamp)) {
    if (write || size !== 8) return null;
  } else if (in8(off, F.tstamp)) {
    if (size !== 8) return null;
  } else if (in8(off, F.sk)) {
    if (off !== F.sk || write || size !== 8) return null;
    regType = RegType.PTR_TO_SOCK_COMMON | PTR_MAYBE_NULL;
  } else if (off === F.tstamp_type) {
    return null;
  } else if (off > F.tstamp_type && off < F.hwtstamp) {
    return null;
  } else if (write) {
    if (size !== U32) return null;
  } else if (!narrowOk(size, U32)) {
    return null;
  }
  return regType;
}

/** bpf_skb_is_valid_access for the types with direct packet access: data and data_end load packet pointers. */
function skbWithPacketPointers(off: number, size: number, write: boolean, isLdsx: boolean): number | null {
  const base = skbIsValidAccess(off, size, write, isLdsx);
  if (base === null) return null;
  if (in4(off, F.data)) return RegType.PTR_TO_PACKET;
  if (in4(off, F.data_end)) return RegType.PTR_TO_PACKET_END;
  return base;
}

/** sk_filter_is_valid_access */
export function skFilterCtxAccess(off: number, size: number, write: boolean, isLdsx: boolean): number | null {
  if (in4(off, F.tc_classid) || in4(off, F.data) || in4(off, F.data_meta) || in4(off, F.data_end) ||
    inRange(off, F.family, F.local_port + 4) || in8(off, F.tstamp) || in4(off, F.wire_len) || in8(off, F.hwtstamp)) {
    return null;
  }
  if (write && !inRange(off, F.cb, CB_END)) return null;
  return skbIsValidAccess(off, size, write, isLdsx);
}

/** tc_cls_act_is_valid_access */
export function tcCtxAccess(off: number, size: number, write: boolean, isLdsx: boolean): number | null {
  if (write) {
    const ok = in4(off, F.mark) || in4(off, F.tc_index) || in4(off, F.priority) || in4(off, F.tc_classid) ||
      inRange(off, F.cb, CB_END) || in8(off, F.tstamp) || in4(off, F.queue_mapping);
    if (!ok) return null;
  }
  let regType: number | undefined;
  if (in4(off, F.data)) regType = RegType.PTR_TO_PACKET;
  else if (in4(off, F.data_meta)) regType = RegType.PTR_TO_PACKET_META;
  else if (in4(off, F.data_end)) regType = RegType.PTR_TO_PACKET_END;
  else if (inRange(off, F.family, F.local_port + 4)) return null;
  else if (off === F.tstamp_type) return size === 1 ? RegType.SCALAR_VALUE : null;
  const base = skbIsValidAccess(off, size, write, isLdsx);
  if (base === null) return null;
  return regType ?? base;
}

/** cg_skb_is_valid_access (privileged loader: CAP_BPF and CAP_SYS_ADMIN) */
export function cgroupSkbCtxAccess(off: number, size: number, write: boolean, isLdsx: boolean): number | null {
  if (in4(off, F.tc_classid) || in4(off, F.data_meta) || in4(off, F.wire_len)) return null;
  if (write) {
    const ok = in4(off, F.mark) || in4(off, F.priority) || inRange(off, F.cb, CB_END) || in8(off, F.tstamp);
    if (!ok) return null;
  }
  return skbWithPacketPointers(off, size, write, isLdsx);
}

/** lwt_is_valid_access: lwt_in, lwt_out and lwt_xmit */
export function lwtCtxAccess(off: number, size: number, write: boolean, isLdsx: boolean): number | null {
  if (in4(off, F.tc_classid) || inRange(off, F.family, F.local_port + 4) || in4(off, F.data_meta) || in8(off, F.tstamp) ||
    in4(off, F.wire_len) || in8(off, F.hwtstamp)) {
    return null;
  }
  if (write && !(in4(off, F.mark) || in4(off, F.priority) || inRange(off, F.cb, CB_END))) return null;
  return skbWithPacketPointers(off, size, write, isLdsx);
}
