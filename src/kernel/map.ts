import { BpfAttr } from './bpf-attr.js';
import { possibleCpus } from './cpus.js';
import { EINVAL, ENOENT } from './errno.js';
import { KernelError } from './errors.js';
import { deleteBatch, lookupBatch, updateBatch, type BatchEntry, type LookupBatchOptions } from './map-batch.js';
import { mapInfoByFd, type KernelMapInfo } from './obj-info.js';
import { OwnedFd } from './owned-fd.js';
import { sysBpf, sysClose } from './syscall.js';
import { BPF_ANY, BpfCmd, BpfMapType, type BpfMapTypeName } from './uapi.js';

/** The fields of BPF_MAP_CREATE (union bpf_attr, map create part). */
export interface MapCreateOptions {
  readonly type: BpfMapTypeName | number;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
  /** BPF_F_NO_PREALLOC, BPF_F_RDONLY_PROG, BPF_F_MMAPABLE... */
  readonly flags?: number;
  /** At most 15 bytes ([A-Za-z0-9_.]), as the kernel requires. */
  readonly name?: string;
  readonly innerMapFd?: number;
  readonly numaNode?: number;
  readonly ifindex?: number;
  readonly btfFd?: number;
  readonly btfKeyTypeId?: number;
  readonly btfValueTypeId?: number;
  readonly btfVmlinuxValueTypeId?: number;
  readonly mapExtra?: bigint;
}

/** The map types whose values the kernel stores once per possible CPU. */
const PER_CPU_TYPES = new Set<number>([
  BpfMapType.BPF_MAP_TYPE_PERCPU_HASH, BpfMapType.BPF_MAP_TYPE_PERCPU_ARRAY,
  BpfMapType.BPF_MAP_TYPE_LRU_PERCPU_HASH, BpfMapType.BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE,
]);

export function mapTypeNumber(type: BpfMapTypeName | number): number {
  return typeof type === 'number' ? type : BpfMapType[type];
}

/** A map living in the kernel, owned through its fd: call close() when done. */
export class KernelMap {
  private readonly owned: OwnedFd;
  readonly type: number;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
  readonly flags: number;
  readonly name: string;

  private constructor(fd: number, options: MapCreateOptions) {
    this.owned = new OwnedFd(fd, 'map');
    this.type = mapTypeNumber(options.type);
    this.keySize = options.keySize;
    this.valueSize = options.valueSize;
    this.maxEntries = options.maxEntries;
    this.flags = options.flags ?? 0;
    this.name = options.name ?? '';
  }

  /** BPF_MAP_CREATE. */
  static create(options: MapCreateOptions): KernelMap {
    const attr = new BpfAttr()
      .u32(0, mapTypeNumber(options.type))
      .u32(4, options.keySize)
      .u32(8, options.valueSize)
      .u32(12, options.maxEntries)
      .u32(16, options.flags ?? 0)
      .u32(20, options.innerMapFd ?? 0)
      .u32(24, options.numaNode ?? 0)
      .name(28, options.name)
      .u32(44, options.ifindex ?? 0)
      .u32(48, options.btfFd ?? 0)
      .u32(52, options.btfKeyTypeId ?? 0)
      .u32(56, options.btfValueTypeId ?? 0)
      .u32(60, options.btfVmlinuxValueTypeId ?? 0)
      .u64(64, options.mapExtra ?? 0n);
    const fd = sysBpf(BpfCmd.BPF_MAP_CREATE, attr);
    // The kernel may keep another max_entries than asked (a per-CPU LRU rounds it to a multiple of the CPUs): its own is the map's.
    let maxEntries = options.maxEntries;
    try {
      maxEntries = mapInfoByFd(fd).maxEntries;
    } catch {
      // No map info (a kernel without BPF_OBJ_GET_INFO_BY_FD): what was asked.
    }
    return new KernelMap(fd, { ...options, maxEntries });
  }

  /**
   * Takes ownership of `fd`, a map fd from BPF_OBJ_GET or
   * BPF_MAP_GET_FD_BY_ID, reading its definition from the kernel.
   */
  static fromFd(fd: number): KernelMap {
    let info: KernelMapInfo;
    try {
      info = mapInfoByFd(fd);
    } catch (err) {
      sysClose(fd);
      throw err;
    }
    return new KernelMap(fd, {
      type: info.type, keySize: info.keySize, valueSize: info.valueSize, maxEntries: info.maxEntries, flags: info.mapFlags, name: info.name,
    });
  }

  get fd(): number {
    return this.owned.fd;
  }

  get closed(): boolean {
    return this.owned.closed;
  }

  /** Bytes of a value as user space reads and writes it: per-CPU maps hold one 8-byte-aligned slot per possible CPU. */
  get userValueSize(): number {
    return PER_CPU_TYPES.has(this.type) ? ((this.valueSize + 7) & ~7) * possibleCpus() : this.valueSize;
  }

  /** BPF_MAP_LOOKUP_ELEM: the value, or undefined when the key is absent (ENOENT). */
  lookup(key: Uint8Array, flags = 0): Uint8Array | undefined {
    this.checkKey(key);
    const value = new Uint8Array(this.userValueSize);
    try {
      sysBpf(BpfCmd.BPF_MAP_LOOKUP_ELEM, this.elemAttr(key, value, flags));
    } catch (err) {
      if (err instanceof KernelError && err.errno === ENOENT) return undefined;
      throw err;
    }
    return value;
  }

  /** BPF_MAP_UPDATE_ELEM with BPF_ANY, BPF_NOEXIST, BPF_EXIST (or BPF_F_LOCK). */
  update(key: Uint8Array, value: Uint8Array, flags = BPF_ANY): void {
    this.checkKey(key);
    if (value.length !== this.userValueSize) {
      throw new KernelError('BPF_MAP_UPDATE_ELEM', EINVAL, `value is ${value.length} bytes, the map takes ${this.userValueSize}`);
    }
    sysBpf(BpfCmd.BPF_MAP_UPDATE_ELEM, this.elemAttr(key, value, flags));
  }

  /** BPF_MAP_DELETE_ELEM: true when deleted, false when the key was absent (ENOENT). */
  delete(key: Uint8Array): boolean {
    this.checkKey(key);
    try {
      sysBpf(BpfCmd.BPF_MAP_DELETE_ELEM, this.elemAttr(key, undefined, 0));
      return true;
    } catch (err) {
      if (err instanceof KernelError && err.errno === ENOENT) return false;
      throw err;
    }
  }

  /** BPF_MAP_GET_NEXT_KEY: the key after `key` (the first key when undefined), or undefined at the end. */
  nextKey(key: Uint8Array | undefined): Uint8Array | undefined {
    if (key) this.checkKey(key);
    const next = new Uint8Array(this.keySize);
    try {
      sysBpf(BpfCmd.BPF_MAP_GET_NEXT_KEY, this.elemAttr(key, next, 0));
    } catch (err) {
      if (err instanceof KernelError && err.errno === ENOENT) return undefined;
      throw err;
    }
    return next;
  }

  /** Every key, in the kernel's iteration order. */
  *keys(): Generator<Uint8Array> {
    for (let key = this.nextKey(undefined); key; key = this.nextKey(key)) yield key;
  }

  /** BPF_MAP_LOOKUP_BATCH: every element, a batch per syscall (see map-batch.ts). */
  lookupBatch(options?: LookupBatchOptions): BatchEntry[] {
    return lookupBatch(this, false, options);
  }

  /** BPF_MAP_LOOKUP_AND_DELETE_BATCH: every element, removed as it is read. */
  lookupAndDeleteBatch(options?: LookupBatchOptions): BatchEntry[] {
    return lookupBatch(this, true, options);
  }

  /** BPF_MAP_UPDATE_BATCH: returns how many elements were written. */
  updateBatch(entries: readonly BatchEntry[], elemFlags = BPF_ANY): number {
    return updateBatch(this, entries, elemFlags);
  }

  /** BPF_MAP_DELETE_BATCH: returns how many keys were deleted. */
  deleteBatch(keys: readonly Uint8Array[]): number {
    return deleteBatch(this, keys);
  }

  /** BPF_OBJ_GET_INFO_BY_FD. */
  info(): KernelMapInfo {
    return mapInfoByFd(this.fd);
  }

  close(): void {
    this.owned.close();
  }

  private elemAttr(key: Uint8Array | undefined, valueOrNext: Uint8Array | undefined, flags: number): BpfAttr {
    return new BpfAttr().u32(0, this.fd).pointer(8, key).pointer(16, valueOrNext).u64(24, BigInt(flags));
  }

  private checkKey(key: Uint8Array): void {
    if (key.length !== this.keySize) {
      throw new KernelError('BPF_MAP_*_ELEM', EINVAL, `key is ${key.length} bytes, the map takes ${this.keySize}`);
    }
  }
}
