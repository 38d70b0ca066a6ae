import type { Btf } from '../btf/btf.js';
import type { MapSpec } from '../elf/object-spec.js';
import { MapError } from '../maps/errors.js';
import { EINVAL } from '../maps/errno.js';
import { BPF_ANY } from '../maps/flags.js';
import type { BpfMap } from '../maps/bpf-map.js';
import type { BackendMap, PerfConsumer, RingConsumer } from './backend.js';
import { MapValueCodec, MapValueError, type MapValue } from './map-value.js';
import { ObjectProgram } from './object-program.js';

/** The map types whose values exist once per CPU. */
const PER_CPU = new Set(['BPF_MAP_TYPE_PERCPU_ARRAY', 'BPF_MAP_TYPE_PERCPU_HASH', 'BPF_MAP_TYPE_LRU_PERCPU_HASH', 'BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE']);

const round8 = (n: number): number => (n + 7) & ~7;
const u32 = (n: number): Uint8Array => new Uint8Array(new Uint32Array([n]).buffer);

/**
 * Byte-level access to a live map, as the bpf() syscall offers it (per-CPU
 * values in the syscall layout: each CPU's value padded to 8 bytes, CPU 0 first).
 */
export interface RawMap {
  lookup(key: Uint8Array): Uint8Array | undefined;
  update(key: Uint8Array, value: Uint8Array, flags?: number): void;
  delete(key: Uint8Array): boolean;
  /** The key after `key` (the first without one), or undefined at the end. */
  nextKey(key?: Uint8Array): Uint8Array | undefined;
  keys(): Uint8Array[];
  entries(): Array<[Uint8Array, Uint8Array]>;
}

/**
 * A map of a loaded object, the same on both backends: keys and values as
 * JavaScript values decoded through the object's BTF (see MapValue),
 * per-CPU values as one value per CPU, and raw bytes through `raw`.
 * Failures throw MapError with the kernel's errno (ENOENT, EEXIST, E2BIG...).
 */
export class ObjectMap {
  readonly raw: RawMap;
  private readonly keyCodec: MapValueCodec;
  private readonly valueCodec: MapValueCodec;

  constructor(private readonly live: BackendMap, btf: Btf | null) {
    const s = live.spec;
    this.keyCodec = new MapValueCodec(btf, s.keyType, s.keySize, s.name, 'key');
    this.valueCodec = new MapValueCodec(btf, s.valueType, s.valueSize, s.name, 'value');
    this.raw = rawMap(live);
  }

  get spec(): MapSpec { return this.live.spec; }
  get name(): string { return this.live.spec.name; }
  /** The kernel's map type name without prefix, lower case: `hash`, `percpu_array`, `lpm_trie`... */
  get type(): string { return this.live.spec.type.replace(/^BPF_MAP_TYPE_/, '').toLowerCase(); }
  get keySize(): number { return this.live.spec.keySize; }
  get valueSize(): number { return this.live.spec.valueSize; }
  /** max_entries of the live map (libbpf's adjustments applied: perf event arrays sized to the CPUs, ring buffers to pages). */
  get maxEntries(): number { return this.live.maxEntries; }
  get flags(): number { return this.live.spec.flags; }
  /** Map id on its backend (kernel map id, or the VM's). */
  get id(): number { return this.live.id; }
  get perCpu(): boolean { return PER_CPU.has(this.live.spec.type); }
  /** Number of values per key of a per-CPU map. */
  get nCpus(): number { return this.live.nCpus; }
  /** Whether the backend map carries BTF types. */
  get hasBtf(): boolean { return this.live.hasBtf; }
  /** What a map of maps takes through bpf() for this map (its fd, or its VM id). */
  get refValue(): number { return this.live.refValue; }
  /** The VM map behind this map (null on the kernel backend): for tsbpf's user-space hooks and event streams. */
  get vmMap(): BpfMap | null { return this.live.vmMap ?? null; }

  /** The value of `key` (per-CPU maps: an array, one per CPU), or undefined. */
  get(key: MapValue): MapValue | undefined {
    const raw = this.live.lookup(this.keyCodec.encode(key));
    return raw === undefined ? undefined : this.decodeValue(raw);
  }

  has(key: MapValue): boolean {
    return this.live.lookup(this.keyCodec.encode(key)) !== undefined;
  }

  /**
   * Sets `key` to `value` (BPF_ANY, BPF_NOEXIST or BPF_EXIST). For per-CPU
   * maps give an array of one value per CPU, or a single value for all CPUs.
   * Prog arrays and maps of maps take the program or map itself (reading
   * them back gives its id, as bpf() does).
   */
  set(key: MapValue, value: MapValue | ObjectMap | ObjectProgram, flags: number = BPF_ANY): void {
    const bytes = value instanceof ObjectMap || value instanceof ObjectProgram ? u32(value.refValue) : this.encodeValue(value);
    this.live.update(this.keyCodec.encode(key), bytes, flags);
  }

  /** Deletes `key`; false when it was not there. */
  delete(key: MapValue): boolean {
    return this.live.delete(this.keyCodec.encode(key));
  }

  keys(): MapValue[] {
    return this.raw.keys().map((k) => this.keyCodec.decode(k));
  }

  entries(): Array<[MapValue, MapValue]> {
    return this.raw.entries().map(([k, v]) => [this.keyCodec.decode(k), this.decodeValue(v)]);
  }

  /** Queue, stack, bloom filter: BPF_MAP_UPDATE_ELEM without a key. */
  push(value: MapValue, flags: number = BPF_ANY): void {
    this.live.update(new Uint8Array(0), this.valueCodec.encode(value), flags);
  }

  /** Queue, stack: removes and returns the next value, or undefined when empty. */
  pop(): MapValue | undefined {
    const raw = this.live.lookupAndDelete(new Uint8Array(0));
    return raw === undefined ? undefined : this.valueCodec.decode(raw);
  }

  /** Queue, stack: the next value without removing it; bloom filter: whether `value` may be in the set. */
  peek(value?: MapValue): MapValue | boolean | undefined {
    if (this.type === 'bloom_filter') {
      if (value === undefined) throw new MapValueError(this.name, 'value', 'a bloom filter peek needs the value to test');
      return this.live.lookup(this.valueCodec.encode(value)) !== undefined;
    }
    const raw = this.live.lookup(new Uint8Array(0));
    return raw === undefined ? undefined : this.valueCodec.decode(raw);
  }

  /**
   * A consumer of this ring buffer: `drain()` what is there, or
   * `for await (const record of map.ringBuffer())` (records as bytes;
   * decode them with the object's BTF or a DataView). close() it when done.
   */
  ringBuffer(): RingConsumer {
    return this.live.ringConsumer();
  }

  /**
   * A consumer of this perf_event_array: one ring of `pageCount` pages per
   * CPU installed in the map (as libbpf's perf_buffer), samples and lost
   * counts by drain() or `for await`. close() it when done.
   */
  perfBuffer(pageCount = 8): PerfConsumer {
    return this.live.perfConsumer(pageCount);
  }

  /** BPF_MAP_FREEZE: the host can no longer change the map. */
  freeze(): void {
    this.live.freeze();
  }

  /** Per-CPU maps: each CPU's value bytes from the syscall layout. */
  splitPerCpu(raw: Uint8Array): Uint8Array[] {
    const stride = round8(this.valueSize);
    return Array.from({ length: this.nCpus }, (_, cpu) => raw.slice(cpu * stride, cpu * stride + this.valueSize));
  }

  private decodeValue(raw: Uint8Array): MapValue {
    if (!this.perCpu) return this.valueCodec.decode(raw);
    return this.splitPerCpu(raw).map((v) => this.valueCodec.decode(v));
  }

  private encodeValue(value: MapValue): Uint8Array {
    if (!this.perCpu) return this.valueCodec.encode(value);
    const stride = round8(this.valueSize);
    const size = stride * this.nCpus;
    if (value instanceof Uint8Array && value.length === size && size !== this.valueSize) return value;
    const list = Array.isArray(value)
      && (!this.valueCodec.isArray || value.every((v) => Array.isArray(v) || typeof v === 'string' || v instanceof Uint8Array));
    if (list && (value as readonly MapValue[]).length !== this.nCpus) {
      throw new MapError(this.name, 'update', EINVAL, `${(value as readonly MapValue[]).length} values for ${this.nCpus} CPUs`);
    }
    const out = new Uint8Array(size);
    for (let cpu = 0; cpu < this.nCpus; cpu++) {
      out.set(this.valueCodec.encode(list ? (value as readonly MapValue[])[cpu] : value), cpu * stride);
    }
    return out;
  }
}

function rawMap(live: BackendMap): RawMap {
  const keys = (): Uint8Array[] => {
    const out: Uint8Array[] = [];
    const guard = live.maxEntries + 1;
    for (let k = live.nextKey(undefined); k !== undefined && out.length < guard; k = live.nextKey(k)) out.push(k);
    return out;
  };
  return {
    lookup: (key) => live.lookup(key),
    update: (key, value, flags = BPF_ANY) => live.update(key, value, flags),
    delete: (key) => live.delete(key),
    nextKey: (key) => live.nextKey(key),
    keys,
    entries: () => {
      const out: Array<[Uint8Array, Uint8Array]> = [];
      for (const k of keys()) {
        const v = live.lookup(k);
        if (v !== undefined) out.push([k, v]);
      }
      return out;
    },
  };
}
