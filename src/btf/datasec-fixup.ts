import { Btf } from './btf.js';
import { BTF_VAR_GLOBAL_EXTERN, BTF_VAR_STATIC } from './kinds.js';

/**
 * Fills in what clang leaves for the linker in an object's BTF, as libbpf's
 * btf_fixup_datasec: a DATASEC's size is its ELF section's size, and each
 * non-static variable's offset is its symbol's value. Returns a new Btf over
 * patched bytes (the input is not modified), or the same Btf if nothing changed.
 */
export function fixupDatasecs(
  btf: Btf,
  sectionSize: (name: string) => number | undefined,
  symbolOffset: (name: string) => number | undefined,
): Btf {
  let patched: Uint8Array | null = null;
  const write = (at: number, value: number): void => {
    if (patched === null) patched = new Uint8Array(btf.bytes);
    new DataView(patched.buffer).setUint32(at, value, true);
  };
  for (const t of btf.all()) {
    if (t.kind !== 'datasec') continue;
    const record = btf.offsetOf(t.id);
    if (btf.base !== null && t.id < btf.base.typeCount) continue;
    const size = sectionSize(t.name);
    if (size !== undefined && t.size === 0 && size !== 0) write(record + 8, size);
    t.vars.forEach((v, i) => {
      const variable = btf.type(v.type);
      if (variable.kind !== 'var' || variable.linkage === BTF_VAR_STATIC || variable.linkage === BTF_VAR_GLOBAL_EXTERN) return;
      const offset = symbolOffset(variable.name);
      if (offset !== undefined && offset !== v.offset) write(record + 12 + i * 12 + 4, offset);
    });
  }
  return patched === null ? btf : new Btf(patched, { section: btf.section, ...(btf.base === null ? {} : { base: btf.base }) });
}
