// Builds raw BTF blobs type by type, for tests of the BTF parser, CO-RE and
// the codecs (synthetic targets, malformed inputs). Ids are given in order,
// starting at 1.
import * as K from '../../src/btf/kinds.js';

export class BtfBuilder {
  private readonly strings: number[] = [0];
  private readonly stringIndex = new Map<string, number>([['', 0]]);
  private readonly words: number[] = [];
  private count = 0;

  /** Offset of a name in the string section (added once). */
  name(text: string): number {
    const known = this.stringIndex.get(text);
    if (known !== undefined) return known;
    const at = this.strings.length;
    for (const b of new TextEncoder().encode(text)) this.strings.push(b);
    this.strings.push(0);
    this.stringIndex.set(text, at);
    return at;
  }

  /** Appends a raw type record: name, kind, vlen, kind flag, size/type, then extra u32 words. Returns its id. */
  raw(name: string, kind: number, vlen: number, kflag: boolean, sizeOrType: number, extra: number[] = []): number {
    this.words.push(this.name(name), ((kflag ? 1 : 0) << 31) | (kind << 24) | vlen, sizeOrType, ...extra);
    return ++this.count;
  }

  int(name: string, size: number, signed = false, bits = size * 8, bool = false): number {
    return this.raw(name, K.BTF_KIND_INT, 0, false, size, [((signed ? 1 : 0) | (bool ? 4 : 0)) << 24 | bits]);
  }
  ptr(type: number): number { return this.raw('', K.BTF_KIND_PTR, 0, false, type); }
  array(type: number, indexType: number, nelems: number): number {
    return this.raw('', K.BTF_KIND_ARRAY, 0, false, 0, [type, indexType, nelems]);
  }
  struct(name: string, size: number, members: Array<[string, number, number, number?]>, union = false): number {
    const bitfields = members.some((m) => (m[3] ?? 0) > 0);
    const extra = members.flatMap(([n, type, bitOffset, bitfield]) => [this.name(n), type, bitfields ? ((bitfield ?? 0) << 24) | bitOffset : bitOffset]);
    return this.raw(name, union ? K.BTF_KIND_UNION : K.BTF_KIND_STRUCT, members.length, bitfields, size, extra);
  }
  enum(name: string, size: number, values: Array<[string, number]>, signed = false): number {
    return this.raw(name, K.BTF_KIND_ENUM, values.length, signed, size, values.flatMap(([n, v]) => [this.name(n), v]));
  }
  enum64(name: string, values: Array<[string, bigint]>, signed = false): number {
    return this.raw(name, K.BTF_KIND_ENUM64, values.length, signed, 8,
      values.flatMap(([n, v]) => [this.name(n), Number(BigInt.asUintN(64, v) & 0xffffffffn), Number(BigInt.asUintN(64, v) >> 32n)]));
  }
  fwd(name: string, union = false): number { return this.raw(name, K.BTF_KIND_FWD, 0, union, 0); }
  typedef(name: string, type: number): number { return this.raw(name, K.BTF_KIND_TYPEDEF, 0, false, type); }
  modifier(kind: 'const' | 'volatile' | 'restrict' | 'type_tag', type: number, name = ''): number {
    const k = { const: K.BTF_KIND_CONST, volatile: K.BTF_KIND_VOLATILE, restrict: K.BTF_KIND_RESTRICT, type_tag: K.BTF_KIND_TYPE_TAG }[kind];
    return this.raw(name, k, 0, false, type);
  }
  funcProto(ret: number, params: Array<[string, number]>): number {
    return this.raw('', K.BTF_KIND_FUNC_PROTO, params.length, false, ret, params.flatMap(([n, t]) => [this.name(n), t]));
  }
  func(name: string, proto: number, linkage = 1): number { return this.raw(name, K.BTF_KIND_FUNC, linkage, false, proto); }
  variable(name: string, type: number, linkage = 1): number { return this.raw(name, K.BTF_KIND_VAR, 0, false, type, [linkage]); }
  datasec(name: string, size: number, vars: Array<[number, number, number]>): number {
    return this.raw(name, K.BTF_KIND_DATASEC, vars.length, false, size, vars.flat());
  }
  float(name: string, size: number): number { return this.raw(name, K.BTF_KIND_FLOAT, 0, false, size); }
  declTag(name: string, type: number, component: number): number {
    return this.raw(name, K.BTF_KIND_DECL_TAG, 0, false, type, [component >>> 0]);
  }

  /** The blob: 24-byte header, types, strings. */
  build(): Uint8Array {
    const typeLen = this.words.length * 4;
    const out = new Uint8Array(24 + typeLen + this.strings.length);
    const view = new DataView(out.buffer);
    view.setUint16(0, K.BTF_MAGIC, true);
    out[2] = 1;
    view.setUint32(4, 24, true);
    view.setUint32(8, 0, true);
    view.setUint32(12, typeLen, true);
    view.setUint32(16, typeLen, true);
    view.setUint32(20, this.strings.length, true);
    this.words.forEach((w, i) => view.setUint32(24 + i * 4, w >>> 0, true));
    out.set(this.strings, 24 + typeLen);
    return out;
  }
}
