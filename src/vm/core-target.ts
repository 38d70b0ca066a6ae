import type { Btf } from '../btf/btf.js';
import { loadVmlinuxBtf } from '../btf/vmlinux.js';
import { hookContextBtf } from '../hooks/headers.js';
import { VmObjectError } from './errors.js';

/**
 * The VM's CO-RE target when none is given, per relocation: tsbpf's hook
 * context types (struct tsbpf_*, which no kernel has) for relocations rooted
 * in one of them, the running kernel's BTF for the others.
 */
export function vmCoreTarget(rootTypeName: string): Btf {
  if (rootTypeName.startsWith('tsbpf_')) return hookContextBtf();
  try {
    return loadVmlinuxBtf();
  } catch (err) {
    throw new VmObjectError(`CO-RE relocations need a target BTF and none was given: ${(err as Error).message}`);
  }
}
