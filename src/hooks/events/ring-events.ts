import { RingBufMap } from '../../maps/ringbuf-map.js';
import { HookError } from '../errors.js';
import { vmMapOf, type LiveMapLike } from '../object-map.js';
import { RecordStream, type RecordSource, type RecordStreamOptions } from './record-stream.js';

/**
 * The records a BPF_MAP_TYPE_RINGBUF map receives, as an async iterator
 * (libbpf's ring_buffer__poll, pulled): records stay in the ring until the
 * consumer takes them, so a full ring refuses the programs' reservations.
 * Ring buffers report no lost records of their own (programs see the
 * failed reservation); `lost` stays 0 unless the map counts them.
 */
export function ringBufferEvents<T = Uint8Array>(
  target: RingBufMap | LiveMapLike, decode?: (bytes: Uint8Array) => T, options: RecordStreamOptions = {},
): RecordStream<T> {
  const map = vmMapOf(target);
  if (!(map instanceof RingBufMap)) throw new HookError(`map ${map.name} is a ${map.type}, not a ringbuf`);
  const source: RecordSource = {
    take: (max) => map.drain(max),
    onWake: (wake) => map.onWakeup(wake),
    lost: () => {
      const counted = (map as unknown as { lostRecords?: unknown }).lostRecords;
      return typeof counted === 'number' ? counted : 0;
    },
  };
  return new RecordStream(source, decode ?? ((b) => b as unknown as T), options);
}
