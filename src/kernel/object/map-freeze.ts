import { BpfAttr } from '../bpf-attr.js';
import { sysBpf } from '../syscall.js';
import { BpfCmd } from '../uapi.js';

/** BPF_MAP_FREEZE: from now on user space cannot change the map (programs still can, unless BPF_F_RDONLY_PROG). */
export function freezeMap(fd: number): void {
  sysBpf(BpfCmd.BPF_MAP_FREEZE, new BpfAttr().u32(0, fd));
}
