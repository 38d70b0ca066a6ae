import type { Btf } from './btf.js';

/**
 * Byte offset of a top-level `struct bpf_spin_lock` member of a map's value
 * type (the kernel's btf_parse_fields), or undefined when it has none: the
 * verifier checks bpf_spin_lock() against it and bpf() skips it (BPF_F_LOCK).
 */
export function spinLockOffset(btf: Btf | null, valueType: number): number | undefined {
  if (btf === null || valueType === 0) return undefined;
  const t = btf.resolve(valueType);
  if (t.kind !== 'struct') return undefined;
  for (const m of t.members) {
    const mt = btf.resolve(m.type);
    if (mt.kind === 'struct' && mt.name === 'bpf_spin_lock' && m.bitOffset % 8 === 0) return m.bitOffset / 8;
  }
  return undefined;
}
