import type { Btf } from './btf.js';
import { BtfError } from './errors.js';

/** BTF_KIND_FUNC type of the function starting at `insnOff` (bytes from the section start). */
export interface BtfExtFuncInfo {
  readonly insnOff: number;
  readonly typeId: number;
}

/** Source position of the instruction at `insnOff` (bytes from the section start). */
export interface BtfExtLineInfo {
  readonly insnOff: number;
  readonly fileName: string;
  /** The source line's text, as clang recorded it. */
  readonly lineText: string;
  readonly line: number;
  readonly column: number;
  /** Offsets of fileName and lineText in the .BTF string section (the kernel's line_info takes these). */
  readonly fileNameOff: number;
  readonly lineOff: number;
}

/** enum bpf_core_relo_kind */
export const BPF_CORE_FIELD_BYTE_OFFSET = 0;
export const BPF_CORE_FIELD_BYTE_SIZE = 1;
export const BPF_CORE_FIELD_EXISTS = 2;
export const BPF_CORE_FIELD_SIGNED = 3;
export const BPF_CORE_FIELD_LSHIFT_U64 = 4;
export const BPF_CORE_FIELD_RSHIFT_U64 = 5;
export const BPF_CORE_TYPE_ID_LOCAL = 6;
export const BPF_CORE_TYPE_ID_TARGET = 7;
export const BPF_CORE_TYPE_EXISTS = 8;
export const BPF_CORE_TYPE_SIZE = 9;
export const BPF_CORE_ENUMVAL_EXISTS = 10;
export const BPF_CORE_ENUMVAL_VALUE = 11;
export const BPF_CORE_TYPE_MATCHES = 12;
export const BPF_CORE_RELO_KIND_NAMES = [
  'byte_off', 'byte_sz', 'field_exists', 'signed', 'lshift_u64', 'rshift_u64', 'local_type_id',
  'target_type_id', 'type_exists', 'type_size', 'enumval_exists', 'enumval_value', 'type_matches',
] as const;

/** struct bpf_core_relo: one CO-RE relocation of the instruction at `insnOff`. */
export interface BtfExtCoreRelo {
  readonly insnOff: number;
  /** Root type id in the object's own BTF. */
  readonly typeId: number;
  /** Access string, e.g. `0:1:3` (first index on the root pointer, then member/array indices). */
  readonly accessString: string;
  readonly kind: number;
}

export interface BtfExt {
  /** Keyed by ELF section name. */
  readonly funcInfo: ReadonlyMap<string, readonly BtfExtFuncInfo[]>;
  readonly lineInfo: ReadonlyMap<string, readonly BtfExtLineInfo[]>;
  readonly coreRelos: ReadonlyMap<string, readonly BtfExtCoreRelo[]>;
}

const SECTION = '.BTF.ext';

/**
 * Parses .BTF.ext (func_info, line_info, core_relo), resolving names
 * through the object's .BTF strings. Record counts are checked against the
 * bytes they occupy before any record is read.
 */
export function parseBtfExt(bytes: Uint8Array, btf: Btf): BtfExt {
  const fail = (reason: string, offset: number): never => { throw new BtfError(reason, SECTION, offset); };
  if (bytes.length < 24) fail(`${bytes.length} bytes is too short for a BTF.ext header`, bytes.length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint16(0, true);
  if (magic === 0x9feb) fail('big-endian BTF.ext is not supported', 0);
  if (magic !== 0xeb9f) fail(`bad magic 0x${magic.toString(16)}`, 0);
  if (bytes[2] !== 1) fail(`unsupported version ${bytes[2]}`, 2);
  const hdrLen = view.getUint32(4, true);
  if (hdrLen < 24 || hdrLen > bytes.length) fail(`header length ${hdrLen} is invalid`, 4);
  const sub = (offField: number): { start: number; len: number } | null => {
    if (offField + 8 > hdrLen) return null;
    const off = view.getUint32(offField, true);
    const len = view.getUint32(offField + 4, true);
    const room = bytes.length - hdrLen;
    if (off > room || len > room - off) fail(`info block ${off}+${len} runs past the end`, offField);
    return { start: hdrLen + off, len };
  };
  const str = (off: number, at: number): string => {
    try {
      return btf.string(off);
    } catch {
      return fail(`string offset ${off} is outside the BTF string section`, at);
    }
  };

  /** Walks one info block: u32 record size, then per section {name_off, num_info, records}. */
  function walk<T>(block: { start: number; len: number } | null, minRec: number,
    read: (at: number) => T): Map<string, T[]> {
    const out = new Map<string, T[]>();
    if (block === null || block.len === 0) return out;
    const end = block.start + block.len;
    if (block.len < 4) fail('info block too short for its record size', block.start);
    const recSize = view.getUint32(block.start, true);
    if (recSize < minRec || recSize % 4 !== 0) fail(`record size ${recSize} is invalid (minimum ${minRec})`, block.start);
    let pos = block.start + 4;
    while (pos < end) {
      if (end - pos < 8) fail('section header runs past the end of the info block', pos);
      const secName = str(view.getUint32(pos, true), pos);
      const count = view.getUint32(pos + 4, true);
      if (count === 0) fail(`section ${secName} has zero records`, pos + 4);
      if (count > (end - pos - 8) / recSize) fail(`section ${secName} claims ${count} records of ${recSize} bytes, more than the block holds`, pos + 4);
      pos += 8;
      const list = out.get(secName) ?? [];
      for (let i = 0; i < count; i++, pos += recSize) list.push(read(pos));
      out.set(secName, list);
    }
    return out;
  }

  const funcInfo = walk(sub(8), 8, (at) => ({ insnOff: view.getUint32(at, true), typeId: view.getUint32(at + 4, true) }));
  const lineInfo = walk(sub(16), 16, (at) => {
    const lineCol = view.getUint32(at + 12, true);
    return {
      fileNameOff: view.getUint32(at + 4, true),
      lineOff: view.getUint32(at + 8, true),
      insnOff: view.getUint32(at, true),
      fileName: str(view.getUint32(at + 4, true), at + 4),
      lineText: str(view.getUint32(at + 8, true), at + 8),
      line: lineCol >>> 10,
      column: lineCol & 0x3ff,
    };
  });
  const coreRelos = walk(sub(24), 16, (at) => ({
    insnOff: view.getUint32(at, true),
    typeId: view.getUint32(at + 4, true),
    accessString: str(view.getUint32(at + 8, true), at + 8),
    kind: view.getUint32(at + 12, true),
  }));
  for (const [sec, infos] of funcInfo) {
    for (const fi of infos) {
      if (fi.typeId >= btf.typeCount || btf.type(fi.typeId).kind !== 'func') {
        fail(`func_info in ${sec} at insn offset ${fi.insnOff} names type ${fi.typeId}, which is not a func`, sub(8)?.start ?? 8);
      }
    }
  }
  for (const [sec, relos] of coreRelos) {
    for (const r of relos) {
      if (r.typeId >= btf.typeCount) fail(`core_relo in ${sec} at insn offset ${r.insnOff} names type ${r.typeId}, which does not exist`, sub(24)?.start ?? 24);
      if (r.kind > BPF_CORE_TYPE_MATCHES) fail(`core_relo in ${sec} has unknown kind ${r.kind}`, sub(24)?.start ?? 24);
    }
  }
  return { funcInfo, lineInfo, coreRelos };
}
