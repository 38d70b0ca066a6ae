import { TsbpfError } from '../../errors.js';
import { MappedRegion, PROT_READ, PROT_WRITE, systemPageSize } from '../libc/mapped-region.js';
import { BPF_RINGBUF_BUSY_BIT, BPF_RINGBUF_DISCARD_BIT, BPF_RINGBUF_HDR_SZ } from '../../uapi/flags.js';
import { BpfMapType } from '../uapi.js';
import { epollWaiter } from './epoll-waiter.js';

/** What a reader needs of a BPF_MAP_TYPE_RINGBUF map (a KernelMap has it). */
export interface RingBufferMap {
  readonly fd: number;
  readonly type: number;
  /** The ring's data size in bytes (a power of 2 multiple of the page size). */
  readonly maxEntries: number;
  readonly name: string;
}

/** A reader was used after close(), or the map is not a ring buffer. */
export class EventReaderError extends TsbpfError {}

/**
 * Consumer of a BPF_MAP_TYPE_RINGBUF map, as libbpf's ring_buffer: the
 * consumer position page mapped read-write, the producer page and the data
 * pages (mapped twice by the kernel, so records that wrap stay contiguous)
 * read-only. Records come out in commit order, as copies; discarded ones
 * are skipped. Waiting goes through epoll, never a polling loop: iterate
 * with `for await (const record of reader)`, or take what is there with
 * drain(). close() unmaps and stops waiting.
 */
export class RingBufferReader implements AsyncIterable<Uint8Array> {
  private consumer: MappedRegion | undefined;
  private producer: MappedRegion | undefined;
  private consumerView: DataView | undefined;
  private producerView: DataView | undefined;
  private data: Uint8Array | undefined;
  private readonly mask: number;
  private readonly fd: number;

  constructor(map: RingBufferMap) {
    if (map.type !== BpfMapType.BPF_MAP_TYPE_RINGBUF) throw new EventReaderError(`map ${map.name || `fd ${map.fd}`} is not a BPF_MAP_TYPE_RINGBUF`);
    const page = systemPageSize();
    this.fd = map.fd;
    this.mask = map.maxEntries - 1;
    this.consumer = new MappedRegion(map.fd, page, PROT_READ | PROT_WRITE, 0, `ring buffer ${map.name} consumer page`);
    try {
      this.producer = new MappedRegion(map.fd, page + 2 * map.maxEntries, PROT_READ, page, `ring buffer ${map.name} data pages`);
    } catch (err) {
      this.consumer.unmap();
      throw err;
    }
    this.consumerView = new DataView(this.consumer.buffer);
    this.producerView = new DataView(this.producer.buffer, 0, page);
    this.data = new Uint8Array(this.producer.buffer, page);
  }

  get closed(): boolean {
    return this.data === undefined;
  }

  /** Bytes committed or reserved and not yet consumed. */
  get pendingBytes(): number {
    const { consumerView, producerView } = this.views();
    return Number(producerView.getBigUint64(0, true) - consumerView.getBigUint64(0, true));
  }

  /** Consumes and returns the committed records available now (at most `limit`). */
  drain(limit = Infinity): Uint8Array[] {
    const out: Uint8Array[] = [];
    const { consumerView, producerView, data } = this.views();
    let consumed = Number(consumerView.getBigUint64(0, true));
    const produced = Number(producerView.getBigUint64(0, true));
    const dataView = new DataView(data.buffer, data.byteOffset, data.byteLength);
    while (consumed < produced && out.length < limit) {
      const at = consumed & this.mask;
      const header = dataView.getUint32(at, true);
      if ((header & BPF_RINGBUF_BUSY_BIT) !== 0) break; // reserved, not yet committed: later records wait for it
      const length = (header & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT)) >>> 0;
      if ((header & BPF_RINGBUF_DISCARD_BIT) === 0) out.push(data.slice(at + BPF_RINGBUF_HDR_SZ, at + BPF_RINGBUF_HDR_SZ + length));
      consumed += (length + BPF_RINGBUF_HDR_SZ + 7) & ~7;
      consumerView.setBigUint64(0, BigInt(consumed), true);
    }
    return out;
  }

  /** The next record, waiting for one; undefined once the reader is closed. */
  async read(): Promise<Uint8Array | undefined> {
    for (;;) {
      if (this.closed) return undefined;
      const [record] = this.drain(1);
      if (record) return record;
      await epollWaiter().readable(this.fd);
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      const record = await this.read();
      if (record === undefined) return;
      yield record;
    }
  }

  /** Stops waiting and unmaps the ring (the map itself belongs to its owner). */
  close(): void {
    if (this.closed) return;
    this.data = undefined;
    this.consumerView = undefined;
    this.producerView = undefined;
    epollWaiter().remove(this.fd);
    this.consumer?.unmap();
    this.producer?.unmap();
    this.consumer = undefined;
    this.producer = undefined;
  }

  private views(): { consumerView: DataView; producerView: DataView; data: Uint8Array } {
    if (!this.data || !this.consumerView || !this.producerView) throw new EventReaderError('ring buffer reader is closed');
    return { consumerView: this.consumerView, producerView: this.producerView, data: this.data };
  }
}
