import type { MapRegistry } from '../../../maps/registry.js';
import type { HelperInliner } from '../inline.js';
import { MAP_LOOKUP_ELEM, mapLookupInliner } from './map-lookup.js';
import { MAP_DELETE_ELEM, MAP_UPDATE_ELEM, mapDeleteInliner, mapUpdateInliner } from './map-update.js';
import { PROBE_READ_IDS, PROBE_READ_STR_IDS, probeReadInliner } from './probe-read.js';
import { RINGBUF_IDS, ringbufCommitInliner, ringbufOutputInliner, ringbufReserveInliner } from './ringbuf.js';

/**
 * The JIT's fast paths for the map helpers of one VM (JitOptions.inliners):
 * lookups in WebAssembly for arrays and hash maps, and for the other map
 * and ring buffer helpers (and the probe reads) a host call that passes
 * arena offsets instead of the helper ABI's BigInts and skips the argument
 * checks the verifier has made. They apply to unchecked (verified) code
 * only; elsewhere, and when r1 is not a known map, the helper is called as usual.
 */
export function mapInliners(registry: MapRegistry): ReadonlyMap<number, HelperInliner> {
  return new Map<number, HelperInliner>([
    [MAP_LOOKUP_ELEM, mapLookupInliner(registry)],
    [MAP_UPDATE_ELEM, mapUpdateInliner(registry)],
    [MAP_DELETE_ELEM, mapDeleteInliner(registry)],
    [RINGBUF_IDS.output, ringbufOutputInliner(registry)],
    [RINGBUF_IDS.reserve, ringbufReserveInliner(registry)],
    [RINGBUF_IDS.submit, ringbufCommitInliner(registry, false)],
    [RINGBUF_IDS.discard, ringbufCommitInliner(registry, true)],
    // Not map helpers, but the tracing programs' most frequent call (hooks copy ctx strings with them).
    ...PROBE_READ_IDS.map((id): [number, HelperInliner] => [id, probeReadInliner(registry.arena, false)]),
    ...PROBE_READ_STR_IDS.map((id): [number, HelperInliner] => [id, probeReadInliner(registry.arena, true)]),
  ]);
}
