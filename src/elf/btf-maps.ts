import type { Btf } from '../btf/btf.js';
import type { BtfTypeOf } from '../btf/types.js';
import { ElfError } from './errors.js';
import { adjustRingbufSize, isMapInMap, mapTypeName } from './map-types.js';
import type { MapSpec } from './object-spec.js';
import type { ElfSection } from './types.js';

/** A `.maps` definition: the spec and where it sits in the section. */
export interface BtfMapDef {
  readonly spec: MapSpec;
  /** Byte offset of the definition in `.maps`. */
  readonly offset: number;
  readonly size: number;
  /** Bit offset of the `values` member inside the definition, or -1. */
  readonly valuesBitOffset: number;
}

interface Parts {
  type: number; maxEntries: number; flags: number; numaNode: number; mapExtra: bigint;
  keySize: number; valueSize: number; keyType: number; valueType: number; pinning: number;
  inner: Parts | null; valuesBitOffset: number;
}

/**
 * Reads the maps of the `.maps` section through BTF, as libbpf's
 * parse_btf_map_def: each integer attribute is encoded as `int (*name)[N]`,
 * key and value as pointers to their types, `values` as a zero-length array
 * of pointers to the inner map's definition (or to a function prototype for
 * prog arrays).
 */
export function readBtfMaps(btf: Btf, section: ElfSection): BtfMapDef[] {
  const datasec = btf.find(section.name, 'datasec');
  if (datasec === undefined) {
    throw new ElfError('no BTF DATASEC describes the .maps section (compile with -g)', section.name, section.offset);
  }
  return datasec.vars.map((v) => {
    const at = section.offset + v.offset;
    const variable = btf.type(v.type);
    if (variable.kind !== 'var') throw new ElfError(`DATASEC entry ${v.type} is ${variable.kind}, not a var`, section.name, at);
    const name = variable.name;
    const fail = (reason: string): never => { throw new ElfError(`map '${name}': ${reason}`, section.name, at); };
    if (v.offset + v.size > section.size) fail(`definition at ${v.offset}+${v.size} runs past the section (${section.size} bytes)`);
    const def = btf.resolve(variable.type);
    if (def.kind !== 'struct') fail(`definition is a ${def.kind}, expected a struct`);
    const parts = parseDef(btf, def as BtfTypeOf<'struct'>, name, false, fail);
    return { spec: toSpec(name, parts, section.name, at, fail), offset: v.offset, size: v.size, valuesBitOffset: parts.valuesBitOffset };
  });
}

function fieldInt(btf: Btf, memberType: number, attr: string, fail: (r: string) => never): number {
  const ptr = btf.resolve(memberType);
  if (ptr.kind !== 'ptr') return fail(`attr '${attr}': expected PTR, got ${ptr.kind}`);
  const arr = btf.type(ptr.type);
  if (arr.kind !== 'array') return fail(`attr '${attr}': expected ARRAY, got ${arr.kind}`);
  return arr.nelems;
}

function pointee(btf: Btf, memberType: number, what: string, fail: (r: string) => never): number {
  const ptr = btf.type(memberType);
  if (ptr.kind !== 'ptr') return fail(`${what} spec is not PTR: ${ptr.kind}`);
  return ptr.type;
}

function parseDef(btf: Btf, def: BtfTypeOf<'struct'>, name: string, inner: boolean, fail: (r: string) => never): Parts {
  const p: Parts = { type: 0, maxEntries: 0, flags: 0, numaNode: 0, mapExtra: 0n, keySize: 0, valueSize: 0,
    keyType: 0, valueType: 0, pinning: 0, inner: null, valuesBitOffset: -1 };
  const setSize = (field: 'keySize' | 'valueSize', size: number, what: string): void => {
    if (p[field] !== 0 && p[field] !== size) fail(`conflicting ${what} size ${p[field]} != ${size}`);
    p[field] = size;
  };
  def.members.forEach((m, i) => {
    switch (m.name) {
      case 'type': p.type = fieldInt(btf, m.type, m.name, fail); break;
      case 'max_entries': p.maxEntries = fieldInt(btf, m.type, m.name, fail); break;
      case 'map_flags': p.flags = fieldInt(btf, m.type, m.name, fail); break;
      case 'numa_node': p.numaNode = fieldInt(btf, m.type, m.name, fail); break;
      case 'map_extra': p.mapExtra = BigInt(fieldInt(btf, m.type, m.name, fail)); break;
      case 'key_size': setSize('keySize', fieldInt(btf, m.type, m.name, fail), 'key'); break;
      case 'value_size': setSize('valueSize', fieldInt(btf, m.type, m.name, fail), 'value'); break;
      case 'key': {
        const t = pointee(btf, m.type, 'key', fail);
        setSize('keySize', btf.sizeOf(t), 'key');
        p.keyType = t;
        break;
      }
      case 'value': {
        const t = pointee(btf, m.type, 'value', fail);
        setSize('valueSize', btf.sizeOf(t), 'value');
        p.valueType = t;
        break;
      }
      case 'pinning': {
        if (inner) fail("inner def can't be pinned");
        p.pinning = fieldInt(btf, m.type, m.name, fail);
        if (p.pinning > 1) fail(`invalid pinning value ${p.pinning}`);
        break;
      }
      case 'values': {
        if (inner) fail('multi-level inner maps not supported');
        if (i !== def.members.length - 1) fail("'values' member should be last");
        const typeName = mapTypeNameOrNull(p.type);
        const progArray = typeName === 'BPF_MAP_TYPE_PROG_ARRAY';
        if (typeName === null || (!progArray && !isMapInMap(typeName))) fail('should be map-in-map or prog-array');
        setSize('valueSize', 4, 'value');
        const arr = btf.type(m.type);
        if (arr.kind !== 'array' || arr.nelems !== 0) fail(`${progArray ? 'prog-array value' : 'map-in-map inner'} spec is not a zero-sized array`);
        const ptr = btf.resolve((arr as BtfTypeOf<'array'>).type);
        if (ptr.kind !== 'ptr') fail(`values def is of unexpected kind ${ptr.kind}`);
        const target = btf.resolve((ptr as BtfTypeOf<'ptr'>).type);
        p.valuesBitOffset = m.bitOffset;
        if (progArray) {
          if (target.kind !== 'func_proto') fail(`prog-array value def is of unexpected kind ${target.kind}`);
          break;
        }
        if (target.kind !== 'struct') fail(`map-in-map inner def is of unexpected kind ${target.kind}`);
        p.inner = parseDef(btf, target as BtfTypeOf<'struct'>, `${name}.inner`, true, fail);
        break;
      }
      default:
        fail(`unknown field '${m.name}'`);
    }
  });
  if (p.type === 0) fail('map type isn\'t specified');
  return p;
}

function mapTypeNameOrNull(type: number): ReturnType<typeof mapTypeName> | null {
  try { return mapTypeName(type, '', '', 0); } catch { return null; }
}

function toSpec(name: string, p: Parts, section: string, at: number, fail: (r: string) => never): MapSpec {
  const type = mapTypeName(p.type, name, section, at);
  if (isMapInMap(type) && p.inner === null) fail('map-in-map needs an inner map definition (__array(values, ...))');
  return {
    name,
    type,
    typeId: p.type,
    keySize: p.keySize,
    valueSize: p.valueSize,
    maxEntries: type === 'BPF_MAP_TYPE_RINGBUF' || type === 'BPF_MAP_TYPE_USER_RINGBUF' ? adjustRingbufSize(p.maxEntries) : p.maxEntries,
    flags: p.flags,
    mapExtra: p.mapExtra,
    numaNode: p.numaNode,
    keyType: p.keyType,
    valueType: p.valueType,
    pinning: p.pinning === 1 ? 'by_name' : 'none',
    ...(p.inner === null ? {} : { inner: toSpec(`${name}.inner`, p.inner, section, at, fail) }),
    contents: [],
    section,
  };
}
