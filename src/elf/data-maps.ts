import type { Btf } from '../btf/btf.js';
import { BTF_VAR_GLOBAL_ALLOCATED, BTF_VAR_STATIC } from '../btf/kinds.js';
import { BPF_F_MMAPABLE, BPF_F_RDONLY_PROG, BPF_OBJ_NAME_LEN } from '../uapi/flags.js';
import { SHF_EXECINSTR, SHT_NOBITS, SHT_PROGBITS } from './constants.js';
import type { KconfigLayout } from './kconfig-externs.js';
import type { MapSpec, VariableSpec } from './object-spec.js';
import type { ElfSection } from './types.js';

export type GlobalKind = 'data' | 'rodata' | 'bss';

/** Global-data kinds whose map libbpf freezes before the programs load (their reads are constants). */
export const isFrozenGlobal = (kind: string | undefined): boolean => kind === 'rodata' || kind === 'kconfig';

/** Which global-data kind a section holds, as libbpf classifies sections (.data*, .rodata*, .bss*). */
export function globalKind(section: ElfSection): GlobalKind | null {
  const is = (base: string): boolean => section.name === base || section.name.startsWith(`${base}.`);
  if ((section.flags & SHF_EXECINSTR) !== 0) return null;
  if (section.type === SHT_PROGBITS && is('.data')) return 'data';
  if (section.type === SHT_PROGBITS && is('.rodata')) return 'rodata';
  if (section.type === SHT_NOBITS && is('.bss')) return 'bss';
  return null;
}

/**
 * libbpf's internal_map_name: as much of the object name as fits before the
 * section name (at least 7 characters reserved for it), or the section name
 * alone for custom `.data.foo`-style sections; 15 characters at most, with
 * characters the kernel refuses replaced by `_`.
 */
export function internalMapName(objectName: string, sectionName: string): string {
  const max = BPF_OBJ_NAME_LEN - 1;
  const sfxLen = Math.min(Math.max(7, sectionName.length), max);
  const custom = sectionName.indexOf('.', 1) >= 0;
  const pfxLen = custom ? 0 : Math.min(max - sfxLen, objectName.length);
  const name = objectName.slice(0, pfxLen) + sectionName.slice(0, sfxLen);
  return name.replace(/[^A-Za-z0-9_.]/g, '_');
}

/** The variables of a data section from its BTF DATASEC (empty without BTF). */
function variables(btf: Btf | null, section: ElfSection): { id: number; vars: VariableSpec[] } {
  const datasec = btf?.find(section.name, 'datasec');
  if (btf === null || datasec === undefined) return { id: 0, vars: [] };
  const vars: VariableSpec[] = [];
  for (const v of datasec.vars) {
    const t = btf.type(v.type);
    if (t.kind !== 'var') continue;
    vars.push({ name: t.name, offset: v.offset, size: v.size, type: t.type, linkage: t.linkage });
  }
  return { id: datasec.id, vars };
}

/** A global-data section as a one-element array map, as libbpf's bpf_object__init_internal_map. */
export function dataMap(objectName: string, section: ElfSection, kind: GlobalKind, btf: Btf | null): MapSpec {
  const { id, vars } = variables(btf, section);
  let flags = kind === 'rodata' ? BPF_F_RDONLY_PROG : 0;
  if (vars.some((v) => v.linkage !== BTF_VAR_STATIC)) flags |= BPF_F_MMAPABLE;
  const value = kind === 'bss' ? new Uint8Array(section.size) : new Uint8Array(section.data);
  return {
    name: internalMapName(objectName, section.name),
    type: 'BPF_MAP_TYPE_ARRAY',
    typeId: 2,
    keySize: 4,
    valueSize: section.size,
    maxEntries: 1,
    flags,
    mapExtra: 0n,
    numaNode: 0,
    keyType: 0,
    valueType: id,
    pinning: 'none',
    contents: [{ key: new Uint8Array(4), value }],
    section: section.name,
    global: { kind, variables: vars },
  };
}

/**
 * The map libbpf makes for `__kconfig` externs (bpf_object__init_kconfig_map):
 * `<obj>.kconfig`, a one-element read-only array holding `value`, typed by
 * the `.kconfig` DATASEC; frozen before the programs load.
 */
export function kconfigMap(objectName: string, layout: KconfigLayout, value: Uint8Array): MapSpec {
  return {
    name: internalMapName(objectName, '.kconfig'),
    type: 'BPF_MAP_TYPE_ARRAY',
    typeId: 2,
    keySize: 4,
    valueSize: layout.size,
    maxEntries: 1,
    flags: BPF_F_RDONLY_PROG | BPF_F_MMAPABLE,
    mapExtra: 0n,
    numaNode: 0,
    keyType: 0,
    valueType: layout.datasecId,
    pinning: 'none',
    contents: [{ key: new Uint8Array(4), value }],
    section: '.kconfig',
    global: {
      kind: 'kconfig',
      variables: layout.externs.map((e) => ({ name: e.name, offset: e.offset, size: e.size, type: e.typeId, linkage: BTF_VAR_GLOBAL_ALLOCATED })),
    },
  };
}
