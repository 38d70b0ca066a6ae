import { BPF_FUNC } from '../../../helpers/ids.js';
import { ArrayMap } from '../../../maps/array-map.js';
import type { BpfMap } from '../../../maps/bpf-map.js';
import { HashMapBase } from '../../../maps/hash-map-base.js';
import { mapHash } from '../../../maps/jhash.js';
import type { MapRegistry } from '../../../maps/registry.js';
import type { HelperInliner, InlineSite } from '../inline.js';
import { emitArrayLookup, type ArrayLayout } from './array-lookup.js';
import { withCpuGuard } from './cpu-guard.js';
import { emitHashLookup, type HashLayout } from './hash-lookup.js';
import { knownMap, pushOffset, setPointerOrNull } from './known-map.js';

/** Longest key whose hash is unrolled inline; longer keys take the host call. */
export const MAX_INLINE_KEY = 256;

const round8 = (n: number): number => (n + 7) & ~7;

function arrayLayout(map: BpfMap): ArrayLayout | null {
  if (!(map instanceof ArrayMap) || (map.type !== 'array' && map.type !== 'percpu_array')) return null;
  return { maxEntries: map.maxEntries, valuesOffset: map.valuesOffset, stride: map.stride, perCpu: map.type === 'percpu_array' ? map.nCpus : 0 };
}

/** The hash types whose lookup returns the element's value (hash_of_maps returns an inner map: host call). */
const HASH_TYPES = new Set(['hash', 'percpu_hash', 'lru_hash', 'lru_percpu_hash']);

const zeroSeedChecked = new WeakMap<BpfMap, boolean>();

/**
 * True when the table hashes keys as the inlined code does (jhash with seed 0):
 * checked once per map on a probe key, so that a table built with another
 * seed is never walked with the wrong hash.
 */
function hashesWithZeroSeed(map: HashMapBase): boolean {
  let ok = zeroSeedChecked.get(map);
  if (ok === undefined) {
    const arena = map.arena;
    const at = arena.alloc(map.keySize);
    try {
      const bytes = arena.bytes;
      for (let i = 0; i < map.keySize; i++) bytes[at + i] = (i * 37 + 11) & 0xff;
      ok = map.table.hashOf(at) === mapHash(arena.bytes, at, map.keySize, 0);
    } finally {
      arena.free(at);
    }
    zeroSeedChecked.set(map, ok);
  }
  return ok;
}

function hashLayout(map: BpfMap): HashLayout | null {
  if (!(map instanceof HashMapBase) || !HASH_TYPES.has(map.type) || map.keySize > MAX_INLINE_KEY) return null;
  if (!hashesWithZeroSeed(map)) return null;
  const t = map.table;
  const perCpu = map.type === 'percpu_hash' || map.type === 'lru_percpu_hash';
  return {
    keySize: map.keySize,
    bucketsOffset: t.bucketsOffset,
    nBuckets: t.nBuckets,
    valueOffsetInElem: t.valueOffsetInElem,
    lru: map.type === 'lru_hash' || map.type === 'lru_percpu_hash',
    perCpu: perCpu ? map.nCpus : 0,
    stride: round8(map.valueSize),
  };
}

/** Host functions are made once per map, so that every site of a program shares one. */
const lookupFunctions = new WeakMap<BpfMap, (key: number, cpu: number) => number>();

function lookupFunction(map: BpfMap): (key: number, cpu: number) => number {
  let fn = lookupFunctions.get(map);
  if (!fn) lookupFunctions.set(map, (fn = (key, cpu) => map.lookupElem(key >>> 0, cpu)));
  return fn;
}

/**
 * bpf_map_lookup_elem on a known map (see knownMap): array and
 * percpu_array as address arithmetic, the hash types as a walk of their
 * table in WebAssembly (both without leaving it), any other map (lpm_trie,
 * maps of maps, long keys...) as a host call to its lookupElem with the key's
 * offset, which is what the helper does once it has checked its arguments.
 * The map must stay open as long as the executable (maps and programs of a
 * VmObject close together).
 */
export function mapLookupInliner(registry: MapRegistry): HelperInliner {
  return (site: InlineSite): boolean => {
    const map = knownMap(site, registry);
    if (!map) return false;
    const array = arrayLayout(map);
    if (array) {
      emitArrayLookup(site, array);
      return true;
    }
    const hash = hashLayout(map);
    if (hash) {
      emitHashLookup(site, hash);
      return true;
    }
    withCpuGuard(site, map.perCpu ? map.nCpus : 0, () => {
      site.emitHostCall(lookupFunction(map), [() => pushOffset(site, 2), () => site.emitRunCpu()]);
      setPointerOrNull(site);
    });
    return true;
  };
}

export const MAP_LOOKUP_ELEM = BPF_FUNC.map_lookup_elem;
