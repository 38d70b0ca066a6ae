// The map descriptor: a small block in the arena whose address is the map's
// program-visible pointer (what `lddw rX, map` loads, CONST_PTR_TO_MAP). It is
// not a region, so programs cannot read or write it; helpers find the map from
// its address through the registry, and the JIT may read it for fast paths.

/** Byte offsets of the u32 fields of a descriptor. */
export const DESC_MAP_TYPE = 0;
export const DESC_KEY_SIZE = 4;
export const DESC_VALUE_SIZE = 8;
export const DESC_MAX_ENTRIES = 12;
export const DESC_MAP_FLAGS = 16;
export const DESC_ID = 20;
/**
 * Type-specific fast-path data: for array and percpu_array the arena offset
 * of value 0 and the stride between values (for percpu_array, between CPUs
 * of one element: the element stride is stride * nCpus); for the hash types
 * the arena offset of the bucket array and the bucket count (see hash-table.ts).
 */
export const DESC_DATA0 = 24;
export const DESC_DATA1 = 28;
export const DESCRIPTOR_SIZE = 32;
