import { PerfEventArrayMap } from '../../maps/perf-event-array-map.js';
import { HookError } from '../errors.js';
import { vmMapOf, type LiveMapLike } from '../object-map.js';
import type { PerfEventBuffer } from '../../maps/perf-event-buffer.js';
import { RecordStream, type RecordSource, type RecordStreamOptions } from './record-stream.js';

export interface PerfEventsOptions extends RecordStreamOptions {
  /** Bytes of each CPU's buffer (libbpf's page_cnt * page size); default the map's. */
  readonly capacity?: number;
}

/**
 * The samples programs send with bpf_perf_event_output() to a
 * BPF_MAP_TYPE_PERF_EVENT_ARRAY, as an async iterator (libbpf's
 * perf_buffer): opens one buffer per CPU; samples wait there until taken,
 * and a sample that does not fit is lost and counted in `lost`, as
 * PERF_RECORD_LOST reports.
 */
export function perfBufferEvents<T = Uint8Array>(
  target: PerfEventArrayMap | LiveMapLike, decode?: (bytes: Uint8Array) => T, options: PerfEventsOptions = {},
): RecordStream<T> {
  const map = vmMapOf(target);
  if (!(map instanceof PerfEventArrayMap)) throw new HookError(`map ${map.name} is a ${map.type}, not a perf_event_array`);
  const buffers: PerfEventBuffer[] = map.openAll(options.capacity);
  // Buffers are emptied only once the samples taken from them have been consumed,
  // so a slow consumer leaves them full and new samples are lost (and counted).
  const taken: Uint8Array[] = [];
  const source: RecordSource = {
    take: (max) => {
      if (taken.length === 0) for (const b of buffers) taken.push(...b.drain());
      return taken.splice(0, max);
    },
    onWake: (wake) => {
      const stops = buffers.map((b) => b.onSample(wake));
      return () => { for (const s of stops) s(); };
    },
    lost: () => buffers.reduce((s, b) => s + b.lost, 0),
  };
  return new RecordStream(source, decode ?? ((b) => b as unknown as T), options);
}
