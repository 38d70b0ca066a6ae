import { BtfError } from './errors.js';
import {
  BTF_HEADER_SIZE, BTF_INT_BOOL, BTF_INT_CHAR, BTF_INT_SIGNED, BTF_KIND_ARRAY, BTF_KIND_CONST, BTF_KIND_DATASEC, BTF_KIND_DECL_TAG, BTF_KIND_ENUM, BTF_KIND_ENUM64, BTF_KIND_FLOAT, BTF_KIND_FUNC, BTF_KIND_FUNC_PROTO, BTF_KIND_FWD, BTF_KIND_INT, BTF_KIND_NAMES, BTF_KIND_PTR, BTF_KIND_RESTRICT, BTF_KIND_STRUCT, BTF_KIND_TYPEDEF, BTF_KIND_TYPE_TAG, BTF_KIND_UNION, BTF_KIND_VAR, BTF_KIND_VOLATILE, BTF_MAGIC, BTF_VERSION,
} from './kinds.js';
import { BtfStrings } from './strings.js';
import type { BtfMember, BtfType } from './types.js';

export interface BtfHeader {
  readonly version: number;
  readonly flags: number;
  readonly hdrLen: number;
  readonly typeOff: number;
  readonly typeLen: number;
  readonly strOff: number;
  readonly strLen: number;
}

export interface ParsedBtf {
  readonly header: BtfHeader;
  readonly strings: BtfStrings;
  /** Own types; their ids start at `firstId` (1, or the base's type count for split BTF). */
  readonly types: BtfType[];
  readonly firstId: number;
  /** Byte offset of each own type's record, for errors. */
  readonly offsets: number[];
}

/** Reads and checks the BTF header (magic 0xeB9F little-endian, version 1). */
export function parseBtfHeader(bytes: Uint8Array, section: string): BtfHeader {
  const fail = (reason: string, offset: number): never => { throw new BtfError(reason, section, offset); };
  if (bytes.length < BTF_HEADER_SIZE) fail(`${bytes.length} bytes is too short for a BTF header`, bytes.length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint16(0, true);
  if (magic === 0x9feb) fail('big-endian BTF is not supported', 0);
  if (magic !== BTF_MAGIC) fail(`bad magic 0x${magic.toString(16)} (expected 0xeb9f)`, 0);
  const version = bytes[2];
  if (version !== BTF_VERSION) fail(`unsupported version ${version}`, 2);
  const hdrLen = view.getUint32(4, true);
  if (hdrLen < BTF_HEADER_SIZE || hdrLen > bytes.length) fail(`header length ${hdrLen} is invalid (${bytes.length} bytes)`, 4);
  for (let i = BTF_HEADER_SIZE; i < hdrLen; i++) if (bytes[i] !== 0) fail('unknown non-zero header field', i);
  const typeOff = view.getUint32(8, true);
  const typeLen = view.getUint32(12, true);
  const strOff = view.getUint32(16, true);
  const strLen = view.getUint32(20, true);
  const room = bytes.length - hdrLen;
  if (typeOff > room || typeLen > room - typeOff) fail(`type section ${typeOff}+${typeLen} runs past the end (${room} bytes after the header)`, 8);
  if (strOff > room || strLen > room - strOff) fail(`string section ${strOff}+${strLen} runs past the end (${room} bytes after the header)`, 16);
  if (typeOff % 4 !== 0) fail(`type section offset ${typeOff} is not 4-byte aligned`, 8);
  if (typeOff < strOff ? typeOff + typeLen > strOff : strOff + strLen > typeOff) fail('type and string sections overlap', 8);
  return { version, flags: bytes[3], hdrLen, typeOff, typeLen, strOff, strLen };
}

/**
 * Decodes every type record of a BTF blob (no semantic checks beyond record
 * bounds, known kinds and name offsets; see validateBtf). Every loop is
 * bounded by the input length.
 */
export function parseBtfBytes(bytes: Uint8Array, section: string, base: { strings: BtfStrings; typeCount: number } | null): ParsedBtf {
  const header = parseBtfHeader(bytes, section);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const strAt = header.hdrLen + header.strOff;
  const strBytes = bytes.subarray(strAt, strAt + header.strLen);
  if (base === null) {
    if (header.strLen === 0 || strBytes[0] !== 0) throw new BtfError('string section does not start with an empty string', section, strAt);
  }
  if (header.strLen > 0 && strBytes[header.strLen - 1] !== 0) {
    throw new BtfError('string section does not end with NUL', section, strAt + header.strLen - 1);
  }
  const strings = new BtfStrings(strBytes, section, strAt, base?.strings ?? null);
  const firstId = base?.typeCount ?? 1;
  const types: BtfType[] = [];
  const offsets: number[] = [];
  const start = header.hdrLen + header.typeOff;
  const end = start + header.typeLen;
  let pos = start;
  const need = (n: number, what: string): void => {
    if (end - pos < n) throw new BtfError(`${what} of ${n} bytes runs past the end of the type section`, section, pos);
  };
  const name = (off: number, at: number): string => (off === 0 ? '' : strings.get(off, at));
  while (pos < end) {
    const at = pos;
    need(12, `type [${firstId + types.length}]`);
    const nameOff = view.getUint32(pos, true);
    const info = view.getUint32(pos + 4, true);
    const sizeOrType = view.getUint32(pos + 8, true);
    pos += 12;
    const vlen = info & 0xffff;
    const kind = (info >>> 24) & 0x1f;
    const kflag = (info >>> 31) === 1;
    const id = firstId + types.length;
    const n = name(nameOff, at);
    offsets.push(at);
    switch (kind) {
      case BTF_KIND_INT: {
        need(4, 'int encoding');
        const enc = view.getUint32(pos, true);
        pos += 4;
        const encoding = (enc >>> 24) & 0x0f;
        const bits = enc & 0xff;
        const bitOffset = (enc >>> 16) & 0xff;
        if (![1, 2, 4, 8, 16].includes(sizeOrType)) throw new BtfError(`int [${id}] has invalid size ${sizeOrType}`, section, at + 8);
        if (bits === 0 || bits > 128 || bitOffset + bits > sizeOrType * 8) {
          throw new BtfError(`int [${id}] has invalid bits ${bits} at bit offset ${bitOffset}`, section, at + 12);
        }
        types.push({ id, name: n, kind: 'int', size: sizeOrType, signed: (encoding & BTF_INT_SIGNED) !== 0,
          char: (encoding & BTF_INT_CHAR) !== 0, bool: (encoding & BTF_INT_BOOL) !== 0, bitOffset, bits });
        break;
      }
      case BTF_KIND_PTR:
        types.push({ id, name: n, kind: 'ptr', type: sizeOrType });
        break;
      case BTF_KIND_ARRAY: {
        need(12, 'array info');
        types.push({ id, name: n, kind: 'array', type: view.getUint32(pos, true), indexType: view.getUint32(pos + 4, true),
          nelems: view.getUint32(pos + 8, true) });
        pos += 12;
        break;
      }
      case BTF_KIND_STRUCT:
      case BTF_KIND_UNION: {
        need(vlen * 12, `${vlen} members`);
        const members: BtfMember[] = [];
        for (let i = 0; i < vlen; i++, pos += 12) {
          const off = view.getUint32(pos + 8, true);
          members.push({ name: name(view.getUint32(pos, true), pos), type: view.getUint32(pos + 4, true),
            bitOffset: kflag ? off & 0xffffff : off, bitfieldSize: kflag ? off >>> 24 : 0 });
        }
        types.push({ id, name: n, kind: kind === BTF_KIND_STRUCT ? 'struct' : 'union', size: sizeOrType, members });
        break;
      }
      case BTF_KIND_ENUM: {
        need(vlen * 8, `${vlen} enumerators`);
        const values = [];
        for (let i = 0; i < vlen; i++, pos += 8) {
          values.push({ name: name(view.getUint32(pos, true), pos),
            value: kflag ? view.getInt32(pos + 4, true) : view.getUint32(pos + 4, true) });
        }
        types.push({ id, name: n, kind: 'enum', size: sizeOrType, signed: kflag, values });
        break;
      }
      case BTF_KIND_ENUM64: {
        need(vlen * 12, `${vlen} enumerators`);
        const values = [];
        for (let i = 0; i < vlen; i++, pos += 12) {
          const raw = (BigInt(view.getUint32(pos + 8, true)) << 32n) | BigInt(view.getUint32(pos + 4, true));
          values.push({ name: name(view.getUint32(pos, true), pos), value: kflag ? BigInt.asIntN(64, raw) : raw });
        }
        types.push({ id, name: n, kind: 'enum64', size: sizeOrType, signed: kflag, values });
        break;
      }
      case BTF_KIND_FWD:
        types.push({ id, name: n, kind: 'fwd', union: kflag });
        break;
      case BTF_KIND_TYPEDEF:
      case BTF_KIND_VOLATILE:
      case BTF_KIND_CONST:
      case BTF_KIND_RESTRICT:
      case BTF_KIND_TYPE_TAG:
        types.push({ id, name: n, kind: BTF_KIND_NAMES[kind] as 'typedef', type: sizeOrType });
        break;
      case BTF_KIND_FUNC:
        types.push({ id, name: n, kind: 'func', type: sizeOrType, linkage: vlen });
        break;
      case BTF_KIND_FUNC_PROTO: {
        need(vlen * 8, `${vlen} parameters`);
        const params = [];
        for (let i = 0; i < vlen; i++, pos += 8) {
          params.push({ name: name(view.getUint32(pos, true), pos), type: view.getUint32(pos + 4, true) });
        }
        types.push({ id, name: n, kind: 'func_proto', returnType: sizeOrType, params });
        break;
      }
      case BTF_KIND_VAR: {
        need(4, 'var linkage');
        types.push({ id, name: n, kind: 'var', type: sizeOrType, linkage: view.getUint32(pos, true) });
        pos += 4;
        break;
      }
      case BTF_KIND_DATASEC: {
        need(vlen * 12, `${vlen} variables`);
        const vars = [];
        for (let i = 0; i < vlen; i++, pos += 12) {
          vars.push({ type: view.getUint32(pos, true), offset: view.getUint32(pos + 4, true), size: view.getUint32(pos + 8, true) });
        }
        types.push({ id, name: n, kind: 'datasec', size: sizeOrType, vars });
        break;
      }
      case BTF_KIND_FLOAT:
        if (![2, 4, 8, 12, 16].includes(sizeOrType)) throw new BtfError(`float [${id}] has invalid size ${sizeOrType}`, section, at + 8);
        types.push({ id, name: n, kind: 'float', size: sizeOrType });
        break;
      case BTF_KIND_DECL_TAG: {
        need(4, 'decl_tag component');
        types.push({ id, name: n, kind: 'decl_tag', type: sizeOrType, componentIdx: view.getInt32(pos, true) });
        pos += 4;
        break;
      }
      default:
        throw new BtfError(`type [${id}] has unknown kind ${kind}`, section, at + 4);
    }
  }
  return { header, strings, types, firstId, offsets };
}
