import type { Btf } from './btf.js';
import { readBits, readUint, signExtend } from './bits.js';
import { charArrayText, isCharElement } from './char-array.js';
import { BtfError } from './errors.js';
import type { BtfType, BtfTypeOf } from './types.js';

const MAX_DEPTH = 64;
const MAX_EMPTY_ELEMENTS = 4096;

/**
 * Formats a C value as bpftool's `formatted` JSON (btf_dumper, bpftool 7.1
 * on this machine), compact, as `bpftool -j` prints it:
 * - integers in decimal (signed or not), _Bool as true/false, 128-bit
 *   integers and bitfields as hex strings ("0x1f");
 * - char arrays holding a printable NUL-terminated string as that string,
 *   other arrays as JSON arrays;
 * - structs and unions as objects; anonymous members under the key "";
 * - enums as the enumerator's name, or the number when none matches;
 * - pointers as unsigned decimal;
 * - DATASEC values (global data maps) as {"<section>":[{"<var>":value},...]}.
 * bpftool 7.1 cannot print floats (it writes "(unsupported-kind" and stops,
 * leaving invalid JSON); this prints them as JSON numbers instead.
 */
export function formatBpftoolValue(btf: Btf, typeId: number, bytes: Uint8Array, offset = 0): string {
  const fail = (reason: string, at: number): never => { throw new BtfError(reason, btf.section, at); };
  const need = (at: number, size: number): void => {
    if (at < 0 || at + size > bytes.length) fail(`needs ${size} bytes at offset ${at}, the buffer has ${bytes.length}`, at);
  };
  const hex = (v: bigint): string => `"0x${v.toString(16)}"`;

  const intText = (t: BtfTypeOf<'int'>, at: number): string => {
    need(at, t.size);
    if (t.bitOffset !== 0 || t.bits % 8 !== 0) return hex(readBits(bytes, at, t.bitOffset, t.bits));
    if (t.size === 16) return hex(readUint(bytes, at, 16));
    const raw = readUint(bytes, at, t.size);
    if (t.bool) return raw !== 0n ? 'true' : 'false';
    return (t.signed ? signExtend(raw, t.size * 8) : raw).toString();
  };

  const enumText = (t: BtfTypeOf<'enum' | 'enum64'>, at: number): string => {
    need(at, t.size);
    const raw = readUint(bytes, at, t.size);
    const v = t.signed ? signExtend(raw, t.size * 8) : raw;
    const values = t.values as ReadonlyArray<{ name: string; value: number | bigint }>;
    const hit = values.find((e) => BigInt(e.value) === v || BigInt.asUintN(t.size * 8, BigInt(e.value)) === raw);
    return hit !== undefined ? JSON.stringify(hit.name) : v.toString();
  };

  const format = (id: number, at: number, depth: number): string => {
    if (depth > MAX_DEPTH) fail(`types nest deeper than ${MAX_DEPTH} levels`, at);
    const t: BtfType = btf.resolve(id);
    switch (t.kind) {
      case 'int': return intText(t, at);
      case 'ptr': need(at, 8); return readUint(bytes, at, 8).toString();
      case 'enum': case 'enum64': return enumText(t, at);
      case 'float': {
        need(at, t.size);
        const view = new DataView(bytes.buffer, bytes.byteOffset + at, t.size);
        const v = t.size === 4 ? view.getFloat32(0, true) : t.size === 8 ? view.getFloat64(0, true) : fail(`${t.size}-byte float is not supported`, at);
        return Number.isFinite(v) ? String(v) : JSON.stringify(String(v));
      }
      case 'array': {
        const elemSize = btf.sizeOrUnsized(btf.resolve(t.type).id);
        if (elemSize < 0) fail(`array element [${t.type}] has no size`, at);
        if (elemSize === 0 && t.nelems > MAX_EMPTY_ELEMENTS) fail(`array of ${t.nelems} zero-sized elements`, at);
        need(at, elemSize * t.nelems);
        if (isCharElement(btf, t.type)) {
          const text = charArrayText(bytes, at, t.nelems, false);
          if (text !== null) return JSON.stringify(text);
        }
        const parts: string[] = [];
        for (let i = 0; i < t.nelems; i++) parts.push(format(t.type, at + i * elemSize, depth + 1));
        return `[${parts.join(',')}]`;
      }
      case 'struct': case 'union': {
        need(at, t.size);
        const parts = t.members.map((m) => {
          const key = JSON.stringify(m.name);
          if (m.bitfieldSize > 0) {
            const mt = btf.resolve(m.type);
            if (mt.kind !== 'int' && mt.kind !== 'enum' && mt.kind !== 'enum64') fail(`bitfield of ${mt.kind}`, at);
            need(at + Math.floor(m.bitOffset / 8), Math.ceil(((m.bitOffset % 8) + m.bitfieldSize) / 8));
            return `${key}:${hex(readBits(bytes, at, m.bitOffset, m.bitfieldSize))}`;
          }
          if (m.bitOffset % 8 !== 0) fail(`member ${m.name} at bit offset ${m.bitOffset} is not byte-aligned`, at);
          return `${key}:${format(m.type, at + m.bitOffset / 8, depth + 1)}`;
        });
        return `{${parts.join(',')}}`;
      }
      case 'var': return format(t.type, at, depth + 1);
      case 'datasec': {
        need(at, t.size);
        const vars = t.vars.map((v) => {
          const variable = btf.type(v.type);
          const name = variable.kind === 'var' ? variable.name : '';
          return `{${JSON.stringify(name)}:${format(v.type, at + v.offset, depth + 1)}}`;
        });
        return `{${JSON.stringify(t.name)}:[${vars.join(',')}]}`;
      }
      default:
        return fail(`a ${t.kind} has no value`, at);
    }
  };
  return format(typeId, offset, 0);
}

/** bpftool's byte array: ["0x0a","0xff",...]. */
export function formatBpftoolBytes(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (const b of bytes) parts.push(`"0x${b.toString(16).padStart(2, '0')}"`);
  return `[${parts.join(',')}]`;
}

/** What formatting a map entry needs to know about the map. */
export interface BpftoolMapShape {
  /** BTF type ids of key and value (0: none). */
  readonly keyType: number;
  readonly valueType: number;
}

/**
 * One element of `bpftool -j map dump`, as JSON text:
 * `{"key":[bytes],"value":[bytes],"formatted":{"key":…,"value":…}}`, or for
 * per-CPU maps (`value` given per CPU) `"values":[{"cpu":N,"value":[bytes]}]`
 * and `"formatted":{"key":…,"values":[{"cpu":N,"value":…}]}`. `formatted`
 * appears only with BTF, and holds only the parts that have a BTF type.
 */
export function formatBpftoolMapEntry(btf: Btf | null, map: BpftoolMapShape, key: Uint8Array,
  value: Uint8Array | readonly Uint8Array[]): string {
  const perCpu = !(value instanceof Uint8Array);
  const raw = perCpu
    ? `"values":[${(value as readonly Uint8Array[]).map((v, cpu) => `{"cpu":${cpu},"value":${formatBpftoolBytes(v)}}`).join(',')}]`
    : `"value":${formatBpftoolBytes(value as Uint8Array)}`;
  let formatted = '';
  if (btf !== null && (map.keyType !== 0 || map.valueType !== 0)) {
    const parts: string[] = [];
    if (map.keyType !== 0) parts.push(`"key":${formatBpftoolValue(btf, map.keyType, key)}`);
    if (map.valueType !== 0) {
      parts.push(perCpu
        ? `"values":[${(value as readonly Uint8Array[]).map((v, cpu) => `{"cpu":${cpu},"value":${formatBpftoolValue(btf, map.valueType, v)}}`).join(',')}]`
        : `"value":${formatBpftoolValue(btf, map.valueType, value as Uint8Array)}`);
    }
    formatted = `,"formatted":{${parts.join(',')}}`;
  }
  return `{"key":${formatBpftoolBytes(key)},${raw}${formatted}}`;
}
