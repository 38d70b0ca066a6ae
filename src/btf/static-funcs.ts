import { Btf } from './btf.js';
import { BTF_FUNC_GLOBAL, BTF_FUNC_STATIC } from './kinds.js';

/**
 * Gives the named functions' BTF FUNCs static linkage, as libbpf does for
 * global subprograms with hidden or internal visibility (`__hidden`, as
 * usdt.bpf.h's bpf_usdt_arg): the verifier then checks them in their
 * callers' context instead of on their own. Returns a new Btf over patched
 * bytes, or the same Btf when no global FUNC has one of the names.
 */
export function withStaticFuncs(btf: Btf, names: ReadonlySet<string>): Btf {
  if (names.size === 0) return btf;
  let patched: Uint8Array | null = null;
  const pending = new Set(names);
  for (const t of btf.all()) {
    if (t.kind !== 'func' || t.linkage !== BTF_FUNC_GLOBAL || !pending.has(t.name)) continue;
    if (btf.base !== null && t.id < btf.base.typeCount) continue;
    pending.delete(t.name);
    patched ??= new Uint8Array(btf.bytes);
    // btf_type.info: kind in bits 24-28, vlen (a FUNC's linkage) in bits 0-15.
    const view = new DataView(patched.buffer);
    const at = btf.offsetOf(t.id) + 4;
    view.setUint32(at, ((view.getUint32(at, true) & ~0xffff) | BTF_FUNC_STATIC) >>> 0, true);
  }
  return patched === null ? btf : new Btf(patched, { section: btf.section, ...(btf.base === null ? {} : { base: btf.base }) });
}
