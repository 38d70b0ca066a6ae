import { Btf } from '../../btf/btf.js';
import {
  BTF_HEADER_SIZE, BTF_INT_CHAR, BTF_INT_SIGNED, BTF_KIND_ARRAY, BTF_KIND_INT, BTF_KIND_STRUCT, BTF_KIND_TYPEDEF,
  BTF_MAGIC, BTF_VERSION,
} from '../../btf/kinds.js';
import { C_SCALARS, type CScalar } from './c-types.js';
import { layoutOf, structClosure, type StructDef } from './layout.js';

/**
 * Encodes context structs as BTF (include/uapi/linux/btf.h), the types
 * clang would emit for the same header with `-g`: base integers, the
 * `__u32`-style typedefs, arrays indexed by `__ARRAY_SIZE_TYPE__`, and the
 * structs. The result is what tsbpf hands to CO-RE as the target BTF of its
 * hooks and what BTF tools read to print a context.
 */
export function encodeStructsBtf(defs: readonly StructDef[]): Uint8Array {
  const strings = new StringTable();
  const words: number[] = [];
  let nextId = 1;
  const ids = new Map<string, number>();
  const emit = (key: string, build: () => number[]): number => {
    const known = ids.get(key);
    if (known !== undefined) return known;
    const body = build();
    const id = nextId++;
    ids.set(key, id);
    words.push(...body);
    return id;
  };

  const scalarId = (s: CScalar): number => {
    if (s.base !== null) {
      const base = scalarId((C_SCALARS as Record<string, CScalar>)[s.base]);
      return emit(`typedef ${s.c}`, () => [strings.add(s.c), BTF_KIND_TYPEDEF << 24, base]);
    }
    const encoding = (s.signed ? BTF_INT_SIGNED : 0) | (s.char ? BTF_INT_CHAR : 0);
    return emit(`int ${s.c}`, () => [strings.add(s.c), BTF_KIND_INT << 24, s.size, (encoding << 24) | (s.size * 8)]);
  };
  const indexId = (): number =>
    emit('int __ARRAY_SIZE_TYPE__', () => [strings.add('__ARRAY_SIZE_TYPE__'), BTF_KIND_INT << 24, 4, 32]);

  // Types must exist before a struct names them; BTF allows forward references, but
  // emitting members' types first keeps ids in the order clang would produce them.
  for (const def of structClosure(defs)) {
    const layout = layoutOf(def);
    const memberTypes = layout.fields.map((f) => {
      const elem = f.scalar ? scalarId(f.scalar) : ids.get(`struct ${f.struct!.name}`)!;
      if (f.count === 0) return elem;
      const index = indexId();
      return emit(`array ${elem} ${f.count}`, () => [0, BTF_KIND_ARRAY << 24, 0, elem, index, f.count]);
    });
    emit(`struct ${def.name}`, () => {
      const body = [strings.add(def.name), (BTF_KIND_STRUCT << 24) | layout.fields.length, layout.size];
      layout.fields.forEach((f, i) => body.push(strings.add(f.name), memberTypes[i], f.offset * 8));
      return body;
    });
  }

  const typeBytes = words.length * 4;
  const strBytes = strings.bytes();
  const out = new Uint8Array(BTF_HEADER_SIZE + typeBytes + strBytes.length);
  const v = new DataView(out.buffer);
  v.setUint16(0, BTF_MAGIC, true);
  v.setUint8(2, BTF_VERSION);
  v.setUint8(3, 0);
  v.setUint32(4, BTF_HEADER_SIZE, true);
  v.setUint32(8, 0, true);
  v.setUint32(12, typeBytes, true);
  v.setUint32(16, typeBytes, true);
  v.setUint32(20, strBytes.length, true);
  words.forEach((w, i) => v.setUint32(BTF_HEADER_SIZE + 4 * i, w >>> 0, true));
  out.set(strBytes, BTF_HEADER_SIZE + typeBytes);
  return out;
}

/** The structs as a parsed, validated `Btf` (e.g. the target of CO-RE relocations). */
export function structsBtf(defs: readonly StructDef[]): Btf {
  return new Btf(encodeStructsBtf(defs), { section: 'tsbpf hook BTF' });
}

class StringTable {
  private readonly offsets = new Map<string, number>([['', 0]]);
  private readonly parts: string[] = [''];
  private size = 1;

  add(s: string): number {
    const known = this.offsets.get(s);
    if (known !== undefined) return known;
    const at = this.size;
    this.offsets.set(s, at);
    this.parts.push(s);
    this.size += Buffer.byteLength(s) + 1;
    return at;
  }

  bytes(): Uint8Array {
    return new TextEncoder().encode(this.parts.map((p) => `${p}\0`).join(''));
  }
}
