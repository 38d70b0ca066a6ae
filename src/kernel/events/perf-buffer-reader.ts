import { KernelError } from '../errors.js';
import { MappedRegion, PROT_READ, PROT_WRITE, systemPageSize } from '../libc/mapped-region.js';
import { onlineCpus } from '../libc/online-cpus.js';
import {
  PERF_COUNT_SW_BPF_OUTPUT, PERF_EVENT_IOC_DISABLE, PERF_EVENT_IOC_ENABLE, PERF_SAMPLE_RAW, PERF_TYPE_SOFTWARE, perfEventOpen, perfIoctl,
} from '../libc/perf-event.js';
import { sysClose } from '../syscall.js';
import { BpfMapType } from '../uapi.js';
import { epollWaiter } from './epoll-waiter.js';
import { EventReaderError } from './ring-buffer-reader.js';

/** perf_event_header types (enum perf_event_type). */
const PERF_RECORD_LOST = 2;
const PERF_RECORD_SAMPLE = 9;
/** struct perf_event_mmap_page: data_head, data_tail, data_offset, data_size. */
const DATA_HEAD = 1024;
const DATA_TAIL = 1032;
const DATA_OFFSET = 1040;
const DATA_SIZE = 1048;

/** What a reader needs of a BPF_MAP_TYPE_PERF_EVENT_ARRAY map (a KernelMap has it). */
export interface PerfEventArrayMap {
  readonly fd: number;
  readonly type: number;
  readonly maxEntries: number;
  readonly name: string;
  update(key: Uint8Array, value: Uint8Array): void;
  delete(key: Uint8Array): boolean;
}

/** One record from a CPU's perf ring: a sample bpf_perf_event_output() wrote, or how many were lost. */
export type PerfRecord =
  | { readonly type: 'sample'; readonly cpu: number; readonly data: Uint8Array }
  | { readonly type: 'lost'; readonly cpu: number; readonly lost: number };

export interface PerfBufferOptions {
  /** Data pages per CPU, a power of 2 (default 8, as libbpf's examples). */
  readonly pageCount?: number;
  /** Which CPUs (default every online CPU). */
  readonly cpus?: readonly number[];
}

/** One CPU's BPF output perf event and its mapped ring. */
interface CpuRing {
  readonly cpu: number;
  readonly fd: number;
  readonly region: MappedRegion;
  readonly meta: DataView;
  readonly data: Uint8Array;
}

const u32 = (n: number): Uint8Array => new Uint8Array(new Uint32Array([n]).buffer);

/**
 * Consumer of a BPF_MAP_TYPE_PERF_EVENT_ARRAY, as libbpf's perf_buffer: on
 * each CPU a PERF_COUNT_SW_BPF_OUTPUT event with PERF_SAMPLE_RAW, its ring
 * mapped, and its fd stored in the map at the CPU's index, so that
 * bpf_perf_event_output(ctx, &map, BPF_F_CURRENT_CPU, ...) lands there.
 * Samples come out per CPU in order; PERF_RECORD_LOST records say how many
 * the kernel dropped while a ring was full (`lost` sums them). Waiting goes
 * through epoll. close() removes the map entries and releases everything.
 */
export class PerfBufferReader implements AsyncIterable<PerfRecord> {
  private rings: CpuRing[] = [];
  private queue: PerfRecord[] = [];
  private closing = false;
  /** Samples the kernel dropped because a ring was full, over all CPUs. */
  lost = 0;

  constructor(private readonly map: PerfEventArrayMap, options: PerfBufferOptions = {}) {
    if (map.type !== BpfMapType.BPF_MAP_TYPE_PERF_EVENT_ARRAY) {
      throw new EventReaderError(`map ${map.name || `fd ${map.fd}`} is not a BPF_MAP_TYPE_PERF_EVENT_ARRAY`);
    }
    const pageCount = options.pageCount ?? 8;
    if (!Number.isInteger(pageCount) || pageCount <= 0 || (pageCount & (pageCount - 1)) !== 0) {
      throw new EventReaderError(`pageCount ${pageCount} is not a power of 2`);
    }
    const page = systemPageSize();
    try {
      for (const cpu of options.cpus ?? onlineCpus()) {
        if (cpu >= map.maxEntries) throw new EventReaderError(`CPU ${cpu} is past the map's ${map.maxEntries} entries`);
        this.rings.push(this.openCpu(cpu, page, pageCount));
      }
    } catch (err) {
      this.close();
      throw err;
    }
  }

  private openCpu(cpu: number, page: number, pageCount: number): CpuRing {
    const fd = perfEventOpen({
      type: PERF_TYPE_SOFTWARE,
      config: BigInt(PERF_COUNT_SW_BPF_OUTPUT),
      sampleType: BigInt(PERF_SAMPLE_RAW),
      samplePeriod: 1n,
      wakeupEvents: 1,
    }, -1, cpu, `BPF output event on CPU ${cpu}`);
    let region: MappedRegion;
    try {
      region = new MappedRegion(fd, page * (1 + pageCount), PROT_READ | PROT_WRITE, 0, `perf ring of CPU ${cpu}`);
    } catch (err) {
      sysClose(fd);
      throw err;
    }
    const meta = new DataView(region.buffer, 0, page);
    const offset = Number(meta.getBigUint64(DATA_OFFSET, true)) || page;
    const size = Number(meta.getBigUint64(DATA_SIZE, true)) || page * pageCount;
    const ring: CpuRing = { cpu, fd, region, meta, data: new Uint8Array(region.buffer, offset, size) };
    try {
      this.map.update(u32(cpu), u32(fd));
      perfIoctl(fd, PERF_EVENT_IOC_ENABLE, 0, 'PERF_EVENT_IOC_ENABLE');
    } catch (err) {
      region.unmap();
      sysClose(fd);
      throw err;
    }
    return ring;
  }

  get closed(): boolean {
    return this.closing;
  }

  /** Reads every record available now on every CPU. */
  drain(): PerfRecord[] {
    if (this.closing && this.rings.length === 0) return this.queue.splice(0);
    for (const ring of this.rings) this.readRing(ring);
    return this.queue.splice(0);
  }

  private readRing(ring: CpuRing): void {
    const { meta, data } = ring;
    const size = data.length;
    const head = meta.getBigUint64(DATA_HEAD, true);
    let tail = meta.getBigUint64(DATA_TAIL, true);
    while (tail < head) {
      const start = Number(tail % BigInt(size));
      const header = copyWrapped(data, start, 8);
      const hv = new DataView(header.buffer);
      const type = hv.getUint32(0, true);
      const length = hv.getUint16(6, true);
      if (length < 8) break; // a corrupt header: stop rather than spin
      const record = copyWrapped(data, start, length);
      const rv = new DataView(record.buffer);
      if (type === PERF_RECORD_SAMPLE) {
        const rawSize = rv.getUint32(8, true);
        this.queue.push({ type: 'sample', cpu: ring.cpu, data: record.slice(12, 12 + Math.min(rawSize, length - 12)) });
      } else if (type === PERF_RECORD_LOST) {
        const lost = Number(rv.getBigUint64(16, true));
        this.lost += lost;
        this.queue.push({ type: 'lost', cpu: ring.cpu, lost });
      }
      tail += BigInt(length);
    }
    meta.setBigUint64(DATA_TAIL, tail, true);
  }

  /** The next record, waiting for one; undefined once the reader is closed. */
  async read(): Promise<PerfRecord | undefined> {
    for (;;) {
      if (this.queue.length > 0) return this.queue.shift();
      if (this.rings.length === 0) return undefined;
      this.queue.push(...this.drain());
      if (this.queue.length > 0) continue;
      const waiter = epollWaiter();
      await Promise.race(this.rings.map((r) => waiter.readable(r.fd)));
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<PerfRecord> {
    for (;;) {
      const record = await this.read();
      if (record === undefined) return;
      yield record;
    }
  }

  /** Removes the map entries, stops the events, unmaps the rings and closes their fds. */
  close(): void {
    this.closing = true;
    const rings = this.rings;
    this.rings = [];
    let failure: unknown;
    for (const ring of rings) {
      try {
        epollWaiter().remove(ring.fd);
        perfIoctl(ring.fd, PERF_EVENT_IOC_DISABLE, 0, 'PERF_EVENT_IOC_DISABLE');
        // The map entry holds the perf event: remove it, unless the map is gone already.
        try {
          this.map.delete(u32(ring.cpu));
        } catch (err) {
          if (!(err instanceof KernelError) || err.code !== 'EBADF') throw err;
        }
      } catch (err) {
        failure ??= err;
      } finally {
        ring.region.unmap();
        sysClose(ring.fd);
      }
    }
    if (failure !== undefined) throw failure;
  }
}

/** `length` bytes of the ring from `start`, wrapping at its end. */
function copyWrapped(data: Uint8Array, start: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  const first = Math.min(length, data.length - start);
  out.set(data.subarray(start, start + first));
  if (first < length) out.set(data.subarray(0, length - first), first);
  return out;
}
