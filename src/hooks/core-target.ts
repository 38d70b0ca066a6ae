import type { Btf } from '../btf/btf.js';
import type { ObjectSpec } from '../elf/object-spec.js';
import { hookContextBtf } from './headers.js';

/**
 * The CO-RE target for an object whose relocations name tsbpf's own
 * context types (struct tsbpf_*): the hooks' BTF, which the machine's
 * vmlinux BTF lacks. Undefined when the object relocates other types too
 * (the backend's default target, vmlinux, then applies).
 */
export function hookCoreTarget(spec: ObjectSpec): Btf | undefined {
  const btf = spec.btf;
  if (!btf) return undefined;
  const roots = spec.programs.flatMap((p) => p.coreRelos.map((r) => btf.skipQualifiers(r.typeId)));
  if (roots.length === 0) return undefined;
  return roots.every((t) => t.name.startsWith('tsbpf_')) ? hookContextBtf() : undefined;
}
