import type { Arena } from '../memory/arena.js';
import { mapHash } from './jhash.js';
import { round8 } from './bpf-map.js';

/**
 * The kernel's htab, laid out in the arena so that iteration follows the
 * kernel's bucket order and the JIT could walk it without leaving WebAssembly:
 *
 * - buckets: `nBuckets` (max_entries rounded up to a power of two) u32 at
 *   `bucketsOffset`, each the arena offset of the bucket's first element, 0
 *   when empty; an element's bucket is `hash & (nBuckets - 1)`, the hash being
 *   the kernel's htab_map_hash() (jhash2 for key sizes that are a multiple of
 *   4, jhash otherwise) with the map's seed;
 * - element: +0 u32 next element of the bucket (0 ends it), +4 u32 hash,
 *   +8 u8 LRU reference bit, +16 the key (key_size padded to 8), then the
 *   value area. New elements go to the head of their bucket, as in the kernel.
 */
export const ELEM_NEXT = 0;
export const ELEM_HASH = 4;
export const ELEM_REF = 8;
export const ELEM_KEY = 16;

export interface HashTableConfig {
  readonly keySize: number;
  /** Bytes after the key: the value, per-CPU values, or an inner map pointer. */
  readonly valueAreaSize: number;
  readonly maxEntries: number;
  /** Elements allocated up front (prealloc); 0 allocates each on first need. */
  readonly preallocate: number;
  readonly seed: number;
  readonly allocate: (size: number) => number;
  /** Called once per element memory when it is first handed out (to add its regions). */
  readonly onFirstUse: (element: number) => void;
}

/** roundup_pow_of_two(). */
function powerOfTwoAtLeast(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

export class HashTable {
  readonly bucketsOffset: number;
  readonly nBuckets: number;
  readonly elemSize: number;
  readonly valueOffsetInElem: number;
  /** Elements linked in buckets. */
  count = 0;
  private readonly free: number[] = [];
  private poolNext = 0;
  private poolEnd = 0;

  constructor(private readonly arena: Arena, private readonly cfg: HashTableConfig) {
    this.nBuckets = powerOfTwoAtLeast(cfg.maxEntries);
    this.bucketsOffset = cfg.allocate(this.nBuckets * 4);
    this.valueOffsetInElem = ELEM_KEY + round8(cfg.keySize);
    this.elemSize = this.valueOffsetInElem + round8(cfg.valueAreaSize);
    if (cfg.preallocate > 0) {
      this.poolNext = cfg.allocate(cfg.preallocate * this.elemSize);
      this.poolEnd = this.poolNext + cfg.preallocate * this.elemSize;
    }
  }

  keyOffset(elem: number): number { return elem + ELEM_KEY; }
  valueOffset(elem: number): number { return elem + this.valueOffsetInElem; }

  hashOf(keyOffset: number): number {
    return mapHash(this.arena.bytes, keyOffset, this.cfg.keySize, this.cfg.seed);
  }

  private bucketSlot(hash: number): number {
    return this.bucketsOffset + (hash & (this.nBuckets - 1)) * 4;
  }

  private keyEquals(elem: number, keyOffset: number): boolean {
    // Four bytes at a time (the program's key need not be aligned), then the rest.
    const v = this.arena.view;
    const k = elem + ELEM_KEY;
    const size = this.cfg.keySize;
    let i = 0;
    for (; i + 4 <= size; i += 4) if (v.getUint32(k + i, true) !== v.getUint32(keyOffset + i, true)) return false;
    const b = this.arena.bytes;
    for (; i < size; i++) if (b[k + i] !== b[keyOffset + i]) return false;
    return true;
  }

  /** The element holding the key at `keyOffset`, or 0. */
  find(keyOffset: number, hash: number): number {
    const v = this.arena.view;
    for (let e = v.getUint32(this.bucketSlot(hash), true); e !== 0; e = v.getUint32(e + ELEM_NEXT, true)) {
      if (v.getUint32(e + ELEM_HASH, true) === hash && this.keyEquals(e, keyOffset)) return e;
    }
    return 0;
  }

  /** An unused element with the key copied in and the value area zeroed; 0 when none is left. */
  take(keyOffset: number, hash: number): number {
    let e = this.free.pop() ?? 0;
    if (e === 0) {
      if (this.poolNext < this.poolEnd) {
        e = this.poolNext;
        this.poolNext += this.elemSize;
      } else if (this.cfg.preallocate === 0) {
        e = this.cfg.allocate(this.elemSize);
      } else {
        return 0;
      }
      this.cfg.onFirstUse(e);
    }
    this.fill(e, keyOffset, hash);
    return e;
  }

  /** Every preallocated element, handed out at once (LRU maps keep their own free lists). */
  claimAll(): number[] {
    const out: number[] = [];
    for (; this.poolNext < this.poolEnd; this.poolNext += this.elemSize) {
      this.cfg.onFirstUse(this.poolNext);
      out.push(this.poolNext);
    }
    return out;
  }

  /** Readies an unlinked element for the key at `keyOffset`: key copied in, value area zeroed. */
  fill(e: number, keyOffset: number, hash: number): void {
    const b = this.arena.bytes;
    b.fill(0, e, e + this.elemSize);
    b.copyWithin(e + ELEM_KEY, keyOffset, keyOffset + this.cfg.keySize);
    this.arena.view.setUint32(e + ELEM_HASH, hash, true);
  }

  /** Returns an element (unlinked) for reuse. Its memory and regions stay, as the kernel's freed elements do for RCU readers. */
  giveBack(elem: number): void {
    this.free.push(elem);
  }

  /** Links `elem` at the head of its bucket (hlist_nulls_add_head_rcu). */
  linkHead(elem: number): void {
    const v = this.arena.view;
    const slot = this.bucketSlot(v.getUint32(elem + ELEM_HASH, true));
    v.setUint32(elem + ELEM_NEXT, v.getUint32(slot, true), true);
    v.setUint32(slot, elem, true);
    this.count++;
  }

  /** Unlinks `elem` from its bucket; its own next pointer is kept, so walks standing on it can go on. */
  unlink(elem: number): void {
    if (!this.remove(elem)) throw new Error(`hash table: element ${elem} is not linked`);
  }

  /** Unlinks `elem` if it is in its bucket; false when it is not. */
  remove(elem: number): boolean {
    const v = this.arena.view;
    let slot = this.bucketSlot(v.getUint32(elem + ELEM_HASH, true));
    for (let e = v.getUint32(slot, true); e !== 0; slot = e + ELEM_NEXT, e = v.getUint32(slot, true)) {
      if (e === elem) {
        v.setUint32(slot, v.getUint32(e + ELEM_NEXT, true), true);
        this.count--;
        return true;
      }
    }
    return false;
  }

  /** htab_map_get_next_key(): next in the bucket, else the first of a later bucket; a missing key restarts. */
  getNextKey(keyOffset: number | null, nextOffset: number): boolean {
    const v = this.arena.view;
    let i = 0;
    if (keyOffset !== null) {
      const hash = this.hashOf(keyOffset);
      const e = this.find(keyOffset, hash);
      if (e !== 0) {
        const n = v.getUint32(e + ELEM_NEXT, true);
        if (n !== 0) return this.copyKey(n, nextOffset);
        i = (hash & (this.nBuckets - 1)) + 1;
      }
    }
    for (; i < this.nBuckets; i++) {
      const first = v.getUint32(this.bucketsOffset + i * 4, true);
      if (first !== 0) return this.copyKey(first, nextOffset);
    }
    return false;
  }

  private copyKey(elem: number, to: number): true {
    this.arena.bytes.copyWithin(to, elem + ELEM_KEY, elem + ELEM_KEY + this.cfg.keySize);
    return true;
  }

  /** Walks buckets in order, reading each next pointer before the visit (so the visit may delete). */
  forEach(visit: (elem: number) => boolean): number {
    // The visit may grow the arena (detaching views), so views are re-read after it.
    let visited = 0;
    for (let i = 0; i < this.nBuckets; i++) {
      let e = this.arena.view.getUint32(this.bucketsOffset + i * 4, true);
      while (e !== 0) {
        const next = this.arena.view.getUint32(e + ELEM_NEXT, true);
        visited++;
        if (visit(e)) return visited;
        e = next;
      }
    }
    return visited;
  }

  /** Every linked element, in bucket order. */
  elements(): number[] {
    const out: number[] = [];
    this.forEach((e) => { out.push(e); return false; });
    return out;
  }
}
