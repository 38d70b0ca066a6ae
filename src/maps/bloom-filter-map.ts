import type { Arena } from '../memory/arena.js';
import type { ResolvedMapDefinition } from './definition.js';
import { BpfMap } from './bpf-map.js';
import { accessFlagsOk } from './array-checks.js';
import { MapDefinitionError, MapError } from './errors.js';
import { EINVAL, ENOENT, EOPNOTSUPP } from './errno.js';
import { BPF_ANY, BPF_F_ACCESS_MASK, BPF_F_NUMA_NODE, BPF_F_ZERO_SEED } from './flags.js';
import { jhash, jhash2 } from './jhash.js';

const BLOOM_CREATE_FLAG_MASK = BPF_F_NUMA_NODE | BPF_F_ZERO_SEED | BPF_F_ACCESS_MASK;
const U32_MAX = 0xffffffff;

/**
 * BPF_MAP_TYPE_BLOOM_FILTER, sized and hashed as bloom_filter.c: k hash
 * functions (map_extra & 0xf, default 5), a bit array of
 * roundup_pow_of_two(max_entries * k * 7 / 5) bits (at least 64), bit
 * `jhash(value, seed + i) & mask` for function i. The seed is 0 (the kernel's
 * BPF_F_ZERO_SEED), so the same values set the kernel's bits.
 */
export class BloomFilterMap extends BpfMap {
  readonly nrHashFuncs: number;
  /** Bits in the array minus one. */
  readonly bitsetMask: number;
  readonly bitsetOffset: number;

  constructor(arena: Arena, def: ResolvedMapDefinition) {
    super(arena, def, (d) => {
      if (d.keySize !== 0 || d.valueSize === 0 || d.maxEntries === 0 || (d.flags & ~BLOOM_CREATE_FLAG_MASK) !== 0
        || !accessFlagsOk(d.flags) || (d.mapExtra & ~0xfn) !== 0n) {
        throw new MapDefinitionError(d.name, EINVAL, 'bloom filters take key_size 0, a value_size, max_entries and at most 15 hash functions');
      }
    });
    this.nrHashFuncs = Number(def.mapExtra & 0xfn) || 5;
    const product = def.maxEntries * this.nrHashFuncs;
    let bytes: number;
    const nrBits0 = Math.floor(product / 5) * 7;
    if (product > U32_MAX || nrBits0 > U32_MAX || nrBits0 > 2 ** 31) {
      this.bitsetMask = U32_MAX;
      bytes = Math.ceil(U32_MAX / 8);
    } else {
      let nrBits = 64;
      while (nrBits < nrBits0) nrBits *= 2;
      this.bitsetMask = nrBits - 1;
      bytes = nrBits / 8;
    }
    this.bitsetOffset = this.alloc((bytes + 7) & ~7);
  }

  private bit(valueOffset: number, i: number): number {
    const b = this.arena.bytes;
    const size = this.def.valueSize;
    const h = size % 4 === 0 ? jhash2(b, valueOffset, size / 4, i) : jhash(b, valueOffset, size, i);
    return (h & this.bitsetMask) >>> 0;
  }

  /** bloom_map_push_elem(): sets the value's bits. */
  override pushElem(valueOffset: number, flags: number): number {
    if (flags !== BPF_ANY) return -EINVAL;
    const b = this.arena.bytes;
    for (let i = 0; i < this.nrHashFuncs; i++) {
      const h = this.bit(valueOffset, i);
      b[this.bitsetOffset + (h >>> 3)] |= 1 << (h & 7);
    }
    return 0;
  }

  /** bloom_map_peek_elem(): 0 when the value may be present, -ENOENT when it surely is not. */
  override peekElem(valueOffset: number): number {
    const b = this.arena.bytes;
    for (let i = 0; i < this.nrHashFuncs; i++) {
      const h = this.bit(valueOffset, i);
      if ((b[this.bitsetOffset + (h >>> 3)] & (1 << (h & 7))) === 0) return -ENOENT;
    }
    return 0;
  }

  override popElem(): number { return -EOPNOTSUPP; }
  override lookupElem(): number { return 0; }
  override updateElem(): number { return -EINVAL; }
  override deleteElem(): number { return -EOPNOTSUPP; }
  protected getNextKey(): number { return -EOPNOTSUPP; }

  protected override sysUpdate(_key: number, valueOffset: number, flags: number): number {
    return this.pushElem(valueOffset, flags);
  }

  // ---- host API --------------------------------------------------------------

  /** Adds a value. */
  push(value: Uint8Array, flags: number = BPF_ANY): void {
    this.update(new Uint8Array(0), value, flags);
  }

  /** False when `value` was surely never pushed; true when it may have been. */
  has(value: Uint8Array): boolean {
    if (value.length !== this.def.valueSize) throw new MapError(this.name, 'peek', EINVAL, `value is ${value.length} bytes, the map's are ${this.def.valueSize}`);
    const s = this.hostScratch();
    this.arena.bytes.set(value, s.value);
    return this.peekElem(s.value) === 0;
  }
}
