import { BloomFilterMap } from '../maps/bloom-filter-map.js';
import { EPERM } from '../maps/errno.js';
import { defineHelper, type HelperDefinition } from './definition.js';
import { guestRange } from './guest-memory.js';
import { mapArg, mapCpu } from './map-access.js';
import { mapFlags, ret, u32 } from './args.js';

/** bpf_map_lookup_elem(map, key): pointer to the value (inner map pointer for maps of maps), or NULL. */
const mapLookupElem = defineHelper('map_lookup_elem', ['ARG_CONST_MAP_PTR', 'ARG_PTR_TO_MAP_KEY'], 'RET_PTR_TO_MAP_VALUE_OR_NULL', (env, r1, r2) => {
  const map = mapArg(env, r1, 'bpf_map_lookup_elem');
  const value = map.lookupElem(guestRange(env, r2, map.keySize, false), mapCpu(env, map, 'bpf_map_lookup_elem'));
  return value === 0 ? 0n : env.arena.pointer(value);
});

/** bpf_map_update_elem(map, key, value, flags). */
const mapUpdateElem = defineHelper('map_update_elem', ['ARG_CONST_MAP_PTR', 'ARG_PTR_TO_MAP_KEY', 'ARG_PTR_TO_MAP_VALUE', 'ARG_ANYTHING'], 'RET_INTEGER', (env, r1, r2, r3, r4) => {
  const map = mapArg(env, r1, 'bpf_map_update_elem');
  if (!map.programWritable) return ret(-EPERM);
  const key = guestRange(env, r2, map.keySize, false);
  const value = guestRange(env, r3, map.valueSize, false);
  return ret(map.updateElem(key, value, mapFlags(r4), mapCpu(env, map, 'bpf_map_update_elem')));
}, { retErrnoOnly: true });

/** bpf_map_delete_elem(map, key). */
const mapDeleteElem = defineHelper('map_delete_elem', ['ARG_CONST_MAP_PTR', 'ARG_PTR_TO_MAP_KEY'], 'RET_INTEGER', (env, r1, r2) => {
  const map = mapArg(env, r1, 'bpf_map_delete_elem');
  if (!map.programWritable) return ret(-EPERM);
  return ret(map.deleteElem(guestRange(env, r2, map.keySize, false)));
}, { retErrnoOnly: true });

/** bpf_map_push_elem(map, value, flags): queue, stack, bloom_filter. */
const mapPushElem = defineHelper('map_push_elem', ['ARG_CONST_MAP_PTR', 'ARG_PTR_TO_MAP_VALUE', 'ARG_ANYTHING'], 'RET_INTEGER', (env, r1, r2, r3) => {
  const map = mapArg(env, r1, 'bpf_map_push_elem');
  if (!map.programWritable) return ret(-EPERM);
  return ret(map.pushElem(guestRange(env, r2, map.valueSize, false), mapFlags(r3)));
}, { retErrnoOnly: true });

/** bpf_map_pop_elem(map, value): queue, stack; the value is written. */
const mapPopElem = defineHelper('map_pop_elem', ['ARG_CONST_MAP_PTR', 'ARG_PTR_TO_UNINIT_MAP_VALUE'], 'RET_INTEGER', (env, r1, r2) => {
  const map = mapArg(env, r1, 'bpf_map_pop_elem');
  if (!map.programWritable) return ret(-EPERM);
  return ret(map.popElem(guestRange(env, r2, map.valueSize, true)));
}, { retErrnoOnly: true });

/** bpf_map_peek_elem(map, value): queue and stack write the value; a bloom filter tests it. */
const mapPeekElem = defineHelper('map_peek_elem', ['ARG_CONST_MAP_PTR', 'ARG_PTR_TO_UNINIT_MAP_VALUE'], 'RET_INTEGER', (env, r1, r2) => {
  const map = mapArg(env, r1, 'bpf_map_peek_elem');
  return ret(map.peekElem(guestRange(env, r2, map.valueSize, !(map instanceof BloomFilterMap))));
}, { retErrnoOnly: true });

/** bpf_map_lookup_percpu_elem(map, key, cpu): the value of another CPU in a per-CPU map, or NULL. */
const mapLookupPercpuElem = defineHelper('map_lookup_percpu_elem', ['ARG_CONST_MAP_PTR', 'ARG_PTR_TO_MAP_KEY', 'ARG_ANYTHING'], 'RET_PTR_TO_MAP_VALUE_OR_NULL', (env, r1, r2, r3) => {
  const map = mapArg(env, r1, 'bpf_map_lookup_percpu_elem');
  const value = map.lookupPercpuElem(guestRange(env, r2, map.keySize, false), u32(r3));
  return value === 0 ? 0n : env.arena.pointer(value);
});

export const MAP_HELPERS: readonly HelperDefinition[] = [
  mapLookupElem, mapUpdateElem, mapDeleteElem, mapPushElem, mapPopElem, mapPeekElem, mapLookupPercpuElem,
];
