import type { Btf } from './btf.js';
import { bitSpan, readBits, readUint, signExtend, writeBits, writeUint } from './bits.js';
import { charArrayText, isCharElement } from './char-array.js';
import { BtfError } from './errors.js';
import type { BtfType, BtfTypeOf } from './types.js';

/**
 * A C value as JavaScript data: integers up to 32 bits as numbers, 64- and
 * 128-bit integers and pointers as bigints, _Bool as boolean, char arrays
 * holding a C string as strings, arrays as arrays, structs and unions as
 * objects (members of anonymous structs/unions appear in the enclosing
 * object, as C lets you name them), enums as numbers, floats as numbers.
 */
export type BtfValue = number | bigint | boolean | string | readonly BtfValue[] | { readonly [name: string]: BtfValue };

const MAX_DEPTH = 64;
/** Zero-sized elements would let a huge nelems loop for nothing. */
const MAX_EMPTY_ELEMENTS = 4096;

type Composite = BtfTypeOf<'struct' | 'union'>;
const isComposite = (t: BtfType): t is Composite => t.kind === 'struct' || t.kind === 'union';

class Walker {
  constructor(readonly btf: Btf, readonly bytes: Uint8Array) {}

  fail(reason: string, offset: number, path: string): never {
    throw new BtfError(`${path || 'value'}: ${reason}`, this.btf.section, offset);
  }

  /** Checks that `size` bytes at `offset` are inside the buffer. */
  need(offset: number, size: number, path: string): void {
    if (offset < 0 || size < 0 || offset + size > this.bytes.length) {
      this.fail(`needs ${size} bytes at offset ${offset}, the buffer has ${this.bytes.length}`, offset, path);
    }
  }

  size(t: BtfType, offset: number, path: string): number {
    const s = this.btf.sizeOrUnsized(t.id);
    if (s < 0) this.fail(`type [${t.id}] (${t.kind}) has no size`, offset, path);
    return s;
  }

  arrayElementSize(t: BtfTypeOf<'array'>, offset: number, path: string): number {
    const elem = this.btf.resolve(t.type);
    const size = this.size(elem, offset, path);
    if (size === 0 && t.nelems > MAX_EMPTY_ELEMENTS) this.fail(`array of ${t.nelems} zero-sized elements`, offset, path);
    return size;
  }
}

class Decoder extends Walker {
  decode(typeId: number, offset: number, path: string, depth: number): BtfValue {
    if (depth > MAX_DEPTH) this.fail(`types nest deeper than ${MAX_DEPTH} levels`, offset, path);
    const t = this.btf.resolve(typeId);
    switch (t.kind) {
      case 'int': {
        this.need(offset, t.size, path);
        const raw = readBits(this.bytes, offset, t.bitOffset, t.bits);
        return this.intValue(t, raw, t.bits);
      }
      case 'ptr':
        this.need(offset, 8, path);
        return readUint(this.bytes, offset, 8);
      case 'enum': case 'enum64': {
        this.need(offset, t.size, path);
        const raw = readUint(this.bytes, offset, t.size);
        const v = t.signed ? signExtend(raw, t.size * 8) : raw;
        return t.kind === 'enum' && t.size <= 4 ? Number(v) : v;
      }
      case 'float': {
        this.need(offset, t.size, path);
        const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + offset, t.size);
        if (t.size === 4) return view.getFloat32(0, true);
        if (t.size === 8) return view.getFloat64(0, true);
        return this.fail(`${t.size}-byte float is not supported`, offset, path);
      }
      case 'array': {
        const elemSize = this.arrayElementSize(t, offset, path);
        this.need(offset, elemSize * t.nelems, path);
        if (isCharElement(this.btf, t.type)) {
          const text = charArrayText(this.bytes, offset, t.nelems, true);
          if (text !== null) return text;
        }
        const out: BtfValue[] = [];
        for (let i = 0; i < t.nelems; i++) out.push(this.decode(t.type, offset + i * elemSize, `${path}[${i}]`, depth + 1));
        return out;
      }
      case 'struct': case 'union': {
        this.need(offset, t.size, path);
        const out: Record<string, BtfValue> = {};
        this.members(t, offset, path, depth, out);
        return out;
      }
      case 'var':
        return this.decode(t.type, offset, path, depth + 1);
      case 'datasec': {
        this.need(offset, t.size, path);
        const out: Record<string, BtfValue> = {};
        for (const v of t.vars) {
          const variable = this.btf.type(v.type);
          if (variable.kind !== 'var') continue;
          out[variable.name] = this.decode(variable.type, offset + v.offset, `${path}.${variable.name}`, depth + 1);
        }
        return out;
      }
      default:
        return this.fail(`a ${t.kind} has no value`, offset, path);
    }
  }

  private intValue(t: BtfTypeOf<'int'>, raw: bigint, bits: number): BtfValue {
    if (t.bool) return raw !== 0n;
    const v = t.signed ? signExtend(raw, bits) : raw;
    return t.size <= 4 ? Number(v) : v;
  }

  private members(t: Composite, offset: number, path: string, depth: number, out: Record<string, BtfValue>): void {
    for (const m of t.members) {
      const mt = this.btf.resolve(m.type);
      const mpath = `${path}.${m.name}`;
      if (m.bitfieldSize > 0) {
        if (mt.kind !== 'int' && mt.kind !== 'enum' && mt.kind !== 'enum64') this.fail(`bitfield of ${mt.kind}`, offset, mpath);
        this.need(offset + Math.floor(m.bitOffset / 8), bitSpan(m.bitOffset % 8, m.bitfieldSize), mpath);
        const raw = readBits(this.bytes, offset, m.bitOffset, m.bitfieldSize);
        const signed = mt.kind === 'int' ? mt.signed : (mt as BtfTypeOf<'enum'>).signed;
        const v = signed ? signExtend(raw, m.bitfieldSize) : raw;
        out[m.name] = mt.kind === 'int' && mt.bool ? v !== 0n : this.btf.sizeOf(mt.id) <= 4 ? Number(v) : v;
        continue;
      }
      if (m.bitOffset % 8 !== 0) this.fail(`member at bit offset ${m.bitOffset} is not byte-aligned`, offset, mpath);
      const at = offset + m.bitOffset / 8;
      if (m.name === '' && isComposite(mt)) {
        this.need(at, mt.size, mpath);
        if (depth + 1 > MAX_DEPTH) this.fail(`types nest deeper than ${MAX_DEPTH} levels`, at, mpath);
        this.members(mt, at, path, depth + 1, out);
        continue;
      }
      out[m.name] = this.decode(m.type, at, mpath, depth + 1);
    }
  }
}

class Encoder extends Walker {
  encode(typeId: number, value: BtfValue, offset: number, path: string, depth: number): void {
    if (depth > MAX_DEPTH) this.fail(`types nest deeper than ${MAX_DEPTH} levels`, offset, path);
    const t = this.btf.resolve(typeId);
    switch (t.kind) {
      case 'int':
        this.need(offset, t.size, path);
        writeBits(this.bytes, offset, t.bitOffset, t.bits, this.integer(value, t.bits, t.signed, t.bool, offset, path));
        return;
      case 'ptr':
        this.need(offset, 8, path);
        writeUint(this.bytes, offset, 8, this.integer(value, 64, false, false, offset, path));
        return;
      case 'enum': case 'enum64': {
        this.need(offset, t.size, path);
        let v = value;
        if (typeof v === 'string') {
          const named = (t.values as ReadonlyArray<{ name: string; value: number | bigint }>).find((e) => e.name === v);
          if (named === undefined) this.fail(`'${v}' is not an enumerator of ${t.name || 'the enum'}`, offset, path);
          v = BigInt(named!.value);
        }
        writeUint(this.bytes, offset, t.size, this.integer(v, t.size * 8, t.signed, false, offset, path, true));
        return;
      }
      case 'float': {
        this.need(offset, t.size, path);
        if (typeof value !== 'number') this.fail(`expected a number, got ${typeof value}`, offset, path);
        const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + offset, t.size);
        if (t.size === 4) view.setFloat32(0, value as number, true);
        else if (t.size === 8) view.setFloat64(0, value as number, true);
        else this.fail(`${t.size}-byte float is not supported`, offset, path);
        return;
      }
      case 'array': {
        const elemSize = this.arrayElementSize(t, offset, path);
        this.need(offset, elemSize * t.nelems, path);
        if (typeof value === 'string') {
          if (!isCharElement(this.btf, t.type)) this.fail('a string only fits a char array', offset, path);
          const text = new TextEncoder().encode(value);
          if (text.length > t.nelems) this.fail(`string of ${text.length} bytes does not fit in char[${t.nelems}]`, offset, path);
          this.bytes.fill(0, offset, offset + t.nelems);
          this.bytes.set(text, offset);
          return;
        }
        if (!Array.isArray(value)) this.fail(`expected an array, got ${typeof value}`, offset, path);
        const list = value as readonly BtfValue[];
        if (list.length > t.nelems) this.fail(`${list.length} elements do not fit in [${t.nelems}]`, offset, path);
        list.forEach((v, i) => this.encode(t.type, v, offset + i * elemSize, `${path}[${i}]`, depth + 1));
        return;
      }
      case 'struct': case 'union': {
        this.need(offset, t.size, path);
        const obj = this.object(value, offset, path);
        const used = new Set<string>();
        this.members(t, obj, offset, path, depth, used);
        for (const key of Object.keys(obj)) if (!used.has(key)) this.fail(`${t.kind} ${t.name || '(anon)'} has no member '${key}'`, offset, path);
        return;
      }
      case 'var':
        this.encode(t.type, value, offset, path, depth + 1);
        return;
      case 'datasec': {
        this.need(offset, t.size, path);
        const obj = this.object(value, offset, path);
        const vars = new Map<string, { type: number; offset: number }>();
        for (const v of t.vars) {
          const variable = this.btf.type(v.type);
          if (variable.kind === 'var') vars.set(variable.name, { type: variable.type, offset: v.offset });
        }
        for (const [name, v] of Object.entries(obj)) {
          const target = vars.get(name);
          if (target === undefined) this.fail(`section ${t.name} has no variable '${name}'`, offset, path);
          this.encode(target!.type, v, offset + target!.offset, `${path}.${name}`, depth + 1);
        }
        return;
      }
      default:
        this.fail(`a ${t.kind} has no value`, offset, path);
    }
  }

  private object(value: BtfValue, offset: number, path: string): Record<string, BtfValue> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(`expected an object, got ${Array.isArray(value) ? 'an array' : typeof value}`, offset, path);
    return value as Record<string, BtfValue>;
  }

  private members(t: Composite, obj: Record<string, BtfValue>, offset: number, path: string, depth: number, used: Set<string>): void {
    for (const m of t.members) {
      const mt = this.btf.resolve(m.type);
      const mpath = `${path}.${m.name}`;
      if (m.name === '' && isComposite(mt) && m.bitfieldSize === 0) {
        if (m.bitOffset % 8 !== 0) this.fail(`member at bit offset ${m.bitOffset} is not byte-aligned`, offset, mpath);
        if (depth + 1 > MAX_DEPTH) this.fail(`types nest deeper than ${MAX_DEPTH} levels`, offset, mpath);
        this.need(offset + m.bitOffset / 8, mt.size, mpath);
        this.members(mt, obj, offset + m.bitOffset / 8, path, depth + 1, used);
        continue;
      }
      if (!Object.prototype.hasOwnProperty.call(obj, m.name)) continue;
      used.add(m.name);
      const v = obj[m.name];
      if (m.bitfieldSize > 0) {
        const signed = mt.kind === 'int' ? mt.signed : mt.kind === 'enum' || mt.kind === 'enum64' ? mt.signed : false;
        const isBool = mt.kind === 'int' && mt.bool;
        this.need(offset + Math.floor(m.bitOffset / 8), bitSpan(m.bitOffset % 8, m.bitfieldSize), mpath);
        writeBits(this.bytes, offset, m.bitOffset, m.bitfieldSize, this.integer(v, m.bitfieldSize, signed, isBool, offset, mpath));
        continue;
      }
      if (m.bitOffset % 8 !== 0) this.fail(`member at bit offset ${m.bitOffset} is not byte-aligned`, offset, mpath);
      this.encode(m.type, v, offset + m.bitOffset / 8, mpath, depth + 1);
    }
  }

  /** A JS number, bigint or boolean as an integer that fits `bits` (signed or not). */
  private integer(value: BtfValue, bits: number, signed: boolean, bool: boolean, offset: number, path: string, lenient = false): bigint {
    let v: bigint;
    if (typeof value === 'boolean') v = value ? 1n : 0n;
    else if (typeof value === 'bigint') v = value;
    else if (typeof value === 'number' && Number.isInteger(value)) v = BigInt(value);
    else return this.fail(`expected an integer${bool ? ' or boolean' : ''}, got ${typeof value === 'number' ? value : typeof value}`, offset, path);
    const b = BigInt(bits);
    const min = signed ? -(1n << (b - 1n)) : lenient ? -(1n << (b - 1n)) : 0n;
    const max = signed && !lenient ? (1n << (b - 1n)) - 1n : (1n << b) - 1n;
    if (v < min || v > max) this.fail(`${v} does not fit in ${bits} ${signed ? 'signed' : 'unsigned'} bits`, offset, path);
    return v;
  }
}

/** Decodes the C value of BTF type `typeId` at `offset` in `bytes`; BtfError if it does not fit or cannot be represented. */
export function decodeBtfValue(btf: Btf, typeId: number, bytes: Uint8Array, offset = 0): BtfValue {
  return new Decoder(btf, bytes).decode(typeId, offset, '', 0);
}

/**
 * Encodes a JavaScript value as the C value of BTF type `typeId`, into
 * `target` at `offset` (members and elements not given are left as they
 * are) or into a new zeroed buffer of the type's size.
 */
export function encodeBtfValue(btf: Btf, typeId: number, value: BtfValue, target?: Uint8Array, offset = 0): Uint8Array {
  const bytes = target ?? new Uint8Array(Math.max(0, btf.sizeOf(typeId)));
  new Encoder(btf, bytes).encode(typeId, value, offset, '', 0);
  return bytes;
}
