import { BpfAttr } from '../bpf-attr.js';
import { ENOENT } from '../errno.js';
import { KernelError } from '../errors.js';
import type { KernelMap } from '../map.js';
import { sysBpf } from '../syscall.js';
import { BpfCmd } from '../uapi.js';

/**
 * BPF_MAP_LOOKUP_AND_DELETE_ELEM: the value removed, or undefined when there
 * is none (ENOENT). An empty key pops a queue or a stack.
 */
export function lookupAndDelete(map: KernelMap, key: Uint8Array): Uint8Array | undefined {
  const value = new Uint8Array(map.userValueSize);
  try {
    sysBpf(BpfCmd.BPF_MAP_LOOKUP_AND_DELETE_ELEM, new BpfAttr().u32(0, map.fd).pointer(8, key).pointer(16, value));
  } catch (err) {
    if (err instanceof KernelError && err.errno === ENOENT) return undefined;
    throw err;
  }
  return value;
}
