import { loadObjectSpec } from '../../elf/load.js';
import type { BpfObject } from '../../object/bpf-object.js';
import { loadObject, type LoadObjectOptions } from '../../object/load-object.js';
import { hookCoreTarget } from '../core-target.js';

/**
 * loadObject() for objects meant for tsbpf's hooks: CO-RE relocations of
 * tsbpf's own context types (struct tsbpf_*) resolve against the hooks'
 * BTF rather than the machine's vmlinux, which lacks them.
 */
export async function loadHookObject(path: string, options: LoadObjectOptions = {}): Promise<BpfObject> {
  const spec = loadObjectSpec(path);
  const target = options.coreTarget === undefined ? hookCoreTarget(spec) : undefined;
  return loadObject(spec, { ...options, ...(target ? { coreTarget: target } : {}) });
}
