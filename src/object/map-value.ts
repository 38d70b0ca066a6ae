import type { Btf } from '../btf/btf.js';
import { decodeBtfValue, encodeBtfValue, type BtfValue } from '../btf/codec.js';
import { TsbpfError } from '../errors.js';

/**
 * A map key or value as JavaScript data: decoded through BTF (numbers,
 * bigints for 64-bit integers, strings for char arrays, objects for structs,
 * arrays), raw bytes, or, for per-CPU maps, one value per CPU.
 */
export type MapValue = BtfValue | Uint8Array | readonly MapValue[];

/** A key or value that does not fit its map. */
export class MapValueError extends TsbpfError {
  constructor(readonly map: string, readonly what: 'key' | 'value', reason: string) {
    super(`map ${map}: ${what}: ${reason}`);
  }
}

/**
 * Turns JavaScript values into a map's key or value bytes and back: through
 * the BTF type when the map has one, else integers for 1-, 2-, 4- and 8-byte
 * fields (bigints for 8) and raw bytes for other sizes. Uint8Array always
 * passes through as the exact bytes.
 */
export class MapValueCodec {
  constructor(
    private readonly btf: Btf | null,
    private readonly typeId: number,
    readonly size: number,
    private readonly map: string,
    private readonly what: 'key' | 'value',
  ) {}

  /** Whether the BTF type is an array (so a per-CPU list of them is an array of arrays). */
  get isArray(): boolean {
    return this.btf !== null && this.typeId !== 0 && this.btf.resolve(this.typeId).kind === 'array';
  }

  encode(value: MapValue): Uint8Array {
    if (value instanceof Uint8Array) {
      if (value.length !== this.size) throw new MapValueError(this.map, this.what, `${value.length} bytes given, the map's are ${this.size}`);
      return value;
    }
    if (this.btf !== null && this.typeId !== 0) {
      try {
        return encodeBtfValue(this.btf, this.typeId, value as BtfValue, new Uint8Array(this.size));
      } catch (err) {
        throw new MapValueError(this.map, this.what, (err as Error).message);
      }
    }
    if ((typeof value === 'number' && Number.isInteger(value)) || typeof value === 'bigint') {
      if (![1, 2, 4, 8].includes(this.size)) throw new MapValueError(this.map, this.what, `an integer does not fit ${this.size} bytes without BTF: give a Uint8Array`);
      const bits = BigInt(this.size * 8);
      const v = BigInt(value);
      if (v < -(1n << (bits - 1n)) || v >= 1n << bits) throw new MapValueError(this.map, this.what, `${v} does not fit in ${this.size} bytes`);
      const out = new Uint8Array(this.size);
      let u = BigInt.asUintN(this.size * 8, v);
      for (let i = 0; i < this.size; i++, u >>= 8n) out[i] = Number(u & 0xffn);
      return out;
    }
    throw new MapValueError(this.map, this.what, `cannot encode a ${Array.isArray(value) ? 'array' : typeof value} without BTF: give an integer or a Uint8Array`);
  }

  decode(bytes: Uint8Array): MapValue {
    if (this.btf !== null && this.typeId !== 0) return decodeBtfValue(this.btf, this.typeId, bytes);
    if (this.size === 1 || this.size === 2 || this.size === 4) {
      let v = 0;
      for (let i = this.size - 1; i >= 0; i--) v = v * 256 + bytes[i];
      return v;
    }
    if (this.size === 8) return new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
    return bytes.slice();
  }
}
