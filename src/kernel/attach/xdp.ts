import { KernelError } from '../errors.js';
import { BpfAttachType, BpfProgType } from '../uapi.js';
import { describeInterface, interfaceIndex, type NetworkInterface } from './interfaces.js';
import { KernelLink } from './kernel-link.js';
import { linkCreate } from './link-create.js';
import { requireProgramType, type AttachableProgram } from './program-ref.js';

/** XDP attach flags (XDP_FLAGS_* in include/uapi/linux/if_link.h). */
export const XDP_FLAGS_SKB_MODE = 1 << 1;
export const XDP_FLAGS_DRV_MODE = 1 << 2;
export const XDP_FLAGS_HW_MODE = 1 << 3;

export interface XdpOptions {
  /**
   * `native` (the driver's XDP), `generic` (skb mode, any interface),
   * `offload` (the NIC), or `auto` (default: native where the driver has it, else generic).
   */
  readonly mode?: 'auto' | 'native' | 'generic' | 'offload';
}

const MODE_FLAGS = { auto: 0, native: XDP_FLAGS_DRV_MODE, generic: XDP_FLAGS_SKB_MODE, offload: XDP_FLAGS_HW_MODE } as const;

/** Attaches a BPF_PROG_TYPE_XDP program to an interface through an XDP link (BPF_LINK_CREATE, BPF_XDP; kernel 5.9+). */
export function attachXdp(program: AttachableProgram, iface: NetworkInterface, options: XdpOptions = {}): KernelLink {
  requireProgramType(program, 'XDP', BpfProgType.BPF_PROG_TYPE_XDP);
  const index = interfaceIndex(iface, 'xdp');
  const target = describeInterface(iface, index);
  try {
    const fd = linkCreate({ progFd: program.fd, target: index, attachType: BpfAttachType.BPF_XDP, flags: MODE_FLAGS[options.mode ?? 'auto'] });
    return new KernelLink('xdp', target, { links: [fd] });
  } catch (err) {
    if (err instanceof KernelError && (err.code === 'EBUSY' || err.code === 'EEXIST')) {
      throw new KernelError(err.command, err.errno, `another XDP program is already attached to ${target}`);
    }
    throw err;
  }
}
