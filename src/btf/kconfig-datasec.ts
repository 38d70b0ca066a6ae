import { Btf } from './btf.js';
import { BTF_VAR_GLOBAL_ALLOCATED } from './kinds.js';

/** Where libbpf placed one `.kconfig` variable in the map it builds for them. */
export interface KconfigPlacement {
  /** BTF id of the VAR. */
  readonly varId: number;
  readonly offset: number;
}

/**
 * Rewrites the `.kconfig` DATASEC as libbpf's bpf_object__collect_externs
 * does before the object's BTF goes to the kernel (which refuses extern
 * variables and sizeless sections): each variable at the offset libbpf gave
 * it, with linkage global-allocated, and the section `size` bytes long.
 * Returns a new Btf over patched bytes (the input is not modified).
 */
export function fixupKconfigDatasec(btf: Btf, datasecId: number, size: number, placements: readonly KconfigPlacement[]): Btf {
  const patched = new Uint8Array(btf.bytes);
  const view = new DataView(patched.buffer);
  const datasec = btf.type(datasecId);
  if (datasec.kind !== 'datasec') throw new Error(`type [${datasecId}] is not a DATASEC`);
  const record = btf.offsetOf(datasecId);
  view.setUint32(record + 8, size, true);
  const at = new Map(placements.map((p) => [p.varId, p.offset]));
  const vars = datasec.vars.map((v) => ({ ...v, offset: at.get(v.type) ?? v.offset }));
  // The kernel wants a DATASEC's variables in offset order; libbpf sorts them too.
  vars.sort((a, b) => a.offset - b.offset);
  vars.forEach((v, i) => {
    const info = record + 12 + i * 12;
    view.setUint32(info, v.type, true);
    view.setUint32(info + 4, v.offset, true);
    view.setUint32(info + 8, v.size, true);
    // struct btf_var follows the VAR's 12-byte header: its linkage.
    if (at.has(v.type)) view.setUint32(btf.offsetOf(v.type) + 12, BTF_VAR_GLOBAL_ALLOCATED, true);
  });
  return new Btf(patched, { section: btf.section, ...(btf.base === null ? {} : { base: btf.base }) });
}
