import type { Btf } from '../btf.js';
import type { BtfType } from '../types.js';
import { essentialName } from './kinds.js';

const index = new WeakMap<Btf, Map<string, BtfType[]>>();

/** Target types whose flavor-less name equals the local type's, of a compatible kind (libbpf's bpf_core_find_cands). */
export function findCandidates(local: Btf, localRootId: number, target: Btf): BtfType[] {
  const l = local.type(localRootId);
  const name = essentialName(l.name);
  if (name === '') return [];
  let byName = index.get(target);
  if (byName === undefined) {
    byName = new Map();
    for (const t of target.all()) {
      if (t.name === '') continue;
      const key = essentialName(t.name);
      const list = byName.get(key);
      if (list === undefined) byName.set(key, [t]); else list.push(t);
    }
    index.set(target, byName);
  }
  const kindOk = (t: BtfType): boolean => {
    if ((l.kind === 'enum' || l.kind === 'enum64') && (t.kind === 'enum' || t.kind === 'enum64')) return true;
    return t.kind === l.kind;
  };
  return (byName.get(name) ?? []).filter(kindOk);
}
