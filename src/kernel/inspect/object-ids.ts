import { BpfAttr } from '../bpf-attr.js';
import { ENOENT } from '../errno.js';
import { KernelError } from '../errors.js';
import { sysBpf } from '../syscall.js';
import { BpfCmd } from '../uapi.js';

/** The kinds of bpf object the kernel numbers with ids. */
export type IdKind = 'program' | 'map' | 'link' | 'btf';

const NEXT_ID: Record<IdKind, number> = {
  program: BpfCmd.BPF_PROG_GET_NEXT_ID, map: BpfCmd.BPF_MAP_GET_NEXT_ID, link: BpfCmd.BPF_LINK_GET_NEXT_ID, btf: BpfCmd.BPF_BTF_GET_NEXT_ID,
};
const FD_BY_ID: Record<IdKind, number> = {
  program: BpfCmd.BPF_PROG_GET_FD_BY_ID, map: BpfCmd.BPF_MAP_GET_FD_BY_ID, link: BpfCmd.BPF_LINK_GET_FD_BY_ID, btf: BpfCmd.BPF_BTF_GET_FD_BY_ID,
};

/** Every id of `kind` the kernel has now, ascending (BPF_*_GET_NEXT_ID). */
export function allIds(kind: IdKind): number[] {
  const ids: number[] = [];
  let id = 0;
  for (;;) {
    const attr = new BpfAttr().u32(0, id);
    try {
      sysBpf(NEXT_ID[kind], attr);
    } catch (err) {
      if (err instanceof KernelError && err.errno === ENOENT) return ids;
      throw err;
    }
    id = attr.readU32(4);
    ids.push(id);
  }
}

/**
 * A new fd on the object with this id (BPF_*_GET_FD_BY_ID), or undefined
 * when it went away meanwhile; the caller owns the fd.
 */
export function fdById(kind: IdKind, id: number): number | undefined {
  try {
    return sysBpf(FD_BY_ID[kind], new BpfAttr().u32(0, id));
  } catch (err) {
    if (err instanceof KernelError && err.errno === ENOENT) return undefined;
    throw err;
  }
}
