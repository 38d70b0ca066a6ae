import type { Btf } from '../btf/btf.js';
import { formatBpftoolBytes, formatBpftoolMapEntry } from '../btf/bpftool-json.js';
import { MapError } from '../maps/errors.js';
import { ENOENT } from '../maps/errno.js';
import type { ObjectMap } from './object-map.js';
import { strerror } from './strerror.js';

/** Maps whose values are object ids: bpftool skips their empty slots instead of reporting an error. */
const ID_VALUED = new Set(['prog_array', 'array_of_maps', 'hash_of_maps']);

/**
 * A map's contents as `bpftool -j map dump` prints them (bpftool 7.1): a
 * JSON array of `{"key":[…],"value":[…],"formatted":{…}}` entries (per-CPU
 * maps: `"values":[{"cpu":N,"value":[…]}]`), `formatted` only for maps that
 * carry BTF, a `{"error":"…"}` value where a lookup fails, empty slots of
 * prog arrays and maps of maps left out, and `[]` for maps that cannot be
 * walked (ring buffers, queues, stacks, bloom filters).
 */
export function bpftoolMapDump(map: ObjectMap, btf: Btf | null): string {
  const entries: string[] = [];
  const shape = { keyType: map.spec.keyType, valueType: map.spec.valueType };
  const formatBtf = map.hasBtf ? btf : null;
  let key: Uint8Array | undefined;
  for (let guard = 0; guard <= map.maxEntries; guard++) {
    try {
      key = map.raw.nextKey(key);
    } catch (err) {
      if (err instanceof MapError) break;
      throw err;
    }
    if (key === undefined) break;
    let value: Uint8Array | undefined;
    let errno = 0;
    try {
      value = map.raw.lookup(key);
      if (value === undefined) errno = ENOENT;
    } catch (err) {
      if (!(err instanceof MapError)) throw err;
      errno = err.errno;
    }
    if (value === undefined) {
      if (errno === ENOENT && ID_VALUED.has(map.type)) continue;
      entries.push(`{"key":${formatBpftoolBytes(key)},"value":{"error":${JSON.stringify(strerror(errno))}}}`);
      continue;
    }
    entries.push(formatBpftoolMapEntry(formatBtf, shape, key, map.perCpu ? map.splitPerCpu(value) : value));
  }
  return `[${entries.join(',')}]`;
}
