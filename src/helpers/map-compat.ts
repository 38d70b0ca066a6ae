import { BPF_FUNC, type HelperName } from './ids.js';
import type { MapTypeName } from '../maps/map-types.js';

// check_map_func_compatibility(): which helpers a map type may be passed to,
// and which map types a helper takes. The verifier refuses other pairs with
// "cannot pass map_type N into func bpf_xxx#M".

/** Map types restricted to a list of helpers; unlisted types take any map helper. */
const ONLY: Partial<Record<MapTypeName, readonly HelperName[]>> = {
  prog_array: ['tail_call'],
  perf_event_array: ['perf_event_read', 'perf_event_output', 'perf_event_read_value', 'skb_output', 'xdp_output'],
  ringbuf: ['ringbuf_output', 'ringbuf_reserve', 'ringbuf_query', 'ringbuf_reserve_dynptr', 'ringbuf_submit_dynptr', 'ringbuf_discard_dynptr'],
  user_ringbuf: ['user_ringbuf_drain'],
  stack_trace: ['get_stackid'],
  cgroup_array: ['skb_under_cgroup', 'current_task_under_cgroup'],
  cgroup_storage: ['get_local_storage'],
  percpu_cgroup_storage: ['get_local_storage'],
  devmap: ['redirect_map', 'map_lookup_elem'],
  devmap_hash: ['redirect_map', 'map_lookup_elem'],
  cpumap: ['redirect_map'],
  xskmap: ['redirect_map', 'map_lookup_elem'],
  array_of_maps: ['map_lookup_elem'],
  hash_of_maps: ['map_lookup_elem'],
  queue: ['map_peek_elem', 'map_pop_elem', 'map_push_elem'],
  stack: ['map_peek_elem', 'map_pop_elem', 'map_push_elem'],
  bloom_filter: ['map_peek_elem', 'map_push_elem'],
};

/** Helpers restricted to a list of map types. */
const TAKES: Partial<Record<HelperName, readonly MapTypeName[]>> = {
  tail_call: ['prog_array'],
  perf_event_read: ['perf_event_array'],
  perf_event_output: ['perf_event_array'],
  perf_event_read_value: ['perf_event_array'],
  skb_output: ['perf_event_array'],
  xdp_output: ['perf_event_array'],
  ringbuf_output: ['ringbuf'],
  ringbuf_reserve: ['ringbuf'],
  ringbuf_query: ['ringbuf'],
  get_stackid: ['stack_trace'],
  redirect_map: ['devmap', 'devmap_hash', 'cpumap', 'xskmap'],
  map_pop_elem: ['queue', 'stack'],
  map_peek_elem: ['queue', 'stack', 'bloom_filter'],
  map_push_elem: ['queue', 'stack', 'bloom_filter'],
  map_lookup_percpu_elem: ['percpu_array', 'percpu_hash', 'lru_percpu_hash'],
  for_each_map_elem: ['array', 'percpu_array', 'hash', 'percpu_hash', 'lru_hash', 'lru_percpu_hash'],
};

const ids = (names: readonly HelperName[]): ReadonlySet<number> => new Set<number>(names.map((n) => BPF_FUNC[n]));
const only = new Map(Object.entries(ONLY).map(([t, names]) => [t, ids(names!)]));
const takes = new Map<number, ReadonlySet<MapTypeName>>(Object.entries(TAKES).map(([h, types]) => [BPF_FUNC[h as HelperName], new Set(types)]));

/** True when a map of `mapType` may be passed to helper `helperId`. */
export function mapHelperCompatible(mapType: MapTypeName, helperId: number): boolean {
  const allowedHelpers = only.get(mapType);
  if (allowedHelpers && !allowedHelpers.has(helperId)) return false;
  const allowedTypes = takes.get(helperId);
  return !allowedTypes || allowedTypes.has(mapType);
}
