import * as R from '../ext.js';
import type { BtfType } from '../types.js';
import type { CoreSpec } from './spec.js';

/** What a relocation evaluates to against one spec, plus what patching a load needs. */
export interface CoreValue {
  readonly value: bigint;
  /** For byte_off of a non-bitfield: the field's size and resolved type (to adjust load sizes). */
  readonly fieldSize?: number;
  readonly fieldType?: BtfType;
  /** Clang computes bitfield accesses its own way: libbpf does not check the instruction's value then. */
  readonly bitfield?: boolean;
}

/** Thrown when a spec matched but its value cannot be computed (e.g. a bitfield wider than 8 bytes). */
export class CoreCalcError extends Error {}

/** Field relocations (libbpf's bpf_core_calc_field_relo), little-endian. */
export function fieldValue(spec: CoreSpec, kind: number): CoreValue {
  const { btf } = spec;
  if (kind === R.BPF_CORE_FIELD_EXISTS) return { value: 1n };
  const fieldType = btf.resolve(spec.fieldTypeId);
  const bitfield = spec.bitfieldSize !== 0;
  const bitOff = spec.bitOffset;
  let byteSize: number;
  let byteOff: number;
  let bitSize: number;
  if (!bitfield) {
    byteSize = btf.sizeOrUnsized(fieldType.id);
    if (byteSize < 0) throw new CoreCalcError(`field type [${fieldType.id}] has no size`);
    if (bitOff % 8 !== 0) throw new CoreCalcError(`field at bit offset ${bitOff} is not byte-aligned`);
    byteOff = bitOff / 8;
    bitSize = byteSize * 8;
  } else {
    if (fieldType.kind !== 'int' && fieldType.kind !== 'enum' && fieldType.kind !== 'enum64') {
      throw new CoreCalcError(`bitfield of ${fieldType.kind}`);
    }
    bitSize = spec.bitfieldSize;
    byteSize = fieldType.size;
    byteOff = Math.floor(bitOff / 8 / byteSize) * byteSize;
    while (bitOff + bitSize - byteOff * 8 > byteSize * 8) {
      if (byteSize >= 8) throw new CoreCalcError('bitfield does not fit in 8 bytes');
      byteSize *= 2;
      byteOff = Math.floor(bitOff / 8 / byteSize) * byteSize;
    }
  }
  switch (kind) {
    case R.BPF_CORE_FIELD_BYTE_OFFSET:
      return bitfield ? { value: BigInt(byteOff), bitfield } : { value: BigInt(byteOff), fieldSize: byteSize, fieldType };
    case R.BPF_CORE_FIELD_BYTE_SIZE:
      return { value: BigInt(byteSize), bitfield };
    case R.BPF_CORE_FIELD_SIGNED: {
      const signed = ((fieldType.kind === 'enum' || fieldType.kind === 'enum64') && fieldType.signed)
        || (fieldType.kind === 'int' && fieldType.signed);
      return { value: signed ? 1n : 0n, bitfield };
    }
    case R.BPF_CORE_FIELD_LSHIFT_U64:
      return { value: BigInt(64 - (bitOff + bitSize - byteOff * 8)), bitfield };
    case R.BPF_CORE_FIELD_RSHIFT_U64:
      return { value: BigInt(64 - bitSize), bitfield };
    default:
      throw new CoreCalcError(`kind ${kind} is not a field relocation`);
  }
}

/** Type relocations against a resolved (local or target) type id. */
export function typeValue(spec: CoreSpec, kind: number): CoreValue {
  switch (kind) {
    case R.BPF_CORE_TYPE_ID_LOCAL:
    case R.BPF_CORE_TYPE_ID_TARGET:
      return { value: BigInt(spec.rootId) };
    case R.BPF_CORE_TYPE_EXISTS:
    case R.BPF_CORE_TYPE_MATCHES:
      return { value: 1n };
    case R.BPF_CORE_TYPE_SIZE: {
      const size = spec.btf.sizeOrUnsized(spec.rootId);
      if (size < 0) throw new CoreCalcError(`type [${spec.rootId}] has no size`);
      return { value: BigInt(size) };
    }
    default:
      throw new CoreCalcError(`kind ${kind} is not a type relocation`);
  }
}

/** Enumerator relocations. */
export function enumValue(spec: CoreSpec, kind: number): CoreValue {
  if (kind === R.BPF_CORE_ENUMVAL_EXISTS) return { value: 1n };
  const t = spec.btf.resolve(spec.rootId) as Extract<BtfType, { kind: 'enum' | 'enum64' }>;
  const v = t.values[spec.accessors[0].index].value;
  return { value: BigInt(v) };
}
