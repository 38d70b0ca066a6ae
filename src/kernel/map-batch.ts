import { BpfAttr } from './bpf-attr.js';
import { EINVAL, ENOENT, ENOSPC } from './errno.js';
import { KernelError } from './errors.js';
import { sysBpf } from './syscall.js';
import { BPF_ANY, BpfCmd } from './uapi.js';

/** What the batch operations need of a map (a KernelMap has it). */
export interface BatchMap {
  readonly fd: number;
  readonly keySize: number;
  /** Value bytes as user space sees them (per-CPU maps: one slot per possible CPU). */
  readonly userValueSize: number;
}

export interface BatchEntry {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

export interface LookupBatchOptions {
  /** Elements asked for per call (default 64); grown when a hash bucket holds more (ENOSPC). */
  readonly batchSize?: number;
  /** elem_flags (BPF_F_LOCK). */
  readonly elemFlags?: number;
}

/** union bpf_attr, batch part: in_batch, out_batch, keys, values, count, map_fd, elem_flags, flags. */
function batchAttr(map: BatchMap, inBatch: Uint8Array | undefined, outBatch: Uint8Array | undefined, keys: Uint8Array, values: Uint8Array | undefined, count: number, elemFlags: number): BpfAttr {
  return new BpfAttr()
    .pointer(0, inBatch)
    .pointer(8, outBatch)
    .pointer(16, keys)
    .pointer(24, values)
    .u32(32, count)
    .u32(36, map.fd)
    .u64(40, BigInt(elemFlags));
}

/**
 * BPF_MAP_LOOKUP_BATCH (or BPF_MAP_LOOKUP_AND_DELETE_BATCH): every element,
 * `batchSize` per syscall, in the kernel's order. The batch token is opaque
 * (a bucket index for hash maps, a key for arrays): a buffer of at least the
 * key size carries it from one call to the next.
 */
export function lookupBatch(map: BatchMap, andDelete: boolean, options: LookupBatchOptions = {}): BatchEntry[] {
  const command = andDelete ? BpfCmd.BPF_MAP_LOOKUP_AND_DELETE_BATCH : BpfCmd.BPF_MAP_LOOKUP_BATCH;
  let size = options.batchSize ?? 64;
  if (!Number.isInteger(size) || size <= 0) throw new KernelError('BPF_MAP_LOOKUP_BATCH', EINVAL, `batchSize ${size}`);
  const tokenSize = Math.max(map.keySize, 8);
  const out: BatchEntry[] = [];
  let inBatch: Uint8Array | undefined;
  for (;;) {
    const keys = new Uint8Array(size * map.keySize);
    const values = new Uint8Array(size * map.userValueSize);
    const outBatch = new Uint8Array(tokenSize);
    const attr = batchAttr(map, inBatch, outBatch, keys, values, size, options.elemFlags ?? 0);
    let done = false;
    try {
      sysBpf(command, attr);
    } catch (err) {
      if (!(err instanceof KernelError)) throw err;
      // ENOSPC: one hash bucket holds more elements than asked for; ask for more.
      if (err.errno === ENOSPC && attr.readU32(32) === 0) {
        size *= 2;
        continue;
      }
      if (err.errno !== ENOENT) throw err;
      done = true;
    }
    const count = attr.readU32(32);
    for (let i = 0; i < count; i++) {
      out.push({
        key: keys.slice(i * map.keySize, (i + 1) * map.keySize),
        value: values.slice(i * map.userValueSize, (i + 1) * map.userValueSize),
      });
    }
    if (done) return out;
    inBatch = outBatch;
  }
}

/**
 * BPF_MAP_UPDATE_BATCH: writes every entry in one syscall (as BPF_ANY; the
 * kernel takes only BPF_F_LOCK in `elemFlags`). A refusal part way throws
 * KernelError saying how many were written before it.
 */
export function updateBatch(map: BatchMap, entries: readonly BatchEntry[], elemFlags = BPF_ANY): number {
  if (entries.length === 0) return 0;
  const keys = new Uint8Array(entries.length * map.keySize);
  const values = new Uint8Array(entries.length * map.userValueSize);
  entries.forEach((e, i) => {
    if (e.key.length !== map.keySize) throw new KernelError('BPF_MAP_UPDATE_BATCH', EINVAL, `key ${i} is ${e.key.length} bytes, the map takes ${map.keySize}`);
    if (e.value.length !== map.userValueSize) throw new KernelError('BPF_MAP_UPDATE_BATCH', EINVAL, `value ${i} is ${e.value.length} bytes, the map takes ${map.userValueSize}`);
    keys.set(e.key, i * map.keySize);
    values.set(e.value, i * map.userValueSize);
  });
  return runWriteBatch(map, BpfCmd.BPF_MAP_UPDATE_BATCH, 'BPF_MAP_UPDATE_BATCH', keys, values, entries.length, elemFlags);
}

/** BPF_MAP_DELETE_BATCH: deletes every key; a missing key stops it with ENOENT (KernelError saying how many went before). */
export function deleteBatch(map: BatchMap, keys: readonly Uint8Array[]): number {
  if (keys.length === 0) return 0;
  const bytes = new Uint8Array(keys.length * map.keySize);
  keys.forEach((k, i) => {
    if (k.length !== map.keySize) throw new KernelError('BPF_MAP_DELETE_BATCH', EINVAL, `key ${i} is ${k.length} bytes, the map takes ${map.keySize}`);
    bytes.set(k, i * map.keySize);
  });
  return runWriteBatch(map, BpfCmd.BPF_MAP_DELETE_BATCH, 'BPF_MAP_DELETE_BATCH', bytes, undefined, keys.length, 0);
}

function runWriteBatch(map: BatchMap, command: number, name: string, keys: Uint8Array, values: Uint8Array | undefined, count: number, elemFlags: number): number {
  const attr = batchAttr(map, undefined, undefined, keys, values, count, elemFlags);
  try {
    sysBpf(command, attr);
  } catch (err) {
    if (!(err instanceof KernelError)) throw err;
    // The kernel writes back how many it processed; a refusal before the first element leaves `count` as it was.
    const reported = attr.readU32(32);
    const done = reported >= count ? 0 : reported;
    throw new KernelError(name, err.errno, `${done} of ${count} elements done before it`);
  }
  return attr.readU32(32);
}
