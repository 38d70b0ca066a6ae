// Valid accesses to struct xdp_md (net/core/filter.c: xdp_is_valid_access).
import { XDP_MD as F, XDP_MD_SIZE } from '../../progtypes/xdp-md.js';
import { RegType } from '../reg-type.js';

/** xdp_is_valid_access for a program not attached to a devmap: reads of u32 fields only. */
export function xdpCtxAccess(off: number, size: number, write: boolean, isLdsx: boolean): number | null {
  if (off === F.egress_ifindex) return null;
  if (write) return null;
  const isPtr = off === F.data || off === F.data_meta || off === F.data_end;
  if (isPtr && isLdsx) return null;
  if (off < 0 || off >= XDP_MD_SIZE || off % size !== 0 || size !== 4) return null;
  if (off === F.data) return RegType.PTR_TO_PACKET;
  if (off === F.data_meta) return RegType.PTR_TO_PACKET_META;
  if (off === F.data_end) return RegType.PTR_TO_PACKET_END;
  return RegType.SCALAR_VALUE;
}
