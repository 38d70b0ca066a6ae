import type { Btf } from '../btf.js';
import type { BtfType } from '../types.js';
import { fieldsAreCompatible, namesMatch } from './compat.js';
import type { CoreAccessor, CoreSpec } from './spec.js';

type Composite = Extract<BtfType, { kind: 'struct' | 'union' }>;
const composite = (t: BtfType): t is Composite => t.kind === 'struct' || t.kind === 'union';

interface MemberHit { bitOffset: number; member: Composite['members'][number]; path: number[]; parent: Composite }

/**
 * Finds a member by name in a target struct/union, looking through anonymous
 * members as C does (libbpf's bpf_core_match_member). Breadth is bounded by
 * the members present; depth by a fixed limit.
 */
function findMember(btf: Btf, t: Composite, name: string, depth = 0): MemberHit | null {
  if (depth > 32) return null;
  for (let i = 0; i < t.members.length; i++) {
    const m = t.members[i];
    if (m.name === name) return { bitOffset: m.bitOffset, member: m, path: [i], parent: t };
    if (m.name === '') {
      const inner = btf.resolve(m.type);
      if (composite(inner)) {
        const hit = findMember(btf, inner, name, depth + 1);
        if (hit !== null) return { ...hit, bitOffset: hit.bitOffset + m.bitOffset, path: [i, ...hit.path] };
      }
    }
  }
  return null;
}

/**
 * Matches a local field spec against a candidate root type in the target BTF
 * (libbpf's bpf_core_spec_match for fields): the same member names in the
 * same order, compatible member types, array indices in bounds. Null when
 * the candidate does not match.
 */
export function matchFieldSpec(local: CoreSpec, target: Btf, targetRootId: number): CoreSpec | null {
  let t = target.resolve(targetRootId);
  const rootSize = target.sizeOrUnsized(t.id);
  if (rootSize < 0) return null;
  const first = local.accessors[0];
  let bitOffset = first.index * rootSize * 8;
  const accessors: CoreAccessor[] = [{ typeId: t.id, index: first.index, name: '' }];
  const raw: number[] = [first.index];
  let bitfieldSize = 0;
  let localTypeId = local.btf.resolve(local.rootId).id;
  for (let i = 1; i < local.accessors.length; i++) {
    const acc = local.accessors[i];
    if (acc.name !== '') {
      if (!composite(t)) return null;
      const hit = findMember(target, t, acc.name);
      if (hit === null) return null;
      const localParent = local.btf.resolve(acc.typeId) as Composite;
      const localMember = localParent.members[acc.index];
      if (!fieldsAreCompatible(local.btf, localMember.type, target, hit.member.type)) return null;
      bitOffset += hit.bitOffset;
      bitfieldSize = hit.member.bitfieldSize;
      raw.push(...hit.path);
      accessors.push({ typeId: hit.parent.id, index: hit.path[hit.path.length - 1], name: acc.name });
      t = target.resolve(hit.member.type);
      localTypeId = local.btf.resolve(localMember.type).id;
    } else {
      if (t.kind !== 'array') return null;
      const last = i === local.accessors.length - 1;
      if (acc.index >= t.nelems && !(t.nelems === 0 && last)) return null;
      const elem = target.resolve(t.type);
      const elemSize = target.sizeOrUnsized(elem.id);
      if (elemSize < 0) return null;
      accessors.push({ typeId: t.id, index: acc.index, name: '' });
      raw.push(acc.index);
      bitOffset += acc.index * elemSize * 8;
      bitfieldSize = 0;
      t = elem;
      const localArray = local.btf.resolve(localTypeId);
      if (localArray.kind === 'array') localTypeId = local.btf.resolve(localArray.type).id;
    }
  }
  return { btf: target, rootId: targetRootId, accessors, raw, bitOffset, bitfieldSize, fieldTypeId: t.id };
}

/** Whether a named enumerator exists in a target enum (flavor-less names). */
export function matchEnumerator(local: CoreSpec, target: Btf, targetRootId: number): CoreSpec | null {
  const t = target.resolve(targetRootId);
  if (t.kind !== 'enum' && t.kind !== 'enum64') return null;
  const name = local.accessors[0].name;
  const index = (t.values as ReadonlyArray<{ name: string }>).findIndex((v) => namesMatch(v.name, name));
  if (index < 0) return null;
  return { btf: target, rootId: targetRootId, accessors: [{ typeId: t.id, index, name }], raw: [index], bitOffset: 0, bitfieldSize: 0, fieldTypeId: 0 };
}
