import type { Btf } from '../btf/btf.js';
import { decodeBtfValue, encodeBtfValue, type BtfValue } from '../btf/codec.js';
import type { MapSpec, VariableSpec } from '../elf/object-spec.js';
import { TsbpfError } from '../errors.js';
import type { ObjectMap } from './object-map.js';

/** A global variable that does not exist, or cannot be read or written (no BTF). */
export class GlobalVariableError extends TsbpfError {}

/** Global variables by name, read and written through the data maps (like libbpf skeletons' bss/data/rodata). */
export type GlobalsView = Record<string, BtfValue>;

const ZERO_KEY = new Uint8Array(4);

/** One variable of one data map. */
interface Located {
  readonly map: ObjectMap;
  readonly variable: VariableSpec;
}

function readVar(btf: Btf, at: Located): BtfValue {
  const value = at.map.raw.lookup(ZERO_KEY);
  if (value === undefined) throw new GlobalVariableError(`global ${at.variable.name}: map ${at.map.name} has no value`);
  return decodeBtfValue(btf, at.variable.type, value, at.variable.offset);
}

function writeVar(btf: Btf, at: Located, v: BtfValue): void {
  const value = at.map.raw.lookup(ZERO_KEY) ?? new Uint8Array(at.map.valueSize);
  const bytes = new Uint8Array(at.variable.size);
  bytes.set(value.subarray(at.variable.offset, at.variable.offset + at.variable.size));
  encodeBtfValue(btf, at.variable.type, v, bytes, 0);
  value.set(bytes, at.variable.offset);
  at.map.raw.update(ZERO_KEY, value);
}

/**
 * A view of variables (one data map's, or all of them) as properties: reads
 * decode the variable from the map now, assignments write it back (.rodata
 * is frozen once loaded, so writing it then throws MapError EPERM, as in the
 * kernel).
 */
export function globalsView(btf: Btf | null, vars: ReadonlyMap<string, Located>, what: string): GlobalsView {
  const find = (name: string | symbol): Located => {
    const at = typeof name === 'string' ? vars.get(name) : undefined;
    if (at === undefined) throw new GlobalVariableError(`${what} has no global variable ${String(name)}${vars.size ? ` (it has: ${[...vars.keys()].join(', ')})` : ''}`);
    if (btf === null) throw new GlobalVariableError(`global ${String(name)}: the object has no BTF to decode it`);
    return at;
  };
  return new Proxy(Object.create(null) as GlobalsView, {
    get: (_t, name) => (typeof name === 'symbol' ? undefined : readVar(btf as Btf, find(name))),
    set: (_t, name, value: BtfValue) => { writeVar(btf as Btf, find(name), value); return true; },
    has: (_t, name) => typeof name === 'string' && vars.has(name),
    ownKeys: () => [...vars.keys()],
    getOwnPropertyDescriptor: (_t, name) => (typeof name === 'string' && vars.has(name)
      ? { configurable: true, enumerable: true, writable: true, value: readVar(btf as Btf, find(name)) }
      : undefined),
    deleteProperty: () => false,
  });
}

/** Variables of the data maps: by section (`.bss`, `.data.stats`...) and all together (first section wins a name). */
export function indexGlobals(maps: ReadonlyMap<string, ObjectMap>): { bySection: Map<string, Map<string, Located>>; all: Map<string, Located> } {
  const bySection = new Map<string, Map<string, Located>>();
  const all = new Map<string, Located>();
  for (const map of maps.values()) {
    const spec: MapSpec = map.spec;
    if (spec.global === undefined) continue;
    const vars = new Map<string, Located>();
    for (const variable of spec.global.variables) {
      const at = { map, variable };
      vars.set(variable.name, at);
      if (!all.has(variable.name)) all.set(variable.name, at);
    }
    bySection.set(spec.section, vars);
  }
  return { bySection, all };
}

/**
 * Sets initial values of global variables in a spec's data maps before it is
 * instantiated (how .rodata configuration is given, as a skeleton's
 * `rodata->x = ...` between open and load). Returns a copy of the maps.
 */
export function withInitialGlobals(maps: readonly MapSpec[], btf: Btf | null, values: Readonly<Record<string, BtfValue>>): MapSpec[] {
  const pending = new Map(Object.entries(values));
  const out = maps.map((spec) => {
    if (spec.global === undefined || spec.contents.length === 0) return spec;
    const first = spec.contents[0];
    if (!(first.value instanceof Uint8Array)) return spec;
    const value = first.value.slice();
    let touched = false;
    for (const variable of spec.global.variables) {
      if (!pending.has(variable.name)) continue;
      if (btf === null) throw new GlobalVariableError(`global ${variable.name}: the object has no BTF to encode it`);
      const bytes = value.slice(variable.offset, variable.offset + variable.size);
      encodeBtfValue(btf, variable.type, pending.get(variable.name) as BtfValue, bytes, 0);
      value.set(bytes, variable.offset);
      pending.delete(variable.name);
      touched = true;
    }
    return touched ? { ...spec, contents: [{ key: first.key, value }, ...spec.contents.slice(1)] } : spec;
  });
  if (pending.size > 0) throw new GlobalVariableError(`no global variable ${[...pending.keys()].join(', ')} in the object`);
  return out;
}
