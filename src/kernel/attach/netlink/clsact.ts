import { EEXIST } from '../../errno.js';
import { KernelError } from '../../errors.js';
import { nla, routeRequest } from './route-socket.js';

const RTM_NEWQDISC = 36;
const RTM_NEWTFILTER = 44;
const RTM_DELTFILTER = 45;
const NLM_F_EXCL = 0x200;
const NLM_F_CREATE = 0x400;
const TCA_KIND = 1;
const TCA_OPTIONS = 2;
const TCA_BPF_FD = 6;
const TCA_BPF_NAME = 7;
const TCA_BPF_FLAGS = 8;
const TCA_BPF_FLAG_ACT_DIRECT = 1;
const TC_H_CLSACT = 0xfffffff1;
const TC_H_MIN_INGRESS = 0xfff2;
const TC_H_MIN_EGRESS = 0xfff3;
const ETH_P_ALL = 0x0003;
const AF_UNSPEC = 0;

/** Where a clsact filter sits: interface, direction, priority and handle. */
export interface ClsactFilter {
  readonly ifindex: number;
  readonly direction: 'ingress' | 'egress';
  readonly priority: number;
  readonly handle: number;
}

/** struct tcmsg. */
function tcmsg(ifindex: number, handle: number, parent: number, info: number): Uint8Array {
  const bytes = new Uint8Array(20);
  const v = new DataView(bytes.buffer);
  bytes[0] = AF_UNSPEC;
  v.setInt32(4, ifindex, true);
  v.setUint32(8, handle >>> 0, true);
  v.setUint32(12, parent >>> 0, true);
  v.setUint32(16, info >>> 0, true);
  return bytes;
}

const parentOf = (f: ClsactFilter): number => ((TC_H_CLSACT & 0xffff0000) | (f.direction === 'ingress' ? TC_H_MIN_INGRESS : TC_H_MIN_EGRESS)) >>> 0;
/** tcm_info: priority in the upper half, the protocol (ETH_P_ALL, network order) in the lower. */
const infoOf = (f: ClsactFilter): number => ((f.priority << 16) | ((ETH_P_ALL >> 8) | ((ETH_P_ALL & 0xff) << 8))) >>> 0;

/** Adds the clsact qdisc to the interface, unless it has one (as `tc qdisc add dev X clsact`). */
export function ensureClsactQdisc(ifindex: number): void {
  try {
    routeRequest('RTM_NEWQDISC clsact', RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, tcmsg(ifindex, TC_H_CLSACT & 0xffff0000, TC_H_CLSACT, 0), [nla.string(TCA_KIND, 'clsact')]);
  } catch (err) {
    if (!(err instanceof KernelError) || err.errno !== EEXIST) throw err;
  }
}

/** Adds a direct-action cls_bpf filter running program `progFd` (as `tc filter add ... bpf da`). */
export function addBpfFilter(filter: ClsactFilter, progFd: number, name: string): void {
  routeRequest('RTM_NEWTFILTER bpf', RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL, tcmsg(filter.ifindex, filter.handle, parentOf(filter), infoOf(filter)), [
    nla.string(TCA_KIND, 'bpf'),
    nla.nested(TCA_OPTIONS, [nla.u32(TCA_BPF_FD, progFd), nla.string(TCA_BPF_NAME, name), nla.u32(TCA_BPF_FLAGS, TCA_BPF_FLAG_ACT_DIRECT)]),
  ]);
}

/** Deletes the filter added by addBpfFilter. */
export function deleteBpfFilter(filter: ClsactFilter): void {
  routeRequest('RTM_DELTFILTER bpf', RTM_DELTFILTER, 0, tcmsg(filter.ifindex, filter.handle, parentOf(filter), infoOf(filter)), [nla.string(TCA_KIND, 'bpf')]);
}
