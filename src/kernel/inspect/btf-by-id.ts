import koffi from 'koffi';
import { Btf } from '../../btf/btf.js';
import { BpfAttr } from '../bpf-attr.js';
import { sysBpf, sysClose } from '../syscall.js';
import { BpfCmd } from '../uapi.js';
import { fdById } from './object-ids.js';

const BTF_INFO_SIZE = 32;

/** struct bpf_btf_info of a BTF fd, with `buffer` (if any) as the btf pointer to fill. */
function btfInfo(fd: number, buffer: Uint8Array | undefined): DataView {
  const bytes = new Uint8Array(BTF_INFO_SIZE);
  const v = new DataView(bytes.buffer);
  if (buffer) {
    void buffer.buffer; // off the V8 heap, where it does not move
    v.setBigUint64(0, koffi.address(buffer), true);
    v.setUint32(8, buffer.length, true);
  }
  sysBpf(BpfCmd.BPF_OBJ_GET_INFO_BY_FD, new BpfAttr().u32(0, fd).u32(4, BTF_INFO_SIZE).pointer(8, bytes));
  return v;
}

/**
 * The BTF the kernel holds under `id` (a map's or program's btf_id: what the
 * loader gave BPF_BTF_LOAD), fetched raw and parsed. Undefined when the id is
 * gone, or for the kernel's own BTF (vmlinux, and modules split over it).
 */
export function kernelBtfById(id: number): Btf | undefined {
  const fd = fdById('btf', id);
  if (fd === undefined) return undefined;
  try {
    const size = btfInfo(fd, undefined).getUint32(8, true);
    const raw = new Uint8Array(size);
    const v = btfInfo(fd, raw);
    if (v.getUint32(28, true) !== 0) return undefined; // kernel_btf
    return new Btf(raw, { section: `BTF id ${id}` });
  } finally {
    sysClose(fd);
  }
}
