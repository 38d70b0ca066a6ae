import type { Btf } from '../btf.js';
import { BtfError } from '../errors.js';
import type { BtfType } from '../types.js';
import { isEnumRelo, isFieldRelo, reloKindName } from './kinds.js';

/** One step of a field access: a named member or an array index. */
export interface CoreAccessor {
  /** Type id of the struct/union/array (or enum) being indexed. */
  readonly typeId: number;
  readonly index: number;
  /** Member or enumerator name; '' for array indices. */
  readonly name: string;
}

/**
 * A CO-RE access resolved against one BTF (libbpf's bpf_core_spec): the root
 * type, the named accessors (anonymous members are folded into the offset),
 * the raw access indices and the accumulated bit offset.
 */
export interface CoreSpec {
  readonly btf: Btf;
  readonly rootId: number;
  readonly accessors: readonly CoreAccessor[];
  readonly raw: readonly number[];
  readonly bitOffset: number;
  /** For field relos: the last member's bitfield size (0 if not a bitfield), the field's type id. */
  readonly bitfieldSize: number;
  readonly fieldTypeId: number;
}

const MAX_ACCESS = 64;

export function parseAccessString(access: string, where: string): number[] {
  const parts = access.split(':');
  if (parts.length === 0 || parts.length > MAX_ACCESS || parts.some((p) => !/^\d{1,9}$/.test(p))) {
    throw new BtfError(`invalid CO-RE access string '${access}'`, where, 0);
  }
  return parts.map(Number);
}

const composite = (t: BtfType): boolean => t.kind === 'struct' || t.kind === 'union';

/** Builds the local spec of a relocation (bpf_core_parse_spec); throws BtfError on malformed access. */
export function parseCoreSpec(btf: Btf, rootId: number, access: string, kind: number): CoreSpec {
  const raw = parseAccessString(access, btf.section);
  const fail = (reason: string): never => {
    throw new BtfError(`CO-RE ${reloKindName(kind)} relocation of [${rootId}] '${access}': ${reason}`, btf.section, btf.offsetOf(rootId));
  };
  if (rootId === 0) fail('root type is void');
  const base = { btf, rootId, raw, bitfieldSize: 0, fieldTypeId: 0 };
  if (!isFieldRelo(kind) && !isEnumRelo(kind)) {
    if (raw.length !== 1 || raw[0] !== 0) fail('type relocations take access string 0');
    return { ...base, accessors: [], bitOffset: 0 };
  }
  if (isEnumRelo(kind)) {
    const t = btf.resolve(rootId);
    if (raw.length !== 1 || (t.kind !== 'enum' && t.kind !== 'enum64') || raw[0] >= t.values.length) {
      fail('not an enumerator of an enum');
    }
    const e = btf.resolve(rootId) as Extract<BtfType, { kind: 'enum' | 'enum64' }>;
    return { ...base, accessors: [{ typeId: e.id, index: raw[0], name: e.values[raw[0]].name }], bitOffset: 0 };
  }
  // Field: raw[0] indexes the root as an array; the rest walk members and array elements.
  let t = btf.resolve(rootId);
  let typeId = t.id;
  const accessors: CoreAccessor[] = [{ typeId, index: raw[0], name: '' }];
  let bitOffset = raw[0] * btf.sizeOf(typeId) * 8;
  let bitfieldSize = 0;
  for (let i = 1; i < raw.length; i++) {
    const idx = raw[i];
    if (composite(t)) {
      const st = t as Extract<BtfType, { kind: 'struct' | 'union' }>;
      const m = st.members[idx];
      if (m === undefined) fail(`member index ${idx} is out of range of [${st.id}] (${st.members.length} members)`);
      bitOffset += m.bitOffset;
      bitfieldSize = m.bitfieldSize;
      if (m.name !== '') accessors.push({ typeId: st.id, index: idx, name: m.name });
      t = btf.resolve(m.type);
      typeId = t.id;
    } else if (t.kind === 'array') {
      if (idx >= t.nelems && !(t.nelems === 0 && i === raw.length - 1)) fail(`array index ${idx} is out of range (${t.nelems})`);
      accessors.push({ typeId: t.id, index: idx, name: '' });
      const elem = btf.resolve(t.type);
      bitOffset += idx * btf.sizeOf(elem.id) * 8;
      bitfieldSize = 0;
      t = elem;
      typeId = t.id;
    } else {
      fail(`cannot index into ${t.kind} [${t.id}]`);
    }
  }
  return { ...base, accessors, bitOffset, bitfieldSize, fieldTypeId: typeId };
}
